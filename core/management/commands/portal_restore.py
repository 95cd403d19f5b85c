"""``manage.py portal_restore BACKUP``: restore a backup (core.backups) into the empty database and
media folder the settings name, then check every table's rows and every file against the backup;
``--verify-only`` compares without restoring. Exits non-zero when anything is missing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a portal_backup folder into an empty database and media folder, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup's folder (jvportal-<time>).")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Compare the live data with the backup; restore nothing.",
        )

    def handle(self, *args, backup, verify_only=False, **options):
        try:
            if verify_only:
                report = backup_verify(backup=Path(backup))
            else:
                report = backup_restore(backup=Path(backup))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for problem in report.missing:
            self.stderr.write(problem)
        if not report.complete:
            raise CommandError(f"{len(report.missing)} differences from the backup.")
        self.stdout.write(
            f"{report.tables} tables, {report.rows} rows and {report.files} files: all present."
        )

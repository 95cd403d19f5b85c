"""``manage.py portal_backup [--output DIR] [--keep N]``: back up the database and the uploaded files
(see core.backups); prints the backup's folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder under --output."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default="var/backups", help="Folder for the backups (default var/backups)."
        )
        parser.add_argument("--keep", type=int, help="Delete the oldest backups there beyond this many.")

    def handle(self, *args, output, keep=None, **options):
        try:
            path = backup_create(destination=Path(output), keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))

"""Report what operations need to know: database, cache, broker and the periodic processes."""

from django.core.management.base import BaseCommand, CommandError

from notifications.health import STALE_AFTER, health_report


class Command(BaseCommand):
    help = "Check the database, the cache, the broker and the beat/worker heartbeat; exit non-zero when unhealthy."

    def handle(self, *args, **options):
        report = health_report()
        self.stdout.write(f"database: ok ({report['database']})")
        self.stdout.write(f"cache: {'ok' if report['cache'] else 'FAILED'}")
        self.stdout.write(f"broker: {'ok' if report['broker'] else 'FAILED'}")
        age = report["heartbeat_age_seconds"]
        if age is None:
            self.stdout.write("beat+worker: no heartbeat yet")
        else:
            state = "ok" if age <= STALE_AFTER.total_seconds() else "STALE"
            self.stdout.write(f"beat+worker: {state} (last {age} s ago)")
        self.stdout.write(
            "outbox: {pending} pending ({overdue} overdue), {failed} failed, {digest} waiting for the digest".format(
                **report["outbox"]
            )
        )
        self._calendar(report["calendar"])
        if report["problems"]:
            raise CommandError("unhealthy: " + ", ".join(report["problems"]))

    def _calendar(self, status) -> None:
        """Warn (without failing) while next year's official schedule is not in the calendar."""
        next_year = status["year"]
        if not status["holidays"]:
            self.stdout.write(
                f"calendar {next_year}: WARNING no days off recorded; enter the official schedule in the "
                "admin (Working-day calendar) or upgrade the holidays package and run calendar_refresh"
            )
        elif not status["workdays"]:
            self.stdout.write(
                f"calendar {next_year}: WARNING {status['holidays']} days off but no make-up working days "
                "(调休) yet; enter them in the admin once the official schedule is published"
            )
        else:
            self.stdout.write(
                f"calendar {next_year}: ok ({status['holidays']} days off, {status['workdays']} worked weekend days)"
            )

"""Report what operations need to know: database, cache/broker and the periodic processes."""

import datetime

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.holiday_seed import calendar_year_status
from core.models import Heartbeat
from notifications.services import outbox_backlog

STALE_AFTER = datetime.timedelta(minutes=5)


class Command(BaseCommand):
    help = "Check the database, the cache and the beat/worker heartbeat; exit non-zero when unhealthy."

    def handle(self, *args, **options):
        problems = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        self.stdout.write(f"database: ok ({connection.vendor})")
        try:
            cache.set("portal_health", "ok", 10)
            ok = cache.get("portal_health") == "ok"
        except Exception as exc:  # a down Redis raises connection errors of its own
            ok = False
            self.stdout.write(f"cache: {exc}")
        self.stdout.write(f"cache: {'ok' if ok else 'FAILED'}")
        if not ok:
            problems.append("cache")
        beat = Heartbeat.objects.filter(name="beat+worker").first()
        if beat is None:
            self.stdout.write("beat+worker: no heartbeat yet")
            problems.append("heartbeat")
        else:
            age = timezone.now() - beat.beat_at
            state = "ok" if age <= STALE_AFTER else "STALE"
            self.stdout.write(f"beat+worker: {state} (last {int(age.total_seconds())} s ago)")
            if age > STALE_AFTER:
                problems.append("heartbeat")
        backlog = outbox_backlog()
        self.stdout.write(
            "outbox: {pending} pending ({overdue} overdue), {failed} failed, {digest} waiting for the digest".format(
                **backlog
            )
        )
        if backlog["overdue"]:
            problems.append("outbox overdue")
        self._calendar()
        if problems:
            raise CommandError("unhealthy: " + ", ".join(problems))

    def _calendar(self) -> None:
        """Warn (without failing) while next year's official schedule is not in the calendar."""
        next_year = timezone.localdate().year + 1
        status = calendar_year_status(next_year)
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

"""``manage.py calendar_refresh [YEAR ...]``: seed the working-day calendar (see core.holiday_seed)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.holiday_seed import calendar_refresh


class Command(BaseCommand):
    help = "Seed the working-day calendar from the holidays package without overwriting admins' entries."

    def add_arguments(self, parser):
        parser.add_argument(
            "years", nargs="*", type=int, help="Years to refresh (default: last, this and next)."
        )

    def handle(self, *args, years=None, **options):
        if not years:
            this = timezone.localdate().year
            years = [this - 1, this, this + 1]
        counts = calendar_refresh(years=years)
        self.stdout.write(
            f"calendar {min(years)}-{max(years)}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )

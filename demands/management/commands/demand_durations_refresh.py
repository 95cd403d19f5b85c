"""``manage.py demand_durations_refresh [--since YYYY-MM-DD]``: recompute the working-day durations
stored on demands after the working-day calendar changed (see demands/durations.py)."""

import datetime

from django.core.management.base import BaseCommand

from demands.services import demand_durations_refresh


class Command(BaseCommand):
    help = "Recompute the working days demands took to be acknowledged and resolved (for the SLA report)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="The first calendar day that changed (default: recompute every demand).",
        )

    def handle(self, *args, since=None, **options):
        changed = demand_durations_refresh(since=since)
        self.stdout.write(f"demands whose durations changed: {changed}")

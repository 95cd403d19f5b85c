"""Seed the working-day calendar for last, this and next year (idempotent; admins' rows kept)."""

from django.utils import timezone

from core.holiday_seed import calendar_refresh


def seed(ctx: dict) -> None:
    this = timezone.localdate().year
    calendar_refresh(years=[this - 1, this, this + 1])

"""Seed the working-day calendar for last, this and next year (idempotent; admins' rows kept)."""

from django.utils import timezone

from core.holiday_seed import calendar_refresh


def seed(ctx: dict) -> None:
    this = timezone.localdate().year
    calendar_refresh(years=[this - 1, this, this + 1])


def write_logins(out, logins, password: str) -> None:
    """The demo logins as `make run` and `seed_demo` print them."""
    out.write(f"Demo logins (password for all: {password}):")
    for username, what in logins:
        out.write(f"  {username:<7} {what}")

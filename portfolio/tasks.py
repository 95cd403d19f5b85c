"""The portfolio's weekly job; it calls one service and is safe to run twice."""

from celery import shared_task

from .services import leadership_weekly_digest


@shared_task(ignore_result=True)
def leadership_weekly_digest_task() -> int:
    """Send leadership the week's digest (once per person and week)."""
    return leadership_weekly_digest()

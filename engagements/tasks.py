"""The engagements' daily job; it calls one service and is safe to run twice."""

from celery import shared_task

from .services import engagements_daily


@shared_task(ignore_result=True)
def engagements_daily_task() -> dict:
    """Remind of commitments due and overdue, and of JVs past their contact target."""
    return engagements_daily()

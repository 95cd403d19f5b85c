"""The annual research's daily job; it calls one service and is safe to run twice."""

from celery import shared_task

from .services import research_daily


@shared_task(ignore_result=True)
def research_daily_task() -> dict:
    """Open the year's research (once the campaign's day has come) and remind of what is due."""
    return research_daily()

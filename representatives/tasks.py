"""Periodic jobs of the representatives app; each calls one service and is safe to run twice."""

from celery import shared_task

from .services import appointment_terms_sweep, meeting_instructions_sweep, reports_daily


@shared_task(ignore_result=True)
def appointment_terms_sweep_task() -> dict:
    """Tell representatives and their JV's liaison about terms ending in 90 and 30 days."""
    return appointment_terms_sweep()


@shared_task(ignore_result=True)
def meeting_instructions_sweep_task() -> dict:
    """Warn HQ before voting instructions are due; escalate when they are late."""
    return meeting_instructions_sweep()


@shared_task(ignore_result=True)
def reports_daily_task() -> dict:
    """Open the period's reports and remind of those due and overdue."""
    return reports_daily()

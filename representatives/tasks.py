"""Periodic jobs of the representatives app."""

from celery import shared_task

from .services import appointment_terms_sweep


@shared_task(ignore_result=True)
def appointment_terms_sweep_task() -> dict:
    """Tell representatives and their JV's liaison about terms ending in 90 and 30 days."""
    return appointment_terms_sweep()

"""Periodic jobs of the demands app: thin wrappers that call the services."""

from celery import shared_task

from .services import demand_autoclose_sweep, demand_deadlines_sweep


@shared_task(ignore_result=True)
def demand_deadlines_sweep_task() -> dict:
    """Warn before acknowledge-by and resolve-by; climb the escalation ladder when late."""
    return demand_deadlines_sweep()


@shared_task(ignore_result=True)
def demand_autoclose_sweep_task() -> dict:
    """Close resolved demands that nobody rated in time."""
    return demand_autoclose_sweep()

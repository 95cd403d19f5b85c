"""Periodic housekeeping tasks. Thin: they call a service and own their retry policy."""

from celery import shared_task
from django.core.management import call_command

from .services import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat_record_task() -> None:
    """Beat sends this every minute; a worker records it, proving both are alive."""
    heartbeat_record(name="beat+worker")


@shared_task(ignore_result=True)
def sessions_clear_task() -> None:
    """Delete expired sessions."""
    call_command("clearsessions")


@shared_task(ignore_result=True)
def calendar_refresh_task() -> None:
    """Re-seed the working-day calendar from the holiday package (admins' rows are kept)."""
    call_command("calendar_refresh")

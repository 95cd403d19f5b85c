"""Celery tasks of the outbox: thin wrappers over the services."""

from celery import shared_task

from .services import send_digests, send_pending


@shared_task(ignore_result=True)
def notifications_send_task() -> dict:
    """Send every due notification email (also runs every minute from beat)."""
    return send_pending()


@shared_task(ignore_result=True)
def notifications_digest_task() -> int:
    """Send each person who chose it one digest email."""
    return send_digests()

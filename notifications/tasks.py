"""Celery tasks of the outbox: thin wrappers over the services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .services import digest_cutoff, send_digests, send_pending

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def notifications_send_task() -> dict:
    """Send every due notification email (also runs every minute from beat).

    At the soft time limit the row in hand is rolled back untouched and the run stops; the next
    run goes on from there.
    """
    try:
        return send_pending()
    except SoftTimeLimitExceeded:
        logger.warning("the email sender reached its soft time limit; the next run goes on")
        return {"stopped": 1}


@shared_task(ignore_result=True)
def notifications_digest_task() -> int:
    """Send each person who chose it one digest email a day (beat runs this several times a day:
    what was waiting at the digest's time goes once, by whichever run comes first)."""
    try:
        return send_digests(created_before=digest_cutoff())
    except SoftTimeLimitExceeded:
        logger.warning("the digest reached its soft time limit; the next run goes on")
        return 0

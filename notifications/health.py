"""The portal's health, one way for the command (``portal_health``) and the HTTP endpoint
(``/health/``): the database, the cache, the broker, the beat+worker heartbeat, the e-mail outbox
and next year's calendar. Nothing in it is a secret (no addresses, no credentials)."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from core.holiday_seed import calendar_year_status
from core.models import Heartbeat

from .services import outbox_backlog

STALE_AFTER = datetime.timedelta(minutes=5)


def _cache_ok() -> bool:
    try:
        cache.set("portal_health", "ok", 10)
        return cache.get("portal_health") == "ok"
    except Exception:  # a down Redis raises connection errors of its own
        return False


def _broker_ok() -> bool:
    from jvportal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
        return True
    except Exception:  # kombu's errors differ per transport
        return False


def health_report(*, now=None) -> dict:
    """Each check's state, and ``problems``: what makes the portal unhealthy (a failed e-mail waits
    for an admin and a missing calendar year is a warning: neither is a problem here)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="beat+worker").first()
    age = None if beat is None else int((now - beat.beat_at).total_seconds())
    next_year = timezone.localdate(now).year + 1
    calendar = calendar_year_status(next_year)
    report = {
        "database": connection.vendor,
        "cache": _cache_ok(),
        "broker": _broker_ok(),
        "heartbeat_age_seconds": age,
        "outbox": outbox_backlog(now=now),
        "calendar": {"year": next_year, **calendar},
    }
    problems = []
    if not report["cache"]:
        problems.append("cache")
    if not report["broker"]:
        problems.append("broker")
    if age is None or age > STALE_AFTER.total_seconds():
        problems.append("heartbeat")
    if report["outbox"]["overdue"]:
        problems.append("outbox overdue")
    report["problems"] = problems
    return report

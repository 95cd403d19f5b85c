"""The demo's notifications read like a portfolio in mid-year: the story's earlier news already read
and mailed, each person's latest few still waiting in the bell, and nothing queued to mail at start.

``seed`` notes where the demo's notifications begin; ``finish`` (after every app has seeded) settles
those, and only those: a second run creates none, so it changes nothing.
"""

from django.db.models import Max
from django.utils import timezone

from .models import EmailStatus, Notification

UNREAD_PER_PERSON = 3


def seed(ctx: dict) -> None:
    ctx["notifications_from"] = Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def finish(ctx: dict) -> None:
    demo = Notification.objects.filter(pk__gt=ctx.get("notifications_from", 0))
    now = timezone.now()
    demo.filter(email_status__in=[EmailStatus.PENDING, EmailStatus.DIGEST]).update(
        email_status=EmailStatus.SENT, emailed_at=now
    )
    keep: list[int] = []
    for user_id in demo.values_list("recipient_id", flat=True).distinct().order_by():
        keep += list(
            demo.filter(recipient_id=user_id).order_by("-pk").values_list("pk", flat=True)[:UNREAD_PER_PERSON]
        )
    demo.filter(read_at__isnull=True).exclude(pk__in=keep).update(read_at=now)

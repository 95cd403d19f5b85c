"""Reads of the outbox, always the viewer's own rows."""

from .models import Notification


def notification_list(*, user, unread_only: bool = False):
    rows = Notification.objects.visible_to(user)
    return rows.unread() if unread_only else rows


def unread_count(*, user) -> int:
    return Notification.objects.visible_to(user).unread().count()

"""Writes on users and on their sign-in locks."""

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.db import transaction
from django.db.models import Q

from core.security_log import security_event
from core.services import require, save_with_history

from .models import User


def user_set_language(*, user: User, language: str) -> User:
    """Remember the portal language a user chose."""
    with transaction.atomic():
        user.language = language
        return save_with_history(instance=user, actor=user, update_fields=["language"])


def login_locks_lift(*, attempts: Iterable[AccessAttempt], actor, request=None) -> int:
    """Lift the lock-outs of the given failed-sign-in records: forget every failed sign-in of their
    usernames and of their addresses. Return how many records went."""
    require(actor is not None and actor.has_perm("axes.delete_accessattempt"))
    pairs = sorted({(attempt.username or "", attempt.ip_address or "") for attempt in attempts})
    removed = 0
    with transaction.atomic():
        for username, address in pairs:
            match = Q(pk__in=[])
            if username:
                match |= Q(username=username)
            if address:
                match |= Q(ip_address=address)
            removed += AccessAttempt.objects.filter(match).delete()[0]
    for username, address in pairs:
        security_event(
            "unlock", request=request, user=actor, unlocked_username=username, unlocked_address=address
        )
    return removed

"""Writes on users."""

from django.db import transaction

from core.services import save_with_history

from .models import User


def user_set_language(*, user: User, language: str) -> User:
    """Remember the portal language a user chose."""
    with transaction.atomic():
        user.language = language
        return save_with_history(instance=user, actor=user, update_fields=["language"])

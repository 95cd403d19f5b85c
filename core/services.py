"""Service helpers shared by every app: one transaction per call, optimistic locking, history."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

CONCURRENT_EDIT_MESSAGE = _(
    "Someone else changed this record while you were editing it. Your input is kept below: "
    "review the current values (reload the page in another tab) and save again."
)


class ConcurrentEditError(ValidationError):
    """The row changed after the form was rendered."""

    def __init__(self):
        super().__init__(CONCURRENT_EDIT_MESSAGE, code="concurrent_edit")


def save_with_history(*, instance: models.Model, actor, update_fields: Iterable[str] | None = None):
    """Validate and save ``instance``, naming ``actor`` in its history entry."""
    instance.full_clean()
    instance._history_user = actor
    if update_fields is None:
        instance.save()
    else:
        instance.save(update_fields=list(update_fields))
    return instance


def versioned_update(*, instance: models.Model, actor, data: dict, expected_version: int | None):
    """Apply ``data`` to ``instance`` if nobody saved it since ``expected_version``.

    Lock the row, compare versions, validate the whole row, save only the changed fields and bump
    the version. Must run inside the caller's transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("versioned_update must run inside transaction.atomic()")
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError()
    changed = {name: value for name, value in data.items() if getattr(locked, name) != value}
    if not changed:
        # Nothing to record, and no reason to refuse a colleague's open form.
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.version += 1
    field_names = [type(instance)._meta.get_field(name).name for name in changed]
    save_with_history(instance=locked, actor=actor, update_fields=[*field_names, "version", "updated_at"])
    return locked


def heartbeat_record(*, name: str) -> None:
    """Record that the periodic process ``name`` is alive now."""
    from django.utils import timezone

    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})

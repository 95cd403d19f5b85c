"""Service helpers shared by every app: one transaction per call, optimistic locking, history.

Every service that changes a record follows the same steps, with one helper each:

- ``ensure_visible(instance, actor)``: the actor may see the record at all (``visible_to``), else
  ``PermissionDenied``; ``require(rule(actor, ...))`` then checks the action's own rule (an app's
  ``permissions.py``). An ``actor`` of None is the portal itself (a scheduled job, the demo).
- ``lock_row(queryset, pk, expected_version=...)``: lock the row for the rest of the transaction
  and refuse a stale page (``ConcurrentEditError``).
- ``save_versioned(instance, actor=..., fields=...)``: validate, bump the version, save only
  ``fields``, and name the actor in the history.
- ``versioned_update``: the three above for a plain edit of a form's fields.
"""

import datetime
import decimal
import json
import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
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


def record_history_in_bulk(model: type[models.Model], pks: list, *, at, actor=None) -> None:
    """One history entry ("changed", naming ``actor``) per row of ``model`` in ``pks``, as their
    rows stand now: the set-based counterpart of ``save_with_history`` for a sweep that changed a
    batch with one UPDATE. A single ``INSERT ... SELECT`` copies the rows inside the database, so
    no row is built in Python (django-simple-history's own bulk helper builds and inserts each)."""
    if not pks:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    own = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    columns = [*own, "history_date", "history_change_reason", "history_type", "history_user_id"]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"SELECT {', '.join(map(quote, own))}, %s, NULL, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(pks))})"
    )
    params = [connection.ops.adapt_datetimefield_value(at), "~", getattr(actor, "pk", None), *pks]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_for_each(model: type[models.Model], parent: str, pks: list, **values) -> None:
    """One new row of ``model`` per id in ``pks`` (the foreign key ``parent`` set to it), every other
    column as ``values`` and the fields' defaults give it: the set-based counterpart of
    ``bulk_create`` for a sweep that writes the same entry on each row of a batch. A single
    ``INSERT ... SELECT`` over the parent's rows (in id order), so no object is built, no value is
    converted and no parameter is sent per row (``bulk_create`` spent two thirds of the
    auto-close sweep's Python time on 1,000 identical objects a batch)."""
    if not pks:
        return
    parent_field = model._meta.get_field(parent)
    prototype = model(**values)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f is not parent_field]
    quote = connection.ops.quote_name
    target = parent_field.related_model
    pk_column = quote(target._meta.pk.column)
    columns = [parent_field.column, *(f.column for f in fields)]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"SELECT {pk_column}, {', '.join(['%s'] * len(fields))} FROM {quote(target._meta.db_table)} "
        f"WHERE {pk_column} IN ({', '.join(['%s'] * len(pks))}) ORDER BY {pk_column}"
    )
    params = [f.get_db_prep_save(f.pre_save(prototype, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *pks])


def _json_value(value):
    """A column's value as the database would take it from JSON (dates in full ISO form)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


def insert_rows(model: type[models.Model], rows: list[dict], *, ignore_conflicts: bool = False) -> None:
    """Insert ``rows`` (each a dict of field attnames, e.g. ``recipient_id``; the fields' defaults
    fill the rest) in one statement per call: the set-based counterpart of ``bulk_create`` for a
    sweep's thousands of rows. On PostgreSQL the rows travel as one JSON document that
    ``jsonb_populate_recordset`` turns into the table's row type, so no model instance is built and
    no value is prepared or adapted one by one (building, preparing and array-dumping the
    instances was two thirds of the deadline sweep's time); elsewhere it is ``bulk_create``."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql" or any(f.attname != f.column for f in fields):
        model._default_manager.bulk_create([model(**row) for row in rows], ignore_conflicts=ignore_conflicts)
        return
    prototype = model()
    # Each default once, as the field would save it (a callable default such as timezone.now is
    # called once for the whole statement: a batch written at one moment).
    defaults = {f.attname: f.pre_save(prototype, add=True) for f in fields}
    document = json.dumps([{**defaults, **row} for row in rows], default=_json_value, ensure_ascii=False)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {columns} "
        f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb)"
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])


def require(allowed: bool) -> None:
    """Refuse the action (``PermissionDenied``) unless its rule allows it. Every service that changes
    something checks its own rule, so the admin, a command or an API may call it safely."""
    if not allowed:
        raise PermissionDenied


def may_see(user, instance: models.Model) -> bool:
    """Whether ``user`` sees ``instance`` now, by its model's ``visible_to``."""
    return type(instance)._default_manager.visible_to(user).filter(pk=instance.pk).exists()


def ensure_visible(instance: models.Model, actor) -> None:
    """Refuse to act on a record the actor may not see (a view has answered 404 already; this holds
    for the admin, a command or an API calling the service directly)."""
    if not may_see(actor, instance):
        raise PermissionDenied


def lock_row(queryset, pk, *, expected_version: int | None = None):
    """Lock one row (``SELECT ... FOR UPDATE`` of its own table) until the transaction ends, with
    whatever ``queryset`` selects beside it, and refuse it if it moved on since ``expected_version``.
    ``queryset`` may be a model for a plain row."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    locked = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError()
    return locked


def save_versioned(instance: models.Model, *, actor, fields: Iterable[str]):
    """Save a locked row's changed ``fields`` as a new version, with ``actor`` in its history."""
    instance.version += 1
    return save_with_history(
        instance=instance, actor=actor, update_fields=sorted({*fields, "version", "updated_at"})
    )


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

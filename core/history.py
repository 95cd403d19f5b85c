"""Turn django-simple-history rows into "who changed what, when" entries for a page."""

import datetime
import functools
from dataclasses import dataclass, field
from itertools import chain

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
SKIPPED_FIELDS = {"id", "version", "created_at", "updated_at"}


def _tracked(record, model_field) -> bool:
    """Whether the historical record keeps ``model_field``."""
    return model_field.attname in _history_columns(type(record))


@functools.cache
def _history_columns(history_model) -> frozenset[str]:
    return frozenset(f.attname for f in history_model._meta.concrete_fields)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, self.action)


def _display(record, model_field, value, fk_labels):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return fk_labels.get((model_field.related_model, value), f"#{value}")
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(model_field, models.JSONField) and isinstance(value, list):
        choices = getattr(record.instance_type, "JSON_CHOICES", {}).get(model_field.name)
        labels = dict(choices) if choices else {}
        return ", ".join(str(labels.get(v, v)) for v in value) or "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    display = getattr(record.instance_type, "HISTORY_DISPLAY", {}).get(model_field.name)
    if display is not None:
        return display(value) or "—"
    if isinstance(model_field, models.JSONField):
        # Computed data (a report's facts of the year) says nothing useful as a raw dump.
        return str(_("recomputed"))
    return str(value)


def history_entries(*querysets, limit: int = 30, known=()) -> list[HistoryEntry]:
    """Merge several historical querysets into the newest ``limit`` entries, with field diffs.

    Each queryset must hold the whole history of its objects (the diff compares each record with
    the previous one of the same object). Related names are resolved in one query per model;
    ``known`` are objects the page already holds (the record itself, its department...): their
    names are taken from them, and a model whose every id is known costs no query.
    """
    records = sorted(
        chain.from_iterable(qs.select_related("history_user") for qs in querysets),
        key=lambda r: (r.history_date, r.history_id),
    )
    previous: dict[tuple, object] = {}
    pending: list[tuple[object, object]] = []
    fk_ids: dict[type, set] = {}
    for record in records:
        key = (record.instance_type, record.id)
        pending.append((record, previous.get(key)))
        previous[key] = record
        for model_field in record.instance_type._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.name not in SKIPPED_FIELDS:
                value = getattr(record, model_field.attname)
                if value is not None:
                    fk_ids.setdefault(model_field.related_model, set()).add(value)
    newest = pending[-limit:]
    wanted = {
        (m.related_model)
        for record, _prev in newest
        for m in record.instance_type._meta.concrete_fields
        if isinstance(m, models.ForeignKey)
    }
    fk_labels = {(type(obj), obj.pk): str(obj) for obj in known if obj is not None}
    for model in wanted:
        ids = {pk for pk in fk_ids.get(model, ()) if (model, pk) not in fk_labels}
        if ids:
            for obj in model._default_manager.filter(pk__in=ids):
                fk_labels[(model, obj.pk)] = str(obj)
    entries = []
    for record, prev in reversed(newest):
        changes = []
        for model_field in record.instance_type._meta.concrete_fields:
            # A field the history leaves out (``excluded_fields``: a sweep's bookkeeping) is no change.
            if model_field.name in SKIPPED_FIELDS or not _tracked(record, model_field):
                continue
            new = getattr(record, model_field.attname)
            old = getattr(prev, model_field.attname) if prev is not None else None
            if record.history_type == "~" and old == new:
                continue
            if record.history_type in ("+", "-"):
                # Creation and deletion are one line each; the page shows the values themselves.
                break
            changes.append(
                Change(
                    label=str(model_field.verbose_name),
                    old=_display(record, model_field, old, fk_labels) if prev is not None else "",
                    new=_display(record, model_field, new, fk_labels),
                )
            )
        model = record.instance_type
        label_fields = getattr(model, "HISTORY_LABEL_FIELDS", None)
        if label_fields:
            label = " · ".join(
                _display(
                    record,
                    model._meta.get_field(name),
                    getattr(record, model._meta.get_field(name).attname),
                    fk_labels,
                )
                for name in label_fields
            )
        else:
            label = str(record.instance)
        # Translators: a history entry's subject, such as "joint venture: Otis Elevator (Tianjin)".
        subject = gettext("%(model)s: %(label)s") % {"model": model._meta.verbose_name, "label": label}
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=record.history_type,
                subject=subject,
                changes=changes,
            )
        )
    return entries

"""How long a demand took, in working days: stored on the demand so the SLA report aggregates
columns in the database instead of counting calendar days per demand.

``acknowledge_working_days`` is the working days from submission to acceptance, set by the accept
action; ``resolve_working_days`` the working days from submission to resolution without the days
spent on hold (never below 0), set by the resolve action and cleared by a reopening. Both count
the span (submitted day, done day] in Beijing time with ``core.workdays``.

The working-day calendar can change after the fact (an admin enters next year's holidays, or
corrects a day): stored durations then keep the count of the calendar they were computed with.
``fill_durations`` recomputes them for the demands whose span touches the changed dates (``manage.py
demand_durations_refresh --since DATE``); the migration that added the columns used it to backfill.
It imports nothing but the calendar, so a migration can call it with its historical model.
"""

import datetime
from collections import defaultdict

from django.db.models import Case, Q, Value, When

from core.workdays import WorkingCalendar, local_date, local_zone

FIELDS = ("acknowledge_working_days", "resolve_working_days")
BATCH_SIZE = 2000


def durations(
    *,
    submitted: datetime.date,
    acknowledged: datetime.date | None,
    resolved: datetime.date | None,
    held_days_total: int,
    calendar: WorkingCalendar,
) -> tuple[int | None, int | None]:
    """(working days to acknowledge, working days to resolve) from the days (Beijing time) a demand
    was submitted, acknowledged and resolved; None for a step not taken. ``calendar`` must cover
    those days."""
    acknowledge = calendar.count(submitted, acknowledged) if acknowledged is not None else None
    resolve = None
    if resolved is not None:
        resolve = max(calendar.count(submitted, resolved) - held_days_total, 0)
    return acknowledge, resolve


def fill_durations(model, *, since: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Recompute the stored durations of every demand acknowledged or resolved (on or after
    ``since``, in Beijing time, if given) in primary-key batches: per batch one read, one calendar
    query and at most one update per column (the rows whose figures changed, grouped by value).
    Return how many rows changed.

    ``model`` is the Demand model (or a migration's historical one)."""
    done = Q(acknowledged_at__isnull=False) | Q(resolved_at__isnull=False)
    queryset = model._default_manager.filter(done)
    if since is not None:
        # A span (submitted, done] touches ``since`` if it ends on or after it.
        start = datetime.datetime.combine(since, datetime.time.min, tzinfo=local_zone())
        queryset = queryset.filter(Q(acknowledged_at__gte=start) | Q(resolved_at__gte=start))
    columns = ("pk", "submitted_at", "acknowledged_at", "resolved_at", "held_days_total", *FIELDS)
    changed = 0
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:batch_size])
        if not batch:
            return changed
        last_pk = batch[-1][0]
        rows = [
            (
                pk,
                local_date(submitted),
                acknowledged and local_date(acknowledged),
                resolved and local_date(resolved),
                held,
                (ack, res),
            )
            for pk, submitted, acknowledged, resolved, held, ack, res in batch
        ]
        days = [day for row in rows for day in row[1:4] if day is not None]
        calendar = WorkingCalendar(min(days), max(days))
        updates = {name: defaultdict(list) for name in FIELDS}
        stale = set()
        for pk, submitted, acknowledged, resolved, held, stored in rows:
            figures = durations(
                submitted=submitted,
                acknowledged=acknowledged,
                resolved=resolved,
                held_days_total=held,
                calendar=calendar,
            )
            for name, old, new in zip(FIELDS, stored, figures, strict=True):
                if old != new:
                    updates[name][new].append(pk)
                    stale.add(pk)
        for name, by_value in updates.items():
            if by_value:
                _set_by_value(model, name, by_value)
        changed += len(stale)


def _set_by_value(model, name: str, by_value: dict) -> None:
    """One UPDATE setting column ``name`` of each row to its value: a CASE of one IN list per
    distinct value (a few dozen), not a CASE branch per row as ``bulk_update`` writes."""
    field = model._meta.get_field(name)
    cases = [When(pk__in=pks, then=Value(value)) for value, pks in by_value.items() if value is not None]
    every = [pk for pks in by_value.values() for pk in pks]
    model._default_manager.filter(pk__in=every).update(
        **{name: Case(*cases, default=Value(None), output_field=field.__class__(null=True))}
    )

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

from django.db.models import Q

from core.workdays import WorkingCalendar, local_date, local_zone

FIELDS = ("acknowledge_working_days", "resolve_working_days")
BATCH_SIZE = 2000


def durations(demand, calendar: WorkingCalendar) -> tuple[int | None, int | None]:
    """(working days to acknowledge, working days to resolve) of ``demand`` now; None for a step
    not taken. ``calendar`` must cover its submission, acceptance and resolution days."""
    submitted = local_date(demand.submitted_at)
    acknowledge = resolve = None
    if demand.acknowledged_at is not None:
        acknowledge = calendar.count(submitted, local_date(demand.acknowledged_at))
    if demand.resolved_at is not None:
        span = calendar.count(submitted, local_date(demand.resolved_at))
        resolve = max(span - demand.held_days_total, 0)
    return acknowledge, resolve


def calendar_for(demands) -> WorkingCalendar:
    """One calendar (one query) covering every moment of ``demands`` that ``durations`` counts."""
    moments = [m for d in demands for m in (d.submitted_at, d.acknowledged_at, d.resolved_at) if m]
    days = [local_date(m) for m in moments]
    return WorkingCalendar(min(days), max(days))


def fill_durations(model, *, since: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Recompute the stored durations of every demand acknowledged or resolved (on or after
    ``since``, in Beijing time, if given) in primary-key batches: per batch one read, one calendar
    query and one bulk update of the rows whose figures changed. Return how many rows changed.

    ``model`` is the Demand model (or a migration's historical one)."""
    done = Q(acknowledged_at__isnull=False) | Q(resolved_at__isnull=False)
    queryset = model._default_manager.filter(done)
    if since is not None:
        # A span (submitted, done] touches ``since`` if it ends on or after it.
        start = datetime.datetime.combine(since, datetime.time.min, tzinfo=local_zone())
        queryset = queryset.filter(Q(acknowledged_at__gte=start) | Q(resolved_at__gte=start))
    queryset = queryset.only(
        "pk", "submitted_at", "acknowledged_at", "resolved_at", "held_days_total", *FIELDS
    )
    changed = 0
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return changed
        calendar = calendar_for(batch)
        stale = []
        for demand in batch:
            figures = durations(demand, calendar)
            if figures != (demand.acknowledge_working_days, demand.resolve_working_days):
                demand.acknowledge_working_days, demand.resolve_working_days = figures
                stale.append(demand)
        if stale:
            model._default_manager.bulk_update(stale, FIELDS, batch_size=500)
        changed += len(stale)
        last_pk = batch[-1].pk

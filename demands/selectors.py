"""Reads on demands: every query starts from ``Demand.objects.visible_to(user)``."""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    FloatField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.paging import KeysetPage, keyset_page
from core.roles import is_hq_staff, is_leadership, is_representative, sees_all_ventures
from core.workdays import WorkingCalendar, local_date
from ventures.models import JointVenture

from . import permissions
from .choices import OPEN_STATUSES, Category, Status
from .models import (
    Demand,
    DemandAttachment,
    DemandUpdate,
    due_this_week_q,
    overdue_q,
    priority_rank,
    within_sla_q,
)
from .origins import origins_of
from .services import reopen_deadline
from .workflow import actions_for

LIST_RELATED = ("jv", "department", "owner", "raised_by")


def with_priority_rank(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(priority_rank=priority_rank())


def demand_list(*, user) -> QuerySet:
    """The demands the user sees, with what a list row shows, in two queries per page."""
    return with_priority_rank(Demand.objects.visible_to(user).select_related(*LIST_RELATED))


def demand_get(*, user, pk: int) -> Demand:
    return get_object_or_404(
        Demand.objects.visible_to(user).select_related(
            *LIST_RELATED, "jv__liaison", "department__head", "rated_by", "sla_policy"
        ),
        pk=pk,
    )


def attachment_get(*, user, demand: Demand, pk: int) -> DemandAttachment:
    """An attachment reached through its demand; internal ones only for HQ."""
    return get_object_or_404(DemandAttachment.objects.visible_to(user).filter(demand=demand), pk=pk)


@dataclass
class Deadline:
    label: object
    due: datetime.datetime
    done: datetime.datetime | None
    # The clock runs against this deadline now.
    running: bool
    # Measured at all (a rejected demand's resolve-by is not).
    measured: bool
    late: bool = False
    # Working days left before the deadline, or behind it when late.
    days: int = 0


def _deadlines(demand: Demand, now: datetime.datetime) -> list[Deadline]:
    moments = [demand.acknowledge_by, demand.resolve_by, now, demand.acknowledged_at, demand.resolved_at]
    dates = [local_date(m) for m in moments if m]
    calendar = WorkingCalendar(min(dates), max(dates))

    def deadline(label, due, done, running, measured):
        item = Deadline(label, due, done, running, measured)
        end = done or now
        item.late = end > due
        low, high = sorted([local_date(end), local_date(due)])
        item.days = calendar.count(low, high)
        return item

    return [
        deadline(
            _("Acknowledge by"),
            demand.acknowledge_by,
            demand.acknowledged_at,
            demand.due_at is not None and demand.due_at == demand.acknowledge_by,
            demand.acknowledged_at is not None or demand.status == Status.SUBMITTED,
        ),
        deadline(
            _("Resolve by"),
            demand.resolve_by,
            demand.resolved_at,
            demand.due_at is not None and demand.due_at == demand.resolve_by,
            demand.resolved_at is not None or demand.status in (Status.ACCEPTED, Status.IN_PROGRESS),
        ),
    ]


def timeline_page(*, demand: Demand, user, before: int | None = None) -> KeysetPage:
    """The entries the viewer may read that come before the entry ``before`` (or the newest ones),
    newest first, a page at a time, with their authors and attachments.

    Keyset paging on (created_at, id), which the index ``demandupdate_timeline`` serves read
    backwards. ``before`` must be an entry of this demand the viewer may read (a 404 otherwise: the
    id of another demand's or of an internal entry reveals nothing).
    """
    entries = DemandUpdate.objects.visible_to(user).filter(demand=demand)
    anchor = None
    if before is not None:
        anchor = get_object_or_404(entries.only("pk", "created_at"), pk=before)
    attachments = DemandAttachment.objects.visible_to(user).order_by("uploaded_at", "pk")
    return keyset_page(
        entries.select_related("author").prefetch_related(Prefetch("attachments", queryset=attachments)),
        field="created_at",
        size=settings.PORTAL_PAGE_SIZE,
        anchor=anchor,
    )


def demand_detail_context(*, demand: Demand, user, now: datetime.datetime | None = None) -> dict:
    """The newest page of the timeline the viewer may read, the deadlines, and what the viewer may do."""
    now = now or timezone.now()
    page = timeline_page(demand=demand, user=user)
    reopen_until = reopen_deadline(demand)
    actions = actions_for(user, demand)
    if reopen_until is None or now > reopen_until:
        actions = [a for a in actions if a.name != "reopen"]
    return {
        "timeline": page.rows,
        "timeline_earlier": page.earlier,
        "deadlines": _deadlines(demand, now),
        "actions": actions,
        "can_route": permissions.can_route(user, demand),
        "can_edit": permissions.can_edit(user, demand),
        "can_rate": demand.status == Status.RESOLVED and permissions.is_jv_side(user, demand),
        "can_comment_internally": permissions.can_comment_internally(user),
        "reopen_until": reopen_until,
        "origins": origins_of(demand, user),
        "overdue": demand.is_overdue(now),
        "due_soon": demand.is_due_soon(now),
    }


# --- The JV page ---------------------------------------------------------------------------------


def venture_demands_panel(venture, user) -> dict | None:
    """The JV's open demands and its SLA record, for the JV page (the JV is already visible)."""
    demands = Demand.objects.visible_to(user).filter(jv=venture)
    now = timezone.now()
    stats = demands.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        on_time=Count("pk", filter=within_sla_q()),
        rated=Count("pk", filter=Q(satisfaction__isnull=False)),
        satisfaction=Avg("satisfaction"),
    )
    if stats["satisfaction"] is not None:
        stats["satisfaction"] = round(stats["satisfaction"], 1)
    stats["on_time_share"] = round(100 * stats["on_time"] / stats["resolved"]) if stats["resolved"] else None
    open_demands = list(
        demands.filter(status__in=OPEN_STATUSES)
        .select_related("department", "owner")
        .order_by("due_at", "-submitted_at")[:10]
    )
    return {
        "template": "demands/includes/venture_panel.html",
        "venture": venture,
        "open_demands": open_demands,
        "stats": stats,
        "now": now,
        "can_raise": permissions.can_raise(user),
    }


def home_demands_panel(user) -> dict | None:
    """What the viewer owes or follows: HQ their queue (theirs or their department's), a
    representative the demands they raised, leadership the whole portfolio. One aggregate query."""
    demands = Demand.objects.visible_to(user)
    if is_hq_staff(user):
        mine = Q(owner=user) | (Q(department_id=user.department_id) if user.department_id else Q(pk__in=[]))
        scope = "mine"
    elif is_representative(user) and not sees_all_ventures(user):
        mine = Q(raised_by=user)
        scope = "mine"
    elif is_leadership(user) or getattr(user, "is_superuser", False):
        mine = Q()
        scope = ""
    else:
        return None
    now = timezone.now()
    # The same conditions as the list's filters the figures link to.
    stats = demands.filter(mine).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(now)),
        due_this_week=Count("pk", filter=due_this_week_q(now)),
        to_rate=Count("pk", filter=Q(status=Status.RESOLVED)),
        escalated=Count("pk", filter=Q(escalation_level__gte=3, due_at__isnull=False)),
    )
    return {"template": "demands/includes/home_panel.html", "stats": stats, "scope": scope}


# --- Reports -------------------------------------------------------------------------------------

GROUPINGS = {
    "department": _("Department"),
    "category": _("Category"),
    "jv": _("Joint venture"),
}


@dataclass
class ReportRow:
    label: str
    count: int = 0
    open: int = 0
    acknowledge_median: float | None = None
    acknowledge_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None
    resolved: int = 0
    within_sla: int = 0
    satisfaction: float | None = None
    rated: int = 0

    @property
    def within_sla_share(self) -> float | None:
        return round(100 * self.within_sla / self.resolved, 1) if self.resolved else None


def _percentile(values: list[int], q: int) -> float | None:
    """The q-th percentile (inclusive method; the value itself for a single sample)."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def _median(values: list[int]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def report_years(*, user) -> list[int]:
    dates = Demand.objects.visible_to(user).dates("submitted_at", "year", order="DESC")
    return [d.year for d in dates]


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``: the
    interpolated percentile of a column (NULLs left out), as ``statistics.quantiles`` with the
    inclusive method computes it."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


ADDITIVE = ("count", "open", "resolved", "within_sla", "rated", "satisfaction_sum")
GROUP_FIELDS = {"department": "department_id", "category": "category", "jv": "jv_id"}
DURATIONS = {"acknowledge": "acknowledge_working_days", "resolve": "resolve_working_days"}


def demand_report(*, user, by: str = "department", year: int | None = None) -> dict:
    """Per department, category or JV: how many demands, how fast acknowledged and resolved (in
    working days, time on hold excluded), the share resolved within the SLA, and satisfaction.

    Aggregated in the database from the durations stored on each demand (``demands/durations.py``):
    one grouped query and one for the total, plus one for the groups' names; on PostgreSQL the
    medians and 90th percentiles are ``percentile_cont``, elsewhere they are computed here from the
    durations alone."""
    if by not in GROUPINGS:
        by = "department"
    demands = Demand.objects.visible_to(user).order_by()
    if year:
        demands = demands.filter(submitted_at__year=year)
    field = GROUP_FIELDS[by]
    in_database = connection.vendor == "postgresql"
    figures = _report_aggregates(in_database)
    grouped = list(demands.values(field).annotate(**figures))
    # The "All" row: the counts and sums add up from the groups; only its percentiles (when the
    # database computes them) need a pass over every demand.
    total = {name: sum(g[name] or 0 for g in grouped) for name in ADDITIVE}
    if in_database:
        total.update(demands.aggregate(**{k: v for k, v in figures.items() if k.endswith(("median", "p90"))}))
    else:
        _percentiles_in_python(demands, field, grouped, total)
    labels = _group_labels(by, [g[field] for g in grouped])
    table = [_report_row(labels[g[field]], g) for g in grouped]
    # Ties (two namesakes of the same size) in the order of their latest demand, as the list shows.
    latest = {id(row): g["latest"] for row, g in zip(table, grouped, strict=True)}
    table.sort(key=lambda r: -latest[id(r)].timestamp())
    table.sort(key=lambda r: (-r.count, r.label))
    return {
        "rows": table,
        "total": _report_row(str(_("All")), total) if total["count"] else None,
        "by": by,
        "year": year,
    }


def _report_aggregates(in_database: bool) -> dict:
    figures = {
        "count": Count("pk"),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "resolved": Count("pk", filter=Q(resolved_at__isnull=False)),
        "within_sla": Count("pk", filter=within_sla_q()),
        "rated": Count("satisfaction"),
        "satisfaction_sum": Sum("satisfaction"),
        "latest": Max("submitted_at"),
    }
    if in_database:
        for step, column in DURATIONS.items():
            figures[f"{step}_median"] = PercentileCont(column, 0.5)
            figures[f"{step}_p90"] = PercentileCont(column, 0.9)
    return figures


def _percentiles_in_python(demands: QuerySet, field: str, grouped: list[dict], total: dict) -> None:
    """The medians and 90th percentiles without ``percentile_cont`` (SQLite): read the durations
    alone (two integers a demand), per group."""
    values = {step: defaultdict(list) for step in DURATIONS}
    done = Q(acknowledge_working_days__isnull=False) | Q(resolve_working_days__isnull=False)
    rows = demands.filter(done).values_list(field, *DURATIONS.values())
    for key, acknowledge, resolve in rows.iterator(chunk_size=5000):
        for step, days in (("acknowledge", acknowledge), ("resolve", resolve)):
            if days is not None:
                values[step][key].append(days)
    for step in DURATIONS:
        every = []
        for group in grouped:
            members = values[step].get(group[field], [])
            group[f"{step}_median"], group[f"{step}_p90"] = _median(members), _percentile(members, 90)
            every += members
        total[f"{step}_median"], total[f"{step}_p90"] = _median(every), _percentile(every, 90)


def _group_labels(by: str, keys: list) -> dict:
    """Each group's label, keyed as the groups are (by id, so two namesakes stay apart)."""
    if by == "category":
        return {key: str(Category(key).label) for key in keys}
    if by == "jv":
        return {jv.pk: str(jv) for jv in JointVenture.objects.filter(pk__in=keys).only("name", "name_en")}
    labels = {d.pk: str(d) for d in Department.objects.filter(pk__in=[k for k in keys if k is not None])}
    labels[None] = str(_("Not assigned"))
    return labels


def _to_tenth(value: float | None) -> float | None:
    """A percentile from the database, rounded as ``_percentile`` rounds: the exact value is a
    whole number of hundredths (an interpolation between two integers), so recover it first and
    round that, whatever the floating-point noise of ``percentile_cont``."""
    if value is None:
        return None
    return round(round(value * 100) / 100, 1)


def _report_row(label: str, figures: dict) -> ReportRow:
    row = ReportRow(
        label=label,
        count=figures["count"],
        open=figures["open"],
        resolved=figures["resolved"],
        within_sla=figures["within_sla"],
        rated=figures["rated"],
    )
    row.acknowledge_median = _to_tenth(figures["acknowledge_median"])
    row.acknowledge_p90 = _to_tenth(figures["acknowledge_p90"])
    row.resolve_median = _to_tenth(figures["resolve_median"])
    row.resolve_p90 = _to_tenth(figures["resolve_p90"])
    if row.rated:
        # As statistics.mean: exact, a whole number stays an int.
        mean = Fraction(figures["satisfaction_sum"], row.rated)
        row.satisfaction = round(int(mean) if mean.denominator == 1 else float(mean), 2)
    return row

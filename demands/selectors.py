"""Reads on demands: every query starts from ``Demand.objects.visible_to(user)``."""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.paging import KeysetPage, keyset_page
from core.roles import is_hq_staff, is_leadership, is_representative, sees_all_ventures
from core.workdays import WorkingCalendar, local_date

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


def demand_report(*, user, by: str = "department", year: int | None = None) -> dict:
    """Per department, category or JV: how many demands, how fast acknowledged and resolved (in
    working days, time on hold excluded), the share resolved within the SLA, and satisfaction."""
    if by not in GROUPINGS:
        by = "department"
    demands = Demand.objects.visible_to(user).select_related("jv", "department")
    if year:
        demands = demands.filter(submitted_at__year=year)
    rows = list(
        demands.only(
            "pk",
            "jv__name",
            "jv__name_en",
            "department__name",
            "department__name_en",
            "category",
            "status",
            "submitted_at",
            "acknowledged_at",
            "resolved_at",
            "resolve_by",
            "held_days_total",
            "satisfaction",
        )
    )
    groups: dict[object, list[Demand]] = defaultdict(list)
    labels: dict[object, str] = {}
    for demand in rows:
        key, labels[key] = _group_key(demand, by)
        groups[key].append(demand)
    calendar = None
    if rows:
        moments = [d.submitted_at for d in rows] + [d.resolved_at for d in rows if d.resolved_at]
        moments += [d.acknowledged_at for d in rows if d.acknowledged_at]
        calendar = WorkingCalendar(local_date(min(moments)), local_date(max(moments)))
    table = [_report_row(labels[key], members, calendar) for key, members in groups.items()]
    table.sort(key=lambda r: (-r.count, r.label))
    total = _report_row(str(_("All")), rows, calendar) if rows else None
    return {"rows": table, "total": total, "by": by, "year": year}


def _group_key(demand: Demand, by: str) -> tuple[object, str]:
    """The group a demand counts in (by id, so two namesakes stay apart) and its label."""
    if by == "category":
        return demand.category, str(Category(demand.category).label)
    if by == "jv":
        return demand.jv_id, str(demand.jv)
    if demand.department_id:
        return demand.department_id, str(demand.department)
    return None, str(_("Not assigned"))


def _report_row(label: str, members: list[Demand], calendar: WorkingCalendar | None) -> ReportRow:
    ack, res, ratings = [], [], []
    row = ReportRow(label=label, count=len(members))
    for d in members:
        if d.status in OPEN_STATUSES:
            row.open += 1
        if d.acknowledged_at:
            ack.append(calendar.count(local_date(d.submitted_at), local_date(d.acknowledged_at)))
        if d.resolved_at:
            row.resolved += 1
            span = calendar.count(local_date(d.submitted_at), local_date(d.resolved_at))
            res.append(max(span - d.held_days_total, 0))
            if d.resolved_at <= d.resolve_by:
                row.within_sla += 1
        if d.satisfaction:
            ratings.append(d.satisfaction)
    row.acknowledge_median, row.acknowledge_p90 = _median(ack), _percentile(ack, 90)
    row.resolve_median, row.resolve_p90 = _median(res), _percentile(res, 90)
    row.rated = len(ratings)
    row.satisfaction = round(statistics.mean(ratings), 2) if ratings else None
    return row

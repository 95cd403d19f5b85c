"""The portfolio's figures, each counted from the very list its link opens.

A figure is ``(label, value, url)``: the value is the row count (or the total) of the list at
``url`` for the same user, taken from that list view's own queryset (``ScopedFilterView.listed``),
so a dashboard can never say 12 where the list shows 11. ``tests/portfolio`` asserts it for each
figure and role.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demands.models import Demand
from demands.views import DemandListView
from engagements.cadence import past_target_count
from representatives.choices import InstructionState
from representatives.views.meetings import InstructionQueueView, MeetingListView
from representatives.views.reports import ReportListView
from research.choices import ResearchStatus
from research.selectors import default_year
from research.views import ResearchListView
from ventures.choices import Industry, PartyKind, StrategicTier, VentureStatus
from ventures.models import AnnualIndicators, JointVenture, Shareholding
from ventures.views import VentureListView

MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
# How many years the money charts look back.
YEARS_SHOWN = 5


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    url: str
    # Shown in red when not zero (overdue, escalated).
    alert: bool = False


def link(url_name: str, params: dict | None = None) -> str:
    query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})
    return reverse(url_name) + (f"?{query}" if query else "")


def _count(view, url_name: str, user, label, params: dict, *, alert: bool = False) -> Figure:
    return Figure(label, view.listed(user, params).count(), link(url_name, params), alert)


# --- The JVs' figures by year (the list the money figures link to) --------------------------------


def _share(field: str):
    return ExpressionWrapper(F(field) * F("group_stake") / Decimal("100"), output_field=MONEY)


def indicators_list(*, user):
    """Every year's figures of the JVs the user sees, with the group's share of revenue, net profit
    and tax (by the group companies' stake as the register holds it now) and what the JV still owes
    the group of the dividends declared to it that year."""
    stake = (
        Shareholding.objects.filter(jv=OuterRef("jv"), party__kind=PartyKind.GROUP)
        .order_by()
        .values("jv")
        .annotate(total=Sum("percentage"))
        .values("total")
    )
    return (
        AnnualIndicators.objects.visible_to(user)
        .select_related("jv")
        .annotate(group_stake=Coalesce(Subquery(stake), Value(Decimal("0")), output_field=MONEY))
        .annotate(
            revenue_share=_share("revenue"),
            net_profit_share=_share("net_profit"),
            tax_share=_share("tax_paid"),
            receivable=ExpressionWrapper(
                Coalesce("dividends_declared", ZERO) - Coalesce("dividends_received", ZERO),
                output_field=MONEY,
            ),
        )
    )


# The totals the figures list shows under its table, and the dashboard per year (named apart from
# the rows' own annotations, which an aggregate may not reuse).
TOTALS = {
    "share_revenue": Sum("revenue_share"),
    "share_net_profit": Sum("net_profit_share"),
    "share_tax": Sum("tax_share"),
    "declared": Sum("dividends_declared"),
    "received": Sum("dividends_received"),
    "owed": Sum("receivable"),
    "ventures": Count("jv", distinct=True),
}


def money_by_year(*, user) -> list[dict]:
    """The group's share and its dividends for the latest years, newest first, each year with the
    link to its figures list."""
    from .views import FiguresListView

    rows = list(
        FiguresListView.listed(user, {})
        .order_by()
        .values("year")
        .annotate(**TOTALS)
        .order_by("-year")[:YEARS_SHOWN]
    )
    for row in rows:
        row["url"] = link("portfolio:figures", {"year": row["year"]})
    return rows


# --- The dashboard ---------------------------------------------------------------------------------


def _breakdown(shown, field: str, choices, *, keep_empty: bool) -> list[Figure]:
    """``shown`` (the JV list's queryset) counted by ``field``, each count linking to the list
    filtered by that value."""
    counts = dict(
        JointVenture.objects.filter(pk__in=shown.values("pk"))
        .order_by()
        .values_list(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )
    return [
        Figure(label, counts.get(value, 0), link("ventures:venture_list", {field: value}))
        for value, label in choices
        if keep_empty or counts.get(value)
    ]


def dashboard(*, user, today: datetime.date | None = None) -> dict:
    """Every figure of the portfolio page for ``user`` (HQ or leadership)."""
    today = today or timezone.localdate()
    year = today.year
    # One list's queryset serves the total and the breakdowns (each a filter of that list).
    shown = VentureListView.listed(user, {})
    ventures = {
        "total": Figure(_("Joint ventures"), shown.count(), link("ventures:venture_list")),
        "by_status": _breakdown(shown, "status", VentureStatus.choices, keep_empty=True),
        "by_industry": _breakdown(shown, "industry", Industry.choices, keep_empty=False),
        "by_tier": _breakdown(shown, "strategic_tier", StrategicTier.choices, keep_empty=True),
    }
    demands = [
        _count(DemandListView, "demands:demand_list", user, _("Open"), {"status": "open"}),
        _count(DemandListView, "demands:demand_list", user, _("Overdue"), {"due": "overdue"}, alert=True),
        _count(
            DemandListView,
            "demands:demand_list",
            user,
            _("Escalated, still open"),
            {"outcome": "escalated"},
            alert=True,
        ),
        _count(
            DemandListView,
            "demands:demand_list",
            user,
            _("Resolved within the SLA this year"),
            {"outcome": "within_sla", "resolved_year": year},
        ),
        _count(DemandListView, "demands:demand_list", user, _("Resolved this year"), {"resolved_year": year}),
    ]
    approval = _count(
        InstructionQueueView,
        "representatives:instruction_queue",
        user,
        _("Instructions awaiting leadership approval"),
        {"state": InstructionState.AWAITING_APPROVAL},
    )
    governance = [
        _count(MeetingListView, "representatives:meeting_list", user, _("Meetings ahead"), {"when": "ahead"}),
        _count(
            ReportListView,
            "representatives:report_list",
            user,
            _("Reports overdue"),
            {"scope": "overdue"},
            alert=True,
        ),
        _count(
            ReportListView,
            "representatives:report_list",
            user,
            _("Reports awaiting review"),
            {"scope": "review"},
        ),
        Figure(
            _("JVs past their contact target"),
            past_target_count(user=user, today=today),
            link("engagements:contact_overdue"),
            alert=True,
        ),
    ]
    research_year = default_year(user=user)
    of_year = {"year": research_year}
    researched = ResearchListView.listed(user, of_year)
    research = {
        "year": research_year,
        "total": Figure(_("Research"), researched.count(), link("research:research_list", of_year)),
        # The year's list narrowed by status, as its status filter does.
        "accepted": Figure(
            _("Accepted"),
            researched.filter(status=ResearchStatus.ACCEPTED).count(),
            link("research:research_list", {**of_year, "status": ResearchStatus.ACCEPTED}),
        ),
    }
    return {
        "year": year,
        "ventures": ventures,
        "money": money_by_year(user=user),
        "demands": demands,
        "approval": approval,
        "governance": governance,
        "research": research,
    }


def chart(figures: list[Figure], label) -> dict:
    """What static/js/charts.js draws for a list of figures (one series)."""
    return {
        "labels": [str(f.label) for f in figures],
        "datasets": [{"label": str(label), "data": [f.value for f in figures]}],
    }


def money_chart(rows: list[dict], series: list[tuple[str, object]]) -> dict:
    """Years on the axis (oldest first), one series per figure."""
    rows = list(reversed(rows))
    return {
        "labels": [str(r["year"]) for r in rows],
        "datasets": [
            {"label": str(label), "data": [float(r[key] or 0) for r in rows]} for key, label in series
        ],
    }


# --- Leadership's weekly digest --------------------------------------------------------------------

# How many meetings and instructions the digest names one by one.
DIGEST_ITEMS = 5


def digest_figures(*, user, start, end) -> dict:
    """What the week brought, for one leadership member: counts from the same lists the portfolio
    page links to, and the first few instructions awaiting them and meetings ahead."""
    demands = Demand.objects.visible_to(user)
    awaiting = InstructionQueueView.listed(user, {"state": InstructionState.AWAITING_APPROVAL})
    ahead = MeetingListView.listed(user, {"when": "ahead"})
    return {
        "new": demands.filter(submitted_at__gte=start, submitted_at__lt=end).count(),
        "resolved": demands.filter(resolved_at__gte=start, resolved_at__lt=end).count(),
        "overdue": DemandListView.listed(user, {"due": "overdue"}).count(),
        "awaiting": awaiting.count(),
        "awaiting_items": list(awaiting.select_related("meeting__jv")[:DIGEST_ITEMS]),
        "reports_overdue": ReportListView.listed(user, {"scope": "overdue"}).count(),
        "meetings": ahead.count(),
        "meeting_items": list(ahead[:DIGEST_ITEMS]),
    }

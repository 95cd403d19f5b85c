"""Reads of the JV registry. Every selector starts from what the user may see."""

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from core.history import history_entries
from core.registry import membership

from .choices import PartyKind, VentureStatus
from .models import AnnualIndicators, JointVenture, Party, Shareholding
from .panels import panels_for


def _foreign_partners_prefetch() -> Prefetch:
    return Prefetch(
        "shareholdings",
        queryset=Shareholding.objects.filter(party__kind=PartyKind.FOREIGN).select_related("party"),
        to_attr="foreign_holdings",
    )


def venture_list(*, user) -> QuerySet[JointVenture]:
    """The JVs the user may see, with what the list shows: department, group stake, partners."""
    return (
        JointVenture.objects.visible_to(user)
        .select_related("department")
        .with_group_stake()
        .prefetch_related(_foreign_partners_prefetch())
    )


def venture_get(*, user, pk) -> JointVenture:
    """One JV the user may see, or 404."""
    return get_object_or_404(
        JointVenture.objects.visible_to(user).select_related("department", "liaison"), pk=pk
    )


def venture_detail_context(*, venture: JointVenture, user) -> dict:
    """Everything the JV page shows, in a fixed number of queries."""
    shareholdings = list(venture.shareholdings.select_related("party"))
    group_stake = sum((s.percentage for s in shareholdings if s.party.kind == PartyKind.GROUP), Decimal(0))
    total_stake = sum((s.percentage for s in shareholdings), Decimal(0))
    indicators = list(venture.indicators.order_by("year"))
    # Seats are the representatives app's, provided through core.registry.
    appointments = list(membership().seats_in(venture))
    membership().note_seats(user, venture, appointments)
    history = history_entries(
        JointVenture.history.filter(id=venture.pk),
        Shareholding.history.filter(jv_id=venture.pk),
        AnnualIndicators.history.filter(jv_id=venture.pk),
        known=[venture, venture.department, venture.liaison, *(s.party for s in shareholdings)],
    )
    chart = {
        "years": [i.year for i in indicators],
        "revenue": [float(i.revenue) for i in indicators],
        "net_profit": [float(i.net_profit) for i in indicators],
        "dividends_received": [float(i.dividends_received) for i in indicators],
        "labels": {
            "revenue": gettext("Revenue"),
            "net_profit": gettext("Net profit"),
            "dividends_received": gettext("Dividends received"),
        },
    }
    return {
        "shareholdings": shareholdings,
        "group_stake": group_stake,
        "total_stake": total_stake,
        "free_stake": Decimal(100) - total_stake,
        "indicators": list(reversed(indicators)),
        "appointments": appointments,
        "history": history,
        "chart": chart,
        "panels": panels_for(venture, user),
    }


def party_list(*, user) -> QuerySet[Party]:
    """Shareholders the user may see, with how many visible JVs each holds shares in."""
    visible = JointVenture.objects.visible_to(user).values("pk")
    return Party.objects.visible_to(user).annotate(
        venture_count=Count("shareholdings", filter=Q(shareholdings__jv__in=visible), distinct=True)
    )


def party_get(*, user, pk) -> Party:
    return get_object_or_404(Party.objects.visible_to(user), pk=pk)


def party_detail_context(*, party: Party, user) -> dict:
    holdings = (
        party.shareholdings.filter(jv__in=JointVenture.objects.visible_to(user).values("pk"))
        .select_related("jv", "jv__department")
        .order_by("jv__name")
    )
    return {
        "holdings": list(holdings),
        "history": history_entries(Party.history.filter(id=party.pk)),
    }


def portfolio_summary(*, user) -> dict:
    """Figures for the home page over the JVs the user may see."""
    ventures = JointVenture.objects.visible_to(user)
    by_status = dict(ventures.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    # The latest year and its totals in one query: the sums grouped by year, the newest group.
    latest = (
        AnnualIndicators.objects.filter(jv__in=ventures.values("pk"))
        .values("year")
        .annotate(
            revenue=Sum("revenue"),
            net_profit=Sum("net_profit"),
            tax_paid=Sum("tax_paid"),
            dividends_received=Sum("dividends_received"),
            headcount=Sum("headcount"),
        )
        .order_by("-year")
        .first()
    )
    latest_year = latest.pop("year") if latest else None
    totals = latest if latest_year else {}
    return {
        "total": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0), value) for value, label in VentureStatus.choices],
        "latest_year": latest_year,
        "totals": totals,
    }


def venture_cards(*, user) -> list[JointVenture]:
    """The JVs shown as cards on the home page: a representative's own, with their seats."""
    mine = membership().seats_of(user)
    if mine is None:
        return []
    return list(
        venture_list(user=user)
        .filter(pk__in=mine.values("jv_id"))
        .prefetch_related(Prefetch("appointments", queryset=mine, to_attr="my_appointments"))
    )

"""Reads of the annual research. Every query starts from what the user may see
(``AnnualResearch.objects.visible_to``); what HQ wrote reaches only those who read internal text."""

import datetime

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.history import history_entries
from core.roles import is_representative, sees_all_ventures
from demands.choices import Source

from . import permissions, visits
from .choices import OWED_RETURN_STATUSES, FigureChoice, ResearchStatus, ReturnStatus
from .models import AnnualResearch, DataReturn, Recommendation, ResearchAttachment, Wish
from .workflow import DATA_RETURN, RESEARCH

LIST_RELATED = ("jv__department", "lead", "opened_by", "data_return")


def research_list(*, user, today: datetime.date | None = None) -> QuerySet[AnnualResearch]:
    """The research the user may see, with what the overview shows: the JV and its department, the
    lead, the data return's state and how many days the research is late (``days_late``)."""
    today = today or timezone.localdate()
    return (
        AnnualResearch.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .annotate(
            return_state=Case(
                When(
                    data_return__status__in=(ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED),
                    then=Value("received"),
                ),
                When(data_return__due_date__lt=today, then=Value("late")),
                default=Value("awaited"),
                output_field=CharField(),
            )
        )
    )


def research_get(*, user, pk) -> AnnualResearch:
    return get_object_or_404(research_list(user=user), pk=pk)


def research_years(*, user) -> list[int]:
    return list(
        AnnualResearch.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def default_year(*, user) -> int:
    years = research_years(user=user)
    return years[0] if years else timezone.localdate().year


def completion(*, user, year: int) -> dict:
    """How far the year's campaign has come, over the research the user sees (one query)."""
    return (
        AnnualResearch.objects.visible_to(user)
        .filter(year=year)
        .aggregate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(status=ResearchStatus.ACCEPTED)),
            submitted=Count("pk", filter=Q(status=ResearchStatus.SUBMITTED)),
            returns_received=Count(
                "pk", filter=Q(data_return__status__in=(ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED))
            ),
            returns_late=Count(
                "pk",
                filter=Q(
                    data_return__status__in=OWED_RETURN_STATUSES,
                    data_return__due_date__lt=timezone.localdate(),
                ),
            ),
        )
    )


def research_detail_context(*, research: AnnualResearch, user, today=None) -> dict:
    """What the research page shows the viewer: HQ and leadership everything; a JV's representative
    the research's state, their data return and the summary HQ shared, never HQ's own writing."""
    today = today or timezone.localdate()
    internal = permissions.reads_internal(user)
    data_return = research.data_return
    wishes = list(data_return.wishes.select_related("demand"))
    labels = dict(FigureChoice.choices)
    accepted = data_return.accepted_figures or {}
    figures = [
        {
            "name": name,
            "label": capfirst(DataReturn._meta.get_field(name).verbose_name),
            "returned": getattr(data_return, name),
            "recorded": (accepted.get(name) or {}).get("recorded"),
            "kept_label": labels.get((accepted.get(name) or {}).get("kept"), ""),
        }
        for name in DataReturn.FIGURE_FIELDS
    ]
    context = {
        "today": today,
        "internal": internal,
        "figures": figures,
        "can_upload": permissions.works_on_research(user),
        "visit_panels": visits.visits_for(research, user),
        "data_return": data_return,
        "wishes": wishes,
        "return_actions": [t.name for t in DATA_RETURN.available(user, data_return)],
        "research_actions": [t.name for t in RESEARCH.available(user, research)],
        # HQ, or the JV's representatives in post, raise a wish as a demand.
        "can_raise_wishes": permissions.works_on_research(user)
        or permissions.fills_data_return(user, data_return),
        "return_late": data_return.is_owed and data_return.due_date < today,
    }
    if internal:
        context.update(
            recommendations=list(research.recommendations.select_related("owner", "demand")),
            files=list(research.attachments.select_related("uploaded_by")),
            team=list(research.team.all()),
            meetings=list(research.meetings.select_related("jv")),
            history=history_entries(
                AnnualResearch.history.filter(id=research.pk),
                DataReturn.history.filter(id=data_return.pk),
                Recommendation.history.filter(research_id=research.pk),
            ),
        )
    return context


def data_return_of(*, research: AnnualResearch) -> DataReturn:
    return research.data_return


def wish_get(*, data_return: DataReturn, pk) -> Wish:
    return get_object_or_404(data_return.wishes.select_related("demand"), pk=pk)


def recommendation_get(*, user, research: AnnualResearch, pk) -> Recommendation:
    """A recommendation, reached through its research, for those who read HQ's writing only."""
    if not permissions.reads_internal(user):
        from django.http import Http404

        raise Http404
    return get_object_or_404(research.recommendations.select_related("owner", "demand"), pk=pk)


def research_file_get(*, user, research: AnnualResearch, pk) -> ResearchAttachment:
    if not permissions.reads_internal(user):
        from django.http import Http404

        raise Http404
    return get_object_or_404(research.attachments.all(), pk=pk)


# --- Panels: the JV page, the home page, a demand's origin ----------------------------------------


def venture_research_panel(venture, user) -> dict | None:
    """The JV's research by year (the JV is already visible); HQ reads the latest findings."""
    rows = list(
        AnnualResearch.objects.visible_to(user)
        .filter(jv=venture)
        .select_related("lead", "data_return")
        .order_by("-year")
    )
    internal = permissions.reads_internal(user)
    latest = next((r for r in rows if r.findings or r.shared_summary), None)
    return {
        "template": "research/includes/venture_panel.html",
        "rows": rows,
        "internal": internal,
        "latest": latest,
        "can_open": permissions.can_open(user),
        "venture": venture,
    }


def home_research_panel(user) -> dict | None:
    """HQ and leadership: the current campaign's completion. A representative: the data returns
    they owe, soonest first."""
    if sees_all_ventures(user):
        year = default_year(user=user)
        figures = completion(user=user, year=year)
        if not figures["total"]:
            return None
        return {"template": "research/includes/home_panel.html", "year": year, "figures": figures}
    if is_representative(user):
        owed = list(
            DataReturn.objects.filter(
                research__in=AnnualResearch.objects.visible_to(user).open(),
                status__in=OWED_RETURN_STATUSES,
            )
            .select_related("research__jv")
            .order_by("due_date", "pk")
        )
        if not owed:
            return None
        return {
            "template": "research/includes/home_owed_panel.html",
            "owed": owed,
            "today": timezone.localdate(),
        }
    return None


def demand_origin(demand, user) -> dict | None:
    """For a demand raised from a research's wish or recommendation: the research it came from (no
    query for a demand from elsewhere)."""
    if demand.source != Source.RESEARCH:
        return None
    wish = Wish.objects.filter(demand=demand).select_related("data_return__research__jv").first()
    research = wish.data_return.research if wish else None
    label = _("Raised from the JV's data return")
    if research is None:
        recommendation = Recommendation.objects.filter(demand=demand).select_related("research__jv").first()
        research = recommendation.research if recommendation else None
        label = _("A recommendation of the annual research")
    if research is None or not AnnualResearch.objects.visible_to(user).filter(pk=research.pk).exists():
        return None
    return {"label": label, "title": str(research), "url": research.get_absolute_url()}

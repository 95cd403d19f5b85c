"""Reads of engagements and commitments. Every query starts from what the user may see; on an
engagement that concerns several JVs a representative reads only their own JVs' part (the JVs,
partners, people and commitments they may see) and never HQ's internal notes."""

import calendar
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.history import history_entries
from core.registry import membership
from core.roles import sees_all_ventures
from core.workdays import local_zone
from demands.choices import Source
from demands.models import Demand
from representatives.choices import MeetingStatus
from representatives.models import Meeting, Proposal
from research.models import AnnualResearch
from ventures.models import AnnualIndicators, JointVenture, Party

from . import cadence, permissions
from .choices import EngagementStatus
from .models import Commitment, Engagement, EngagementAttachment, PartnerPerson
from .workflow import COMMITMENT, ENGAGEMENT


def scoped_prefetches(user) -> list[Prefetch]:
    """An engagement's JVs, partners and people as the user may see them (``shown_*``)."""
    return [
        Prefetch(
            "ventures", JointVenture.objects.visible_to(user).order_by("name"), to_attr="shown_ventures"
        ),
        Prefetch("partners", Party.objects.visible_to(user).order_by("name"), to_attr="shown_partners"),
        Prefetch(
            "partner_attendees",
            PartnerPerson.objects.visible_to(user).select_related("company").order_by("name"),
            to_attr="shown_partner_people",
        ),
        Prefetch(
            "attendees",
            get_user_model().objects.order_by("display_name", "username"),
            to_attr="shown_attendees",
        ),
        Prefetch("topics", to_attr="shown_topics"),
    ]


def engagement_list(*, user) -> QuerySet[Engagement]:
    return Engagement.objects.visible_to(user).prefetch_related(*scoped_prefetches(user))


def engagement_get(*, user, pk) -> Engagement:
    return get_object_or_404(engagement_list(user=user), pk=pk)


def commitments_of(*, engagement: Engagement, user) -> list[Commitment]:
    """The engagement's commitments the user may see (their JVs' only, for a representative)."""
    return list(
        Commitment.objects.visible_to(user)
        .filter(engagement=engagement)
        .select_related("jv", "owner", "demand")
        .order_by("pk")
    )


def commitment_get(*, user, engagement: Engagement, pk) -> Commitment:
    return get_object_or_404(
        Commitment.objects.visible_to(user)
        .filter(engagement=engagement)
        .select_related("jv", "owner", "demand"),
        pk=pk,
    )


def file_get(*, engagement: Engagement, pk) -> EngagementAttachment:
    return get_object_or_404(engagement.attachments.all(), pk=pk)


def linkable_demands(*, engagement: Engagement, user) -> QuerySet[Demand]:
    """Demands raised at a visit or a symposium for one of the engagement's JVs, not linked yet."""
    return (
        Demand.objects.visible_to(user)
        .filter(
            jv__in=[jv.pk for jv in engagement.shown_ventures],
            source__in=(Source.ENGAGEMENT, Source.SYMPOSIUM),
        )
        .exclude(pk__in=engagement.demands.values("pk"))
        .filter(commitment__isnull=True)
        .select_related("jv")
        .order_by("-submitted_at")
    )


def engagement_detail_context(*, engagement: Engagement, user, today=None) -> dict:
    today = today or timezone.localdate()
    internal = permissions.reads_internal(user)
    commitments = commitments_of(engagement=engagement, user=user)
    visible_jvs = {jv.pk for jv in engagement.shown_ventures}
    context = {
        "today": today,
        "internal": internal,
        "commitments": [
            {
                "row": c,
                "actions": [] if c.demand_id else list(COMMITMENT.available(user, c)),
                "can_edit": permissions.can_update_commitment(user, c),
                "can_raise": permissions.can_raise_demand(user, c),
                "overdue": c.is_overdue(today),
            }
            for c in commitments
        ],
        "can_edit": ENGAGEMENT.can("edit", user, engagement),
        "actions": [t for t in ENGAGEMENT.available(user, engagement) if t.name != "edit"],
        "can_add_commitment": permissions.can_add_commitment(user, engagement),
        "files": list(engagement.attachments.select_related("uploaded_by")),
        "linked_demands": list(
            engagement.demands.filter(jv__in=visible_jvs).select_related("jv").order_by("-submitted_at")
        ),
        "research": engagement.research
        if engagement.research_id
        and AnnualResearch.objects.visible_to(user).filter(pk=engagement.research_id).exists()
        else None,
    }
    if internal:
        context["history"] = history_entries(
            Engagement.history.filter(id=engagement.pk),
            Commitment.history.filter(engagement_id=engagement.pk),
        )
    return context


# --- The calendar ----------------------------------------------------------------------------------


def month_of(value: str | None, today: datetime.date) -> datetime.date:
    """The first day of the month ``value`` names (``2026-05``), this month otherwise."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


def calendar_month(*, user, month: datetime.date, today=None) -> dict:
    """The month's grid, Monday first, with the planned and held engagements the user sees on each
    day they cover (one query)."""
    today = today or timezone.localdate()
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    rows = list(
        engagement_list(user=user)
        .exclude(status=EngagementStatus.CANCELLED)
        .filter(starts_on__lte=last)
        .filter(Q(ends_on__gte=first) | Q(ends_on__isnull=True, starts_on__gte=first))
        .order_by("starts_on", "pk")
    )
    by_day: dict[datetime.date, list] = {}
    for engagement in rows:
        day = max(engagement.starts_on, first)
        end = min(engagement.ends_on or engagement.starts_on, last)
        while day <= end:
            by_day.setdefault(day, []).append(engagement)
            day += datetime.timedelta(days=1)
    weeks = [
        [
            {"date": d, "in_month": d.month == month.month, "today": d == today, "items": by_day.get(d, [])}
            for d in week
        ]
        for week in weeks_dates
    ]
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {"month": month, "weeks": weeks, "previous": previous, "following": following, "count": len(rows)}


# --- The contact cadence and the panels ------------------------------------------------------------


def venture_timeline(
    *, user, venture, limit: int = 10, standing_on: datetime.date | None = None
) -> list[Engagement]:
    """The JV's latest engagements, attendees prefetched. With ``standing_on``, each row also
    carries the JV's last high-level contact up to that day and its tier's target
    (``jv_last_contact``, ``jv_target``): subqueries of no row, which PostgreSQL runs once."""
    rows = Engagement.objects.visible_to(user).filter(ventures=venture)
    if standing_on is not None:
        rows = rows.annotate(
            jv_last_contact=cadence.last_contact_subquery(standing_on, jv=venture.pk),
            jv_target=cadence.target_subquery(venture.strategic_tier),
        )
    return list(
        rows.prefetch_related(
            Prefetch(
                "attendees", get_user_model().objects.order_by("display_name"), to_attr="shown_attendees"
            )
        ).order_by("-starts_on", "-pk")[:limit]
    )


def venture_engagement_panel(venture, user) -> dict | None:
    """The JV page: its engagement timeline and the days since its last high-level contact (read
    with the timeline; on its own only when the timeline is empty)."""
    today = timezone.localdate()
    rows = venture_timeline(user=user, venture=venture, standing_on=today)
    if rows:
        venture.last_contact = rows[0].jv_last_contact
        standing = cadence.standing(venture, today, target_days={venture.strategic_tier: rows[0].jv_target})
    else:
        standing = cadence.standing(venture, today)
    return {
        "template": "engagements/includes/venture_panel.html",
        "venture": venture,
        "rows": rows,
        "standing": standing,
        "can_record": permissions.may_record_for(user, [venture]),
    }


def home_contact_panel(user) -> dict | None:
    """HQ and leadership: how many JVs are past their contact target."""
    if not sees_all_ventures(user):
        return None
    return {"template": "engagements/includes/home_panel.html", "count": cadence.past_target_count(user=user)}


def demand_origin(demand, user) -> dict | None:
    """For a demand from a visit or a symposium: the commitment it came from, or the engagement that
    points at it (no query for a demand from elsewhere)."""
    if demand.source not in (Source.ENGAGEMENT, Source.SYMPOSIUM):
        return None
    commitment = Commitment.objects.filter(demand=demand).select_related("engagement").first()
    if commitment is not None:
        engagement, label = commitment.engagement, _("A commitment made at an engagement")
    else:
        engagement = Engagement.objects.filter(demands=demand).order_by("-starts_on").first()
        label = _("Raised at an engagement")
    if engagement is None or not Engagement.objects.visible_to(user).filter(pk=engagement.pk).exists():
        return None
    return {"label": label, "title": str(engagement), "url": engagement.get_absolute_url()}


def research_visits_panel(research, user) -> dict | None:
    """The research page: the engagements that were its research visits."""
    rows = list(Engagement.objects.visible_to(user).filter(research=research).order_by("starts_on"))
    if not rows:
        return None
    return {"template": "engagements/includes/research_visits.html", "rows": rows}


# --- The pre-visit brief ---------------------------------------------------------------------------


def _indicator_rows(jv, years: int = 3) -> list[dict]:
    """The JV's last ``years`` years of indicators, newest first, each figure with its change on the
    year before (None where that year is not recorded)."""
    records = list(AnnualIndicators.objects.filter(jv=jv).order_by("-year")[: years + 1])
    by_year = {r.year: r for r in records}
    rows = []
    for record in records[:years]:
        previous = by_year.get(record.year - 1)
        figures = []
        for name in AnnualIndicators.FIGURE_FIELDS:
            value = getattr(record, name)
            before = getattr(previous, name) if previous else None
            change = value - before if value is not None and before is not None else None
            pct = (
                (Decimal(change) * 100 / abs(Decimal(before))).quantize(Decimal("0.1"))
                if change is not None and before
                else None
            )
            figures.append({"name": name, "value": value, "change": change, "pct": pct})
        rows.append({"year": record.year, "figures": figures})
    return rows


def indicator_labels() -> list[str]:
    return [
        capfirst(AnnualIndicators._meta.get_field(n).verbose_name) for n in AnnualIndicators.FIGURE_FIELDS
    ]


def _local_date(moment) -> datetime.date:
    return timezone.localtime(moment, local_zone()).date()


def venture_brief(*, jv, user, today=None, now=None) -> dict:
    """What a leader about to visit should know of one JV, from what the portal holds."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    internal = permissions.reads_internal(user)
    demands = list(
        Demand.objects.visible_to(user)
        .filter(jv=jv)
        .open()
        .select_related("owner", "department")
        .order_by("submitted_at")
    )
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(jv=jv, status=MeetingStatus.HELD)
        .prefetch_related(Prefetch("proposals", Proposal.objects.order_by("number")))
        .order_by("-meeting_at")[:3]
    )
    research = (
        AnnualResearch.objects.visible_to(user)
        .filter(jv=jv)
        .filter(Q(findings__gt="") if internal else Q(shared_summary__gt=""))
        .order_by("-year")
        .first()
    )
    earlier = (
        Commitment.objects.visible_to(user)
        .open()
        .filter(jv=jv, engagement__starts_on__lte=today)
        .select_related("engagement", "owner", "demand")
        .order_by("due_date", "pk")
    )
    return {
        "jv": jv,
        "standing": cadence.standing(jv, today),
        "seats": list(membership().seats_in(jv)),
        "holdings": list(jv.shareholdings.select_related("party").order_by("-percentage")),
        "indicators": _indicator_rows(jv),
        "demands": [
            {"row": d, "age": (today - _local_date(d.submitted_at)).days, "overdue": d.is_overdue(now)}
            for d in demands
        ],
        "overdue_demands": sum(1 for d in demands if d.is_overdue(now)),
        "commitments": [{"row": c, "overdue": c.is_overdue(today)} for c in earlier],
        "meetings": meetings,
        "research": research,
        "research_text": (research.findings if internal else research.shared_summary) if research else "",
        "engagements": list(
            Engagement.objects.visible_to(user)
            .filter(ventures=jv, starts_on__lte=today)
            .order_by("-starts_on")[:5]
        ),
    }


def brief_ventures_of_party(*, party, user) -> list[JointVenture]:
    """The JVs the user sees in which ``party`` holds shares."""
    return list(
        JointVenture.objects.visible_to(user)
        .filter(shareholdings__party=party)
        .select_related("department", "liaison")
        .distinct()
        .order_by("name")
    )


def venture_for_brief(*, user, pk) -> JointVenture:
    return get_object_or_404(
        JointVenture.objects.visible_to(user).select_related("department", "liaison"), pk=pk
    )


def party_for_brief(*, user, pk) -> Party:
    party = get_object_or_404(Party.objects.visible_to(user), pk=pk)
    if not brief_ventures_of_party(party=party, user=user):
        raise Http404
    return party


def partner_people(*, party, user) -> list[PartnerPerson]:
    return list(PartnerPerson.objects.visible_to(user).filter(company=party).order_by("name"))

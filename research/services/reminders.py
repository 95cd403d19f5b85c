"""The reminders of data returns and research due and overdue, and the daily job."""

import datetime

from django.conf import settings
from django.utils import timezone

from core import audience
from notifications import kinds
from notifications.services import NotificationSpec
from notifications.sweeps import Recheck, run_sweep

from .. import notices
from ..choices import OPEN_RESEARCH_STATUSES, OWED_RETURN_STATUSES, ResearchStatus
from ..models import AnnualResearch, DataReturn
from .campaign import campaign_open
from .common import (
    RESEARCH_WARNINGS,
    RETURN_WARNINGS,
    _in_post_prefetch,
    _params,
    _representatives,
    _return_params,
)

# --- Reminders -------------------------------------------------------------------------------------


def _step(days_left: int, warnings: tuple[int, ...]) -> str | None:
    """The reminder a deadline ``days_left`` away has reached: the nearest warning at or after it,
    "today", "overdue"."""
    if days_left < 0:
        return "overdue"
    if days_left == 0:
        return "today"
    reached = [w for w in warnings if days_left <= w]
    return f"soon{min(reached)}" if reached else None


def _return_specs(data_return: DataReturn, today: datetime.date) -> list[NotificationSpec]:
    research = data_return.research
    step = _step((data_return.due_date - today).days, RETURN_WARNINGS)
    if step is None:
        return []
    people = _representatives(research.jv)
    if step == "overdue":
        people = audience.people(*people, research.lead)
    kind = notices.RETURN_OVERDUE if step == "overdue" else notices.RETURN_DUE
    key = f"research-return:{data_return.pk}:{data_return.due_date.isoformat()}:{step}"
    params = _return_params(data_return)
    return [
        NotificationSpec(
            recipient=user,
            kind=kind.code,
            key=f"{key}:{user.pk}",
            params=params,
            url=data_return.get_absolute_url(),
            target=research,
        )
        for user in people
    ]


class _ResearchDue:
    def __init__(self, today):
        self.today = today
        self.leaders = None

    def specs(self, research: AnnualResearch) -> list[NotificationSpec]:
        days_left = (research.due_date - self.today).days
        steps = [_step(days_left, RESEARCH_WARNINGS)]
        if -days_left >= settings.RESEARCH_OVERDUE_LEADERSHIP_DAYS:
            steps.append("leadership")
        specs = []
        params = _params(
            research,
            status=kinds.in_each_language(ResearchStatus(research.status).label),
            lead=(research.lead.display_name or research.lead.get_username()) if research.lead else "—",
        )
        for step in steps:
            if step is None:
                continue
            if step == "leadership":
                if self.leaders is None:
                    self.leaders = audience.leadership()
                people = self.leaders
            elif step == "overdue":
                department = research.jv.department
                people = audience.people(research.lead, department.head if department else None)
            else:
                people = audience.people(research.lead)
            kind = (
                notices.RESEARCH_DUE
                if step.startswith("soon") or step == "today"
                else notices.RESEARCH_OVERDUE
            )
            key = f"research-due:{research.pk}:{research.due_date.isoformat()}:{step}"
            specs += [
                NotificationSpec(
                    recipient=user,
                    kind=kind.code,
                    key=f"{key}:{user.pk}",
                    params=params,
                    url=research.get_absolute_url(),
                    target=research,
                )
                for user in people
            ]
        return specs


def research_reminders_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Data returns due in 14 days, on the day, overdue (the JV's representatives, then the lead);
    research due in 30 and 7 days, on the day, overdue (the lead, then the department head, then
    leadership). Each step once per person; each batch re-checked under a lock before anyone is told,
    so a return submitted or a research accepted meanwhile says nothing."""
    today = today or timezone.localdate()
    owed = DataReturn.objects.filter(
        status__in=OWED_RETURN_STATUSES, research__status__in=OPEN_RESEARCH_STATUSES
    )
    returns = (
        owed.filter(due_date__lte=today + datetime.timedelta(days=max(RETURN_WARNINGS)))
        .select_related("research__jv__liaison", "research__jv__department__head", "research__lead")
        .prefetch_related(_in_post_prefetch("research__jv__appointments"))
    )
    first = run_sweep(
        returns, lambda r: _return_specs(r, today), recheck=Recheck(still_due=owed, field="due_date")
    )
    research = (
        AnnualResearch.objects.open()
        .filter(due_date__lte=today + datetime.timedelta(days=max(RESEARCH_WARNINGS)))
        .select_related("jv__liaison", "jv__department__head", "lead")
    )
    second = run_sweep(
        research,
        _ResearchDue(today).specs,
        recheck=Recheck(still_due=AnnualResearch.objects.open(), field="due_date"),
    )
    return {"due": first["due"] + second["due"], "created": first["created"] + second["created"]}


def research_daily(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: open the year's research once the campaign's day has come, then remind."""
    return {**campaign_open(today=today), **research_reminders_sweep(today=today)}

"""What every research service shares: the field lists, who leads and answers, the locks, the
notification parameters."""

from django.db.models import Prefetch

from core import audience
from core.services import ensure_visible, lock_row
from notifications import kinds
from notifications.services import tell
from representatives.models import Appointment
from ventures.models import JointVenture

from ..models import AnnualResearch, DataReturn

RESEARCH_FIELDS = ("lead", "due_date", "scope", "questions", "starts_on", "ends_on", "findings", "problems")
RETURN_FIELDS = (*DataReturn.FIGURE_FIELDS, "plans", "investment_intentions", "difficulties")
RECOMMENDATION_FIELDS = ("text", "owner", "due_date", "status")
# Reminders: the data return 14 days before, on the day, once overdue; the research 30 and 7 days
# before, on the day, once overdue and RESEARCH_OVERDUE_LEADERSHIP_DAYS later to leadership.
RETURN_WARNINGS = (14,)
RESEARCH_WARNINGS = (30, 7)
BATCH_SIZE = 1000


# --- Who leads, who answers ----------------------------------------------------------------------


def lead_for(jv: JointVenture):
    """The JV's HQ liaison, else the head of its responsible department (active users only)."""
    for user in (jv.liaison, jv.department.head if jv.department else None):
        if user is not None and user.is_active:
            return user
    return None


def _in_post_prefetch(path: str) -> Prefetch:
    """The JV's representatives in post, fetched with a batch (``<jv>.in_post``)."""
    return Prefetch(
        path,
        queryset=Appointment.objects.active()
        .filter(representative__user__isnull=False)
        .select_related("representative__user"),
        to_attr="in_post",
    )


def _representatives(jv) -> list:
    """The logins of the JV's representatives in post: prefetched when the JV came with a batch."""
    if hasattr(jv, "in_post"):
        return audience.people(*(a.representative.user for a in jv.in_post))
    return audience.jv_side(jv.pk)


def _params(research: AnnualResearch, **extra) -> dict:
    return {
        "jv": kinds.bilingual(research.jv),
        "year": research.year,
        "data_year": research.data_year,
        "due": research.due_date.isoformat(),
        **extra,
    }


def _return_params(data_return: DataReturn, **extra) -> dict:
    return _params(data_return.research, due=data_return.due_date.isoformat(), **extra)


def _tell(recipients, *, kind, research: AnnualResearch, key: str, actor=None, url=None, **params) -> int:
    return tell(
        recipients,
        kind=kind,
        key=key,
        target=research,
        url=url or research.get_absolute_url(),
        params=_params(research, **params),
        actor=actor,
    )


def _lock(research: AnnualResearch, expected_version: int | None, actor) -> AnnualResearch:
    ensure_visible(research, actor)
    return lock_row(
        AnnualResearch.objects.select_related("jv__liaison", "jv__department__head", "lead"),
        research.pk,
        expected_version=expected_version,
    )


def _lock_return(data_return: DataReturn, expected_version: int | None, actor) -> DataReturn:
    """The data return, locked, reached through its research (which the actor must see)."""
    research = _lock(data_return.research, None, actor)
    locked = lock_row(DataReturn, data_return.pk, expected_version=expected_version)
    locked.research = research
    return locked

"""The contact cadence: when each JV last had high-level contact (a held engagement a member of the
group's leadership attended) and whether it is past its strategic tier's target.

Counted in calendar days, Beijing time: a target says how long a partner may go without seeing the
group's leaders, and holidays and year ends do not stop that clock (``core.workdays`` is for
deadlines HQ works to, not for this).
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ventures.choices import VentureStatus
from ventures.models import JointVenture

from .models import ContactTarget, Engagement

# A JV that has left the portfolio is not visited any more.
WATCHED_STATUSES = (VentureStatus.PREPARING, VentureStatus.OPERATING, VentureStatus.RESTRUCTURING)


def last_contact_subquery(today: datetime.date, jv=None):
    """The day of the JV's latest held high-level engagement up to ``today`` (its last day): of the
    outer query's JV, or of ``jv`` (an id) as a subquery of any query."""
    return Subquery(
        Engagement.objects.high_level()
        .filter(ventures=OuterRef("pk") if jv is None else jv, starts_on__lte=today)
        .annotate(contact_on=Coalesce("ends_on", "starts_on"))
        .order_by("-contact_on")
        .values("contact_on")[:1]
    )


def with_last_contact(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return queryset.annotate(last_contact=last_contact_subquery(today))


def targets() -> dict[str, int]:
    """Days per strategic tier (tiers without a target are not watched)."""
    return dict(ContactTarget.objects.values_list("tier", "days"))


def days_since(last: datetime.date | None, today: datetime.date) -> int | None:
    if last is None:
        return None
    return max((today - min(last, today)).days, 0)


@dataclass
class Standing:
    """A JV's contact standing today."""

    jv: JointVenture
    last: datetime.date | None
    days: int | None  # since the last high-level contact; None: never
    target: int | None  # the tier's target in days; None: not watched

    @property
    def lapsed_on(self) -> datetime.date | None:
        if self.last is None or self.target is None:
            return None
        return self.last + datetime.timedelta(days=self.target)

    @property
    def past_target(self) -> bool:
        return self.target is not None and (self.days is None or self.days > self.target)

    @property
    def over_by(self) -> int | None:
        """Days past the target (None for a JV never contacted)."""
        if not self.past_target or self.days is None:
            return None
        return self.days - self.target


def target_subquery(tier: str):
    """The days of ``tier``'s contact target, as a subquery of any query."""
    return Subquery(ContactTarget.objects.filter(tier=tier).values("days")[:1])


def standing(
    jv: JointVenture, today: datetime.date | None = None, target_days: dict | None = None
) -> Standing:
    """One JV's standing: one query for its last contact and its tier's target (none when the JV
    comes annotated with ``last_contact`` and the targets are given)."""
    today = today or timezone.localdate()
    if hasattr(jv, "last_contact") or target_days is not None:
        last = (
            jv.last_contact
            if hasattr(jv, "last_contact")
            else with_last_contact(JointVenture.objects.filter(pk=jv.pk), today)
            .values_list("last_contact", flat=True)
            .first()
        )
        target = (targets() if target_days is None else target_days).get(jv.strategic_tier)
    else:
        tier_target = ContactTarget.objects.filter(tier=OuterRef("strategic_tier")).values("days")[:1]
        last, target = (
            with_last_contact(JointVenture.objects.filter(pk=jv.pk), today)
            .annotate(target=Subquery(tier_target))
            .values_list("last_contact", "target")
            .first()
        ) or (None, None)
    return Standing(jv=jv, last=last, days=days_since(last, today), target=target)


def past_target_queryset(ventures: QuerySet, today: datetime.date, target_days: dict) -> QuerySet:
    """The JVs of ``ventures`` past their tier's target, as a queryset annotated with ``last_contact``
    (for a sweep's batches and the home page's count)."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for tier, days in target_days.items():
        limit = today - datetime.timedelta(days=days)
        condition |= Q(strategic_tier=tier) & (Q(last_contact__isnull=True) | Q(last_contact__lt=limit))
    return with_last_contact(ventures.filter(status__in=WATCHED_STATUSES), today).filter(condition)


def past_target(*, user, today: datetime.date | None = None) -> list[Standing]:
    """The JVs the user sees that are past their contact target, most neglected first: never
    contacted, then by the days past the target."""
    today = today or timezone.localdate()
    target_days = targets()
    rows = past_target_queryset(JointVenture.objects.visible_to(user), today, target_days).select_related(
        "department", "liaison"
    )
    standings = [
        Standing(
            jv=jv,
            last=jv.last_contact,
            days=days_since(jv.last_contact, today),
            target=target_days[jv.strategic_tier],
        )
        for jv in rows
    ]
    return sorted(standings, key=lambda s: (s.days is not None, -(s.over_by or 0), s.jv.name))


def past_target_count(*, user, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return past_target_queryset(JointVenture.objects.visible_to(user), today, targets()).count()

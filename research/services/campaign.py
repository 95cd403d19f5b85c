"""Opening research: the yearly campaign and by hand."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import require, save_with_history
from notifications.services import NotificationSpec, notify_many
from ventures.models import JointVenture

from .. import notices, permissions
from ..models import AnnualResearch, CampaignSettings, DataReturn
from .common import (
    BATCH_SIZE,
    _in_post_prefetch,
    _params,
    _representatives,
    _return_params,
    lead_for,
)

# --- Opening: the yearly campaign and by hand ----------------------------------------------------


def _new(jv: JointVenture, year: int, campaign: CampaignSettings, *, actor, at) -> AnnualResearch:
    return AnnualResearch(
        jv=jv,
        year=year,
        lead=lead_for(jv),
        due_date=campaign.day("due_on", year),
        opened_at=at,
        opened_by=actor,
    )


def _announce_opened(research: AnnualResearch, data_return: DataReturn) -> list[NotificationSpec]:
    specs = []
    if research.lead is not None:
        specs.append(
            NotificationSpec(
                recipient=research.lead,
                kind=notices.OPENED.code,
                key=f"research-opened:{research.pk}:{research.lead.pk}",
                params=_params(research),
                url=research.get_absolute_url(),
                target=research,
            )
        )
    specs += [
        NotificationSpec(
            recipient=user,
            kind=notices.RETURN_REQUESTED.code,
            key=f"research-return-requested:{research.pk}:{user.pk}",
            params=_return_params(data_return),
            url=data_return.get_absolute_url(),
            target=research,
        )
        for user in _representatives(research.jv)
    ]
    return specs


def campaign_open(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Open this year's research for every JV whose status the campaign covers, once the campaign's
    day has come (Beijing time): exactly once per JV and year, whoever else runs it meanwhile.

    Runs daily: a JV that becomes operating later in the year gets its research from the next run.
    Each batch costs a fixed number of queries: the JVs (with their liaison, department head and
    representatives in post), two bulk inserts and their history, a re-read, and the notifications.
    """
    today = today or timezone.localdate()
    campaign = CampaignSettings.current()
    if today < campaign.day("opens_on", today.year):
        return {"opened": 0}
    year = today.year
    due = (
        JointVenture.objects.filter(status__in=campaign.statuses)
        .exclude(Exists(AnnualResearch.objects.filter(jv=OuterRef("pk"), year=year)))
        .select_related("liaison", "department__head")
        .prefetch_related(_in_post_prefetch("appointments"))
        .order_by("pk")
    )
    opened = 0
    last_pk = 0
    while True:
        batch = list(due.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            break
        opened += _open_batch(batch, year, campaign)
        last_pk = batch[-1].pk
    return {"opened": opened}


def _open_batch(batch: list[JointVenture], year: int, campaign: CampaignSettings) -> int:
    at = timezone.now()
    with transaction.atomic():
        # Another run may open some of these meanwhile: the unique constraint keeps one each.
        AnnualResearch.objects.bulk_create(
            [_new(jv, year, campaign, actor=None, at=at) for jv in batch], ignore_conflicts=True
        )
        jvs = {jv.pk: jv for jv in batch}
        mine = list(
            AnnualResearch.objects.filter(year=year, jv_id__in=jvs, opened_at=at, opened_by__isnull=True)
            .select_related("lead")
            .order_by("pk")
        )
        for research in mine:
            research.jv = jvs[research.jv_id]
        returns = [DataReturn(research=r, due_date=campaign.day("data_return_due_on", year)) for r in mine]
        DataReturn.objects.bulk_create(returns)
        AnnualResearch.history.bulk_history_create(mine, default_date=at)
        DataReturn.history.bulk_history_create(returns, default_date=at)
        notify_many(
            [
                spec
                for research, dr in zip(mine, returns, strict=True)
                for spec in _announce_opened(research, dr)
            ]
        )
    return len(mine)


def research_open(*, jv: JointVenture, year: int, actor, at=None) -> AnnualResearch:
    """HQ opens a JV's research by hand (whatever its status); the history names who did.
    ``actor=None`` is the campaign itself (the demo backdates its opening this way)."""
    at = at or timezone.now()
    require(actor is None or permissions.can_open(actor))
    campaign = CampaignSettings.current()
    try:
        with transaction.atomic():
            research = _new(jv, year, campaign, actor=actor, at=at)
            research.full_clean()
            save_with_history(instance=research, actor=actor)
            data_return = save_with_history(
                instance=DataReturn(research=research, due_date=campaign.day("data_return_due_on", year)),
                actor=actor,
            )
            notify_many(_announce_opened(research, data_return))
            return research
    except IntegrityError as exc:
        # Opened by the campaign (or a colleague) a moment ago.
        raise ValidationError(
            {"year": _("This joint venture's research for this year is open already.")}
        ) from exc

"""Writes on representatives and appointments: one transaction each, with history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role, can_edit_registry
from core.services import require, save_with_history, versioned_update
from notifications import kinds
from notifications.services import RECIPIENT_FIELDS, NotificationSpec, notify
from notifications.sweeps import Recheck, SweepMemo, run_sweep

from .. import notices
from ..choices import SeatRole
from ..models import Appointment, Representative

TERM_WARNINGS = (90, 30)


def grant_representative_role(user) -> None:
    """A login linked to a representative holds the representative role."""
    if user is None:
        return
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=Role.REPRESENTATIVE))


def _editor(actor) -> None:
    """HQ staff keep representatives and their seats; ``actor=None`` is the portal itself."""
    require(actor is None or can_edit_registry(actor))


def representative_create(*, actor, data: dict) -> Representative:
    _editor(actor)
    with transaction.atomic():
        representative = save_with_history(instance=Representative(**data), actor=actor)
        grant_representative_role(representative.user)
        return representative


def representative_update(
    *, representative: Representative, actor, data: dict, expected_version: int | None = None
) -> Representative:
    _editor(actor)
    with transaction.atomic():
        updated = versioned_update(
            instance=representative, actor=actor, data=data, expected_version=expected_version
        )
        grant_representative_role(updated.user)
        return updated


def appointment_create(*, representative: Representative, actor, data: dict) -> Appointment:
    _editor(actor)
    with transaction.atomic():
        appointment = save_with_history(
            instance=Appointment(representative=representative, **data), actor=actor
        )
        grant_representative_role(representative.user)
        if representative.user_id:
            notify(
                recipient=representative.user,
                kind=notices.APPOINTMENT_MADE.code,
                key=f"appointment-made:{appointment.pk}",
                params={
                    "role": kinds.in_each_language(SeatRole(appointment.role).label),
                    "jv": kinds.bilingual(appointment.jv),
                    "start": appointment.start_date.isoformat(),
                },
                url=appointment.jv.get_absolute_url(),
                target=appointment,
            )
        return appointment


def appointment_update(
    *, appointment: Appointment, actor, data: dict, expected_version: int | None = None
) -> Appointment:
    _editor(actor)
    with transaction.atomic():
        if "jv" in data and data["jv"].pk != appointment.jv_id:
            raise ValidationError(
                {"jv": _("An appointment cannot move to another joint venture; end it and add a new one.")}
            )
        return versioned_update(
            instance=appointment, actor=actor, data=data, expected_version=expected_version
        )


def _term_ending_specs(
    appointment: Appointment, today: datetime.date, memo: SweepMemo
) -> list[NotificationSpec]:
    days = (appointment.term_end - today).days
    step = _term_step(appointment, today)
    recipients = {u.pk: u for u in (appointment.representative.user, appointment.jv.liaison) if u is not None}
    params = {
        "name": kinds.bilingual(appointment.representative),
        "role": memo.in_each_language(appointment.role, SeatRole(appointment.role).label),
        "jv": kinds.bilingual(appointment.jv),
        "term_end": appointment.term_end.isoformat(),
        "days": days,
    }
    url = memo.url(type(appointment.jv), appointment.jv_id)
    return [
        NotificationSpec(
            recipient=user,
            kind=notices.TERM_ENDING.code,
            key=f"term-ending:{appointment.pk}:{appointment.term_end.isoformat()}:{step}:{user.pk}",
            params=params,
            url=url,
            target=appointment,
        )
        for user in recipients.values()
    ]


def appointment_terms_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Warn 90 and then 30 days before a term ends, when no successor is recorded; each once.

    Each appointment records the last warning it was given (``term_warned_for``, the term end it
    was about, and ``term_warned_days``): only those owed a warning are read, so a run with nothing
    to say reads no row. A term end that moves is warned of again from its first step."""
    today = today or timezone.localdate()
    successor = Appointment.objects.filter(
        jv=OuterRef("jv"), role=OuterRef("role"), start_date__gt=OuterRef("start_date")
    ).filter(start_date__gt=today)  # a successor has not started yet; a fellow director is no successor
    # Owed a warning: none given for this term end yet, or only one of an earlier step than the
    # step the term has now reached, or its JV or representative saved since (a new liaison or
    # login may not have been told; the keys keep those who were from being told twice).
    owed = (
        Q(term_warned_for__isnull=True)
        | ~Q(term_warned_for=F("term_end"))
        | Q(jv__updated_at__gt=F("term_warned_at"))
        | Q(representative__updated_at__gt=F("term_warned_at"))
    )
    for step in sorted(TERM_WARNINGS)[:-1]:
        owed |= Q(term_end__lte=today + datetime.timedelta(days=step), term_warned_days__gt=step)
    due = (
        Appointment.objects.active(on=today)
        .filter(term_end__gte=today, term_end__lte=today + datetime.timedelta(days=max(TERM_WARNINGS)))
        .filter(owed)
        .exclude(Exists(successor))
        .select_related("representative__user", "jv__liaison")
        # What the warning needs, no more: five rows a due appointment, each a model instance
        # (their full rows, dates and all, were half of a run).
        .only(
            "role",
            "term_end",
            "jv__name",
            "jv__name_en",
            *(
                f"{person}__{name}"
                for person in ("representative__user", "jv__liaison")
                for name in RECIPIENT_FIELDS
            ),
            "representative__name",
            "representative__name_en",
        )
    )
    recheck = Recheck(
        still_due=Appointment.objects.order_by(),
        field="term_end",
        then=lambda kept: _record_term_warnings(kept, today),
    )
    memo = SweepMemo()
    return run_sweep(due, lambda a: _term_ending_specs(a, today, memo), recheck=recheck)


def _term_step(appointment: Appointment, today: datetime.date) -> int:
    """The warning step (days before the term ends) the appointment has reached today."""
    days = (appointment.term_end - today).days
    return min(t for t in TERM_WARNINGS if days <= t)


def _record_term_warnings(kept: list[Appointment], today: datetime.date) -> None:
    """Under the sweep's lock on the batch (whose term ends have not moved): each appointment's
    warning given, one statement per step."""
    by_step: dict[int, list[int]] = {}
    for appointment in kept:
        by_step.setdefault(_term_step(appointment, today), []).append(appointment.pk)
    now = timezone.now()
    for step, ids in by_step.items():
        Appointment.objects.filter(pk__in=ids).update(
            term_warned_for=F("term_end"), term_warned_days=step, term_warned_at=now
        )

"""Writes on representatives and appointments: one transaction each, with history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.roles import Role
from core.services import save_with_history, versioned_update

from .models import Appointment, Representative


def grant_representative_role(user) -> None:
    """A login linked to a representative holds the representative role."""
    if user is None:
        return
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=Role.REPRESENTATIVE))


def representative_create(*, actor, data: dict) -> Representative:
    with transaction.atomic():
        representative = save_with_history(instance=Representative(**data), actor=actor)
        grant_representative_role(representative.user)
        return representative


def representative_update(
    *, representative: Representative, actor, data: dict, expected_version: int | None = None
) -> Representative:
    with transaction.atomic():
        updated = versioned_update(
            instance=representative, actor=actor, data=data, expected_version=expected_version
        )
        grant_representative_role(updated.user)
        return updated


def appointment_create(*, representative: Representative, actor, data: dict) -> Appointment:
    with transaction.atomic():
        return save_with_history(instance=Appointment(representative=representative, **data), actor=actor)


def appointment_update(
    *, appointment: Appointment, actor, data: dict, expected_version: int | None = None
) -> Appointment:
    with transaction.atomic():
        if "jv" in data and data["jv"].pk != appointment.jv_id:
            raise ValidationError(
                {"jv": _("An appointment cannot move to another joint venture; end it and add a new one.")}
            )
        return versioned_update(
            instance=appointment, actor=actor, data=data, expected_version=expected_version
        )

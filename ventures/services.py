"""Writes on the JV registry. One transaction per call, validated, with the actor in history.

Only HQ staff (and superusers) keep the registry; ``actor=None`` is the portal itself (the demo, an
import).
"""

from django.db import transaction

from core.roles import can_edit_registry
from core.services import lock_row, require, save_with_history, versioned_update

from .models import AnnualIndicators, JointVenture, Party, Shareholding


def _editor(actor) -> None:
    require(actor is None or can_edit_registry(actor))


def party_create(*, actor, data: dict) -> Party:
    _editor(actor)
    with transaction.atomic():
        return save_with_history(instance=Party(**data), actor=actor)


def party_update(*, party: Party, actor, data: dict, expected_version: int | None = None) -> Party:
    _editor(actor)
    with transaction.atomic():
        return versioned_update(instance=party, actor=actor, data=data, expected_version=expected_version)


def venture_create(*, actor, data: dict) -> JointVenture:
    _editor(actor)
    with transaction.atomic():
        return save_with_history(instance=JointVenture(**data), actor=actor)


def venture_update(
    *, venture: JointVenture, actor, data: dict, expected_version: int | None = None
) -> JointVenture:
    _editor(actor)
    with transaction.atomic():
        return versioned_update(instance=venture, actor=actor, data=data, expected_version=expected_version)


def _lock_venture(venture_id: int) -> JointVenture:
    """Serialise changes to one JV's shareholdings so two edits cannot together pass 100%."""
    return lock_row(JointVenture, venture_id)


def shareholding_create(*, venture: JointVenture, actor, data: dict) -> Shareholding:
    _editor(actor)
    with transaction.atomic():
        _lock_venture(venture.pk)
        return save_with_history(instance=Shareholding(jv=venture, **data), actor=actor)


def shareholding_update(
    *, shareholding: Shareholding, actor, data: dict, expected_version: int | None = None
) -> Shareholding:
    _editor(actor)
    with transaction.atomic():
        _lock_venture(shareholding.jv_id)
        return versioned_update(
            instance=shareholding, actor=actor, data=data, expected_version=expected_version
        )


def shareholding_delete(*, shareholding: Shareholding, actor) -> None:
    _editor(actor)
    with transaction.atomic():
        _lock_venture(shareholding.jv_id)
        shareholding._history_user = actor
        shareholding.delete()


def indicators_create(*, venture: JointVenture, actor, data: dict) -> AnnualIndicators:
    _editor(actor)
    with transaction.atomic():
        return save_with_history(instance=AnnualIndicators(jv=venture, **data), actor=actor)


def indicators_update(
    *, indicators: AnnualIndicators, actor, data: dict, expected_version: int | None = None
) -> AnnualIndicators:
    _editor(actor)
    with transaction.atomic():
        return versioned_update(
            instance=indicators, actor=actor, data=data, expected_version=expected_version
        )


def indicators_delete(*, indicators: AnnualIndicators, actor) -> None:
    _editor(actor)
    with transaction.atomic():
        indicators._history_user = actor
        indicators.delete()

"""Writes on the JV registry. One transaction per call, validated, with the actor in history."""

from django.db import transaction

from core.services import save_with_history, versioned_update

from .models import AnnualIndicators, JointVenture, Party, Shareholding


def party_create(*, actor, data: dict) -> Party:
    with transaction.atomic():
        return save_with_history(instance=Party(**data), actor=actor)


def party_update(*, party: Party, actor, data: dict, expected_version: int | None = None) -> Party:
    with transaction.atomic():
        return versioned_update(instance=party, actor=actor, data=data, expected_version=expected_version)


def venture_create(*, actor, data: dict) -> JointVenture:
    with transaction.atomic():
        return save_with_history(instance=JointVenture(**data), actor=actor)


def venture_update(
    *, venture: JointVenture, actor, data: dict, expected_version: int | None = None
) -> JointVenture:
    with transaction.atomic():
        return versioned_update(instance=venture, actor=actor, data=data, expected_version=expected_version)


def _lock_venture(venture_id: int) -> JointVenture:
    """Serialise changes to one JV's shareholdings so two edits cannot together pass 100%."""
    return JointVenture.objects.select_for_update().get(pk=venture_id)


def shareholding_create(*, venture: JointVenture, actor, data: dict) -> Shareholding:
    with transaction.atomic():
        _lock_venture(venture.pk)
        return save_with_history(instance=Shareholding(jv=venture, **data), actor=actor)


def shareholding_update(
    *, shareholding: Shareholding, actor, data: dict, expected_version: int | None = None
) -> Shareholding:
    with transaction.atomic():
        _lock_venture(shareholding.jv_id)
        return versioned_update(
            instance=shareholding, actor=actor, data=data, expected_version=expected_version
        )


def shareholding_delete(*, shareholding: Shareholding, actor) -> None:
    with transaction.atomic():
        _lock_venture(shareholding.jv_id)
        shareholding._history_user = actor
        shareholding.delete()


def indicators_create(*, venture: JointVenture, actor, data: dict) -> AnnualIndicators:
    with transaction.atomic():
        return save_with_history(instance=AnnualIndicators(jv=venture, **data), actor=actor)


def indicators_update(
    *, indicators: AnnualIndicators, actor, data: dict, expected_version: int | None = None
) -> AnnualIndicators:
    with transaction.atomic():
        return versioned_update(
            instance=indicators, actor=actor, data=data, expected_version=expected_version
        )


def indicators_delete(*, indicators: AnnualIndicators, actor) -> None:
    with transaction.atomic():
        indicators._history_user = actor
        indicators.delete()

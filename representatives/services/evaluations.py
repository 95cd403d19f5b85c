"""Evaluations: HQ scores a representative's year and publishes it to them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.services import lock_row, save_versioned, save_with_history
from notifications import kinds
from notifications.services import notify

from .. import notices, permissions
from ..choices import Grade
from ..models import Evaluation
from ..workflow import EVALUATION

EVALUATION_FIELDS = (
    "representative",
    "year",
    "learning",
    "communication",
    "role",
    "proficiency",
    "bottom_line_kept",
    "bottom_line_note",
    "grade",
    "summary",
    "evaluated_on",
)


def evaluation_create(*, actor, data: dict) -> Evaluation:
    if not permissions.can_evaluate(actor):
        raise PermissionDenied
    with transaction.atomic():
        data = {
            "evaluated_on": timezone.localdate(),
            **{k: v for k, v in data.items() if k in EVALUATION_FIELDS},
        }
        return save_with_history(instance=Evaluation(**data, evaluator=actor), actor=actor)


def _lock(evaluation: Evaluation, expected_version: int | None) -> Evaluation:
    return lock_row(
        Evaluation.objects.select_related("representative__user"),
        evaluation.pk,
        expected_version=expected_version,
    )


def evaluation_update(
    *, evaluation: Evaluation, actor, data: dict, expected_version: int | None
) -> Evaluation:
    """Change a draft; a published evaluation is final."""
    with transaction.atomic():
        locked = _lock(evaluation, expected_version)
        EVALUATION.require("edit", actor, locked)
        unknown = set(data) - set(EVALUATION_FIELDS)
        if unknown:
            raise ValueError(f"evaluation_update cannot change {sorted(unknown)}")
        changed = {name for name, value in data.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        locked.evaluator = actor
        return save_versioned(locked, actor=actor, fields={*changed, "evaluator"})


def evaluation_publish(*, evaluation: Evaluation, actor, expected_version: int | None, at=None) -> Evaluation:
    """Show the evaluation to the representative, and tell them."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(evaluation, expected_version)
        EVALUATION.require("publish", actor, locked)
        moved = EVALUATION.move("publish", locked)
        locked.published_at = at
        save_versioned(locked, actor=actor, fields=[*moved, "published_at"])
        user = locked.representative.user
        if user is not None and user.is_active:
            notify(
                recipient=user,
                kind=notices.EVALUATION_PUBLISHED.code,
                key=f"evaluation-published:{locked.pk}",
                params={"year": locked.year, "grade": kinds.in_each_language(Grade(locked.grade).label)},
                url=locked.get_absolute_url(),
                target=locked,
            )
        return locked

"""The JV's data return: filled and submitted by its representatives, returned or accepted by HQ (its
figures then become the year's indicators), and its wishes raised as demands."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audience
from core.services import lock_row, save_versioned, save_with_history
from demands.choices import Source
from demands.services import demand_raise
from notifications.services import tell
from ventures.models import AnnualIndicators
from ventures.services import indicators_create, indicators_update

from .. import notices
from ..choices import FigureChoice
from ..models import DataReturn, Wish
from ..workflow import DATA_RETURN
from .common import (
    RETURN_FIELDS,
    _lock_return,
    _representatives,
    _return_params,
)


def data_return_update(
    *,
    data_return: DataReturn,
    actor,
    data: dict,
    wishes: list[dict] | None = None,
    expected_version: int | None,
) -> DataReturn:
    """The JV's representative fills in the data return (a draft, or one HQ returned), and its
    wishes: each a dict with ``title``, ``description``, ``category`` and, for an existing one, its
    ``pk`` (and ``delete`` to remove it). A wish already raised as a demand stays as it is."""
    with transaction.atomic():
        locked = _lock_return(data_return, expected_version, actor)
        DATA_RETURN.require("edit", actor, locked)
        changed = {name for name in RETURN_FIELDS if name in data and getattr(locked, name) != data[name]}
        for name in changed:
            setattr(locked, name, data[name])
        wishes_changed = _save_wishes(locked, wishes or [], actor)
        if not changed and not wishes_changed:
            return locked
        # A change of wishes alone is a change of the return too: the version moves on.
        return save_versioned(locked, actor=actor, fields=changed)


def _save_wishes(data_return: DataReturn, wishes: list[dict], actor) -> bool:
    existing = {w.pk: w for w in data_return.wishes.all()}
    changed = False
    for item in wishes:
        wish = existing.get(item.get("pk")) if item.get("pk") else None
        if item.get("pk") and wish is None:
            raise PermissionDenied  # another data return's wish
        if wish is not None and wish.demand_id:
            continue  # raised as a demand: the demand carries it on
        if item.get("delete"):
            if wish is not None:
                wish._history_user = actor
                wish.delete()
                changed = True
            continue
        title = (item.get("title") or "").strip()
        if not title:
            continue
        fields = {
            "title": title,
            "description": item.get("description", ""),
            "category": item.get("category", ""),
        }
        if wish is None:
            save_with_history(instance=Wish(data_return=data_return, **fields), actor=actor)
            changed = True
        elif any(getattr(wish, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(wish, k, v)
            save_with_history(instance=wish, actor=actor)
            changed = True
    return changed


def data_return_submit(
    *, data_return: DataReturn, actor, expected_version: int | None, at=None
) -> DataReturn:
    """The JV's representative submits the data return: every figure must be there."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_return(data_return, expected_version, actor)
        DATA_RETURN.require("submit", actor, locked)
        missing = locked.missing_figures()
        if missing:
            raise ValidationError({name: _("Fill in this figure before submitting.") for name in missing})
        fields = DATA_RETURN.move("submit", locked)
        locked.submitted_at, locked.submitted_by = at, actor
        saved = save_versioned(locked, actor=actor, fields={*fields, "submitted_at", "submitted_by"})
        research = saved.research
        tell(
            audience.people(research.lead, *research.team.all()),
            kind=notices.RETURN_SUBMITTED,
            key=f"research-return-submitted:{saved.pk}:v{saved.version}",
            target=research,
            url=saved.get_absolute_url(),
            params=_return_params(saved),
            actor=actor,
        )
        return saved


def data_return_return(
    *, data_return: DataReturn, actor, comments: str, expected_version: int | None
) -> DataReturn:
    """HQ sends the data return back to the JV with comments."""
    comments = (comments or "").strip()
    with transaction.atomic():
        locked = _lock_return(data_return, expected_version, actor)
        DATA_RETURN.require("return", actor, locked)
        if not comments:
            raise ValidationError({"comments": _("Say what the JV should correct or complete.")})
        fields = DATA_RETURN.move("return", locked)
        locked.review_comments = comments
        saved = save_versioned(locked, actor=actor, fields={*fields, "review_comments"})
        tell(
            _representatives(saved.research.jv),
            kind=notices.RETURN_RETURNED,
            key=f"research-return-returned:{saved.pk}:v{saved.version}",
            target=saved.research,
            url=saved.get_absolute_url(),
            params=_return_params(saved, comments=comments),
            actor=actor,
        )
        return saved


def figure_differences(data_return: DataReturn) -> tuple[AnnualIndicators | None, list[dict]]:
    """The JV's record for the data return's year, and for each figure the returned value, the
    recorded one and whether they differ (what HQ must choose between)."""
    research = data_return.research
    record = AnnualIndicators.objects.filter(jv_id=research.jv_id, year=research.data_year).first()
    rows = []
    for name in DataReturn.FIGURE_FIELDS:
        returned = getattr(data_return, name)
        recorded = getattr(record, name) if record is not None else None
        rows.append(
            {
                "name": name,
                "label": DataReturn._meta.get_field(name).verbose_name,
                "returned": returned,
                "recorded": recorded,
                "differs": record is not None and recorded != returned,
            }
        )
    return record, rows


def data_return_accept(
    *,
    data_return: DataReturn,
    actor,
    choices: dict[str, str] | None = None,
    expected_version: int | None,
    indicators_version: int | None = None,
    at=None,
) -> DataReturn:
    """HQ accepts the data return; its figures become the year's ``AnnualIndicators``.

    Without a row for that year one is created from the return. Where one exists, every figure that
    differs needs HQ's choice (``choices[name]``: take the JV's figure, or keep the recorded one):
    nothing is overwritten silently. The indicators' history names the actor for each figure taken,
    and the data return keeps what was returned, recorded and chosen.
    """
    at = at or timezone.now()
    choices = choices or {}
    with transaction.atomic():
        locked = _lock_return(data_return, expected_version, actor)
        DATA_RETURN.require("accept", actor, locked)
        research = locked.research
        record, rows = figure_differences(locked)
        missing = [
            r["name"] for r in rows if r["differs"] and choices.get(r["name"]) not in FigureChoice.values
        ]
        if missing:
            raise ValidationError({name: _("Choose which figure stands.") for name in missing})
        figures = locked.figures()
        if record is None:
            indicators_create(venture=research.jv, actor=actor, data={"year": research.data_year, **figures})
            taken = {r["name"]: FigureChoice.RETURNED for r in rows}
        else:
            taken = {r["name"]: choices[r["name"]] if r["differs"] else FigureChoice.RECORDED for r in rows}
            update = {
                name: figures[name] for name, choice in taken.items() if choice == FigureChoice.RETURNED
            }
            indicators_update(
                indicators=record,
                actor=actor,
                data=update,
                expected_version=indicators_version if indicators_version is not None else record.version,
            )
        locked.accepted_figures = {
            r["name"]: {
                "returned": None if r["returned"] is None else str(r["returned"]),
                "recorded": None if r["recorded"] is None else str(r["recorded"]),
                "kept": str(taken[r["name"]]),
            }
            for r in rows
        }
        fields = DATA_RETURN.move("accept", locked)
        locked.accepted_at, locked.accepted_by = at, actor
        saved = save_versioned(
            locked, actor=actor, fields={*fields, "accepted_at", "accepted_by", "accepted_figures"}
        )
        tell(
            _representatives(research.jv),
            kind=notices.RETURN_ACCEPTED,
            key=f"research-return-accepted:{saved.pk}:v{saved.version}",
            target=research,
            url=saved.get_absolute_url(),
            params=_return_params(saved),
            actor=actor,
        )
        return saved


def wish_to_demand(*, wish: Wish, actor, priority: str = "normal", at=None):
    """Raise the JV's wish as a demand (source: the annual research), linked both ways. A JV's
    representative in post or HQ may; a wish is raised once."""
    with transaction.atomic():
        data_return = _lock_return(wish.data_return, None, actor)
        locked = lock_row(Wish, wish.pk)
        if locked.data_return_id != data_return.pk:
            raise PermissionDenied
        if locked.demand_id:
            raise ValidationError(_("This wish is a demand already."))
        research = data_return.research
        demand = demand_raise(
            actor=actor,
            data={
                "jv": research.jv,
                "title": locked.title,
                "description": locked.description or locked.title,
                "category": locked.category or "other",
                "priority": priority,
                "source": Source.RESEARCH,
                "source_note": str(_("Data return for %(year)s") % {"year": research.data_year}),
            },
            at=at,
        )
        locked.demand = demand
        save_with_history(instance=locked, actor=actor, update_fields=["demand"])
        return demand

"""The research record: its plan and write-up, leadership's acceptance, the shared summary, files and
recommendations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import audience
from core.services import lock_row, require, save_versioned, save_with_history
from demands.choices import Source
from demands.services import demand_raise
from notifications import kinds

from .. import notices, permissions
from ..models import AnnualResearch, Recommendation, ResearchAttachment
from ..workflow import RESEARCH
from .common import (
    RECOMMENDATION_FIELDS,
    RESEARCH_FIELDS,
    _lock,
    _representatives,
    _tell,
)

# --- The research record ----------------------------------------------------------------------


def research_update(
    *, research: AnnualResearch, actor, data: dict, team=None, expected_version: int | None, at=None
) -> AnnualResearch:
    """HQ edits the plan and the write-up (findings, problems) while the research is open."""
    with transaction.atomic():
        locked = _lock(research, expected_version, actor)
        RESEARCH.require("edit", actor, locked)
        lead = data.get("lead", locked.lead)
        if lead is not None and not permissions.works_on_research(lead):
            raise ValidationError({"lead": _("The lead must be a member of HQ staff.")})
        if team is not None and any(not permissions.works_on_research(user) for user in team):
            raise ValidationError({"team": _("The team is made of HQ staff.")})
        changed = {name for name in RESEARCH_FIELDS if name in data and getattr(locked, name) != data[name]}
        for name in changed:
            setattr(locked, name, data[name])
        team_changed = team is not None and {u.pk for u in team} != set(
            locked.team.values_list("pk", flat=True)
        )
        if not changed and not team_changed:
            return locked
        saved = save_versioned(locked, actor=actor, fields=changed)
        if team_changed:
            saved.team.set(team)
        if "lead" in changed and saved.lead is not None:
            _tell(
                [saved.lead],
                kind=notices.OPENED,
                research=saved,
                key=f"research-lead:{saved.pk}:v{saved.version}",
                actor=actor,
            )
        return saved


def research_transition(
    *, research: AnnualResearch, action: str, actor, comment: str = "", expected_version: int | None, at=None
) -> AnnualResearch:
    """Start, submit for acceptance, accept or return the research (``workflow.RESEARCH``)."""
    at = at or timezone.now()
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(research, expected_version, actor)
        RESEARCH.require(action, actor, locked)
        if action == "submit" and not (locked.findings.strip() or locked.problems.strip()):
            raise ValidationError({"findings": _("Write the findings before submitting the research.")})
        if action == "return" and not comment:
            raise ValidationError({"comment": _("Say what should be revised.")})
        fields = RESEARCH.move(action, locked)
        if action == "submit":
            locked.submitted_at = at
            fields.add("submitted_at")
        if action in ("accept", "return"):
            locked.decided_by, locked.decided_at, locked.decision_comment = actor, at, comment
            fields |= {"decided_by", "decided_at", "decision_comment"}
        saved = save_versioned(locked, actor=actor, fields=fields)
        key = f"research-{action}:{saved.pk}:v{saved.version}"
        if action == "submit":
            _tell(
                audience.leadership(), kind=notices.RESEARCH_SUBMITTED, research=saved, key=key, actor=actor
            )
        elif action in ("accept", "return"):
            _tell(
                [saved.lead, *saved.team.all()],
                kind=notices.RESEARCH_DECIDED,
                research=saved,
                key=key,
                actor=actor,
                decision=kinds.in_each_language(
                    lambda: (
                        pgettext("leadership ... the research", "accepted")
                        if action == "accept"
                        else pgettext("leadership ... the research", "returned")
                    )
                ),
                comment=comment or "—",
            )
        return saved


def research_share_summary(
    *, research: AnnualResearch, actor, summary: str, expected_version: int | None, at=None
) -> AnnualResearch:
    """HQ shares a summary with the JV's representatives: the one thing of HQ's write-up they read."""
    at = at or timezone.now()
    summary = (summary or "").strip()
    with transaction.atomic():
        locked = _lock(research, expected_version, actor)
        RESEARCH.require("share", actor, locked)
        if not summary:
            raise ValidationError({"summary": _("Write the summary the JV will read.")})
        if summary == locked.shared_summary:
            return locked
        locked.shared_summary, locked.shared_at = summary, at
        saved = save_versioned(locked, actor=actor, fields=["shared_summary", "shared_at"])
        _tell(
            _representatives(saved.jv),
            kind=notices.SUMMARY_SHARED,
            research=saved,
            key=f"research-shared:{saved.pk}:v{saved.version}",
            actor=actor,
        )
        return saved


def research_attach(*, research: AnnualResearch, actor, upload, at=None) -> ResearchAttachment:
    """HQ adds the report or a working paper (internal, like the write-up)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(research, None, actor)
        require(permissions.works_on_research(actor))
        return ResearchAttachment(research=locked).store(upload, actor=actor, at=at)


# --- Recommendations ---------------------------------------------------------------------------------


def _check_owner(data: dict) -> None:
    owner = data.get("owner")
    if owner is not None and not permissions.works_on_research(owner):
        raise ValidationError({"owner": _("The owner must be a member of HQ staff.")})


def recommendation_add(*, research: AnnualResearch, actor, data: dict) -> Recommendation:
    with transaction.atomic():
        locked = _lock(research, None, actor)
        RESEARCH.require("edit", actor, locked)
        _check_owner(data)
        fields = {k: v for k, v in data.items() if k in RECOMMENDATION_FIELDS}
        return save_with_history(instance=Recommendation(research=locked, **fields), actor=actor)


def recommendation_update(
    *, recommendation: Recommendation, actor, data: dict, expected_version: int | None
) -> Recommendation:
    """Change a recommendation (its status too, until it is a demand: then it follows the demand)."""
    with transaction.atomic():
        # Recommendations are tracked work: HQ keeps them up to date after the research is accepted too.
        research = _lock(recommendation.research, None, actor)
        require(permissions.works_on_research(actor))
        locked = lock_row(Recommendation, recommendation.pk, expected_version=expected_version)
        if locked.research_id != research.pk:
            raise PermissionDenied
        _check_owner(data)
        fields = [n for n in RECOMMENDATION_FIELDS if n in data and getattr(locked, n) != data[n]]
        if locked.demand_id and "status" in fields:
            fields.remove("status")
        if not fields:
            return locked
        for name in fields:
            setattr(locked, name, data[name])
        return save_versioned(locked, actor=actor, fields=fields)


def recommendation_to_demand(*, recommendation: Recommendation, actor, data: dict, at=None):
    """HQ turns a recommendation into a demand raised on the JV's behalf (source: the annual
    research), routed and timed like any demand; the recommendation then follows it."""
    with transaction.atomic():
        research = _lock(recommendation.research, None, actor)
        require(permissions.works_on_research(actor))
        locked = lock_row(Recommendation, recommendation.pk)
        if locked.research_id != research.pk:
            raise PermissionDenied
        if locked.demand_id:
            raise ValidationError(_("This recommendation is a demand already."))
        demand = demand_raise(
            actor=actor,
            data={
                "jv": research.jv,
                "title": data.get("title") or locked.text[:200],
                "description": locked.text,
                "category": data.get("category") or "other",
                "priority": data.get("priority") or "normal",
                "source": Source.RESEARCH,
                "source_note": str(_("Research %(year)s") % {"year": research.year}),
            },
            at=at,
        )
        locked.demand = demand
        save_versioned(locked, actor=actor, fields=["demand"])
        return demand

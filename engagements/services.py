"""Writes of engagements and their commitments, one transaction each; the daily sweeps.

Each call checks the actor's rule itself (``permissions.py``, the ``workflow.py`` tables), locks the
record through the actor's scope with the version the page showed, validates, saves with the actor
in its history, and tells the people concerned.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audience
from core.roles import Role, can_edit_registry
from core.services import ensure_visible, lock_row, require, save_versioned, save_with_history
from demands.choices import Source
from demands.models import Demand
from demands.services import demand_raise
from notifications import kinds
from notifications.services import NotificationSpec, tell
from notifications.sweeps import Recheck, run_sweep
from ventures.models import JointVenture, Party

from . import cadence, notices, permissions
from .choices import EngagementKind
from .models import Commitment, Engagement, EngagementAttachment, PartnerPerson
from .workflow import COMMITMENT, ENGAGEMENT

ENGAGEMENT_FIELDS = (
    "kind",
    "title",
    "starts_on",
    "ends_on",
    "place",
    "summary",
    "internal_notes",
    "research",
)
COMMITMENT_FIELDS = ("jv", "committed_by", "text", "owner", "due_date")
# Commitments: the owner 7 days before, on the day; once overdue the owner and the department head.
COMMITMENT_WARNINGS = (7,)


# --- Engagements -----------------------------------------------------------------------------------


def _check_relations(*, actor, data: dict, ventures, partners, partner_attendees, attendees) -> None:
    errors = {}
    if not ventures:
        errors["ventures"] = _("Choose at least one joint venture.")
    elif not permissions.may_record_for(actor, ventures):
        errors["ventures"] = _("You can record engagements only for the joint ventures where you serve.")
    visible_parties = set(Party.objects.visible_to(actor).values_list("pk", flat=True))
    if any(p.pk not in visible_parties for p in partners):
        errors["partners"] = _("Choose partner companies from the list.")
    if any(p.company_id not in visible_parties for p in partner_attendees):
        errors["partner_attendees"] = _("Choose partner attendees from the list.")
    if any(not u.is_active for u in attendees):
        errors["attendees"] = _("Choose active users only.")
    research = data.get("research")
    if research is not None and research.jv_id not in {jv.pk for jv in ventures}:
        errors["research"] = _("The research must be of one of the engagement's joint ventures.")
    if errors:
        raise ValidationError(errors)


def _is_high_level(attendees) -> bool:
    """Whether a member of the group's leadership is among ``attendees``."""
    ids = [u.pk for u in attendees]
    return bool(ids) and get_user_model().objects.filter(pk__in=ids, groups__name=Role.LEADERSHIP).exists()


def _new_people(actor, company, lines: str) -> list[PartnerPerson]:
    """Add the partner people typed one per line ("name, title") to the directory (or find them)."""
    people = []
    for line in (lines or "").splitlines():
        name, _sep, title = (part.strip() for part in line.partition(","))
        if not name:
            continue
        if company is None:
            raise ValidationError({"new_people": _("Choose the company these people work for.")})
        if company.pk not in set(Party.objects.visible_to(actor).values_list("pk", flat=True)):
            raise ValidationError({"new_people_company": _("Choose a company from the list.")})
        person = PartnerPerson.objects.filter(company=company, name=name).first()
        if person is None:
            person = save_with_history(
                instance=PartnerPerson(company=company, name=name, title=title), actor=actor
            )
        people.append(person)
    return people


def _set_relations(engagement, *, ventures, partners, attendees, partner_attendees, topics) -> None:
    engagement.ventures.set(ventures)
    engagement.partners.set(partners)
    engagement.attendees.set(attendees)
    engagement.partner_attendees.set(partner_attendees)
    engagement.topics.set(topics)


def engagement_create(
    *,
    actor,
    data: dict,
    ventures=(),
    partners=(),
    attendees=(),
    partner_attendees=(),
    topics=(),
    new_people: str = "",
    new_people_company=None,
) -> Engagement:
    """Record an engagement: HQ for any JVs, a representative for JVs where they serve (without HQ's
    internal notes or a research link)."""
    require(permissions.can_record(actor))
    with transaction.atomic():
        ventures, partners, attendees = list(ventures), list(partners), list(attendees)
        partner_attendees = [*partner_attendees, *_new_people(actor, new_people_company, new_people)]
        fields = {k: v for k, v in data.items() if k in ENGAGEMENT_FIELDS}
        if not can_edit_registry(actor):
            fields.pop("internal_notes", None)
            fields.pop("research", None)
        if "status" in data:
            fields["status"] = data["status"]
        _check_relations(
            actor=actor,
            data=fields,
            ventures=ventures,
            partners=partners,
            partner_attendees=partner_attendees,
            attendees=attendees,
        )
        engagement = Engagement(**fields, recorded_by=actor, high_level=_is_high_level(attendees))
        save_with_history(instance=engagement, actor=actor)
        _set_relations(
            engagement,
            ventures=ventures,
            partners=partners,
            attendees=attendees,
            partner_attendees=list({p.pk: p for p in partner_attendees}.values()),
            topics=topics,
        )
        return engagement


def _lock(engagement: Engagement, expected_version: int | None, actor) -> Engagement:
    ensure_visible(engagement, actor)
    return lock_row(Engagement, engagement.pk, expected_version=expected_version)


def engagement_update(
    *,
    engagement: Engagement,
    actor,
    data: dict,
    expected_version: int | None,
    ventures=None,
    partners=None,
    attendees=None,
    partner_attendees=None,
    topics=None,
    new_people: str = "",
    new_people_company=None,
) -> Engagement:
    """HQ edits the record (its JVs, people, topics, summary, notes)."""
    with transaction.atomic():
        locked = _lock(engagement, expected_version, actor)
        ENGAGEMENT.require("edit", actor, locked)
        ventures = list(locked.ventures.all()) if ventures is None else list(ventures)
        partners = list(locked.partners.all()) if partners is None else list(partners)
        attendees = list(locked.attendees.all()) if attendees is None else list(attendees)
        partner_attendees = (
            list(locked.partner_attendees.all()) if partner_attendees is None else list(partner_attendees)
        )
        partner_attendees += _new_people(actor, new_people_company, new_people)
        topics = list(locked.topics.all()) if topics is None else list(topics)
        fields = {k: v for k, v in data.items() if k in ENGAGEMENT_FIELDS}
        _check_relations(
            actor=actor,
            data={"research": fields.get("research", locked.research)},
            ventures=ventures,
            partners=partners,
            partner_attendees=partner_attendees,
            attendees=attendees,
        )
        committed = set(locked.commitments.values_list("jv_id", flat=True))
        if committed - {jv.pk for jv in ventures}:
            raise ValidationError({"ventures": _("A joint venture with commitments cannot be taken off.")})
        changed = {name for name, value in fields.items() if getattr(locked, name) != value}
        high_level = _is_high_level(attendees)
        if high_level != locked.high_level:
            changed.add("high_level")
        for name in changed - {"high_level"}:
            setattr(locked, name, fields[name])
        locked.high_level = high_level
        saved = save_versioned(locked, actor=actor, fields=changed)
        _set_relations(
            saved,
            ventures=ventures,
            partners=partners,
            attendees=attendees,
            partner_attendees=list({p.pk: p for p in partner_attendees}.values()),
            topics=topics,
        )
        return saved


def engagement_transition(*, engagement: Engagement, action: str, actor, expected_version: int | None):
    """Mark an engagement held, cancel it, or plan it again (``workflow.ENGAGEMENT``)."""
    with transaction.atomic():
        locked = _lock(engagement, expected_version, actor)
        ENGAGEMENT.require(action, actor, locked)
        fields = ENGAGEMENT.move(action, locked)
        return save_versioned(locked, actor=actor, fields=fields)


def engagement_attach(*, engagement: Engagement, actor, upload, purpose: str = "other", at=None):
    """HQ adds the agenda, minutes or photos."""
    with transaction.atomic():
        locked = _lock(engagement, None, actor)
        require(permissions.can_edit(actor, locked))
        return EngagementAttachment(engagement=locked, purpose=purpose).store(upload, actor=actor, at=at)


def engagement_link_demand(*, engagement: Engagement, demand: Demand, actor) -> Engagement:
    """Point a demand raised at a visit or a symposium at the engagement itself."""
    with transaction.atomic():
        locked = _lock(engagement, None, actor)
        require(permissions.can_edit(actor, locked))
        ensure_visible(demand, actor)
        if demand.source not in (Source.ENGAGEMENT, Source.SYMPOSIUM):
            raise ValidationError({"demand": _("Only a demand raised at a visit, meeting or symposium.")})
        if not locked.ventures.filter(pk=demand.jv_id).exists():
            raise ValidationError(
                {"demand": _("The demand must be of one of the engagement's joint ventures.")}
            )
        locked.demands.add(demand)
        return locked


# --- Commitments -----------------------------------------------------------------------------------


def _params(commitment: Commitment, **extra) -> dict:
    return {
        "jv": kinds.bilingual(commitment.jv),
        "engagement": commitment.engagement.title,
        "due": commitment.due_date.isoformat() if commitment.due_date else "—",
        "text": commitment.text[:300],
        "owner": (commitment.owner.display_name or commitment.owner.get_username())
        if commitment.owner
        else "—",
        **extra,
    }


def _check_commitment(engagement: Engagement, actor, data: dict) -> None:
    jv = data.get("jv")
    errors = {}
    if jv is None or not engagement.ventures.filter(pk=jv.pk).exists():
        errors["jv"] = _("Choose one of the engagement's joint ventures.")
    elif not (can_edit_registry(actor) or permissions.may_record_for(actor, [jv])):
        errors["jv"] = _("You can record commitments only for the joint ventures where you serve.")
    owner = data.get("owner")
    if (
        owner is not None
        and jv is not None
        and not JointVenture.objects.visible_to(owner).filter(pk=jv.pk).exists()
    ):
        errors["owner"] = _("The owner must be someone who sees this joint venture.")
    if errors:
        raise ValidationError(errors)


def _tell_owner(commitment: Commitment, actor) -> None:
    if commitment.owner_id:
        tell(
            [commitment.owner],
            kind=notices.COMMITMENT_ASSIGNED,
            key=f"commitment-owner:{commitment.pk}:v{commitment.version}",
            target=commitment.engagement,
            url=commitment.get_absolute_url(),
            params=_params(commitment),
            actor=actor,
        )


def commitment_add(*, engagement: Engagement, actor, data: dict) -> Commitment:
    with transaction.atomic():
        locked = _lock(engagement, None, actor)
        require(permissions.can_add_commitment(actor, locked))
        fields = {k: v for k, v in data.items() if k in COMMITMENT_FIELDS}
        _check_commitment(locked, actor, fields)
        commitment = save_with_history(instance=Commitment(engagement=locked, **fields), actor=actor)
        _tell_owner(commitment, actor)
        return commitment


def _lock_commitment(commitment: Commitment, expected_version: int | None, actor) -> Commitment:
    ensure_visible(commitment, actor)
    engagement = _lock(commitment.engagement, None, actor)
    locked = lock_row(
        Commitment.objects.select_related("jv", "owner", "demand"),
        commitment.pk,
        expected_version=expected_version,
    )
    if locked.engagement_id != engagement.pk:
        raise PermissionDenied
    locked.engagement = engagement
    return locked


def commitment_update(
    *, commitment: Commitment, actor, data: dict, expected_version: int | None
) -> Commitment:
    """HQ, or the JV's representative, changes what was committed, who owns it and by when."""
    with transaction.atomic():
        locked = _lock_commitment(commitment, expected_version, actor)
        require(permissions.can_update_commitment(actor, locked))
        fields = {k: v for k, v in data.items() if k in COMMITMENT_FIELDS}
        fields.setdefault("jv", locked.jv)
        _check_commitment(locked.engagement, actor, fields)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, fields[name])
        saved = save_versioned(locked, actor=actor, fields=changed)
        if "owner" in changed:
            _tell_owner(saved, actor)
        return saved


def commitment_transition(
    *, commitment: Commitment, action: str, actor, reason: str = "", expected_version: int | None
) -> Commitment:
    """Start, finish, drop (with a reason) or reopen a commitment; once it is a demand it follows the
    demand and moves no more on its own."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock_commitment(commitment, expected_version, actor)
        if locked.demand_id:
            raise ValidationError(_("This commitment is a demand now: it follows the demand's state."))
        COMMITMENT.require(action, actor, locked)
        if action == "drop" and not reason:
            raise ValidationError({"reason": _("Say why the commitment is dropped.")})
        fields = COMMITMENT.move(action, locked)
        locked.drop_reason = reason if action == "drop" else ""
        fields.add("drop_reason")
        return save_versioned(locked, actor=actor, fields=fields)


def commitment_to_demand(*, commitment: Commitment, actor, data: dict, at=None) -> Demand:
    """Turn a commitment into a demand for its JV in one step (source: the engagement, a symposium's
    as a symposium), routed and timed like any demand; the commitment then follows it."""
    with transaction.atomic():
        locked = _lock_commitment(commitment, None, actor)
        require(permissions.can_update_commitment(actor, locked))
        if locked.demand_id:
            raise ValidationError(_("This commitment is a demand already."))
        engagement = locked.engagement
        demand = demand_raise(
            actor=actor,
            data={
                "jv": locked.jv,
                "title": (data.get("title") or locked.text)[:200],
                "description": locked.text,
                "category": data.get("category") or "other",
                "priority": data.get("priority") or "normal",
                "source": Source.SYMPOSIUM
                if engagement.kind == EngagementKind.SYMPOSIUM
                else Source.ENGAGEMENT,
                "source_note": str(engagement)[:200],
            },
            at=at,
        )
        locked.demand = demand
        save_versioned(locked, actor=actor, fields=["demand"])
        return demand


# --- Sweeps ----------------------------------------------------------------------------------------


def _step(days_left: int) -> str | None:
    if days_left < 0:
        return "overdue"
    if days_left == 0:
        return "today"
    reached = [w for w in COMMITMENT_WARNINGS if days_left <= w]
    return f"soon{min(reached)}" if reached else None


def _commitment_specs(commitment: Commitment, today: datetime.date) -> list[NotificationSpec]:
    step = _step((commitment.due_date - today).days)
    if step is None:
        return []
    department = commitment.jv.department
    if step == "overdue":
        people = audience.people(commitment.owner, department.head if department else None)
        kind = notices.COMMITMENT_OVERDUE
    else:
        # Nobody owns it: the JV's liaison hears of it in the owner's stead.
        people = audience.people(commitment.owner or commitment.jv.liaison)
        kind = notices.COMMITMENT_DUE
    key = f"commitment-due:{commitment.pk}:{commitment.due_date.isoformat()}:{step}"
    params = _params(commitment)
    return [
        NotificationSpec(
            recipient=user,
            kind=kind.code,
            key=f"{key}:{user.pk}",
            params=params,
            url=commitment.get_absolute_url(),
            target=commitment.engagement,
        )
        for user in people
    ]


def commitment_reminders_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Commitments due in 7 days, on the day (the owner), overdue (the owner and the JV's
    department head): each step once per person, re-checked under a lock before anyone is told."""
    today = today or timezone.localdate()
    due = (
        Commitment.objects.tracked_here()
        .filter(due_date__lte=today + datetime.timedelta(days=max(COMMITMENT_WARNINGS)))
        .select_related("jv__department__head", "jv__liaison", "owner", "engagement")
    )
    return run_sweep(
        due,
        lambda c: _commitment_specs(c, today),
        recheck=Recheck(still_due=Commitment.objects.tracked_here(), field="due_date"),
    )


def _lapse_specs(jv: JointVenture, today: datetime.date, target_days: dict) -> list[NotificationSpec]:
    target = target_days[jv.strategic_tier]
    days = cadence.days_since(jv.last_contact, today)
    # One lapse per last contact: a new high-level contact ends it, and the next lapse has a new key.
    lapse = jv.last_contact.isoformat() if jv.last_contact else "never"
    key = f"contact-lapse:{jv.pk}:{lapse}"
    params = {
        "jv": kinds.bilingual(jv),
        "days": days if days is not None else "—",
        "target": target,
        "last": jv.last_contact.isoformat() if jv.last_contact else "—",
    }
    return [
        NotificationSpec(
            recipient=user,
            kind=notices.CONTACT_LAPSED.code,
            key=f"{key}:{user.pk}",
            params=params,
            url=jv.get_absolute_url(),
            target=jv,
        )
        for user in audience.hq_contacts(jv)
    ]


def contact_lapse_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """JVs that passed their contact target: their liaison and department head, once per lapse."""
    today = today or timezone.localdate()
    target_days = cadence.targets()
    if not target_days:
        return {"due": 0, "created": 0}
    lapsed = cadence.past_target_queryset(JointVenture.objects.all(), today, target_days).select_related(
        "liaison", "department__head"
    )
    return run_sweep(lapsed, lambda jv: _lapse_specs(jv, today, target_days))


def engagements_daily(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: commitments due and overdue, JVs past their contact target."""
    first = commitment_reminders_sweep(today=today)
    second = contact_lapse_sweep(today=today)
    return {"due": first["due"] + second["due"], "created": first["created"] + second["created"]}

"""The governance loop: register a JV meeting and its proposals, instruct, approve, record the votes.

Every call is one transaction that locks the meeting row first (then the proposal), checks the
version the page showed, validates, saves with history and tells the people concerned. Locking the
meeting on every proposal write lets the instruction sweep re-check a meeting under the same lock
before it warns anyone.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audience
from core.roles import can_edit_registry
from core.services import ensure_visible, lock_row, save_versioned, save_with_history
from core.workdays import local_minute, subtract_working_days
from notifications import kinds
from notifications.services import NotificationSpec, tell
from notifications.sweeps import Recheck, run_sweep
from ventures.models import JointVenture

from .. import notices, permissions
from ..choices import OPEN_INSTRUCTION_STATES, Decision, InstructionState, MeetingStatus, Vote, VoteCast
from ..models import Appointment, Meeting, MeetingAttachment, Proposal
from ..workflow import INSTRUCTION

MEETING_FIELDS = (
    "jv",
    "kind",
    "title",
    "meeting_at",
    "place",
    "representative",
    "short_notice",
    "short_notice_reason",
)
PROPOSAL_FIELDS = ("title", "description", "matter", "decision", "decision_reason")


# --- Deadlines -----------------------------------------------------------------------------------


def instruction_deadline(meeting_at: datetime.datetime, *, short_notice: bool) -> datetime.datetime:
    """When HQ's instructions are due: working days counted back from the meeting (fewer on the
    urgent path for a short-notice meeting)."""
    days = (
        settings.MEETING_URGENT_INSTRUCTION_WORKING_DAYS
        if short_notice
        else settings.MEETING_INSTRUCTION_WORKING_DAYS
    )
    return subtract_working_days(meeting_at, days)


def _schedule(meeting: Meeting, now: datetime.datetime) -> None:
    """Set the instruction deadline and its warning; refuse a meeting too close for the usual path.

    A short-notice meeting is warned about at once, and if even the urgent deadline has passed the
    instructions are due when the meeting starts.
    """
    if meeting.meeting_at is None:
        return
    due = instruction_deadline(meeting.meeting_at, short_notice=meeting.short_notice)
    if not meeting.short_notice and due <= now:
        raise ValidationError(
            {
                "short_notice": _(
                    "HQ needs %(days)s working days before the meeting to instruct you, and that "
                    "deadline (%(due)s) has passed. Mark the meeting as called at short notice and say why."
                )
                % {"days": settings.MEETING_INSTRUCTION_WORKING_DAYS, "due": local_minute(due)}
            }
        )
    usual = instruction_deadline(meeting.meeting_at, short_notice=False)
    if meeting.short_notice and usual > now:
        # The urgent path shortens HQ's time: it is only for a meeting called too late for the usual one.
        raise ValidationError(
            {
                "short_notice": _(
                    "The usual deadline for HQ's instructions (%(due)s) has not passed: this meeting "
                    "does not need the urgent path."
                )
                % {"due": local_minute(usual)}
            }
        )
    if meeting.short_notice and not meeting.short_notice_reason.strip():
        raise ValidationError({"short_notice_reason": _("Say why the meeting was called at short notice.")})
    if meeting.short_notice and due <= now:
        due = meeting.meeting_at
    warn = subtract_working_days(due, settings.MEETING_INSTRUCTION_WARNING_WORKING_DAYS)
    if meeting.short_notice:
        warn = min(warn, now)
    if due != meeting.instruction_due_at:
        meeting.instruction_escalation = 0
    meeting.instruction_due_at = due
    meeting.instruction_warn_at = warn


# --- Helpers -------------------------------------------------------------------------------------


MEETING_RELATED = ("jv__liaison", "jv__department__head", "representative__user")


def _lock_meeting(meeting: Meeting, expected_version: int | None = None, *, actor) -> Meeting:
    """The meeting, locked, if ``actor`` may see it and nobody saved it since ``expected_version``."""
    ensure_visible(meeting, actor)
    return lock_row(
        Meeting.objects.select_related(*MEETING_RELATED), meeting.pk, expected_version=expected_version
    )


def lock_proposal(proposal: Proposal, expected_version: int | None, *, actor) -> Proposal:
    """Lock the proposal's meeting first, then the proposal: every proposal write does, so the
    instruction sweep re-checks a meeting under the same lock."""
    meeting = _lock_meeting(proposal.meeting, actor=actor)
    locked = lock_row(Proposal, proposal.pk, expected_version=expected_version)
    locked.meeting = meeting
    return locked


def _meeting_params(meeting: Meeting, **extra) -> dict:
    return {
        "jv": kinds.bilingual(meeting.jv),
        "meeting": meeting.title,
        "when": local_minute(meeting.meeting_at),
        "due": local_minute(meeting.instruction_due_at),
        **extra,
    }


def _proposal_params(proposal: Proposal, **extra) -> dict:
    return _meeting_params(proposal.meeting, proposal=proposal.title, **extra)


def classify(*, jv: JointVenture, matter: str, decision: str) -> tuple[str, bool]:
    """(decision, reserved): a reserved matter of the JV always needs HQ's instruction, whatever
    the representative chose; otherwise the representative's choice stands."""
    if matter and matter in (jv.reserved_matters or []):
        return Decision.HQ, True
    return decision, False


def _reason(proposal: Proposal) -> dict[str, str]:
    """Why HQ must instruct, in every portal language (for a notification)."""
    return kinds.in_each_language(lambda: proposal.reason_display)


# --- Meetings ------------------------------------------------------------------------------------


def _check_attendee(*, actor, jv: JointVenture, representative) -> None:
    if jv is None or not JointVenture.objects.visible_to(actor).filter(pk=jv.pk).exists():
        raise ValidationError({"jv": _("You cannot register a meeting of this joint venture.")})
    if representative is None:
        raise ValidationError({"representative": _("Choose who attends for the group.")})
    if not Appointment.objects.active().filter(representative=representative, jv=jv).exists():
        raise ValidationError(
            {"representative": _("This representative holds no seat in this joint venture.")}
        )
    if not can_edit_registry(actor) and representative.user_id != actor.pk:
        raise ValidationError({"representative": _("You can register only meetings you attend yourself.")})


def meeting_register(*, actor, data: dict, materials=None, at: datetime.datetime | None = None) -> Meeting:
    """Register an upcoming JV meeting; its instruction deadline is counted back from its date."""
    at = at or timezone.now()
    if not permissions.can_register_meeting(actor):
        raise PermissionDenied
    with transaction.atomic():
        _check_attendee(actor=actor, jv=data.get("jv"), representative=data.get("representative"))
        meeting = Meeting(**data, registered_by=actor, status=MeetingStatus.SCHEDULED)
        meeting.full_clean(exclude=["instruction_due_at", "instruction_warn_at"])
        if meeting.meeting_at <= at:
            raise ValidationError({"meeting_at": _("Register a meeting before it takes place.")})
        _schedule(meeting, at)
        save_with_history(instance=meeting, actor=actor)
        if materials is not None:
            MeetingAttachment(meeting=meeting, purpose=MeetingAttachment.Purpose.MATERIALS).store(
                materials, actor=actor, at=at
            )
        return meeting


def meeting_update(*, meeting: Meeting, actor, data: dict, expected_version: int | None, at=None) -> Meeting:
    """Change a meeting that is still ahead; moving it moves its instruction deadline."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, expected_version, actor=actor)
        if not permissions.can_edit_meeting(actor, locked, now=at):
            raise PermissionDenied
        if "jv" in data and data["jv"].pk != locked.jv_id:
            raise ValidationError({"jv": _("A meeting cannot move to another joint venture.")})
        _check_attendee(
            actor=actor, jv=locked.jv, representative=data.get("representative", locked.representative)
        )
        changed = {name for name, value in data.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        locked.full_clean(exclude=["instruction_due_at", "instruction_warn_at"])
        if {"meeting_at", "short_notice"} & changed:
            if locked.meeting_at <= at:
                raise ValidationError({"meeting_at": _("The meeting must still be ahead.")})
            _schedule(locked, at)
            changed |= {"instruction_due_at", "instruction_warn_at", "instruction_escalation"}
        return save_versioned(locked, actor=actor, fields=changed)


def meeting_cancel(*, meeting: Meeting, actor, expected_version: int | None, reason: str) -> Meeting:
    with transaction.atomic():
        locked = _lock_meeting(meeting, expected_version, actor=actor)
        if not permissions.can_cancel_meeting(actor, locked):
            raise PermissionDenied
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the meeting was cancelled.")})
        locked.status = MeetingStatus.CANCELLED
        locked.outcome_summary = reason.strip()
        return save_versioned(locked, actor=actor, fields=["status", "outcome_summary"])


def meeting_attach(*, meeting: Meeting, actor, upload, purpose: str, at=None) -> MeetingAttachment:
    """Add materials (while the meeting is ahead) or minutes (once it has begun)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor=actor)
        if locked.status == MeetingStatus.CANCELLED or not (
            can_edit_registry(actor) or permissions.is_attending(actor, locked)
        ):
            raise PermissionDenied
        return MeetingAttachment(meeting=locked, purpose=purpose).store(upload, actor=actor, at=at)


def meeting_record_outcome(
    *, meeting: Meeting, actor, summary: str, minutes=None, expected_version: int | None, at=None
) -> Meeting:
    """Close the loop: every proposal's vote is recorded and the minutes are filed."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, expected_version, actor=actor)
        if not permissions.can_record_outcome(actor, locked, now=at):
            raise PermissionDenied
        missing = [p.number for p in locked.proposals.all() if not p.vote_cast]
        if missing:
            raise ValidationError(
                _("Record the vote on every proposal first (items %(items)s).")
                % {"items": ", ".join(str(n) for n in missing)}
            )
        has_minutes = locked.attachments.filter(purpose=MeetingAttachment.Purpose.MINUTES).exists()
        if minutes is None and not has_minutes:
            raise ValidationError({"minutes": _("Upload the minutes of the meeting.")})
        if minutes is not None:
            MeetingAttachment(meeting=locked, purpose=MeetingAttachment.Purpose.MINUTES).store(
                minutes, actor=actor, at=at
            )
        locked.status = MeetingStatus.HELD
        locked.outcome_summary = summary.strip()
        locked.outcome_recorded_at = at
        return save_versioned(
            locked, actor=actor, fields=["status", "outcome_summary", "outcome_recorded_at"]
        )


# --- Proposals -----------------------------------------------------------------------------------


def proposal_add(*, meeting: Meeting, actor, data: dict, at=None) -> Proposal:
    """Add an item to the agenda, classified: a reserved matter of the JV needs HQ's instruction."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor=actor)
        if not permissions.can_edit_meeting(actor, locked, now=at):
            raise PermissionDenied
        decision, reserved = classify(
            jv=locked.jv, matter=data.get("matter", ""), decision=data.get("decision", "")
        )
        number = (locked.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
        proposal = Proposal(
            meeting=locked,
            number=number,
            **{**data, "decision": decision},
            reserved=reserved,
            instruction_state=InstructionState.PENDING
            if decision == Decision.HQ
            else InstructionState.NOT_NEEDED,
        )
        save_with_history(instance=proposal, actor=actor)
        if decision == Decision.HQ:
            tell(
                audience.hq_contacts(locked.jv),
                kind=notices.INSTRUCTION_REQUESTED,
                key=f"instruction-requested:{proposal.pk}",
                target=locked,
                url=locked.get_absolute_url(),
                params=_proposal_params(proposal, reason=_reason(proposal)),
                actor=actor,
            )
        return proposal


def proposal_update(
    *, proposal: Proposal, actor, data: dict, expected_version: int | None, at=None
) -> Proposal:
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_proposal(proposal, expected_version, actor=actor)
        if not permissions.can_edit_proposal(actor, locked, now=at):
            raise PermissionDenied
        merged = {name: data.get(name, getattr(locked, name)) for name in PROPOSAL_FIELDS}
        decision, reserved = classify(
            jv=locked.meeting.jv, matter=merged["matter"], decision=merged["decision"]
        )
        merged.update(decision=decision, reserved=reserved)
        changed = {name for name, value in merged.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, merged[name])
        newly_needed = decision == Decision.HQ and locked.instruction_state == InstructionState.NOT_NEEDED
        locked.instruction_state = (
            InstructionState.PENDING if decision == Decision.HQ else InstructionState.NOT_NEEDED
        )
        saved = save_versioned(locked, actor=actor, fields=[*changed, "instruction_state"])
        if newly_needed:
            tell(
                audience.hq_contacts(locked.meeting.jv),
                kind=notices.INSTRUCTION_REQUESTED,
                key=f"instruction-requested:{saved.pk}:v{saved.version}",
                target=locked.meeting,
                url=locked.meeting.get_absolute_url(),
                params=_proposal_params(saved, reason=_reason(saved)),
                actor=actor,
            )
        return saved


def instruction_draft(
    *, proposal: Proposal, actor, data: dict, expected_version: int | None, issue: bool = False, at=None
) -> Proposal:
    """HQ writes (or revises) its instruction: the vote, a note, and whether it is a major matter.
    With ``issue`` it is sent on in the same transaction (see ``instruction_issue``)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_proposal(proposal, expected_version, actor=actor)
        INSTRUCTION.require("draft", actor, locked, now=at)
        vote = data.get("instruction_vote", "")
        if vote not in Vote.values:
            raise ValidationError({"instruction_vote": _("Choose how the representative should vote.")})
        major = bool(data.get("major", locked.major))
        if locked.major and not major and locked.approval_note:
            raise ValidationError(
                {
                    "major": _(
                        "Leadership has returned this instruction once; it stays a major matter for their approval."
                    )
                }
            )
        locked.instruction_vote = vote
        locked.instruction_note = data.get("instruction_note", "").strip()
        locked.major = major
        moved = INSTRUCTION.move("draft", locked)
        locked.drafted_by = actor
        locked.drafted_at = at
        saved = save_versioned(
            locked,
            actor=actor,
            fields=[*moved, "instruction_vote", "instruction_note", "major", "drafted_by", "drafted_at"],
        )
        return _send_on(saved, actor, at) if issue else saved


def instruction_issue(*, proposal: Proposal, actor, expected_version: int | None, at=None) -> Proposal:
    """Send a drafted instruction on: to leadership for a major matter, else to the representative."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_proposal(proposal, expected_version, actor=actor)
        INSTRUCTION.require("issue", actor, locked, now=at)
        return _send_on(locked, actor, at)


def _send_on(proposal: Proposal, actor, at) -> Proposal:
    """The "issue" move: to the representative, or to leadership first for a major matter."""
    INSTRUCTION.move("issue", proposal)
    if proposal.instruction_state == InstructionState.ISSUED:
        return _issue(proposal, actor, at)
    saved = save_versioned(proposal, actor=actor, fields=["instruction_state"])
    tell(
        audience.leadership(),
        kind=notices.INSTRUCTION_APPROVAL,
        key=f"instruction-approval:{saved.pk}:v{saved.version}",
        target=proposal.meeting,
        url=proposal.meeting.get_absolute_url(),
        params=_proposal_params(saved, vote=kinds.in_each_language(Vote(saved.instruction_vote).label)),
        actor=actor,
    )
    return saved


def _issue(proposal: Proposal, actor, at) -> Proposal:
    """Record and announce an instruction the move has just issued."""
    proposal.issued_at = at
    saved = save_versioned(
        proposal, actor=actor, fields=["instruction_state", "issued_at", "approved_by", "approval_note"]
    )
    meeting = proposal.meeting
    tell(
        [meeting.representative.user],
        kind=notices.INSTRUCTION_ISSUED,
        key=f"instruction-issued:{saved.pk}:v{saved.version}",
        target=meeting,
        url=meeting.get_absolute_url(),
        params=_proposal_params(
            saved,
            vote=kinds.in_each_language(Vote(saved.instruction_vote).label),
            note=saved.instruction_note,
        ),
        actor=actor,
    )
    return saved


def instruction_approve(
    *, proposal: Proposal, actor, expected_version: int | None, note: str = "", at=None
) -> Proposal:
    """Leadership approves an instruction on a major matter; it is issued to the representative."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_proposal(proposal, expected_version, actor=actor)
        INSTRUCTION.require("approve", actor, locked, now=at)
        INSTRUCTION.move("approve", locked)
        locked.approved_by = actor
        locked.approval_note = note.strip()
        return _issue(locked, actor, at)


def instruction_return(
    *, proposal: Proposal, actor, expected_version: int | None, note: str, at=None
) -> Proposal:
    """Leadership sends a draft back to HQ with a note."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_proposal(proposal, expected_version, actor=actor)
        INSTRUCTION.require("return", actor, locked, now=at)
        if not note.strip():
            raise ValidationError({"note": _("Say what should change.")})
        INSTRUCTION.move("return", locked)
        locked.approval_note = note.strip()
        saved = save_versioned(locked, actor=actor, fields=["instruction_state", "approval_note"])
        tell(
            [locked.drafted_by],
            kind=notices.INSTRUCTION_RETURNED,
            key=f"instruction-returned:{saved.pk}:v{saved.version}",
            target=locked.meeting,
            url=locked.meeting.get_absolute_url(),
            params=_proposal_params(saved, note=saved.approval_note),
            actor=actor,
        )
        return saved


def deviation(proposal: Proposal, vote_cast: str) -> bool:
    """A vote on a matter HQ decides differs from the instruction when none was issued or the
    vote is not the one instructed."""
    if proposal.decision != Decision.HQ:
        return False
    return proposal.instruction_state != InstructionState.ISSUED or vote_cast != proposal.instruction_vote


def vote_record(*, proposal: Proposal, actor, data: dict, expected_version: int | None, at=None) -> Proposal:
    """Record the vote cast and the outcome; a vote that differs from HQ's instruction must be
    explained and is flagged to HQ."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_proposal(proposal, expected_version, actor=actor)
        if not permissions.can_record_vote(actor, locked, now=at):
            raise PermissionDenied
        vote_cast = data.get("vote_cast", "")
        if vote_cast not in VoteCast.values:
            raise ValidationError({"vote_cast": _("Say how you voted.")})
        locked.vote_cast = vote_cast
        locked.outcome = data.get("outcome", "")
        locked.deviates = deviation(locked, vote_cast)
        locked.deviation_explanation = (
            data.get("deviation_explanation", "").strip() if locked.deviates else ""
        )
        locked.vote_recorded_at = at
        saved = save_versioned(
            locked,
            actor=actor,
            fields=["vote_cast", "outcome", "deviates", "deviation_explanation", "vote_recorded_at"],
        )
        if saved.deviates:
            meeting = locked.meeting
            recipients = [*audience.hq_contacts(meeting.jv), locked.drafted_by, locked.approved_by]
            tell(
                recipients,
                kind=notices.VOTE_DEVIATED,
                key=f"vote-deviated:{saved.pk}:v{saved.version}",
                target=meeting,
                url=meeting.get_absolute_url(),
                params=_proposal_params(
                    saved,
                    vote=kinds.in_each_language(VoteCast(vote_cast).label),
                    explanation=saved.deviation_explanation,
                ),
                actor=actor,
            )
        return saved


# --- The instruction sweep -----------------------------------------------------------------------


class _InstructionSweep:
    """Warn HQ before a meeting's instruction deadline; escalate to leadership once it is missed.

    ``specs`` works out what a meeting is due; the sweep's ``Recheck`` locks the batch's meetings
    and speaks only for those still awaiting an instruction under the same deadline (every proposal
    write locks its meeting, so an instruction issued meanwhile is seen). Keys name the meeting,
    the deadline, the step and the person: any number of runs tell each person each step once.
    """

    def __init__(self, now):
        self.now = now
        self.leaders = None

    def specs(self, meeting: Meeting) -> list[NotificationSpec]:
        overdue = self.now > meeting.instruction_due_at
        due_key = meeting.instruction_due_at.isoformat()
        open_count = sum(1 for p in meeting.proposals.all() if p.instruction_state in OPEN_INSTRUCTION_STATES)
        params = _meeting_params(meeting, count=open_count)
        if overdue:
            if self.leaders is None:
                self.leaders = audience.leadership()
            kind, step = notices.INSTRUCTION_OVERDUE, "overdue"
            recipients = audience.people(*audience.hq_contacts(meeting.jv), *self.leaders)
        else:
            kind, step = notices.INSTRUCTION_DUE_SOON, "warning"
            recipients = audience.hq_contacts(meeting.jv)
        return [
            NotificationSpec(
                recipient=user,
                kind=kind.code,
                key=f"meeting-instruction:{step}:{meeting.pk}:{due_key}:{user.pk}",
                params=params,
                url=meeting.get_absolute_url(),
                target=meeting,
            )
            for user in recipients
        ]

    def record(self, kept: list[Meeting]) -> None:
        """Mark the meetings whose deadline passed as escalated: they have said everything."""
        escalated = [m.pk for m in kept if self.now > m.instruction_due_at]
        if escalated:
            Meeting.objects.filter(pk__in=escalated).update(instruction_escalation=1)


def meeting_instructions_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn HQ before instructions are due; tell HQ and leadership when they are late."""
    from django.db.models import Prefetch

    now = now or timezone.now()
    sweep = _InstructionSweep(now)
    # An escalated meeting has said everything until its deadline moves (which resets the flag).
    due = (
        Meeting.objects.awaiting_instruction()
        .filter(instruction_warn_at__lte=now, instruction_escalation=0)
        .select_related("jv__liaison", "jv__department__head")
        .prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.only("pk", "meeting_id", "instruction_state"))
        )
    )
    recheck = Recheck(
        still_due=Meeting.objects.awaiting_instruction(), field="instruction_due_at", then=sweep.record
    )
    return run_sweep(due, sweep.specs, recheck=recheck)

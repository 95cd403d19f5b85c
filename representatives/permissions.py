"""Who may do what in the governance loop, with reports and evaluations. Seeing a record at all is
its ``visible_to``; these rules apply on top, to a record the user already sees."""

from django.utils import timezone

from core.roles import can_edit_registry, is_leadership, is_representative

from .choices import OPEN_INSTRUCTION_STATES, InstructionState, MeetingStatus


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def profile_of(user):
    """The representative record linked to ``user``'s login, if any."""
    if not _active(user) or not is_representative(user):
        return None
    from .models import Representative

    cached = getattr(user, "_representative_profile", False)
    if cached is False:
        cached = Representative.objects.filter(user=user).first()
        user._representative_profile = cached
    return cached


def remember_profile(user, profile) -> None:
    """Keep a representative record loaded with another query (joined in) for ``profile_of``."""
    user._representative_profile = profile


def note_seats_in(user, jv, seats) -> None:
    """What the page read answers ``holds_seat(user, jv)``: ``seats`` are the appointments in force
    in ``jv`` with their representatives (the JV page's list of them)."""
    if not _active(user) or getattr(user, "_seat_jv_ids", None) is not None:
        return
    mine = [seat for seat in seats if seat.representative.user_id == user.pk]
    answers = getattr(user, "_seat_answers", None) or {}
    answers[getattr(jv, "pk", jv)] = bool(mine)
    user._seat_answers = answers
    if mine and getattr(user, "_representative_profile", False) is False:
        remember_profile(user, mine[0].representative)


def holds_seat(user, jv) -> bool:
    """``user`` is a representative with an appointment in force in ``jv``."""
    from .models import Appointment

    if not _active(user) or not is_representative(user):
        return False
    # A page asks for several JVs, or for one JV several times (its panels): the user's seats in
    # force are read once per request (the user object lives for one request), their own record
    # joined in for ``profile_of``; a JV whose seats the page already read is answered from them.
    held = getattr(user, "_seat_jv_ids", None)
    jv_id = getattr(jv, "pk", jv)
    answers = getattr(user, "_seat_answers", None)
    if held is None and answers and jv_id in answers:
        return answers[jv_id]
    if held is None:
        seats = list(
            Appointment.objects.active().filter(representative__user=user).select_related("representative")
        )
        held = user._seat_jv_ids = {seat.jv_id for seat in seats}
        if seats and getattr(user, "_representative_profile", False) is False:
            remember_profile(user, seats[0].representative)
    return jv_id in held


def can_register_meeting(user) -> bool:
    """Representatives (for their own JVs) and HQ staff (on their behalf)."""
    return can_edit_registry(user) or profile_of(user) is not None


def is_attending(user, meeting) -> bool:
    return _active(user) and meeting.representative.user_id == user.pk


def _ahead(meeting, now=None) -> bool:
    return meeting.status == MeetingStatus.SCHEDULED and meeting.meeting_at > (now or timezone.now())


def can_cancel_meeting(user, meeting) -> bool:
    """The attending representative or HQ staff, while the meeting is scheduled."""
    return meeting.status == MeetingStatus.SCHEDULED and (
        can_edit_registry(user) or is_attending(user, meeting)
    )


def can_edit_meeting(user, meeting, now=None) -> bool:
    """The attending representative or HQ staff, while the meeting is still ahead."""
    return _ahead(meeting, now) and (can_edit_registry(user) or is_attending(user, meeting))


def can_edit_proposal(user, proposal, now=None) -> bool:
    """Proposals change until HQ has started its instruction and before the vote is recorded."""
    return (
        can_edit_meeting(user, proposal.meeting, now)
        and not proposal.vote_cast
        and proposal.instruction_state in (InstructionState.NOT_NEEDED, InstructionState.PENDING)
    )


def hq_before_the_meeting(user, proposal, now=None) -> bool:
    """HQ staff draft and issue instructions while the meeting is ahead (a vote cast before an
    instruction existed is compared with none). The states are ``workflow.INSTRUCTION``'s."""
    return can_edit_registry(user) and _ahead(proposal.meeting, now)


def leadership_before_the_meeting(user, proposal, now=None) -> bool:
    """Leadership approves (or returns) the instruction on a major matter while the meeting is ahead."""
    return _active(user) and (user.is_superuser or is_leadership(user)) and _ahead(proposal.meeting, now)


def can_record_vote(user, proposal, now=None) -> bool:
    """Once the meeting has begun, the attending representative (or HQ for them) records the vote."""
    meeting = proposal.meeting
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and meeting.meeting_at <= (now or timezone.now())
        and (can_edit_registry(user) or is_attending(user, meeting))
    )


def can_record_outcome(user, meeting, now=None) -> bool:
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and meeting.meeting_at <= (now or timezone.now())
        and (can_edit_registry(user) or is_attending(user, meeting))
    )


def instruction_open(proposal) -> bool:
    return proposal.instruction_state in OPEN_INSTRUCTION_STATES


def is_report_owner(user, report, now=None) -> bool:
    return _active(user) and report.appointment.representative.user_id == user.pk


def reviews_reports(user, report=None, now=None) -> bool:
    """HQ staff review the reports representatives submit."""
    return can_edit_registry(user)


def can_file_major_report(user) -> bool:
    return profile_of(user) is not None


def can_evaluate(user) -> bool:
    """HQ staff write and publish evaluations."""
    return can_edit_registry(user)


def evaluates(user, evaluation=None, now=None) -> bool:
    return can_evaluate(user)

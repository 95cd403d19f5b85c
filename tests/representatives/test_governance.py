"""The governance loop: a JV meeting is registered, its proposals classified, HQ instructs (leadership
approves major matters), the representative votes and records the outcome, and the instruction
sweep warns HQ before the deadline and escalates once it is missed.

Every write goes through the services with an explicit ``at`` (Beijing time). The test database has
no calendar rows unless a test adds them, so every weekday is a working day and every weekend day is
off; where a holiday matters the ``CalendarDay`` rows are added and the expected dates are written
out by hand.

The meeting of most tests: a board meeting of ``own`` on Monday 16 March 2026 at 14:30, registered
by ``rep`` on Monday 2 March. HQ's instructions are due five working days before, on Monday 9 March
at 14:30, and HQ is warned one working day before that, on Friday 6 March at 14:30. The JV's HQ
contacts are its liaison (``liaison``) and its department's head (``head``); ``hq`` is HQ staff who
drafts instructions but looks after nothing in particular.
"""

import datetime
import zoneinfo
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import CalendarDay
from core.roles import Role
from core.services import ConcurrentEditError
from core.uploads import check_upload
from notifications.models import Notification
from notifications.services import send_pending
from representatives import notices, services
from representatives.choices import (
    Decision,
    InstructionState,
    MeetingKind,
    MeetingStatus,
    Outcome,
    Vote,
    VoteCast,
)
from representatives.models import Meeting, MeetingAttachment, Proposal
from representatives.tasks import meeting_instructions_sweep_task
from tests import factories as f
from ventures.choices import ReservedMatter

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
MINUTE = datetime.timedelta(minutes=1)
APPLY_ASYNC = "notifications.tasks.notifications_send_task.apply_async"

REQUESTED = notices.INSTRUCTION_REQUESTED.code
APPROVAL = notices.INSTRUCTION_APPROVAL.code
RETURNED = notices.INSTRUCTION_RETURNED.code
ISSUED = notices.INSTRUCTION_ISSUED.code
DEVIATED = notices.VOTE_DEVIATED.code
DUE_SOON = notices.INSTRUCTION_DUE_SOON.code
OVERDUE = notices.INSTRUCTION_OVERDUE.code


def bj(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


REGISTERED = bj(3, 2)  # Monday 2 March 2026, 10:00
MEETING = bj(3, 16, 14, 30)  # Monday 16 March, 14:30
DUE = bj(3, 9, 14, 30)  # five working days before: Monday 9 March, 14:30
WARN = bj(3, 6, 14, 30)  # one working day before that: Friday 6 March, 14:30
DRAFTED_AT = bj(3, 4)
VOTED_AT = MEETING + datetime.timedelta(hours=1)


def holiday(month: int, day: int) -> None:
    CalendarDay.objects.create(date=datetime.date(2026, month, day), kind=CalendarDay.Kind.HOLIDAY)


def worked(month: int, day: int) -> None:
    CalendarDay.objects.create(date=datetime.date(2026, month, day), kind=CalendarDay.Kind.WORKDAY)


@pytest.fixture
def world(portfolio, hq, leader, nobody):
    """``own`` with a liaison, a department head and two reserved matters; a colleague of ``rep`` on
    the same board; a second active leader and a retired one."""
    own = portfolio["own"]
    dept = own.department
    head = f.make_user(Role.HQ_STAFF, username="head", department=dept)
    dept.head = head
    dept.save(update_fields=["head"])
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    own.liaison = liaison
    own.reserved_matters = [ReservedMatter.BUDGET, ReservedMatter.CAPITAL_CHANGE]
    own.save(update_fields=["liaison", "reserved_matters"])
    colleague = f.make_representative_user(own, username="colleague")
    return SimpleNamespace(
        jv=own,
        other_jv=portfolio["other"],
        rep=portfolio["rep"],
        profile=portfolio["rep_profile"],
        other_rep=portfolio["other_rep"],
        other_profile=portfolio["other_rep_profile"],
        colleague=colleague,
        colleague_profile=colleague.representative_profile,
        hq=hq,
        head=head,
        liaison=liaison,
        leader=leader,
        leader2=f.make_user(Role.LEADERSHIP, username="leader2"),
        retired=f.make_user(Role.LEADERSHIP, username="retired", is_active=False),
        nobody=nobody,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "m.pdf"):
    return check_upload(SimpleUploadedFile(name, b"%PDF-1.4 minutes", content_type="application/pdf"))


# --- Helpers -------------------------------------------------------------------------------------


def meeting_data(w, **changes) -> dict:
    return {
        "jv": w.jv,
        "kind": MeetingKind.BOARD,
        "title": "第三届董事会第五次会议",
        "meeting_at": MEETING,
        "place": "天津",
        "representative": w.profile,
        **changes,
    }


def register(w, *, actor=None, at=REGISTERED, **changes) -> Meeting:
    return services.meeting_register(actor=actor or w.rep, data=meeting_data(w, **changes), at=at)


def add(
    meeting, actor, *, matter="", decision=Decision.REPRESENTATIVE, title="议案", reason="", at=REGISTERED
) -> Proposal:
    data = {"title": title, "matter": matter, "decision": decision, "decision_reason": reason}
    return services.proposal_add(meeting=meeting, actor=actor, data=data, at=at)


def hq_matter(w, meeting=None, **kwargs) -> Proposal:
    """A proposal on the JV's budget (a reserved matter), added by the representative."""
    return add(meeting or register(w), w.rep, matter=ReservedMatter.BUDGET, title="2026年预算", **kwargs)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def draft(w, proposal, *, vote=Vote.FOR, issue=False, actor=None, **data) -> Proposal:
    proposal = fresh(proposal)
    return services.instruction_draft(
        proposal=proposal,
        actor=actor or w.hq,
        data={"instruction_vote": vote, "instruction_note": "同意预算。", **data},
        expected_version=proposal.version,
        issue=issue,
        at=DRAFTED_AT,
    )


def issue(w, proposal, *, actor=None) -> Proposal:
    proposal = fresh(proposal)
    return services.instruction_issue(
        proposal=proposal, actor=actor or w.hq, expected_version=proposal.version, at=DRAFTED_AT
    )


def approve(proposal, actor, note="") -> Proposal:
    proposal = fresh(proposal)
    return services.instruction_approve(
        proposal=proposal, actor=actor, expected_version=proposal.version, note=note, at=DRAFTED_AT
    )


def give_back(proposal, actor, note) -> Proposal:
    proposal = fresh(proposal)
    return services.instruction_return(
        proposal=proposal, actor=actor, expected_version=proposal.version, note=note, at=DRAFTED_AT
    )


def vote(w, proposal, vote_cast, *, actor=None, at=VOTED_AT, explanation="") -> Proposal:
    proposal = fresh(proposal)
    data = {"vote_cast": vote_cast, "outcome": Outcome.PASSED, "deviation_explanation": explanation}
    return services.vote_record(
        proposal=proposal, actor=actor or w.rep, data=data, expected_version=proposal.version, at=at
    )


def told(kind: str) -> list[str]:
    """Who got a notification of ``kind``, by username, once per notification."""
    rows = Notification.objects.filter(kind=kind).select_related("recipient")
    return sorted(n.recipient.username for n in rows)


def sweep(now) -> dict:
    return services.meeting_instructions_sweep(now=now)


def escalation(meeting) -> int:
    return Meeting.objects.values_list("instruction_escalation", flat=True).get(pk=meeting.pk)


def proposal_snapshot(proposal) -> dict:
    """Everything a refused write on a proposal must leave alone."""
    return {
        "row": Proposal.objects.filter(pk=proposal.pk).values().get(),
        "history": Proposal.history.filter(id=proposal.pk).count(),
        "outbox": sorted(Notification.objects.values_list("key", flat=True)),
    }


def error_fields(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# --- Registering a meeting -----------------------------------------------------------------------


def test_a_representative_registers_a_meeting_they_attend(world):
    register(world)

    meeting = Meeting.objects.get()
    assert (meeting.jv, meeting.representative, meeting.registered_by) == (world.jv, world.profile, world.rep)
    assert meeting.status == MeetingStatus.SCHEDULED
    assert (meeting.instruction_due_at, meeting.instruction_warn_at) == (DUE, WARN)
    assert meeting.instruction_escalation == 0
    assert meeting.history.get().history_user == world.rep


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda w: {"jv": w.other_jv}, "jv"),
        (lambda w: {"jv": w.other_jv, "representative": w.other_profile}, "jv"),
        (lambda w: {"representative": w.colleague_profile}, "representative"),
        (lambda w: {"meeting_at": REGISTERED - MINUTE}, "meeting_at"),
        (lambda w: {"meeting_at": REGISTERED}, "meeting_at"),
    ],
    ids=["jv-without-a-seat", "other-jv-and-its-rep", "a-colleague-attends", "in-the-past", "starting-now"],
)
def test_a_representative_cannot_register_what_is_not_theirs_to_register(world, changes, field):
    with pytest.raises(ValidationError) as exc:
        register(world, **changes(world))

    assert error_fields(exc) == {field}
    assert not Meeting.objects.exists()
    assert Meeting.history.count() == 0


def test_hq_registers_for_any_representative_serving_in_the_jv(world):
    meeting = register(world, actor=world.hq, representative=world.colleague_profile)

    assert (meeting.representative, meeting.registered_by) == (world.colleague_profile, world.hq)
    assert Meeting.objects.get().instruction_due_at == DUE


def test_hq_cannot_register_a_representative_without_a_seat_in_the_jv(world):
    with pytest.raises(ValidationError) as exc:
        register(world, actor=world.hq, representative=world.other_profile)

    assert error_fields(exc) == {"representative"}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["nobody", "leader"])
def test_someone_without_a_registering_role_is_refused(world, who):
    with pytest.raises(PermissionDenied):
        register(world, actor=getattr(world, who))

    assert not Meeting.objects.exists()


def test_materials_are_filed_with_the_registration(world, media):
    meeting = services.meeting_register(
        actor=world.rep, data=meeting_data(world), materials=pdf("议程.pdf"), at=REGISTERED
    )

    materials = MeetingAttachment.objects.get(meeting=meeting)
    assert (materials.purpose, materials.original_name, materials.uploaded_by) == (
        MeetingAttachment.Purpose.MATERIALS,
        "议程.pdf",
        world.rep,
    )


# --- The instruction deadline --------------------------------------------------------------------


@pytest.fixture
def golden_week(db):
    """1, 4 and 5 May 2026 (Friday, Monday, Tuesday) are off; Saturday 9 May is worked instead."""
    for day in (1, 4, 5):
        holiday(5, day)
    worked(5, 9)


@pytest.mark.parametrize(
    ("meeting_at", "due", "warn"),
    [
        # Mon 11 May: Sat 9 (worked), Fri 8, Thu 7, Wed 6, then over the holiday to Thu 30 April.
        (bj(5, 11, 14, 30), bj(4, 30, 14, 30), bj(4, 29, 14, 30)),
        # Tue 12 May 07:30 (still Monday 11 May in UTC): Mon 11, Sat 9, Fri 8, Thu 7, Wed 6; the
        # warning a working day earlier skips the holiday and the weekend back to Thu 30 April.
        (bj(5, 12, 7, 30), bj(5, 6, 7, 30), bj(4, 30, 7, 30)),
    ],
    ids=["deadline-over-the-holiday", "warning-over-the-holiday"],
)
def test_the_deadline_is_counted_back_in_working_days_over_a_holiday(
    world, golden_week, meeting_at, due, warn
):
    assert services.instruction_deadline(meeting_at, short_notice=False) == due

    meeting = fresh(register(world, meeting_at=meeting_at, at=bj(4, 20)))

    assert meeting.instruction_due_at == due
    assert meeting.instruction_warn_at == warn
    local = timezone.localtime(meeting.instruction_due_at, BEIJING)
    assert (local.hour, local.minute) == (meeting_at.hour, meeting_at.minute)


def test_the_urgent_deadline_is_one_working_day_before_and_can_fall_on_a_worked_saturday(golden_week):
    assert services.instruction_deadline(bj(5, 11, 14, 30), short_notice=True) == bj(5, 9, 14, 30)
    assert services.instruction_deadline(bj(5, 6, 9, 0), short_notice=True) == bj(4, 30, 9, 0)


def test_a_meeting_registered_just_before_the_usual_deadline_needs_no_short_notice(world, golden_week):
    meeting = register(world, meeting_at=bj(5, 11, 14, 30), at=bj(4, 30, 14, 29))

    assert not meeting.short_notice
    assert fresh(meeting).instruction_due_at == bj(4, 30, 14, 30)


@pytest.mark.parametrize("at", [bj(4, 30, 14, 30), bj(4, 30, 15, 0)], ids=["at-the-deadline", "after-it"])
def test_a_meeting_too_close_for_the_usual_deadline_is_refused_without_short_notice(world, golden_week, at):
    with pytest.raises(ValidationError) as exc:
        register(world, meeting_at=bj(5, 11, 14, 30), at=at)

    assert error_fields(exc) == {"short_notice"}
    assert "2026-04-30 14:30" in exc.value.message_dict["short_notice"][0]
    assert not Meeting.objects.exists()


def test_short_notice_needs_a_reason(world, golden_week):
    with pytest.raises(ValidationError) as exc:
        register(
            world, meeting_at=bj(5, 11, 14, 30), at=bj(4, 30, 15), short_notice=True, short_notice_reason=" "
        )

    assert error_fields(exc) == {"short_notice_reason"}
    assert not Meeting.objects.exists()


def test_a_short_notice_meeting_takes_the_urgent_deadline_and_is_warned_about_at_once(world, golden_week):
    at = bj(4, 30, 15)
    meeting = register(
        world, meeting_at=bj(5, 11, 14, 30), at=at, short_notice=True, short_notice_reason="外方临时提议"
    )
    hq_matter(world, meeting, at=at)

    meeting = fresh(meeting)
    assert meeting.instruction_due_at == bj(5, 9, 14, 30)  # the worked Saturday
    assert meeting.instruction_warn_at == at
    assert sweep(at) == {"due": 1, "created": 2}
    assert told(DUE_SOON) == ["head", "liaison"]


def test_when_even_the_urgent_deadline_has_passed_instructions_are_due_at_the_meeting(world, golden_week):
    at = bj(5, 10, 9)  # the Sunday before the meeting, after the worked Saturday's urgent deadline
    meeting = register(
        world, meeting_at=bj(5, 11, 14, 30), at=at, short_notice=True, short_notice_reason="临时召开"
    )
    hq_matter(world, meeting, at=at)

    meeting = fresh(meeting)
    assert meeting.instruction_due_at == bj(5, 11, 14, 30)
    # A working day before the meeting is already behind: HQ is warned on the next run.
    assert meeting.instruction_warn_at == bj(5, 9, 14, 30)
    assert sweep(at) == {"due": 1, "created": 2}
    assert told(DUE_SOON) == ["head", "liaison"]


def test_moving_the_meeting_moves_the_deadline_and_resets_the_escalation(world):
    meeting = hq_matter(world).meeting
    sweep(DUE + MINUTE)
    assert escalation(meeting) == 1

    meeting = fresh(meeting)
    services.meeting_update(
        meeting=meeting,
        actor=world.rep,
        data={"meeting_at": bj(3, 30, 9, 0)},
        expected_version=meeting.version,
        at=bj(3, 10),
    )

    meeting = fresh(meeting)
    assert (meeting.instruction_due_at, meeting.instruction_warn_at) == (bj(3, 23, 9, 0), bj(3, 20, 9, 0))
    assert meeting.instruction_escalation == 0


def test_moving_a_meeting_too_close_needs_short_notice(world):
    meeting = register(world)

    with pytest.raises(ValidationError) as exc:
        services.meeting_update(
            meeting=meeting,
            actor=world.rep,
            data={"meeting_at": bj(3, 5, 9, 0)},
            expected_version=meeting.version,
            at=REGISTERED,
        )

    assert error_fields(exc) == {"short_notice"}
    meeting = fresh(meeting)
    assert (meeting.meeting_at, meeting.instruction_due_at, meeting.version) == (MEETING, DUE, 1)


# --- Classifying proposals -----------------------------------------------------------------------


def test_a_reserved_matter_is_hqs_to_decide_whatever_the_representative_chose(world):
    proposal = hq_matter(world, decision=Decision.REPRESENTATIVE, reason="公司日常经营，由我决定。")

    proposal = fresh(proposal)
    assert (proposal.decision, proposal.reserved) == (Decision.HQ, True)
    assert (
        proposal.reason_display
        == "Annual budget and business plan is a reserved matter of this joint venture."
    )
    assert proposal.instruction_state == InstructionState.PENDING


def test_an_ordinary_matter_keeps_the_representatives_choice(world):
    meeting = register(world)
    mine = add(
        meeting,
        world.rep,
        matter=ReservedMatter.RELATED_PARTY,
        decision=Decision.REPRESENTATIVE,
        reason="金额很小",
    )
    theirs = add(meeting, world.rep, matter="", decision=Decision.HQ, reason="涉及外方利益")

    mine, theirs = fresh(mine), fresh(theirs)
    assert (mine.decision, mine.reserved, mine.instruction_state) == (
        Decision.REPRESENTATIVE,
        False,
        InstructionState.NOT_NEEDED,
    )
    assert mine.reason_display == "金额很小"
    assert (theirs.decision, theirs.reserved, theirs.instruction_state) == (
        Decision.HQ,
        False,
        InstructionState.PENDING,
    )
    assert theirs.reason_display == "涉及外方利益"
    assert [mine.number, theirs.number] == [1, 2]


def test_classify_on_its_own(world):
    reserved = services.classify(
        jv=world.jv, matter=ReservedMatter.CAPITAL_CHANGE, decision=Decision.REPRESENTATIVE
    )
    ordinary = services.classify(
        jv=world.jv, matter=ReservedMatter.ARTICLES, decision=Decision.REPRESENTATIVE
    )
    plain = services.classify(jv=world.jv, matter="", decision=Decision.HQ)

    assert (reserved, ordinary, plain) == (
        (Decision.HQ, True),
        (Decision.REPRESENTATIVE, False),
        (Decision.HQ, False),
    )


def test_hq_contacts_are_asked_for_an_instruction_once_each(world):
    proposal = hq_matter(world)

    assert told(REQUESTED) == ["head", "liaison"]
    request = Notification.objects.filter(kind=REQUESTED).first()
    assert (request.target, request.url) == (proposal.meeting, proposal.meeting.get_absolute_url())
    assert request.params["proposal"] == "2026年预算"
    assert request.params["due"] == "2026-03-09 14:30"
    assert (
        request.params["reason"]["en"]
        == "Annual budget and business plan is a reserved matter of this joint venture."
    )


def test_a_liaison_who_heads_the_department_is_asked_once(world):
    world.jv.liaison = world.head
    world.jv.save(update_fields=["liaison"])

    hq_matter(world)

    assert told(REQUESTED) == ["head"]


def test_nobody_is_asked_about_a_matter_the_representative_decides(world):
    add(register(world), world.rep, decision=Decision.REPRESENTATIVE)

    assert not Notification.objects.filter(kind=REQUESTED).exists()


def test_a_contact_who_adds_the_proposal_is_not_told_about_it(world):
    add(register(world), world.liaison, matter=ReservedMatter.BUDGET)

    assert told(REQUESTED) == ["head"]


def test_reclassifying_a_proposal_as_hqs_asks_for_an_instruction(world):
    proposal = add(register(world), world.rep, decision=Decision.REPRESENTATIVE)

    proposal = services.proposal_update(
        proposal=proposal,
        actor=world.rep,
        data={"matter": ReservedMatter.CAPITAL_CHANGE},
        expected_version=1,
        at=REGISTERED,
    )

    assert (fresh(proposal).decision, proposal.instruction_state) == (Decision.HQ, InstructionState.PENDING)
    assert told(REQUESTED) == ["head", "liaison"]


# --- Instructing ---------------------------------------------------------------------------------


def test_hq_drafts_an_instruction(world):
    proposal = draft(world, hq_matter(world), vote=Vote.AGAINST)

    proposal = fresh(proposal)
    assert proposal.instruction_state == InstructionState.DRAFTED
    assert (proposal.instruction_vote, proposal.instruction_note) == (Vote.AGAINST, "同意预算。")
    assert (proposal.drafted_by, proposal.drafted_at) == (world.hq, DRAFTED_AT)
    # The representative hears nothing until it is issued.
    assert not Notification.objects.filter(kind=ISSUED).exists()


def test_hq_issues_an_instruction_to_the_representative(world):
    proposal = issue(world, draft(world, hq_matter(world)))

    proposal = fresh(proposal)
    assert proposal.instruction_state == InstructionState.ISSUED
    assert proposal.issued_at == DRAFTED_AT
    assert proposal.approved_by is None
    assert told(ISSUED) == ["rep"]
    assert Notification.objects.get(kind=ISSUED).params["vote"]["en"] == "For"


def test_draft_and_issue_in_one_step(world):
    proposal = draft(world, hq_matter(world), issue=True)

    assert fresh(proposal).instruction_state == InstructionState.ISSUED
    assert told(ISSUED) == ["rep"]


def test_a_major_instruction_waits_for_leadership(world):
    proposal = issue(world, draft(world, hq_matter(world), major=True))

    assert fresh(proposal).instruction_state == InstructionState.AWAITING_APPROVAL
    assert told(APPROVAL) == ["leader", "leader2"]
    assert not Notification.objects.filter(kind=ISSUED).exists()


def test_leadership_approves_and_the_instruction_is_issued(world):
    proposal = issue(world, draft(world, hq_matter(world), major=True))

    approve(proposal, world.leader, note="同意。")

    proposal = fresh(proposal)
    assert proposal.instruction_state == InstructionState.ISSUED
    assert (proposal.approved_by, proposal.approval_note, proposal.issued_at) == (
        world.leader,
        "同意。",
        DRAFTED_AT,
    )
    assert told(ISSUED) == ["rep"]


def test_leadership_returns_a_draft_with_a_note_to_its_drafter(world):
    proposal = issue(world, draft(world, hq_matter(world), major=True))

    give_back(proposal, world.leader, "请说明对利润的影响。")

    proposal = fresh(proposal)
    assert proposal.instruction_state == InstructionState.DRAFTED
    assert proposal.approval_note == "请说明对利润的影响。"
    assert proposal.approved_by is None
    assert told(RETURNED) == ["hq"]
    assert not Notification.objects.filter(kind=ISSUED).exists()

    # HQ revises and sends it on again: leadership is asked anew.
    issue(world, draft(world, proposal, major=True))
    assert told(APPROVAL) == ["leader", "leader", "leader2", "leader2"]


def test_returning_without_a_note_is_refused(world):
    proposal = issue(world, draft(world, hq_matter(world), major=True))
    before = proposal_snapshot(proposal)

    with pytest.raises(ValidationError) as exc:
        give_back(proposal, world.leader, "  ")

    assert error_fields(exc) == {"note"}
    assert proposal_snapshot(proposal) == before


@pytest.mark.parametrize("action", ["approve", "return"])
def test_hq_staff_cannot_approve_or_return(world, action):
    proposal = issue(world, draft(world, hq_matter(world), major=True))
    before = proposal_snapshot(proposal)

    with pytest.raises(PermissionDenied):
        if action == "approve":
            approve(proposal, world.hq)
        else:
            give_back(proposal, world.hq, "改一下")

    assert proposal_snapshot(proposal) == before


def test_leadership_cannot_approve_what_is_not_awaiting_approval(world):
    proposal = draft(world, hq_matter(world))

    with pytest.raises(PermissionDenied):
        approve(proposal, world.leader)

    assert fresh(proposal).instruction_state == InstructionState.DRAFTED


@pytest.mark.parametrize("who", ["rep", "leader", "nobody"])
def test_only_hq_staff_instruct(world, who):
    proposal = hq_matter(world)
    before = proposal_snapshot(proposal)

    with pytest.raises(PermissionDenied):
        draft(world, proposal, actor=getattr(world, who))

    assert proposal_snapshot(proposal) == before


def test_a_representative_cannot_issue_a_draft(world):
    proposal = draft(world, hq_matter(world))
    before = proposal_snapshot(proposal)

    with pytest.raises(PermissionDenied):
        issue(world, proposal, actor=world.rep)

    assert proposal_snapshot(proposal) == before


def test_a_stale_version_is_refused_and_changes_nothing(world):
    proposal = hq_matter(world)
    shown = proposal.version
    draft(world, proposal, vote=Vote.FOR)
    before = proposal_snapshot(proposal)

    with pytest.raises(ConcurrentEditError):
        services.instruction_draft(
            proposal=fresh(proposal),
            actor=world.head,
            data={"instruction_vote": Vote.AGAINST, "instruction_note": "反对"},
            expected_version=shown,
            issue=True,
            at=DRAFTED_AT,
        )

    assert proposal_snapshot(proposal) == before
    assert fresh(proposal).instruction_vote == Vote.FOR


def test_drafting_and_issuing_with_an_invalid_vote_saves_nothing(world):
    proposal = hq_matter(world)
    before = proposal_snapshot(proposal)

    with pytest.raises(ValidationError) as exc:
        draft(world, proposal, vote="maybe", issue=True)

    assert error_fields(exc) == {"instruction_vote"}
    assert proposal_snapshot(proposal) == before
    assert fresh(proposal).instruction_state == InstructionState.PENDING


def test_an_issued_instruction_cannot_be_redrafted(world):
    proposal = draft(world, hq_matter(world), issue=True)
    before = proposal_snapshot(proposal)

    with pytest.raises(PermissionDenied):
        draft(world, proposal, vote=Vote.AGAINST)

    assert proposal_snapshot(proposal) == before


def test_a_major_instruction_drafted_and_sent_in_one_step_still_waits_for_leadership(world):
    proposal = draft(world, hq_matter(world), major=True, issue=True)

    assert fresh(proposal).instruction_state == InstructionState.AWAITING_APPROVAL
    assert told(APPROVAL) == ["leader", "leader2"]
    assert not Notification.objects.filter(kind=ISSUED).exists()


def _late_draft(w, proposal):
    proposal = fresh(proposal)
    return services.instruction_draft(
        proposal=proposal,
        actor=w.hq,
        data={"instruction_vote": Vote.FOR, "instruction_note": ""},
        expected_version=proposal.version,
        issue=True,
        at=VOTED_AT,
    )


def _late_issue(w, proposal):
    proposal = draft(w, proposal)
    services.instruction_issue(proposal=proposal, actor=w.hq, expected_version=proposal.version, at=VOTED_AT)


def _late_approval(w, proposal):
    proposal = issue(w, draft(w, proposal, major=True))
    services.instruction_approve(
        proposal=proposal, actor=w.leader, expected_version=proposal.version, note="", at=VOTED_AT
    )


@pytest.mark.parametrize(
    "late", [_late_draft, _late_issue, _late_approval], ids=["draft", "issue", "approve"]
)
def test_no_instruction_is_issued_once_the_meeting_has_begun(world, late):
    """An instruction is for a vote still to be cast: one issued after the meeting began would turn
    a vote cast without instruction into one "as instructed" (permissions.can_instruct: "while
    the meeting is ahead")."""
    proposal = hq_matter(world)

    with pytest.raises(PermissionDenied):
        late(world, proposal)

    assert fresh(proposal).instruction_state != InstructionState.ISSUED
    assert not Notification.objects.filter(kind=ISSUED).exists()


# --- Votes and the outcome -----------------------------------------------------------------------


def test_no_vote_before_the_meeting_has_begun(world):
    proposal = draft(world, hq_matter(world), issue=True)
    before = proposal_snapshot(proposal)

    with pytest.raises(PermissionDenied):
        vote(world, proposal, VoteCast.FOR, at=MEETING - MINUTE)

    assert proposal_snapshot(proposal) == before
    assert fresh(vote(world, proposal, VoteCast.FOR, at=MEETING)).vote_cast == VoteCast.FOR


@pytest.mark.parametrize("who", ["colleague", "other_rep", "leader"])
def test_only_the_attending_representative_or_hq_records_a_vote(world, who):
    proposal = draft(world, hq_matter(world), issue=True)
    before = proposal_snapshot(proposal)

    with pytest.raises(PermissionDenied):
        vote(world, proposal, VoteCast.FOR, actor=getattr(world, who))

    assert proposal_snapshot(proposal) == before


def test_a_vote_as_instructed_does_not_deviate(world):
    proposal = draft(world, hq_matter(world), vote=Vote.ABSTAIN, issue=True)

    vote(world, proposal, VoteCast.ABSTAIN)

    proposal = fresh(proposal)
    assert (proposal.vote_cast, proposal.outcome, proposal.deviates) == (
        VoteCast.ABSTAIN,
        Outcome.PASSED,
        False,
    )
    assert proposal.vote_recorded_at == VOTED_AT
    assert not Notification.objects.filter(kind=DEVIATED).exists()


@pytest.mark.parametrize("cast", [VoteCast.AGAINST, VoteCast.ABSENT])
def test_a_different_vote_must_be_explained(world, cast):
    proposal = draft(world, hq_matter(world), vote=Vote.FOR, issue=True)
    before = proposal_snapshot(proposal)

    with pytest.raises(ValidationError) as exc:
        vote(world, proposal, cast, explanation="  ")

    assert error_fields(exc) == {"deviation_explanation"}
    assert proposal_snapshot(proposal) == before


def test_an_explained_deviation_is_flagged_to_hq_and_the_drafter(world):
    proposal = draft(world, hq_matter(world), vote=Vote.FOR, issue=True)

    vote(world, proposal, VoteCast.AGAINST, explanation="会上出现新情况。")

    proposal = fresh(proposal)
    assert (proposal.deviates, proposal.deviation_explanation) == (True, "会上出现新情况。")
    assert told(DEVIATED) == ["head", "hq", "liaison"]
    flag = Notification.objects.filter(kind=DEVIATED).first()
    assert flag.params["explanation"] == "会上出现新情况。"
    assert flag.params["vote"]["en"] == "Against"


def test_a_deviation_from_an_approved_instruction_is_flagged_to_the_approver_too(world):
    proposal = issue(world, draft(world, hq_matter(world), major=True))
    approve(proposal, world.leader)

    vote(world, proposal, VoteCast.ABSTAIN, explanation="弃权。")

    assert told(DEVIATED) == ["head", "hq", "leader", "liaison"]


@pytest.mark.parametrize("state", ["pending", "drafted", "awaiting_approval"])
def test_any_vote_on_an_hq_matter_without_an_issued_instruction_deviates(world, state):
    proposal = hq_matter(world)
    if state != "pending":
        proposal = draft(world, proposal, vote=Vote.FOR, major=state == "awaiting_approval")
    if state == "awaiting_approval":
        proposal = issue(world, proposal)
    assert fresh(proposal).instruction_state == state

    with pytest.raises(ValidationError) as exc:
        vote(world, proposal, VoteCast.FOR)
    assert error_fields(exc) == {"deviation_explanation"}

    vote(world, proposal, VoteCast.FOR, explanation="指示未到，按预算投赞成票。")
    assert fresh(proposal).deviates is True
    assert set(told(DEVIATED)) >= {"head", "liaison"}


@pytest.mark.parametrize("cast", [VoteCast.FOR, VoteCast.AGAINST, VoteCast.ABSENT])
def test_a_matter_the_representative_decides_never_deviates(world, cast):
    proposal = add(register(world), world.rep, decision=Decision.REPRESENTATIVE)

    vote(world, proposal, cast, explanation="随便写的")

    proposal = fresh(proposal)
    assert (proposal.vote_cast, proposal.deviates, proposal.deviation_explanation) == (cast, False, "")
    assert not Notification.objects.filter(kind=DEVIATED).exists()


def test_an_unknown_vote_is_refused(world):
    proposal = add(register(world), world.rep)

    with pytest.raises(ValidationError) as exc:
        vote(world, proposal, "yes")

    assert error_fields(exc) == {"vote_cast"}
    assert fresh(proposal).vote_cast == ""


def record_outcome(w, meeting, *, minutes=None, at=VOTED_AT):
    meeting = fresh(meeting)
    return services.meeting_record_outcome(
        meeting=meeting,
        actor=w.rep,
        summary="预算获通过。",
        minutes=minutes,
        expected_version=meeting.version,
        at=at,
    )


def test_the_outcome_waits_for_every_vote_then_the_minutes(world, media):
    meeting = register(world)
    first = add(meeting, world.rep, title="一")
    second = add(meeting, world.rep, title="二")
    vote(world, first, VoteCast.FOR)

    with pytest.raises(ValidationError) as exc:
        record_outcome(world, meeting, minutes=pdf())
    assert "2" in exc.value.messages[0]
    assert fresh(meeting).status == MeetingStatus.SCHEDULED
    assert not MeetingAttachment.objects.exists()

    vote(world, second, VoteCast.AGAINST)
    with pytest.raises(ValidationError) as exc:
        record_outcome(world, meeting)
    assert error_fields(exc) == {"minutes"}
    assert fresh(meeting).status == MeetingStatus.SCHEDULED

    record_outcome(world, meeting, minutes=pdf())
    meeting = fresh(meeting)
    assert meeting.status == MeetingStatus.HELD
    assert (meeting.outcome_summary, meeting.outcome_recorded_at) == ("预算获通过。", VOTED_AT)
    minutes = meeting.attachments.get()
    assert (minutes.purpose, minutes.uploaded_by) == (MeetingAttachment.Purpose.MINUTES, world.rep)


def test_minutes_filed_earlier_are_enough(world, media):
    meeting = register(world)
    services.meeting_attach(
        meeting=meeting, actor=world.rep, upload=pdf(), purpose=MeetingAttachment.Purpose.MINUTES, at=VOTED_AT
    )

    record_outcome(world, meeting)

    assert fresh(meeting).status == MeetingStatus.HELD
    assert meeting.attachments.count() == 1


def test_no_outcome_before_the_meeting(world, media):
    meeting = register(world)

    with pytest.raises(PermissionDenied):
        record_outcome(world, meeting, minutes=pdf(), at=MEETING - MINUTE)

    assert fresh(meeting).status == MeetingStatus.SCHEDULED
    assert not MeetingAttachment.objects.exists()


def test_a_cancellation_needs_a_reason(world):
    meeting = register(world)

    with pytest.raises(ValidationError) as exc:
        services.meeting_cancel(
            meeting=meeting, actor=world.rep, expected_version=meeting.version, reason=" "
        )
    assert error_fields(exc) == {"reason"}
    assert fresh(meeting).status == MeetingStatus.SCHEDULED

    services.meeting_cancel(meeting=meeting, actor=world.rep, expected_version=meeting.version, reason="延期")
    assert (fresh(meeting).status, meeting.outcome_summary) == (MeetingStatus.CANCELLED, "延期")


# --- The instruction sweep -----------------------------------------------------------------------


@pytest.fixture
def awaiting(world):
    """The usual meeting with two proposals HQ must instruct (and one it need not)."""
    meeting = register(world)
    hq_matter(world, meeting)
    add(meeting, world.rep, matter=ReservedMatter.CAPITAL_CHANGE, title="增资")
    add(meeting, world.rep, decision=Decision.REPRESENTATIVE, title="选举")
    Notification.objects.all().delete()
    return meeting


def test_nothing_is_said_before_the_warning_time(awaiting):
    assert sweep(WARN - MINUTE) == {"due": 0, "created": 0}
    assert not Notification.objects.exists()


def test_hq_contacts_are_warned_once_at_the_warning_time(world, awaiting):
    assert sweep(WARN) == {"due": 1, "created": 2}
    assert sweep(WARN) == {"due": 1, "created": 0}
    # Until the deadline itself, the same warning is already there.
    assert sweep(DUE) == {"due": 1, "created": 0}

    assert told(DUE_SOON) == ["head", "liaison"]
    assert not Notification.objects.filter(kind=OVERDUE).exists()
    warning = Notification.objects.filter(kind=DUE_SOON).first()
    assert (warning.target, warning.url) == (awaiting, awaiting.get_absolute_url())
    assert (warning.params["count"], warning.params["due"]) == (2, "2026-03-09 14:30")
    assert escalation(awaiting) == 0


def test_a_missed_deadline_is_escalated_to_hq_and_leadership_once(world, awaiting):
    sweep(WARN)

    assert sweep(DUE + MINUTE) == {"due": 1, "created": 4}
    assert told(OVERDUE) == ["head", "leader", "leader2", "liaison"]
    assert escalation(awaiting) == 1

    # An escalated meeting has said everything; later runs find nothing to say.
    assert sweep(DUE + MINUTE) == {"due": 0, "created": 0}
    assert sweep(MEETING) == {"due": 0, "created": 0}
    assert told(OVERDUE) == ["head", "leader", "leader2", "liaison"]
    assert told(DUE_SOON) == ["head", "liaison"]


def test_a_sweep_that_first_runs_after_the_deadline_escalates_straight_away(world, awaiting):
    assert sweep(DUE + MINUTE) == {"due": 1, "created": 4}

    assert told(OVERDUE) == ["head", "leader", "leader2", "liaison"]
    assert not Notification.objects.filter(kind=DUE_SOON).exists()


def issue_all(w, meeting):
    for proposal in meeting.proposals.filter(decision=Decision.HQ):
        draft(w, proposal, issue=True)


def test_a_meeting_whose_instructions_were_all_issued_says_nothing(world, awaiting):
    issue_all(world, awaiting)
    Notification.objects.all().delete()

    assert sweep(WARN) == {"due": 0, "created": 0}
    assert sweep(DUE + MINUTE) == {"due": 0, "created": 0}
    assert not Notification.objects.exists()
    assert escalation(awaiting) == 0


def test_one_open_instruction_keeps_the_meeting_on_the_ladder(world, awaiting):
    draft(world, awaiting.proposals.get(number=1), issue=True)
    draft(world, awaiting.proposals.get(number=2))  # drafted, not issued

    sweep(WARN)

    assert Notification.objects.filter(kind=DUE_SOON).first().params["count"] == 1


def test_a_meeting_without_hq_matters_says_nothing(world):
    add(register(world), world.rep, decision=Decision.REPRESENTATIVE)

    assert sweep(DUE + MINUTE) == {"due": 0, "created": 0}
    assert not Notification.objects.filter(kind__in=[DUE_SOON, OVERDUE]).exists()


def test_a_cancelled_meeting_says_nothing(world, awaiting):
    services.meeting_cancel(
        meeting=awaiting, actor=world.rep, expected_version=awaiting.version, reason="取消"
    )

    assert sweep(WARN) == {"due": 0, "created": 0}
    assert sweep(DUE + MINUTE) == {"due": 0, "created": 0}
    assert not Notification.objects.exists()


def test_moving_the_meeting_lets_the_ladder_speak_again(world, awaiting):
    sweep(WARN)
    sweep(DUE + MINUTE)
    meeting = fresh(awaiting)
    services.meeting_update(
        meeting=meeting,
        actor=world.rep,
        data={"meeting_at": bj(3, 30, 14, 30)},
        expected_version=meeting.version,
        at=bj(3, 10),
    )

    # New deadline Monday 23 March 14:30, warned from Friday 20 March 14:30.
    assert sweep(bj(3, 20, 14, 29)) == {"due": 0, "created": 0}
    assert sweep(bj(3, 20, 14, 30)) == {"due": 1, "created": 2}
    assert told(DUE_SOON) == ["head", "head", "liaison", "liaison"]
    assert sweep(bj(3, 23, 14, 31)) == {"due": 1, "created": 4}
    assert told(OVERDUE) == ["head", "head", "leader", "leader", "leader2", "leader2", "liaison", "liaison"]
    assert sweep(bj(3, 23, 14, 31)) == {"due": 0, "created": 0}
    assert escalation(awaiting) == 1
    dues = {n.params["due"] for n in Notification.objects.filter(kind=OVERDUE)}
    assert dues == {"2026-03-09 14:30", "2026-03-23 14:30"}


def test_an_inactive_contact_is_not_told(world, awaiting):
    world.head.is_active = False
    world.head.save(update_fields=["is_active"])

    sweep(WARN)
    sweep(DUE + MINUTE)

    assert told(DUE_SOON) == ["liaison"]
    assert told(OVERDUE) == ["leader", "leader2", "liaison"]


def test_the_task_run_twice_tells_each_person_once(world):
    now = timezone.now()
    meeting = register(
        world, meeting_at=now + datetime.timedelta(days=1), at=now - datetime.timedelta(days=30)
    )
    hq_matter(world, meeting, at=now - datetime.timedelta(days=30))
    Notification.objects.all().delete()

    meeting_instructions_sweep_task()
    meeting_instructions_sweep_task()

    # Five working days before tomorrow has passed: the escalation, not the warning.
    assert told(OVERDUE) == ["head", "leader", "leader2", "liaison"]
    assert Notification.objects.count() == 4
    assert escalation(meeting) == 1


def test_the_sender_is_nudged_after_commit_and_each_person_gets_one_email(
    world, awaiting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with mock.patch(APPLY_ASYNC) as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sweep(DUE + MINUTE)
            assert not apply_async.called
        assert (len(callbacks), apply_async.call_count) == (1, 1)

        # A second run creates nothing, so there is nothing to nudge for.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sweep(DUE + MINUTE)
        assert (callbacks, apply_async.call_count) == ([], 1)

    send_pending()
    send_pending()
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "head@example.com",
        "leader2@example.com",
        "leader@example.com",
        "liaison@example.com",
    ]


def between_read_and_telling(monkeypatch, act):
    """Run ``act`` after the instruction sweep has read its batch and before it re-checks and tells."""
    from notifications import sweeps

    original = sweeps._tell_if_still_due

    def racing(batch, specs, recheck):
        act()
        return original(batch, specs, recheck)

    monkeypatch.setattr(sweeps, "_tell_if_still_due", racing)


def test_an_instruction_issued_while_the_sweep_works_silences_it(world, awaiting, monkeypatch):
    def issue_all():
        for proposal in awaiting.proposals.filter(decision=Decision.HQ):
            draft(world, proposal, issue=True)

    between_read_and_telling(monkeypatch, issue_all)
    assert services.meeting_instructions_sweep(now=DUE + MINUTE)["created"] == 0
    assert not Notification.objects.filter(kind__in=[DUE_SOON, OVERDUE]).exists()
    assert escalation(awaiting) == 0

    # The control: left alone, the same steps escalate.
    monkeypatch.undo()
    other = register(world, title="另一次会议")
    hq_matter(world, other)
    assert services.meeting_instructions_sweep(now=DUE + MINUTE)["created"] == 4
    assert escalation(other) == 1


def test_a_meeting_moved_while_the_sweep_works_is_not_told_about_the_old_deadline(
    world, awaiting, monkeypatch
):
    def move():
        meeting = fresh(awaiting)
        services.meeting_update(
            meeting=meeting,
            actor=world.rep,
            data={"meeting_at": bj(3, 30, 14, 30)},
            expected_version=meeting.version,
            at=DUE + MINUTE,
        )

    between_read_and_telling(monkeypatch, move)
    assert services.meeting_instructions_sweep(now=DUE + MINUTE)["created"] == 0
    assert not Notification.objects.filter(kind=OVERDUE).exists()
    assert escalation(awaiting) == 0


def _swept_queries(now) -> tuple[dict, int]:
    """Sweep once inside a savepoint that is rolled back; return the counts and the queries made."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            result = sweep(now)
        transaction.set_rollback(True)
    return result, len(captured.captured_queries)


def _meetings(w, n):
    for i in range(n):
        meeting = register(w, title=f"会议{i}")
        hq_matter(w, meeting)
        add(meeting, w.rep, matter=ReservedMatter.CAPITAL_CHANGE, title="增资")


# A run reads the due meetings with their JV, liaison and department head joined (1), their
# proposals' instruction states in one prefetch (1), leadership once if anything is overdue (1) and
# the empty next batch (1). Recording the batch takes a savepoint, one locking re-read of the
# meetings still awaiting an instruction under the same deadline, and one update marking the
# escalated ones (4 with the release); notify_many adds a savepoint, the existing keys, the
# preferences and one insert (5 with the release). The notifications' content type is already
# cached by the requests made while setting up, as in any worker that has run before. Nothing
# depends on how many meetings are due.
SWEEP_BUDGET = 13


@pytest.mark.parametrize(
    ("now", "created_each"),
    [(WARN, 2), (DUE + MINUTE, 4)],
    ids=["warning", "overdue"],
)
def test_the_sweep_makes_the_same_queries_for_3_or_15_due_meetings(
    world, django_assert_max_num_queries, now, created_each
):
    _meetings(world, 3)
    few_result, few_queries = _swept_queries(now)
    assert few_result == {"due": 3, "created": 3 * created_each}

    _meetings(world, 12)
    with django_assert_max_num_queries(SWEEP_BUDGET) as captured:
        result = sweep(now)

    assert result == {"due": 15, "created": 15 * created_each}
    assert len(captured.captured_queries) == few_queries


def test_the_urgent_path_is_refused_while_the_usual_deadline_is_still_ahead(world):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as caught:
        register(world, short_notice=True, short_notice_reason="外方临时提议")
    assert "short_notice" in caught.value.error_dict
    assert Meeting.objects.count() == before


def test_a_returned_major_instruction_stays_major(world):
    proposal = draft(world, hq_matter(world), major=True, issue=True)
    proposal = give_back(proposal, world.leader, "请补充评估依据。")
    with pytest.raises(ValidationError) as caught:
        draft(world, proposal, major=False, issue=True)
    assert "major" in caught.value.error_dict
    assert fresh(proposal).instruction_state == InstructionState.DRAFTED

    # Kept major, it goes back to leadership.
    assert (
        draft(world, fresh(proposal), major=True, issue=True).instruction_state
        == InstructionState.AWAITING_APPROVAL
    )


def test_a_meeting_that_has_begun_takes_no_more_proposals_or_edits(world):
    meeting = register(world)
    with pytest.raises(PermissionDenied):
        add(meeting, world.rep, at=VOTED_AT)
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            meeting=meeting, actor=world.rep, data={"place": "别处"}, expected_version=None, at=VOTED_AT
        )
    # It can still be cancelled (it did not take place).
    services.meeting_cancel(meeting=meeting, actor=world.rep, expected_version=None, reason="外方未到会")
    assert fresh(meeting).status == "cancelled"

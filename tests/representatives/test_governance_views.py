"""The governance loop, reports and evaluations as people use them: through the pages and their forms."""

import datetime
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.services import CONCURRENT_EDIT_MESSAGE, save_with_history
from notifications.models import Notification
from representatives import notices, services
from representatives.choices import InstructionState, ReportKind, ReportStatus
from representatives.models import Evaluation, Meeting, MeetingAttachment, Proposal, Report, ReportAttachment
from tests import factories as f
from tests.helpers import error_codes, rendered_form_data

PDF = b"%PDF-1.4\n% a test file\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files land in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def colleague(portfolio):
    """A second representative in ``rep``'s JV."""
    return f.make_representative_user(portfolio["own"], username="colleague")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _local(moment: datetime.datetime) -> str:
    """A date and time as the browser's picker sends it (local time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _ahead(days: int) -> datetime.datetime:
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def _register(user, jv, title="董事会 Board meeting", days=30, **data) -> Meeting:
    return services.meeting_register(
        actor=user,
        data={
            "jv": jv,
            "kind": "board",
            "title": title,
            "meeting_at": _ahead(days),
            "place": "",
            "representative": user.representative_profile,
            "short_notice": False,
            "short_notice_reason": "",
            **data,
        },
    )


def _propose(meeting, user, title="议案", decision="hq", matter="") -> Proposal:
    return services.proposal_add(
        meeting=meeting,
        actor=user,
        data={
            "title": title,
            "description": "",
            "matter": matter,
            "decision": decision,
            "decision_reason": "Ask HQ." if decision == "hq" else "",
        },
    )


def _begin(meeting) -> Meeting:
    """The meeting has started: votes can be recorded."""
    Meeting.objects.filter(pk=meeting.pk).update(meeting_at=timezone.now() - datetime.timedelta(hours=1))
    return Meeting.objects.get(pk=meeting.pk)


def _issue(proposal, hq, vote="for", major=False) -> Proposal:
    return services.instruction_draft(
        proposal=proposal,
        actor=hq,
        data={"instruction_vote": vote, "instruction_note": "", "major": major},
        expected_version=proposal.version,
        issue=True,
    )


def _fresh(proposal) -> Proposal:
    return Proposal.objects.select_related("meeting").get(pk=proposal.pk)


def _meeting_post(jv, representative, **overrides) -> dict:
    data = {
        "jv": str(jv.pk),
        "kind": "board",
        "title": "第三次董事会 Third board meeting",
        "meeting_at": _local(_ahead(30)),
        "place": "天津",
        "representative": str(representative.pk),
        "short_notice_reason": "",
    }
    data.update(overrides)
    return data


def _annual(appointment, **fields) -> Report:
    report = Report(
        appointment=appointment,
        kind=ReportKind.ANNUAL,
        year=2024,
        due_date=datetime.date(2025, 1, 31),
        body="年度履职情况。",
    )
    for name, value in fields.items():
        setattr(report, name, value)
    return save_with_history(instance=report, actor=None)


def _evaluate(hq, profile, year, grade="competent", publish=True) -> Evaluation:
    evaluation = services.evaluation_create(
        actor=hq,
        data={
            "representative": profile,
            "year": year,
            "learning": 80,
            "communication": 80,
            "role": 80,
            "proficiency": 80,
            "bottom_line_kept": True,
            "bottom_line_note": "",
            "grade": grade,
            "summary": f"{year} summary",
            "evaluated_on": datetime.date(year + 1, 1, 15),
        },
    )
    if publish:
        evaluation = services.evaluation_publish(
            evaluation=evaluation, actor=hq, expected_version=evaluation.version
        )
    return evaluation


# --- Registering a meeting -----------------------------------------------------------------------


def test_a_rep_registers_a_meeting_of_their_own_venture_that_they_attend(portfolio, client_as, colleague):
    rep, own = portfolio["rep"], portfolio["own"]
    client = client_as(rep)
    page = client.get(reverse("representatives:meeting_create"))
    form = page.context["form"]
    # The JV dropdown lists only the rep's JV; the attendee is the rep, with no other choice.
    assert list(form.fields["jv"].queryset) == [own]
    assert list(form.fields["representative"].queryset) == [portfolio["rep_profile"]]
    assert form.fields["representative"].empty_label is None
    assert form.fields["representative"].initial == portfolio["rep_profile"].pk
    assert "他方合资公司" not in page.content.decode()

    data = _meeting_post(own, portfolio["rep_profile"], materials=SimpleUploadedFile("agenda.pdf", PDF))
    response = client.post(reverse("representatives:meeting_create"), data)
    meeting = Meeting.objects.get()
    assert (response.status_code, response.url) == (
        302,
        reverse("representatives:proposal_create", args=[meeting.pk]),
    )
    assert "The meeting was registered. Now add its proposals." in _messages(response)
    assert (meeting.jv, meeting.representative, meeting.registered_by) == (own, portfolio["rep_profile"], rep)
    assert meeting.status == "scheduled"
    # HQ's instructions are due before the meeting, counted back in working days.
    assert meeting.instruction_warn_at <= meeting.instruction_due_at < meeting.meeting_at
    assert MeetingAttachment.objects.get(meeting=meeting).original_name == "agenda.pdf"


def test_a_rep_cannot_name_a_colleague_as_the_attendee(portfolio, client_as, colleague):
    before = Meeting.objects.count()
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:meeting_create"),
        _meeting_post(portfolio["own"], colleague.representative_profile),
    )
    assert response.status_code == 200
    assert error_codes(response.context["form"], "representative") == ["invalid_choice"]
    assert Meeting.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # Yesterday.
        ({"meeting_at": _local(_ahead(-1))}, "meeting_at", "Register a meeting before it takes place."),
        # Two days ahead leaves HQ less than its working days to instruct.
        ({"meeting_at": _local(_ahead(2))}, "short_notice", "Mark the meeting as called at short notice"),
        # Short notice needs its reason.
        (
            {"meeting_at": _local(_ahead(2)), "short_notice": "on"},
            "short_notice_reason",
            "Say why the meeting was called at short notice.",
        ),
        ({"title": ""}, "title", "This field is required."),
    ],
    ids=["past", "too-close", "short-notice-without-reason", "no-title"],
)
def test_a_bad_meeting_shows_the_error_on_its_field_and_saves_nothing(
    overrides, field, message, portfolio, client_as
):
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:meeting_create"),
        _meeting_post(
            portfolio["own"],
            portfolio["rep_profile"],
            materials=SimpleUploadedFile("agenda.pdf", PDF),
            **overrides,
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert "Please correct the errors below. Nothing was saved." in response.content.decode()
    assert not Meeting.objects.exists()
    assert not MeetingAttachment.objects.exists()


def test_a_meeting_at_short_notice_with_its_reason_is_registered(portfolio, client_as):
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:meeting_create"),
        _meeting_post(
            portfolio["own"],
            portfolio["rep_profile"],
            meeting_at=_local(_ahead(2)),
            short_notice="on",
            short_notice_reason="合资方临时召集",
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.short_notice
    assert meeting.instruction_due_at <= meeting.meeting_at


# --- Proposals and instructions ------------------------------------------------------------------


def test_a_proposal_on_a_reserved_matter_is_flagged_hq_must_instruct(portfolio, client_as):
    own = portfolio["own"]
    own.reserved_matters = ["budget"]
    own.save(update_fields=["reserved_matters"])
    meeting = _register(portfolio["rep"], own)
    client = client_as(portfolio["rep"])
    url = reverse("representatives:proposal_create", args=[meeting.pk])
    # The form names the JV's reserved matters.
    assert "Annual budget and business plan" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "2026年度预算 The 2026 budget",
            "description": "",
            "matter": "budget",
            # The rep thought they could decide; the reserved matter decides otherwise.
            "decision": "representative",
            "decision_reason": "",
        },
    )
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    proposal = Proposal.objects.get(meeting=meeting)
    assert (proposal.decision, proposal.instruction_state) == ("hq", InstructionState.PENDING)

    page = client.get(meeting.get_absolute_url())
    assert page.context["open_count"] == 1
    item = _section(page, 'data-testid="proposal-1"')
    assert "2026年度预算 The 2026 budget" in item
    assert "HQ must instruct" in item
    assert "Waiting for HQ" in item
    assert "a reserved matter of this joint venture" in item
    assert 'data-testid="instruction-deadline"' in page.content.decode()


def test_the_proposal_form_offers_two_choices_and_sets_hq_on_a_reserved_matter(portfolio, client_as):
    own = portfolio["own"]
    own.reserved_matters = ["budget"]
    own.save(update_fields=["reserved_matters"])
    meeting = _register(portfolio["rep"], own)
    client = client_as(portfolio["rep"])
    url = reverse("representatives:proposal_create", args=[meeting.pk])
    form = client.get(url).context["form"]
    # No blank radio: who decides is one of two, the representative's by default.
    assert [value for value, _label in form.fields["decision"].choices] == ["representative", "hq"]
    assert form["decision"].value() == "representative"
    assert 'data-reserved-matters="[&quot;budget&quot;]"' in str(form["matter"])
    # A reserved matter saved with no choice at all (the page's script ticks HQ; without it too).
    response = client.post(
        url, {"title": "预算", "description": "", "matter": "budget", "decision_reason": ""}
    )
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    assert Proposal.objects.get(meeting=meeting).decision == "hq"
    # An ordinary matter still needs a choice, on the field.
    response = client.post(url, {"title": "其他", "description": "", "matter": "", "decision_reason": ""})
    assert response.status_code == 200
    assert "decision" in response.context["form"].errors


def _section(response, marker: str) -> str:
    """The page's HTML from ``marker`` to the end of its list item."""
    content = response.content.decode()
    start = content.index(marker)
    return content[start : content.index("</li>", start)]


def test_hq_drafts_then_issues_an_instruction_and_the_rep_reads_it_once_issued(portfolio, hq, client_as):
    rep = portfolio["rep"]
    meeting = _register(rep, portfolio["own"])
    proposal = _propose(meeting, rep)
    url = reverse("representatives:proposal_instruct", args=[meeting.pk, proposal.pk])
    hq_client = client_as(hq)
    data = rendered_form_data(hq_client, url, instruction_vote="against", instruction_note="风险过高")
    response = hq_client.post(url, data)
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    assert "The draft instruction was saved." in _messages(response)
    proposal.refresh_from_db()
    assert (proposal.instruction_state, proposal.instruction_vote, proposal.drafted_by) == (
        InstructionState.DRAFTED,
        "against",
        hq,
    )
    # A draft is HQ's: the representative does not read it.
    rep_page = client_as(rep).get(meeting.get_absolute_url())
    assert 'data-testid="instruction"' not in rep_page.content.decode()
    assert "风险过高" not in rep_page.content.decode()

    hq_client = client_as(hq)
    data = rendered_form_data(hq_client, url, issue="1")
    response = hq_client.post(url, data)
    assert response.status_code == 302
    assert "The instruction was issued to the representative." in _messages(response)
    proposal.refresh_from_db()
    assert proposal.instruction_state == InstructionState.ISSUED
    assert Notification.objects.filter(recipient=rep, kind=notices.INSTRUCTION_ISSUED.code).count() == 1
    rep_page = client_as(rep).get(meeting.get_absolute_url())
    instruction = _section(rep_page, 'data-testid="instruction"')
    assert "Instruction: Against" in instruction
    assert "风险过高" in instruction


def test_a_major_matter_goes_to_leadership_who_returns_it_then_approves_it(portfolio, hq, leader, client_as):
    rep = portfolio["rep"]
    meeting = _register(rep, portfolio["own"])
    proposal = _propose(meeting, rep)
    instruct = reverse("representatives:proposal_instruct", args=[meeting.pk, proposal.pk])
    approve = reverse("representatives:proposal_approve", args=[meeting.pk, proposal.pk])
    hq_client = client_as(hq)
    data = rendered_form_data(hq_client, instruct, instruction_vote="for", major="on", issue="1")
    response = hq_client.post(instruct, data)
    assert "The instruction was sent to leadership for approval." in _messages(response)
    assert _fresh(proposal).instruction_state == InstructionState.AWAITING_APPROVAL
    assert Notification.objects.filter(recipient=leader, kind=notices.INSTRUCTION_APPROVAL.code).exists()

    # Returning needs a note: without one, the error is on the note and nothing changes.
    leader_client = client_as(leader)
    data = rendered_form_data(leader_client, approve, **{"return": "1"})
    response = leader_client.post(approve, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["note"]
    assert _fresh(proposal).instruction_state == InstructionState.AWAITING_APPROVAL

    data = rendered_form_data(leader_client, approve, note="请补充理由", **{"return": "1"})
    response = leader_client.post(approve, data)
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    assert "The draft was returned to HQ." in _messages(response)
    returned = _fresh(proposal)
    assert (returned.instruction_state, returned.approval_note) == (InstructionState.DRAFTED, "请补充理由")
    assert Notification.objects.filter(recipient=hq, kind=notices.INSTRUCTION_RETURNED.code).exists()

    hq_client = client_as(hq)
    hq_client.post(instruct, rendered_form_data(hq_client, instruct, issue="1"))
    assert _fresh(proposal).instruction_state == InstructionState.AWAITING_APPROVAL
    leader_client = client_as(leader)
    response = leader_client.post(approve, rendered_form_data(leader_client, approve, note="同意"))
    assert "The instruction was approved and issued to the representative." in _messages(response)
    approved = _fresh(proposal)
    assert (approved.instruction_state, approved.approved_by) == (InstructionState.ISSUED, leader)
    assert Notification.objects.filter(recipient=rep, kind=notices.INSTRUCTION_ISSUED.code).exists()
    # Issued, the approval page sends leadership back to the proposal with a message.
    response = client_as(leader).get(approve)
    assert (response.status_code, response.url) == (302, approved.get_absolute_url())
    assert "This cannot be done now: the record has moved on. Here it is as it stands." in _messages(response)


# --- Votes ---------------------------------------------------------------------------------------


def _voted_meeting(portfolio, hq):
    rep = portfolio["rep"]
    meeting = _register(rep, portfolio["own"])
    proposal = _issue(_propose(meeting, rep), hq, vote="for")
    return _begin(meeting), proposal


def test_a_vote_that_differs_from_the_instruction_must_be_explained(portfolio, hq, client_as):
    meeting, proposal = _voted_meeting(portfolio, hq)
    url = reverse("representatives:proposal_vote", args=[meeting.pk, proposal.pk])
    client = client_as(portfolio["rep"])
    data = rendered_form_data(client, url, vote_cast="against", outcome="rejected")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {"deviation_explanation": ["Explain why the vote differs from HQ's instruction."]}
    assert "Please correct the errors below. Nothing was saved." in response.content.decode()
    assert _fresh(proposal).vote_cast == ""

    data["deviation_explanation"] = "会上出现新情况"
    response = client.post(url, data)
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    voted = _fresh(proposal)
    assert (voted.vote_cast, voted.deviates, voted.deviation_explanation) == (
        "against",
        True,
        "会上出现新情况",
    )
    assert Notification.objects.filter(recipient=hq, kind=notices.VOTE_DEVIATED.code).exists()
    vote = _section(client.get(meeting.get_absolute_url()), 'data-testid="vote"')
    assert "Differs from HQ's instruction: 会上出现新情况" in vote


def test_a_vote_as_instructed_needs_no_explanation(portfolio, hq, client_as):
    meeting, proposal = _voted_meeting(portfolio, hq)
    url = reverse("representatives:proposal_vote", args=[meeting.pk, proposal.pk])
    client = client_as(portfolio["rep"])
    response = client.post(url, rendered_form_data(client, url, vote_cast="for", outcome="passed"))
    assert response.status_code == 302
    voted = _fresh(proposal)
    assert (voted.vote_cast, voted.deviates) == ("for", False)
    assert not Notification.objects.filter(kind=notices.VOTE_DEVIATED.code).exists()


def test_a_stale_vote_form_is_refused_with_the_concurrent_edit_message(portfolio, hq, client_as):
    meeting, proposal = _voted_meeting(portfolio, hq)
    url = reverse("representatives:proposal_vote", args=[meeting.pk, proposal.pk])
    client = client_as(portfolio["rep"])
    data = rendered_form_data(client, url, vote_cast="for", outcome="passed")
    # Meanwhile HQ records the vote for the representative.
    services.vote_record(
        proposal=_fresh(proposal),
        actor=hq,
        data={"vote_cast": "abstain", "outcome": "deferred", "deviation_explanation": "弃权"},
        expected_version=_fresh(proposal).version,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    assert (_fresh(proposal).vote_cast, _fresh(proposal).outcome) == ("abstain", "deferred")
    # The form now carries the current version: saving again, having looked, goes through.
    response = client.post(url, {**data, "version": response.context["form"].data["version"]})
    assert response.status_code == 302
    assert _fresh(proposal).vote_cast == "for"


def test_a_stale_meeting_form_is_refused_and_nothing_is_saved(portfolio, hq, client_as):
    meeting = _register(portfolio["rep"], portfolio["own"])
    url = reverse("representatives:meeting_update", args=[meeting.pk])
    client = client_as(portfolio["rep"])
    data = rendered_form_data(client, url, title="Renamed by the rep")
    services.meeting_update(
        meeting=meeting, actor=hq, data={"place": "北京"}, expected_version=meeting.version
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.place, meeting.version) == ("董事会 Board meeting", "北京", 2)


def test_a_meeting_that_has_begun_can_still_be_cancelled_but_no_longer_edited(portfolio, client_as):
    meeting = _begin(_register(portfolio["rep"], portfolio["own"]))
    client = client_as(portfolio["rep"])
    edit = client.get(reverse("representatives:meeting_update", args=[meeting.pk]))
    assert (edit.status_code, edit.url) == (302, meeting.get_absolute_url())
    url = reverse("representatives:meeting_cancel", args=[meeting.pk])
    response = client.post(url, rendered_form_data(client, url, reason="合资方推迟"))
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    assert "The meeting was marked cancelled." in _messages(response)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.outcome_summary) == ("cancelled", "合资方推迟")


# --- HQ's instruction queue ----------------------------------------------------------------------


def test_the_instruction_queue_lists_proposals_by_meeting_date(portfolio, hq, leader, client_as):
    rep, other_rep = portfolio["rep"], portfolio["other_rep"]
    # Registered in another order than they take place.
    later = _register(rep, portfolio["own"], title="Later", days=40)
    soon = _register(other_rep, portfolio["other"], title="Soon", days=20)
    middle = _register(rep, portfolio["own"], title="Middle", days=30)
    for meeting, user in ((later, rep), (soon, other_rep), (middle, rep)):
        _propose(meeting, user, title=f"{meeting.title} 1")
        _propose(meeting, user, title=f"{meeting.title} 2")
    # Not in the queue: a matter the representative decides, an issued instruction, a meeting that
    # has begun (too late to instruct), a cancelled meeting.
    _propose(soon, other_rep, title="Own decision", decision="representative")
    _issue(_propose(middle, rep, title="Issued"), hq)
    begun = _register(rep, portfolio["own"], title="Begun")
    _propose(begun, rep, title="Too late")
    _begin(begun)
    _propose(_register(rep, portfolio["own"], title="Cancelled meeting", days=25), rep, title="Cancelled")
    cancelled = Meeting.objects.get(title="Cancelled meeting")
    services.meeting_cancel(meeting=cancelled, actor=hq, expected_version=cancelled.version, reason="取消")

    response = client_as(hq).get(reverse("representatives:instruction_queue"))
    assert response.status_code == 200
    assert [p.title for p in response.context["proposals"]] == [
        "Soon 1",
        "Soon 2",
        "Middle 1",
        "Middle 2",
        "Later 1",
        "Later 2",
    ]
    assert client_as(leader).get(reverse("representatives:instruction_queue")).status_code == 200
    assert client_as(rep).get(reverse("representatives:instruction_queue")).status_code == 403
    # Each row links straight to the instruction form.
    first = response.context["proposals"][0]
    instruct = reverse("representatives:proposal_instruct", args=[first.meeting_id, first.pk])
    assert first.action[0] == instruct
    assert f'href="{instruct}"' in response.content.decode()
    # Leadership sees nothing to draft there.
    leader_rows = client_as(leader).get(reverse("representatives:instruction_queue")).context["proposals"]
    assert all(p.action is None for p in leader_rows)


def test_the_instruction_queue_filters_by_state(portfolio, hq, client_as):
    rep = portfolio["rep"]
    meeting = _register(rep, portfolio["own"])
    _propose(meeting, rep, title="Waiting")
    _issue(_propose(meeting, rep, title="Major"), hq, major=True)
    url = reverse("representatives:instruction_queue")
    rows = client_as(hq).get(url, {"state": "awaiting_approval"}).context["proposals"]
    assert [p.title for p in rows] == ["Major"]


# --- Reports -------------------------------------------------------------------------------------


def test_hq_has_a_review_tab_that_lists_submitted_reports(portfolio, client_as, hq):
    rep = portfolio["rep"]
    draft = _annual(portfolio["own_appointment"])
    first = services.report_create_major(
        actor=rep,
        appointment=portfolio["own_appointment"],
        data={"major_class": "record", "title": "First submitted", "body": "说明"},
    )
    second = services.report_create_major(
        actor=rep,
        appointment=portfolio["own_appointment"],
        data={"major_class": "record", "title": "Second submitted", "body": "说明"},
    )
    services.report_submit(report=first, actor=rep, expected_version=first.version)
    services.report_submit(report=second, actor=rep, expected_version=second.version)
    hq_client = client_as(hq)
    page = hq_client.get(reverse("representatives:report_list"))
    assert "Review queue" in _section_of(page, 'data-testid="scope-tabs"')
    review = hq_client.get(reverse("representatives:report_list"), {"scope": "review"})
    # Oldest submission first.
    assert [r.title for r in review.context["object_list"]] == ["First submitted", "Second submitted"]
    assert draft not in review.context["object_list"]
    # A representative's tabs are their own reports: no review queue.
    rep_page = client_as(rep).get(reverse("representatives:report_list"))
    assert "Review queue" not in _section_of(rep_page, 'data-testid="scope-tabs"')


def _section_of(response, marker: str) -> str:
    content = response.content.decode()
    start = content.index(marker)
    return content[start : content.index("</ul>", start)]


def test_a_rep_submits_hq_returns_with_comments_and_the_rep_reads_them(portfolio, hq, client_as):
    rep = portfolio["rep"]
    report = _annual(portfolio["own_appointment"])
    submit = reverse("representatives:report_submit", args=[report.pk])
    review = reverse("representatives:report_review", args=[report.pk])
    rep_client = client_as(rep)
    response = rep_client.post(submit, rendered_form_data(rep_client, submit))
    assert (response.status_code, response.url) == (302, report.get_absolute_url())
    assert "The report was submitted to HQ." in _messages(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    hq_client = client_as(hq)
    # Returning needs comments.
    response = hq_client.post(review, rendered_form_data(hq_client, review, **{"return": "1"}))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["comments"]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    data = rendered_form_data(hq_client, review, comments="请补充分红情况", **{"return": "1"})
    response = hq_client.post(review, data)
    assert (response.status_code, response.url) == (302, report.get_absolute_url())
    assert "The report was returned for revision." in _messages(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert Notification.objects.filter(recipient=rep, kind=notices.REPORT_RETURNED.code).exists()

    page = client_as(rep).get(report.get_absolute_url())
    assert "请补充分红情况" in _section_of_div(page, 'data-testid="returned"')
    assert page.context["can_edit"]
    # Revised and submitted again, HQ acknowledges it.
    rep_client = client_as(rep)
    edit = reverse("representatives:report_update", args=[report.pk])
    rep_client.post(edit, rendered_form_data(rep_client, edit, body="补充了分红情况。"))
    rep_client.post(submit, rendered_form_data(rep_client, submit))
    hq_client = client_as(hq)
    response = hq_client.post(review, rendered_form_data(hq_client, review))
    assert "The report was acknowledged." in _messages(response)
    report.refresh_from_db()
    assert (report.status, report.body, report.acknowledged_by) == (
        ReportStatus.ACKNOWLEDGED,
        "补充了分红情况。",
        hq,
    )


def _section_of_div(response, marker: str) -> str:
    content = response.content.decode()
    start = content.index(marker)
    return content[start : content.index("</div>", start)]


def test_an_empty_report_cannot_be_submitted(portfolio, client_as):
    report = _annual(portfolio["own_appointment"], body="")
    url = reverse("representatives:report_submit", args=[report.pk])
    client = client_as(portfolio["rep"])
    response = client.post(url, rendered_form_data(client, url))
    assert response.status_code == 200
    assert "Write the report before submitting it." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


# --- Evaluations and the overview ----------------------------------------------------------------


def test_a_rep_lists_only_their_own_published_evaluations(portfolio, hq, client_as, colleague):
    mine = _evaluate(hq, portfolio["rep_profile"], 2024)
    _evaluate(hq, portfolio["rep_profile"], 2025, publish=False)
    _evaluate(hq, colleague.representative_profile, 2024)
    _evaluate(hq, portfolio["other_rep_profile"], 2024)
    response = client_as(portfolio["rep"]).get(reverse("representatives:evaluation_list"))
    assert [e.pk for e in response.context["object_list"]] == [mine.pk]
    assert "colleague" not in response.content.decode()
    # HQ lists all four, drafts too.
    assert len(client_as(hq).get(reverse("representatives:evaluation_list")).context["object_list"]) == 4


def test_hq_sees_each_reps_overdue_reports_and_last_published_grade(portfolio, hq, client_as):
    appointment = portfolio["own_appointment"]
    today = timezone.localdate()
    for quarter in (1, 2):
        Report.objects.create(
            appointment=appointment,
            kind=ReportKind.QUARTERLY,
            year=2024,
            quarter=quarter,
            due_date=today - datetime.timedelta(days=10),
        )
    # Not overdue: due later, or already submitted.
    Report.objects.create(
        appointment=appointment, kind=ReportKind.QUARTERLY, year=2024, quarter=3, due_date=today
    )
    Report.objects.create(
        appointment=appointment,
        kind=ReportKind.QUARTERLY,
        year=2024,
        quarter=4,
        due_date=today - datetime.timedelta(days=10),
        status=ReportStatus.SUBMITTED,
    )
    _evaluate(hq, portfolio["rep_profile"], 2023, grade="excellent")
    # A draft is not the last evaluation yet.
    _evaluate(hq, portfolio["rep_profile"], 2024, grade="basic", publish=False)
    response = client_as(hq).get(reverse("representatives:representative_list"))
    rows = {r.pk: r for r in response.context["object_list"]}
    rep_row, other_row = rows[portfolio["rep_profile"].pk], rows[portfolio["other_rep_profile"].pk]
    assert (rep_row.reports_overdue, rep_row.last_evaluation_year, rep_row.last_evaluation_grade) == (
        2,
        2023,
        "excellent",
    )
    assert (other_row.reports_overdue, other_row.last_evaluation_year) == (0, None)
    content = response.content.decode()
    assert "2023 · Excellent" in content
    # The link searches by the name the reader sees (in English, the English one).
    name = portfolio["rep_profile"].name_en
    assert f"?scope=overdue&amp;representative={quote(name)}" in content
    overdue = client_as(hq).get(
        reverse("representatives:report_list"), {"scope": "overdue", "representative": name}
    )
    assert len(overdue.context["object_list"]) == 2


# --- The home page -------------------------------------------------------------------------------


def test_the_home_page_tells_a_rep_what_they_owe_and_which_meetings_are_ahead(portfolio, hq, client_as):
    rep = portfolio["rep"]
    report = _annual(portfolio["own_appointment"])
    begun = _register(rep, portfolio["own"], title="开过的会 Begun meeting")
    _propose(begun, rep, title="待记录 To record", decision="representative")
    begun = _begin(begun)
    ahead = _register(rep, portfolio["own"], title="下次董事会 Next board meeting", days=20)
    _issue(_propose(ahead, rep, title="Instructed"), hq)
    _propose(ahead, rep, title="Waiting")
    # Someone else's: not on the rep's page.
    _register(portfolio["other_rep"], portfolio["other"], title="他方会议 Hidden meeting")
    _annual(portfolio["other_appointment"], body="Hidden")

    response = client_as(rep).get(reverse("home"))
    owed = _section_of(response, 'data-testid="home-owed"')
    assert "Record the vote" in owed
    assert "待记录 To record" in owed
    assert reverse("representatives:proposal_vote", args=[begun.pk, begun.proposals.get().pk]) in owed
    assert str(report.heading) in owed
    assert report.get_absolute_url() in owed
    meetings = _section_of(response, 'data-testid="home-meetings"')
    assert "下次董事会 Next board meeting" in meetings
    assert "instructions issued: 1 of 2" in meetings
    assert "Hidden" not in response.content.decode()
    # Recorded, the vote is no longer owed.
    proposal = begun.proposals.get()
    services.vote_record(
        proposal=_fresh(proposal),
        actor=rep,
        data={"vote_cast": "for", "outcome": "passed", "deviation_explanation": ""},
        expected_version=proposal.version,
    )
    assert "待记录 To record" not in client_as(rep).get(reverse("home")).content.decode()


def test_the_home_page_shows_hq_its_governance_figures(portfolio, hq, client_as):
    rep = portfolio["rep"]
    meeting = _register(rep, portfolio["own"])
    _propose(meeting, rep)
    report = _annual(portfolio["own_appointment"])
    services.report_submit(report=report, actor=rep, expected_version=report.version)
    response = client_as(hq).get(reverse("home"))
    content = response.content.decode()
    assert 'data-testid="home-instructions">1<' in content
    assert 'data-testid="home-review">1<' in content


# --- Files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("evil.exe", b"MZ\x90\x00"), ("fake.pdf", b"MZ\x90\x00 not a pdf")],
    ids=["type", "content"],
)
def test_a_meeting_file_of_the_wrong_type_is_refused_on_the_field(name, content, portfolio, client_as):
    meeting = _register(portfolio["rep"], portfolio["own"])
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:meeting_file_upload", args=[meeting.pk]),
        {"purpose": "materials", "file": SimpleUploadedFile(name, content)},
    )
    # The meeting page again, with the error in its file box.
    assert response.status_code == 200
    assert response.context["meeting"] == meeting
    assert list(response.context["file_form"].errors) == ["file"]
    assert "The file was not added: see below." in response.content.decode()
    assert not MeetingAttachment.objects.exists()


def test_a_report_file_of_the_wrong_type_is_refused_on_the_field(portfolio, client_as):
    report = _annual(portfolio["own_appointment"])
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:report_file_upload", args=[report.pk]),
        {"file": SimpleUploadedFile("macro.docm", b"PK\x03\x04")},
    )
    assert response.status_code == 200
    assert error_codes(response.context["file_form"], "file") == ["type"]
    assert not ReportAttachment.objects.exists()


def _download(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response, body


def test_a_meeting_file_downloads_for_those_entitled_and_is_404_for_others(
    portfolio, hq, leader, nobody, client_as
):
    meeting = _register(portfolio["rep"], portfolio["own"])
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:meeting_file_upload", args=[meeting.pk]),
        {"purpose": "materials", "file": SimpleUploadedFile("议程.pdf", PDF)},
    )
    assert (response.status_code, response.url) == (302, meeting.get_absolute_url())
    attachment = MeetingAttachment.objects.get()
    url = reverse("representatives:meeting_file", args=[meeting.pk, attachment.pk])
    for user in (portfolio["rep"], hq, leader):
        response, body = _download(client_as(user), url)
        assert response.status_code == 200, user
        assert body == PDF
        assert response["Content-Disposition"].startswith("attachment;")
    for user in (portfolio["other_rep"], nobody):
        assert _download(client_as(user), url)[0].status_code == 404, user


def test_a_report_file_downloads_for_its_rep_and_hq_only(portfolio, hq, client_as, colleague):
    report = _annual(portfolio["own_appointment"])
    response = client_as(portfolio["rep"]).post(
        reverse("representatives:report_file_upload", args=[report.pk]),
        {"file": SimpleUploadedFile("annex.txt", "附件".encode())},
    )
    assert response.status_code == 302
    url = ReportAttachment.objects.get().get_absolute_url()
    for user in (portfolio["rep"], hq):
        response, body = _download(client_as(user), url)
        assert (response.status_code, body) == (200, "附件".encode()), user
    # Not even a colleague in the same JV.
    for user in (colleague, portfolio["other_rep"]):
        assert _download(client_as(user), url)[0].status_code == 404, user


# --- Query budgets -------------------------------------------------------------------------------


def _meetings(portfolio, n):
    """``n`` meetings of the rep's JV, each with two proposals (one waiting for HQ) and a file."""
    rep = portfolio["rep"]
    made = []
    for i in range(n):
        meeting = services.meeting_register(
            actor=rep,
            data={
                "jv": portfolio["own"],
                "kind": "board",
                "title": f"Meeting {i}",
                "meeting_at": _ahead(20 + i),
                "place": "",
                "representative": portfolio["rep_profile"],
                "short_notice": False,
                "short_notice_reason": "",
            },
        )
        _propose(meeting, rep, title=f"Meeting {i} HQ")
        _propose(meeting, rep, title=f"Meeting {i} own", decision="representative")
        made.append(meeting)
    return made


@pytest.mark.parametrize("n", [3, 12])
def test_meeting_list_query_budget(n, portfolio, hq_client, django_assert_max_num_queries):
    _meetings(portfolio, n)
    # 5 queries however many meetings: the user with their roles; the filter form's JV choices; the page
    # count; the page of meetings (JV and attendee joined, proposal counts annotated); the bell's
    # unread count. One of slack.
    with django_assert_max_num_queries(6):
        response = hq_client.get(reverse("representatives:meeting_list"))
    assert len(response.context["object_list"]) == n


@pytest.mark.parametrize("n", [3, 12])
def test_meeting_detail_query_budget(n, portfolio, hq, hq_client, django_assert_max_num_queries):
    rep = portfolio["rep"]
    meeting = _register(rep, portfolio["own"])
    for i in range(n):
        proposal = _propose(meeting, rep, title=f"Item {i}")
        services.instruction_draft(
            proposal=proposal,
            actor=hq,
            data={"instruction_vote": "for", "instruction_note": "", "major": False},
            expected_version=proposal.version,
        )
        MeetingAttachment(meeting=meeting, purpose="materials").store(_checked(f"file{i}.pdf"), actor=rep)
    # 12 queries however many proposals, files and history rows: the user with their roles; the
    # meeting (JV, department, liaison, attendee joined); who registered it; its proposals (drafter
    # and approver joined); its files (uploader joined); the history of the meeting and of its
    # proposals; the names behind the history's foreign keys, one query per model (user, meeting,
    # JV, representative); the bell. One of slack.
    with django_assert_max_num_queries(13):
        response = hq_client.get(meeting.get_absolute_url())
    assert len(response.context["rows"]) == n
    assert len(response.context["files"]) == n


def _checked(name):
    from core.uploads import check_upload

    return check_upload(SimpleUploadedFile(name, PDF))


@pytest.mark.parametrize("n", [3, 12])
def test_report_list_query_budget(n, portfolio, hq_client, django_assert_max_num_queries):
    for key in ("own_appointment", "other_appointment"):
        for i in range(n):
            Report.objects.create(
                appointment=portfolio[key],
                kind=ReportKind.QUARTERLY,
                year=2000 + i // 4,
                quarter=i % 4 + 1,
                due_date=datetime.date(2000 + i // 4, 12, 31),
            )
    # 5 queries however many reports: the user with their roles; the filter form's JV choices; the page
    # count; the page of reports (appointment, JV and representative joined); the bell. One of
    # slack.
    with django_assert_max_num_queries(6):
        response = hq_client.get(reverse("representatives:report_list"))
    assert len(response.context["object_list"]) == 2 * n


@pytest.mark.parametrize("n", [3, 12])
def test_instruction_queue_query_budget(n, portfolio, hq_client, django_assert_max_num_queries):
    for meeting in _meetings(portfolio, n):
        _propose(meeting, portfolio["rep"], title="Another")
    # 4 queries however many proposals: the user with their roles; the page count; the page of
    # proposals (meeting, JV, attendee and drafter joined); the bell. One of slack.
    with django_assert_max_num_queries(5):
        response = hq_client.get(reverse("representatives:instruction_queue"))
    assert len(response.context["proposals"]) == 2 * n

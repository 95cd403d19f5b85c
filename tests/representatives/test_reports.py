"""Reports: opened when their period ends, filed by the representative, returned or acknowledged by
HQ, pre-filled with the year's facts, reminded before and after their due date, and seen only by
their representative and HQ.

Services are called with an explicit ``today`` or ``at`` (Beijing time) wherever a date matters; a
refused write is shown to leave the report, its history, its timeline and the outbox as they were.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.roles import Role
from core.services import ConcurrentEditError
from core.uploads import check_upload
from demands import services as demand_services
from notifications.models import Notification
from notifications.tasks import notifications_send_task
from representatives import notices, services
from representatives.choices import MajorClass, ReportEntryKind, ReportKind, ReportStatus
from representatives.models import Appointment, Report, ReportEntry
from representatives.services.reports import (
    annual_due,
    previous_quarter,
    quarter_bounds,
    quarterly_due,
)
from representatives.tasks import reports_daily_task
from tests import factories as f

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
OPENED = notices.REPORT_OPENED.code
SUBMITTED = notices.REPORT_SUBMITTED.code
RETURNED = notices.REPORT_RETURNED.code
ACKNOWLEDGED = notices.REPORT_ACKNOWLEDGED.code
DUE_SOON = notices.REPORT_DUE_SOON.code
DUE_TODAY = notices.REPORT_DUE_TODAY.code
OVERDUE = notices.REPORT_OVERDUE.code
OVERDUE_HQ = notices.REPORT_OVERDUE_HQ.code
Q3_DUE = datetime.date(2026, 10, 15)
DAY = datetime.timedelta(days=1)


def bj(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def told(kind: str | None = None) -> list[tuple[str, str]]:
    """(recipient, kind) of every notification (of ``kind``), sorted."""
    rows = Notification.objects.select_related("recipient")
    if kind:
        rows = rows.filter(kind=kind)
    return sorted((n.recipient.username, n.kind) for n in rows)


def reminders() -> list[tuple[str, str]]:
    """(recipient, kind) of every reminder of a due or overdue report, sorted."""
    return [row for row in told() if row[1] in (DUE_SOON, DUE_TODAY, OVERDUE, OVERDUE_HQ)]


def snapshot(report: Report) -> dict:
    """Everything a refused write must leave alone."""
    return {
        "row": Report.objects.filter(pk=report.pk).values().get(),
        "history": Report.history.filter(id=report.pk).count(),
        "timeline": list(ReportEntry.objects.filter(report_id=report.pk).values_list("pk", flat=True)),
        "outbox": sorted(Notification.objects.values_list("key", flat=True)),
    }


def pdf(name: str = "minutes.pdf"):
    return check_upload(SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf"))


def quarterly(appointment, year: int = 2026, quarter: int = 3) -> Report:
    """The period's report as the portal opens it (without telling anyone)."""
    return Report.objects.create(
        appointment=appointment,
        kind=ReportKind.QUARTERLY,
        year=year,
        quarter=quarter,
        due_date=quarterly_due(year, quarter),
    )


def write(report: Report, actor, body: str = "本季度工作情况。") -> Report:
    return services.report_update(report=report, actor=actor, data={"body": body}, expected_version=None)


def submit(report: Report, actor, at=None) -> Report:
    return services.report_submit(report=report, actor=actor, expected_version=None, at=at)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def contacts(portfolio):
    """The own JV's HQ contacts: its liaison and its department's head."""
    own = portfolio["own"]
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    head = f.make_user(Role.HQ_STAFF, username="head", department=own.department)
    own.department.head = head
    own.department.save(update_fields=["head"])
    type(own).objects.filter(pk=own.pk).update(liaison=liaison)
    return SimpleNamespace(liaison=liaison, head=head)


@pytest.fixture
def draft(portfolio):
    return quarterly(portfolio["own_appointment"])


# --- Periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "quarter", "bounds", "due"),
    [
        (2026, 1, ("2026-01-01", "2026-03-31"), "2026-04-15"),
        (2026, 2, ("2026-04-01", "2026-06-30"), "2026-07-15"),
        (2026, 3, ("2026-07-01", "2026-09-30"), "2026-10-15"),
        (2026, 4, ("2026-10-01", "2026-12-31"), "2027-01-15"),
    ],
)
def test_quarter_bounds_and_due_dates(year, quarter, bounds, due):
    start, end = quarter_bounds(year, quarter)
    assert (start.isoformat(), end.isoformat()) == bounds
    assert quarterly_due(year, quarter).isoformat() == due


def test_the_quarter_that_last_ended_and_the_annual_due_date():
    assert previous_quarter(datetime.date(2027, 1, 5)) == (2026, 4)
    assert previous_quarter(datetime.date(2026, 10, 1)) == (2026, 3)
    assert previous_quarter(datetime.date(2026, 9, 30)) == (2026, 2)
    assert annual_due(2026) == datetime.date(2027, 1, 31)


# --- Opening ----------------------------------------------------------------------------------------


def test_the_quarter_that_ended_opens_one_report_per_appointment_in_force(portfolio):
    own = portfolio["own"]
    stays = f.AppointmentFactory(jv=own, end_date=datetime.date(2026, 12, 31))
    # Started after the quarter ended; ended before today; ended with the quarter itself.
    f.AppointmentFactory(jv=own, start_date=datetime.date(2026, 10, 1))
    f.AppointmentFactory(jv=own, end_date=datetime.date(2026, 10, 3))
    f.AppointmentFactory(jv=own, end_date=datetime.date(2026, 6, 30))

    assert services.reports_open(today=datetime.date(2026, 10, 5)) == {"opened": 3}

    reports = Report.objects.order_by("appointment_id")
    assert {r.appointment for r in reports} == {
        portfolio["own_appointment"],
        portfolio["other_appointment"],
        stays,
    }
    for report in reports:
        assert (report.kind, report.year, report.quarter, report.due_date, report.status) == (
            ReportKind.QUARTERLY,
            2026,
            3,
            Q3_DUE,
            ReportStatus.DRAFT,
        )
        assert report.figures == {}
    assert str(reports[0].heading) == "Q3 2026 work report"
    # Only appointments with a login are told.
    assert told(OPENED) == [("other_rep", OPENED), ("rep", OPENED)]
    notification = Notification.objects.get(recipient=portfolio["rep"])
    assert notification.target == Report.objects.get(appointment=portfolio["own_appointment"])
    assert notification.params["due"] == "2026-10-15"


def test_opening_twice_opens_nothing_more_and_tells_nobody_twice(portfolio):
    assert services.reports_open(today=datetime.date(2026, 10, 1)) == {"opened": 2}
    assert services.reports_open(today=datetime.date(2026, 10, 1)) == {"opened": 0}
    # Any later day of the same quarter is the same period.
    assert services.reports_open(today=datetime.date(2026, 12, 20)) == {"opened": 0}
    assert Report.objects.count() == 2
    assert told(OPENED) == [("other_rep", OPENED), ("rep", OPENED)]


def test_january_also_opens_last_years_duty_report_with_its_figures(portfolio):
    f.AppointmentFactory(jv=portfolio["own"], start_date=datetime.date(2027, 1, 2))

    assert services.reports_open(today=datetime.date(2027, 1, 10)) == {"opened": 4}

    mine = Report.objects.filter(appointment=portfolio["own_appointment"])
    assert sorted((r.kind, r.year, r.quarter, r.due_date) for r in mine) == [
        (ReportKind.ANNUAL, 2026, None, datetime.date(2027, 1, 31)),
        (ReportKind.QUARTERLY, 2026, 4, datetime.date(2027, 1, 15)),
    ]
    annual = mine.get(kind=ReportKind.ANNUAL)
    assert str(annual.heading) == "2026 annual duty report"
    figures = {k: v for k, v in annual.figures.items() if k != "computed_at"}
    # Opened after the Q4 report, so that one already counts as due (and not yet filed).
    assert figures == {
        "meetings_attended": 0,
        "proposals_voted": 0,
        "proposals_instructed": 0,
        "proposals_deviating": 0,
        "proposals_own_decision": 0,
        "quarterly_reports_due": 1,
        "quarterly_reports_on_time": 0,
        "major_reports_filed": 0,
        "demands_raised": 0,
        "demands_resolved": 0,
    }
    assert annual.figures["computed_at"]
    assert told(OPENED) == [("other_rep", OPENED)] * 2 + [("rep", OPENED)] * 2
    assert services.reports_open(today=datetime.date(2027, 1, 31)) == {"opened": 0}


@pytest.mark.parametrize(("today", "annual"), [("2027-01-31", 2), ("2027-02-01", 0)])
def test_the_duty_report_opens_until_its_due_date(portfolio, today, annual):
    services.reports_open(today=datetime.date(2026, 12, 1))  # Q3, opened in the autumn
    # Q4 opens for both seats either way.
    assert services.reports_open(today=datetime.date.fromisoformat(today)) == {"opened": 2 + annual}
    assert Report.objects.filter(kind=ReportKind.ANNUAL, year=2026).count() == annual


# --- The workflow -----------------------------------------------------------------------------------


def test_submitting_needs_a_body_and_saves_nothing_without_one(portfolio, draft, contacts):
    rep = portfolio["rep"]
    for body in ("", "   \n"):
        draft = write(draft, rep, body)
        before = snapshot(draft)
        with pytest.raises(ValidationError) as exc:
            submit(draft, rep)
        assert list(exc.value.message_dict) == ["body"]
        assert snapshot(draft) == before
    assert draft.status == ReportStatus.DRAFT


def test_the_representative_submits_and_hq_contacts_are_told(portfolio, draft, contacts):
    rep = portfolio["rep"]
    draft = write(draft, rep)
    at = bj(2026, 10, 12)
    report = submit(draft, rep, at=at)
    report.refresh_from_db()
    assert (report.status, report.submitted_at, report.first_submitted_at) == (ReportStatus.SUBMITTED, at, at)
    assert report.version == 3  # written, then submitted
    assert list(report.entries.values_list("kind", "author__username")) == [
        (ReportEntryKind.SUBMITTED, "rep")
    ]
    assert told() == [("head", SUBMITTED), ("liaison", SUBMITTED)]
    assert Report.history.filter(id=report.pk).first().history_user == rep


def test_hq_returns_with_comments_and_the_representative_edits_again(portfolio, draft, contacts, hq):
    rep = portfolio["rep"]
    report = submit(write(draft, rep), rep)
    before = snapshot(report)
    for comments in ("", "  "):
        with pytest.raises(ValidationError) as exc:
            services.report_return(
                report=report, actor=hq, expected_version=report.version, comments=comments
            )
        assert list(exc.value.message_dict) == ["comments"]
    assert snapshot(report) == before

    returned = services.report_return(
        report=report, actor=hq, expected_version=report.version, comments=" 请补充销售数据。 "
    )
    assert returned.status == ReportStatus.RETURNED
    assert returned.entries.last().text == "请补充销售数据。"
    notification = Notification.objects.get(kind=RETURNED)
    assert (notification.recipient, notification.params["comments"]) == (rep, "请补充销售数据。")
    # The representative owes the report again and may change it.
    edited = write(returned, rep, "补充后的报告。")
    assert (edited.body, edited.status) == ("补充后的报告。", ReportStatus.RETURNED)


def test_resubmitted_then_acknowledged_keeping_the_first_submission(portfolio, draft, contacts, hq):
    rep = portfolio["rep"]
    first, second = bj(2026, 10, 10), bj(2026, 10, 20)
    report = submit(write(draft, rep), rep, at=first)
    report = services.report_return(
        report=report, actor=hq, expected_version=report.version, comments="补充", at=bj(2026, 10, 11)
    )
    report = submit(write(report, rep, "第二稿"), rep, at=second)
    assert (report.status, report.submitted_at, report.first_submitted_at) == (
        ReportStatus.SUBMITTED,
        second,
        first,
    )
    # Each submission tells HQ again.
    assert told(SUBMITTED) == [("head", SUBMITTED)] * 2 + [("liaison", SUBMITTED)] * 2

    report = services.report_acknowledge(
        report=report, actor=hq, expected_version=report.version, at=bj(2026, 10, 21)
    )
    report.refresh_from_db()
    assert (report.status, report.acknowledged_by, report.acknowledged_at) == (
        ReportStatus.ACKNOWLEDGED,
        hq,
        bj(2026, 10, 21),
    )
    assert told(ACKNOWLEDGED) == [("rep", ACKNOWLEDGED)]
    assert list(report.entries.values_list("kind", flat=True)) == [
        ReportEntryKind.SUBMITTED,
        ReportEntryKind.RETURNED,
        ReportEntryKind.SUBMITTED,
        ReportEntryKind.ACKNOWLEDGED,
    ]


def _acknowledged(report, rep, hq):
    report = submit(write(report, rep), rep)
    return services.report_acknowledge(report=report, actor=hq, expected_version=None)


@pytest.mark.parametrize(
    ("state", "who", "move"),
    [
        ("submitted", "rep", "acknowledge"),
        ("submitted", "rep", "return"),
        ("submitted", "leader", "acknowledge"),
        ("submitted", "other_rep", "acknowledge"),
        ("draft", "hq", "submit"),
        ("draft", "hq", "acknowledge"),
        ("draft", "hq", "return"),
        ("draft", "other_rep", "submit"),
        ("draft", "colleague", "edit"),
        ("submitted", "rep", "edit"),
        ("submitted", "rep", "submit"),
        ("acknowledged", "rep", "edit"),
        ("acknowledged", "rep", "submit"),
        ("acknowledged", "hq", "return"),
        ("acknowledged", "hq", "acknowledge"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(portfolio, draft, hq, leader, state, who, move):
    rep = portfolio["rep"]
    people = {
        "rep": rep,
        "hq": hq,
        "leader": leader,
        "other_rep": portfolio["other_rep"],
        "colleague": f.make_representative_user(portfolio["own"], username="colleague"),
    }
    report = {
        "draft": lambda: write(draft, rep),
        "submitted": lambda: submit(write(draft, rep), rep),
        "acknowledged": lambda: _acknowledged(draft, rep, hq),
    }[state]()
    actor = people[who]
    moves = {
        "submit": lambda: services.report_submit(report=report, actor=actor, expected_version=None),
        "edit": lambda: services.report_update(
            report=report, actor=actor, data={"body": "改"}, expected_version=None
        ),
        "return": lambda: services.report_return(
            report=report, actor=actor, expected_version=None, comments="改"
        ),
        "acknowledge": lambda: services.report_acknowledge(report=report, actor=actor, expected_version=None),
    }
    before = snapshot(report)
    with pytest.raises(PermissionDenied):
        moves[move]()
    assert snapshot(report) == before


@pytest.mark.parametrize("move", ["edit", "submit", "return", "acknowledge", "refresh"])
def test_a_stale_version_is_refused_and_changes_nothing(portfolio, draft, hq, move):
    rep = portfolio["rep"]
    if move in ("return", "acknowledge"):
        draft = submit(write(draft, rep), rep)
    elif move == "refresh":
        Report.objects.filter(pk=draft.pk).update(kind=ReportKind.ANNUAL, quarter=None)
        draft.refresh_from_db()
    else:
        draft = write(draft, rep)
    stale = draft.version - 1
    calls = {
        "edit": lambda: services.report_update(
            report=draft, actor=rep, data={"body": "新内容"}, expected_version=stale
        ),
        "submit": lambda: services.report_submit(report=draft, actor=rep, expected_version=stale),
        "return": lambda: services.report_return(
            report=draft, actor=hq, expected_version=stale, comments="改"
        ),
        "acknowledge": lambda: services.report_acknowledge(report=draft, actor=hq, expected_version=stale),
        "refresh": lambda: services.report_refresh_figures(report=draft, actor=rep, expected_version=stale),
    }
    before = snapshot(draft)
    with pytest.raises(ConcurrentEditError):
        calls[move]()
    assert snapshot(draft) == before


def test_a_quarterly_report_changes_only_its_body(portfolio, draft):
    rep = portfolio["rep"]
    report = services.report_update(
        report=draft,
        actor=rep,
        data={"body": "正文", "title": "改标题", "due_date": None},
        expected_version=1,
    )
    report.refresh_from_db()
    assert (report.body, report.title, report.due_date, report.version) == ("正文", "", Q3_DUE, 2)
    # Saving what is already there records nothing.
    again = services.report_update(report=report, actor=rep, data={"body": "正文"}, expected_version=2)
    assert again.version == 2
    assert Report.history.filter(id=report.pk).count() == 2


def test_attachments_while_owed_only(portfolio, draft, hq, media):
    rep = portfolio["rep"]
    attachment = services.report_attach(report=draft, actor=rep, upload=pdf("附件.pdf"))
    assert list(draft.attachments.all()) == [attachment]
    with pytest.raises(PermissionDenied):
        services.report_attach(report=draft, actor=hq, upload=pdf())
    report = _acknowledged(draft, rep, hq)
    with pytest.raises(PermissionDenied):
        services.report_attach(report=report, actor=rep, upload=pdf())
    assert draft.attachments.count() == 1


# --- Major-matter reports -------------------------------------------------------------------------


def _major(actor, appointment, **data):
    fields = {"major_class": MajorClass.RECORD, "title": "股权转让", "body": "情况说明", **data}
    return services.report_create_major(actor=actor, appointment=appointment, data=fields, at=bj(2026, 5, 6))


def test_a_representative_reports_a_major_matter_of_their_seat(portfolio):
    report = _major(portfolio["rep"], portfolio["own_appointment"])
    assert (report.kind, report.year, report.status, report.heading, report.due_date) == (
        ReportKind.MAJOR,
        2026,
        ReportStatus.DRAFT,
        "股权转让",
        None,
    )
    assert Report.history.get(id=report.pk).history_user == portfolio["rep"]


def test_a_major_matter_only_for_ones_own_seat_in_force(portfolio, hq):
    own_appointment = portfolio["own_appointment"]
    colleague = f.make_representative_user(portfolio["own"], username="colleague")
    ended = f.AppointmentFactory(
        representative=portfolio["rep_profile"],
        jv=portfolio["other"],
        end_date=timezone.localdate() - DAY,
    )
    future = f.AppointmentFactory(
        representative=portfolio["rep_profile"],
        jv=portfolio["other"],
        start_date=timezone.localdate() + 10 * DAY,
    )
    for actor, appointment in [
        (colleague, own_appointment),  # a colleague's seat in the same JV
        (portfolio["other_rep"], own_appointment),
        (hq, own_appointment),  # HQ files no major-matter reports
        (portfolio["rep"], ended),
        (portfolio["rep"], future),
        (portfolio["rep"], None),
    ]:
        with pytest.raises(ValidationError) as exc:
            _major(actor, appointment)
        assert list(exc.value.message_dict) == ["appointment"], (actor, appointment)
    assert not Report.objects.exists()


def test_a_major_matter_needs_a_class_and_a_subject(portfolio):
    for data, field in [({"major_class": ""}, "major_class"), ({"title": "  "}, "title")]:
        with pytest.raises(ValidationError) as exc:
            _major(portfolio["rep"], portfolio["own_appointment"], **data)
        assert field in exc.value.message_dict
    assert not Report.objects.exists()


def test_a_time_limited_matter_needs_its_due_date_others_drop_it(portfolio):
    rep, appointment = portfolio["rep"], portfolio["own_appointment"]
    with pytest.raises(ValidationError) as exc:
        _major(rep, appointment, major_class=MajorClass.TIME_LIMITED)
    assert list(exc.value.message_dict) == ["due_date"]
    assert not Report.objects.exists()

    due = datetime.date(2026, 6, 1)
    timed = _major(rep, appointment, major_class=MajorClass.TIME_LIMITED, due_date=due)
    assert timed.due_date == due
    for other_class in (MajorClass.APPROVAL, MajorClass.RECORD):
        assert _major(rep, appointment, major_class=other_class, due_date=due).due_date is None

    # Editing the class away from a time limit drops the due date too.
    changed = services.report_update(
        report=timed, actor=rep, data={"major_class": MajorClass.APPROVAL}, expected_version=timed.version
    )
    changed.refresh_from_db()
    assert (changed.major_class, changed.due_date) == (MajorClass.APPROVAL, None)
    # And back to a time limit without a date is refused.
    with pytest.raises(ValidationError) as exc:
        services.report_update(
            report=changed,
            actor=rep,
            data={"major_class": MajorClass.TIME_LIMITED},
            expected_version=changed.version,
        )
    assert list(exc.value.message_dict) == ["due_date"]


# --- The annual duty report's facts ---------------------------------------------------------------


def held_meeting(*, attendee, hq, jv, when, proposals):
    """A meeting registered a month ahead, its proposals instructed and voted, its outcome recorded.

    ``proposals`` lists (who decides, the instructed vote or None, the vote cast).
    """
    meeting = services.meeting_register(
        actor=attendee,
        data={
            "jv": jv,
            "kind": "board",
            "title": f"董事会 {when:%Y-%m-%d}",
            "meeting_at": when,
            "representative": attendee.representative_profile,
        },
        at=when - 30 * DAY,
    )
    for number, (decision, instructed, cast) in enumerate(proposals, 1):
        proposal = services.proposal_add(
            meeting=meeting,
            actor=attendee,
            data={"title": f"议案{number}", "decision": decision},
            at=when - 29 * DAY,
        )
        if instructed:
            proposal = services.instruction_draft(
                proposal=proposal,
                actor=hq,
                data={"instruction_vote": instructed},
                expected_version=None,
                issue=True,
                at=when - 20 * DAY,
            )
        services.vote_record(
            proposal=proposal,
            actor=attendee,
            data={"vote_cast": cast, "outcome": "passed", "deviation_explanation": "会上出现新情况"},
            expected_version=None,
            at=when + datetime.timedelta(hours=2),
        )
    return services.meeting_record_outcome(
        meeting=meeting,
        actor=attendee,
        summary="通过",
        minutes=pdf(),
        expected_version=None,
        at=when + datetime.timedelta(hours=3),
    )


@pytest.fixture
def year_2025(portfolio, contacts, hq, media):
    """The representative's 2025 in ``own``, built through the services, with what must not count."""
    own, rep = portfolio["own"], portfolio["rep"]
    colleague = f.make_representative_user(own, username="colleague")
    handler = contacts.head  # HQ staff of the JV's department: handles its demands

    # Meetings: two held in 2025 (the first at 06:00 on New Year's Day in Beijing, still 2024 in
    # UTC), one held in 2024, one cancelled in 2025, and one the colleague attended.
    held_meeting(
        attendee=rep,
        hq=hq,
        jv=own,
        when=bj(2025, 1, 1, 6),
        proposals=[("hq", "for", "for"), ("hq", "for", "against"), ("representative", None, "for")],
    )
    held_meeting(attendee=rep, hq=hq, jv=own, when=bj(2025, 6, 18), proposals=[("hq", "against", "against")])
    held_meeting(attendee=rep, hq=hq, jv=own, when=bj(2024, 12, 31, 22), proposals=[("hq", "for", "for")])
    cancelled = services.meeting_register(
        actor=rep,
        data={
            "jv": own,
            "kind": "board",
            "title": "临时会议",
            "meeting_at": bj(2025, 9, 1),
            "representative": portfolio["rep_profile"],
        },
        at=bj(2025, 7, 1),
    )
    services.meeting_cancel(meeting=cancelled, actor=rep, expected_version=None, reason="延期")
    held_meeting(
        attendee=colleague, hq=hq, jv=own, when=bj(2025, 3, 3), proposals=[("representative", None, "for")]
    )

    # Quarterly reports as the portal opens them through the year (Q4 2024 too).
    for today in ("2025-01-02", "2025-04-01", "2025-07-01", "2025-10-01"):
        services.reports_open(today=datetime.date.fromisoformat(today))
    mine = Report.objects.filter(appointment=portfolio["own_appointment"], kind=ReportKind.QUARTERLY)
    q4_2024, q1, q2, q3 = (
        mine.get(year=y, quarter=q) for y, q in [(2024, 4), (2025, 1), (2025, 2), (2025, 3)]
    )
    submit(write(q4_2024, rep), rep, at=bj(2025, 1, 10))
    # Q1 late on its due day: on time. Q2 at 07:00 the day after its due day (still the due day in
    # UTC): late.
    submit(write(q1, rep), rep, at=bj(2025, 4, 15, 23, 30))
    submit(write(q2, rep), rep, at=bj(2025, 7, 16, 7))
    # Q3 on time, returned, resubmitted late: the first submission counts.
    q3 = submit(write(q3, rep), rep, at=bj(2025, 10, 10))
    q3 = services.report_return(
        report=q3, actor=hq, expected_version=None, comments="补充", at=bj(2025, 10, 12)
    )
    submit(write(q3, rep, "第二稿"), rep, at=bj(2025, 10, 20))

    # Major-matter reports: one filed in 2025, one filed in 2024, one drafted and never filed.
    appointment = portfolio["own_appointment"]
    for created, filed in [(bj(2025, 5, 6), bj(2025, 5, 7)), (bj(2024, 11, 1), bj(2024, 11, 2))]:
        report = services.report_create_major(
            actor=rep,
            appointment=appointment,
            data={"major_class": MajorClass.RECORD, "title": "重大事项", "body": "说明"},
            at=created,
        )
        submit(report, rep, at=filed)
    _major(rep, appointment)

    # Demands: two raised by the representative in 2025 (one resolved), one in 2024, one by the colleague.
    resolved = f.make_demand(own, rep, at=bj(2025, 2, 10))
    resolved = demand_services.demand_transition(
        demand=resolved, action="accept", actor=handler, at=bj(2025, 2, 11)
    )
    demand_services.demand_transition(
        demand=resolved, action="resolve", actor=handler, note="已解决", at=bj(2025, 3, 11)
    )
    f.make_demand(own, rep, at=bj(2025, 8, 1))
    f.make_demand(own, rep, at=bj(2024, 12, 31, 23))
    f.make_demand(own, colleague, at=bj(2025, 5, 5))
    return SimpleNamespace(colleague=colleague)


EXPECTED_2025 = {
    "meetings_attended": 2,
    "proposals_voted": 4,
    "proposals_instructed": 2,
    "proposals_deviating": 1,
    "proposals_own_decision": 1,
    "quarterly_reports_due": 3,
    "quarterly_reports_on_time": 2,
    "major_reports_filed": 1,
    "demands_raised": 2,
    "demands_resolved": 1,
}


def _without_time(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k != "computed_at"}


def test_duty_figures_count_exactly_the_representatives_year(portfolio, year_2025):
    figures = services.duty_figures(appointment=portfolio["own_appointment"], year=2025)
    assert _without_time(figures) == EXPECTED_2025


def test_the_duty_report_opens_with_the_years_facts_and_refreshes(portfolio, year_2025):
    rep = portfolio["rep"]
    # January: Q4 opens (one more quarter due, not yet filed), then the duty report with the facts.
    assert services.reports_open(today=datetime.date(2026, 1, 5))["opened"] >= 2
    annual = Report.objects.get(appointment=portfolio["own_appointment"], kind=ReportKind.ANNUAL, year=2025)
    assert _without_time(annual.figures) == {**EXPECTED_2025, "quarterly_reports_due": 4}

    # Q4 is filed on time; refreshing brings the facts up to date.
    q4 = Report.objects.get(appointment=portfolio["own_appointment"], year=2025, quarter=4)
    submit(write(q4, rep), rep, at=bj(2026, 1, 14))
    refreshed = services.report_refresh_figures(report=annual, actor=rep, expected_version=annual.version)
    refreshed.refresh_from_db()
    assert _without_time(refreshed.figures) == {
        **EXPECTED_2025,
        "quarterly_reports_due": 4,
        "quarterly_reports_on_time": 3,
    }
    # The colleague's year is theirs alone.
    colleague_annual = Report.objects.get(
        appointment__representative__user=year_2025.colleague, kind=ReportKind.ANNUAL, year=2025
    )
    assert _without_time(colleague_annual.figures) == {
        "meetings_attended": 1,
        "proposals_voted": 1,
        "proposals_instructed": 0,
        "proposals_deviating": 0,
        "proposals_own_decision": 1,
        "quarterly_reports_due": 4,
        "quarterly_reports_on_time": 0,
        "major_reports_filed": 0,
        "demands_raised": 1,
        "demands_resolved": 0,
    }


def test_a_proposal_the_representative_did_not_vote_on_is_not_counted_as_voted(portfolio, hq, media):
    """``VoteCast.ABSENT`` is "Did not vote": it is no vote on the report's "Proposals voted on"
    line, nor a decision the representative took."""
    held_meeting(
        attendee=portfolio["rep"],
        hq=hq,
        jv=portfolio["own"],
        when=bj(2025, 4, 8),
        proposals=[("representative", None, "for"), ("representative", None, "absent")],
    )
    figures = services.duty_figures(appointment=portfolio["own_appointment"], year=2025)
    assert (figures["meetings_attended"], figures["proposals_voted"], figures["proposals_own_decision"]) == (
        1,
        1,
        1,
    )


def test_only_the_owner_refreshes_only_an_annual_report(portfolio, draft, hq):
    with pytest.raises(PermissionDenied):
        services.report_refresh_figures(report=draft, actor=portfolio["rep"], expected_version=None)
    Report.objects.filter(pk=draft.pk).update(kind=ReportKind.ANNUAL, quarter=None)
    with pytest.raises(PermissionDenied):
        services.report_refresh_figures(report=draft, actor=hq, expected_version=None)
    assert Report.objects.get(pk=draft.pk).figures == {}


# --- Reminders --------------------------------------------------------------------------------------


def sweep(today: datetime.date) -> dict:
    return services.report_reminders_sweep(today=today)


def test_the_representative_is_reminded_a_week_before_on_the_day_and_after_then_hq(
    portfolio, contacts, draft
):
    created = {}
    for offset in range(-10, 12):
        today = Q3_DUE + offset * DAY
        first, second = sweep(today), sweep(today)
        # Each day run twice: the second run finds the same report due and says nothing.
        assert first["due"] == second["due"] == (1 if offset >= -7 else 0), today
        assert second["created"] == 0, today
        if first["created"]:
            created[offset] = first["created"]
    assert created == {-7: 1, 0: 1, 1: 1, 5: 2}
    assert told(DUE_SOON) == [("rep", DUE_SOON)]
    assert told(DUE_TODAY) == [("rep", DUE_TODAY)]
    assert told(OVERDUE) == [("rep", OVERDUE)]
    # Five days late HQ's contacts hear of it, and the representative hears nothing more.
    assert told(OVERDUE_HQ) == [("head", OVERDUE_HQ), ("liaison", OVERDUE_HQ)]
    assert len(reminders()) == 5
    notification = Notification.objects.get(kind=OVERDUE_HQ, recipient=contacts.liaison)
    assert notification.target == draft
    assert notification.params["due"] == "2026-10-15"


def test_a_sweep_that_missed_days_catches_up_with_the_current_step(portfolio, contacts, draft):
    assert sweep(Q3_DUE + 6 * DAY) == {"due": 1, "created": 3}
    assert reminders() == [("head", OVERDUE_HQ), ("liaison", OVERDUE_HQ), ("rep", OVERDUE)]


@pytest.mark.parametrize("state", ["submitted", "acknowledged"])
def test_a_filed_report_is_not_reminded(portfolio, contacts, draft, hq, state):
    report = submit(write(draft, portfolio["rep"]), portfolio["rep"])
    if state == "acknowledged":
        services.report_acknowledge(report=report, actor=hq, expected_version=None)
    for offset in (-7, 0, 1, 5):
        assert sweep(Q3_DUE + offset * DAY) == {"due": 0, "created": 0}
    assert reminders() == []


def test_a_returned_report_is_reminded_again(portfolio, contacts, draft, hq):
    rep = portfolio["rep"]
    report = submit(write(draft, rep), rep)
    services.report_return(report=report, actor=hq, expected_version=None, comments="补充")
    assert sweep(Q3_DUE + DAY) == {"due": 1, "created": 1}
    assert told(OVERDUE) == [("rep", OVERDUE)]


def test_a_report_of_an_ended_appointment_is_not_reminded(portfolio, contacts, draft):
    Appointment.objects.filter(pk=portfolio["own_appointment"].pk).update(end_date=Q3_DUE - 3 * DAY)
    for offset in (0, 1, 5, 30):
        assert sweep(Q3_DUE + offset * DAY) == {"due": 0, "created": 0}
    assert reminders() == []


def test_a_major_report_is_reminded_only_with_a_time_limit(portfolio, contacts):
    rep, appointment = portfolio["rep"], portfolio["own_appointment"]
    _major(rep, appointment, major_class=MajorClass.RECORD)
    timed = _major(rep, appointment, major_class=MajorClass.TIME_LIMITED, due_date=Q3_DUE)
    assert sweep(Q3_DUE) == {"due": 1, "created": 1}
    assert Notification.objects.get(kind=DUE_TODAY).target == timed


def test_the_daily_task_run_twice_tells_each_person_once(db):
    """What beat does each morning, and what a second worker or a retry would do again."""
    liaison = f.make_user(Role.HQ_STAFF, username="liaison")
    head = f.make_user(Role.HQ_STAFF, username="head")
    jv = f.JointVentureFactory(liaison=liaison)
    jv.department.head = head
    jv.department.save(update_fields=["head"])
    rep = f.make_representative_user(username="rep")
    # Appointed today: no period has ended in this seat, so the task opens nothing for it.
    today = timezone.localdate()
    appointment = f.AppointmentFactory(representative=rep.representative_profile, jv=jv, start_date=today)
    services.report_create_major(
        actor=rep,
        appointment=appointment,
        data={"major_class": MajorClass.TIME_LIMITED, "title": "限期报告", "due_date": today - 5 * DAY},
    )

    assert reports_daily_task() == {"opened": 0, "due": 1, "created": 3}
    assert reports_daily_task() == {"opened": 0, "due": 1, "created": 0}
    assert told() == [("head", OVERDUE_HQ), ("liaison", OVERDUE_HQ), ("rep", OVERDUE)]

    notifications_send_task()
    notifications_send_task()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head@example.com",
        "liaison@example.com",
        "rep@example.com",
    ]


def _swept_queries(today) -> tuple[dict, int]:
    """Sweep once inside a savepoint that is rolled back; return the counts and the queries made."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            result = sweep(today)
        transaction.set_rollback(True)
    return result, len(captured.captured_queries)


def _due_reports(jv, n):
    for _ in range(n):
        login = f.make_representative_user()
        quarterly(f.AppointmentFactory(representative=login.representative_profile, jv=jv))


# One batch of owed reports with the appointment, the representative's login, the JV, its liaison,
# its department and head joined, the appointment-in-force test as a subquery (1); the empty next
# batch (1); the re-check under lock: its savepoint, the locked re-read of the batch's reports still
# owed and its release (3); notify_many's savepoint, existing keys, preferences, one insert and the
# release (5). Nothing depends on how many reports are due.
SWEEP_BUDGET = 10


def test_the_sweep_query_budget_is_the_same_for_3_or_15_due_reports(
    portfolio, contacts, django_assert_max_num_queries
):
    ContentType.objects.get_for_model(Report)  # warm, as in a running worker
    overdue_hq = Q3_DUE + 5 * DAY  # every report tells its representative and both contacts
    _due_reports(portfolio["own"], 3)
    few_result, few_queries = _swept_queries(overdue_hq)
    assert few_result == {"due": 3, "created": 9}

    _due_reports(portfolio["own"], 12)
    with django_assert_max_num_queries(SWEEP_BUDGET) as captured:
        result = sweep(overdue_hq)
    assert result == {"due": 15, "created": 45}
    assert len(captured.captured_queries) == few_queries


# --- Visibility -------------------------------------------------------------------------------------


@pytest.fixture
def filed(portfolio):
    """A report for each seat: the representative's, a colleague's in the same JV, another JV's."""
    colleague = f.make_representative_user(portfolio["own"], username="colleague")
    return SimpleNamespace(
        colleague=colleague,
        mine=quarterly(portfolio["own_appointment"]),
        colleagues=quarterly(colleague.representative_profile.appointments.get()),
        others=quarterly(portfolio["other_appointment"]),
    )


def visible(user) -> set[int]:
    return set(Report.objects.visible_to(user).values_list("pk", flat=True))


def test_a_representative_sees_only_their_own_reports(portfolio, filed):
    assert visible(portfolio["rep"]) == {filed.mine.pk}
    assert visible(filed.colleague) == {filed.colleagues.pk}
    assert visible(portfolio["other_rep"]) == {filed.others.pk}


def test_a_jv_left_takes_its_reports_with_it(portfolio, filed):
    rep = portfolio["rep"]
    elsewhere = f.AppointmentFactory(representative=portfolio["rep_profile"], jv=portfolio["other"])
    there = quarterly(elsewhere)
    Appointment.objects.filter(pk=portfolio["own_appointment"].pk).update(end_date=timezone.localdate() - DAY)
    assert visible(rep) == {there.pk}
    with pytest.raises(PermissionDenied):
        services.report_submit(report=filed.mine, actor=rep, expected_version=None)


@pytest.mark.parametrize("who", ["hq", "leader", "admin_user"])
def test_hq_and_leadership_see_every_report(request, filed, who):
    user = request.getfixturevalue(who)
    assert visible(user) == {filed.mine.pk, filed.colleagues.pk, filed.others.pk}


def test_nobody_else_sees_a_report(nobody, filed, portfolio):
    assert visible(nobody) == set()
    assert visible(AnonymousUser()) == set()
    rep = portfolio["rep"]
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert visible(rep) == set()


def test_a_report_submitted_while_the_sweep_runs_is_not_reminded(portfolio, contacts, monkeypatch):
    """The sweep works out a batch, then re-reads it under a lock before anyone is told."""
    from notifications import sweeps

    report = write(quarterly(portfolio["own_appointment"]), portfolio["rep"])
    original = sweeps._tell_if_still_due

    def submitted_meanwhile(batch, specs, recheck):
        services.report_submit(report=report, actor=portfolio["rep"], expected_version=None)
        return original(batch, specs, recheck)

    monkeypatch.setattr(sweeps, "_tell_if_still_due", submitted_meanwhile)
    assert services.report_reminders_sweep(today=Q3_DUE + 5 * DAY)["created"] == 0
    assert not Notification.objects.filter(kind__startswith="representatives.report_overdue").exists()

    # Without the submission the same steps speak: the representative and both HQ contacts.
    monkeypatch.undo()
    late = write(quarterly(portfolio["own_appointment"], quarter=2), portfolio["rep"])
    Report.objects.filter(pk=late.pk).update(due_date=Q3_DUE)
    assert services.report_reminders_sweep(today=Q3_DUE + 5 * DAY)["created"] == 3

"""Reports: opened when their period ends, drafted and submitted by the representative, returned or
acknowledged by HQ; the annual duty report pre-filled with the year's facts; and the reminders.

Each call is one transaction that locks the report, checks the version the page showed, saves with
history, writes the timeline and tells the people concerned.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audience
from core.services import ensure_visible, lock_row, save_versioned, save_with_history
from core.workdays import local_zone
from notifications import kinds
from notifications.services import NotificationSpec
from notifications.services import tell as notify_people
from notifications.sweeps import Recheck, run_sweep

from .. import notices, permissions
from ..choices import Decision, MajorClass, MeetingStatus, ReportEntryKind, ReportKind, ReportStatus, VoteCast
from ..models import Appointment, Meeting, Proposal, Report, ReportAttachment, ReportEntry
from ..workflow import REPORT

REPORT_FIELDS = ("major_class", "title", "body", "due_date")
DUE_SOON_DAYS = 7


# --- Periods -------------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)) - datetime.timedelta(days=1)
    return start, end


def previous_quarter(day: datetime.date) -> tuple[int, int]:
    year, quarter = quarter_of(day)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarterly_due(year: int, quarter: int) -> datetime.date:
    return quarter_bounds(year, quarter)[1] + datetime.timedelta(days=settings.REPORT_QUARTERLY_DUE_DAYS)


def annual_due(year: int) -> datetime.date:
    return datetime.date(year, 12, 31) + datetime.timedelta(days=settings.REPORT_ANNUAL_DUE_DAYS)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = local_zone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(year + 1, 1, 1, tzinfo=zone)


# --- The annual duty report's facts --------------------------------------------------------------


def duty_figures(*, appointment: Appointment, year: int) -> dict:
    """What the portal knows about the appointment's year: meetings attended, proposals voted with
    and without instruction, reports filed on time, demands raised and resolved."""
    from demands.models import Demand

    start, end = _year_bounds(year)
    meetings = Meeting.objects.filter(
        jv_id=appointment.jv_id,
        representative_id=appointment.representative_id,
        status=MeetingStatus.HELD,
        meeting_at__gte=start,
        meeting_at__lt=end,
    )
    recorded = Proposal.objects.filter(meeting__in=meetings).exclude(vote_cast="")
    # Absence is a vote not cast (though on a matter HQ instructed it still differs from the instruction).
    voted = recorded.exclude(vote_cast=VoteCast.ABSENT)
    quarterly = Report.objects.filter(appointment=appointment, kind=ReportKind.QUARTERLY, year=year)
    on_time = [
        r
        for r in quarterly.only("due_date", "first_submitted_at")
        if r.first_submitted_at
        and timezone.localtime(r.first_submitted_at, local_zone()).date() <= r.due_date
    ]
    user_id = appointment.representative.user_id
    demands = Demand.objects.filter(
        jv_id=appointment.jv_id, raised_by_id=user_id, submitted_at__gte=start, submitted_at__lt=end
    )
    return {
        "meetings_attended": meetings.count(),
        "proposals_voted": voted.count(),
        "proposals_instructed": voted.filter(decision=Decision.HQ, deviates=False).count(),
        "proposals_deviating": recorded.filter(deviates=True).count(),
        "proposals_own_decision": voted.filter(decision=Decision.REPRESENTATIVE).count(),
        "quarterly_reports_due": quarterly.count(),
        "quarterly_reports_on_time": len(on_time),
        "major_reports_filed": Report.objects.filter(
            appointment=appointment,
            kind=ReportKind.MAJOR,
            first_submitted_at__gte=start,
            first_submitted_at__lt=end,
        ).count(),
        "demands_raised": demands.count() if user_id else 0,
        "demands_resolved": demands.filter(resolved_at__isnull=False).count() if user_id else 0,
        "computed_at": timezone.now().isoformat(),
    }


# --- Helpers -------------------------------------------------------------------------------------


REPORT_RELATED = (
    "appointment__representative__user",
    "appointment__jv__liaison",
    "appointment__jv__department__head",
)


def _lock(report: Report, expected_version: int | None, actor) -> Report:
    """The report, locked, if ``actor`` may see it and nobody saved it since ``expected_version``."""
    ensure_visible(report, actor)
    return lock_row(
        Report.objects.select_related(*REPORT_RELATED), report.pk, expected_version=expected_version
    )


def _params(report: Report, **extra) -> dict:
    appointment = report.appointment
    return {
        "report": kinds.in_each_language(lambda: report.heading),
        "jv": kinds.bilingual(appointment.jv),
        "name": kinds.bilingual(appointment.representative),
        "due": report.due_date.isoformat() if report.due_date else "—",
        **extra,
    }


def _tell(recipients, *, kind, report: Report, key: str, actor=None, **extra) -> int:
    return notify_people(
        recipients,
        kind=kind,
        key=key,
        target=report,
        url=report.get_absolute_url(),
        params=_params(report, **extra),
        actor=actor,
    )


def _owner(report: Report):
    return report.appointment.representative.user


# --- Opening periodic reports --------------------------------------------------------------------


def _open(
    appointment: Appointment, *, kind: str, year: int, quarter: int | None, due: datetime.date, at
) -> Report | None:
    """Create the period's report once (the unique constraint settles a race); None if it exists."""
    report = Report(appointment=appointment, kind=kind, year=year, quarter=quarter, due_date=due)
    if kind == ReportKind.ANNUAL:
        report.figures = duty_figures(appointment=appointment, year=year)
    try:
        with transaction.atomic():
            save_with_history(instance=report, actor=None)
    except (IntegrityError, ValidationError):
        return None
    _tell([_owner(report)], kind=notices.REPORT_OPENED, report=report, key=f"report-opened:{report.pk}")
    return report


def reports_open(*, today: datetime.date | None = None, at=None) -> dict[str, int]:
    """Open the report of the quarter that last ended for every appointment in force at its end
    and today; in January (until the due date) also last year's annual duty report. Idempotent."""
    today = today or timezone.localdate()
    at = at or timezone.now()
    opened = 0
    year, quarter = previous_quarter(today)
    _start, end = quarter_bounds(year, quarter)
    appointments = (
        Appointment.objects.active(on=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(
            Exists(
                Report.objects.filter(
                    appointment=OuterRef("pk"), kind=ReportKind.QUARTERLY, year=year, quarter=quarter
                )
            )
        )
        .select_related("representative__user", "jv")
    )
    for appointment in appointments:
        opened += (
            _open(
                appointment,
                kind=ReportKind.QUARTERLY,
                year=year,
                quarter=quarter,
                due=quarterly_due(year, quarter),
                at=at,
            )
            is not None
        )
    last_year = today.year - 1
    if today <= annual_due(last_year):
        appointments = (
            Appointment.objects.filter(start_date__lte=datetime.date(last_year, 12, 31))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .filter(start_date__lte=today)
            .exclude(
                Exists(
                    Report.objects.filter(appointment=OuterRef("pk"), kind=ReportKind.ANNUAL, year=last_year)
                )
            )
            .select_related("representative__user", "jv")
        )
        for appointment in appointments:
            opened += (
                _open(
                    appointment,
                    kind=ReportKind.ANNUAL,
                    year=last_year,
                    quarter=None,
                    due=annual_due(last_year),
                    at=at,
                )
                is not None
            )
    return {"opened": opened}


# --- The workflow --------------------------------------------------------------------------------


def report_create_major(*, actor, appointment: Appointment, data: dict, attachment=None, at=None) -> Report:
    """A representative reports a major matter of one of their JVs, any time."""
    at = at or timezone.now()
    with transaction.atomic():
        if (
            appointment is None
            or not permissions.holds_seat(actor, appointment.jv)
            or (appointment.representative.user_id != actor.pk or not appointment.is_active)
        ):
            raise ValidationError({"appointment": _("Choose one of your own seats in force.")})
        report = Report(
            appointment=appointment,
            kind=ReportKind.MAJOR,
            year=timezone.localtime(at, local_zone()).year,
            major_class=data.get("major_class", ""),
            title=data.get("title", "").strip(),
            body=data.get("body", ""),
            due_date=data.get("due_date"),
        )
        if report.major_class != MajorClass.TIME_LIMITED:
            report.due_date = None
        if not report.title:
            raise ValidationError({"title": _("Give the matter a subject.")})
        save_with_history(instance=report, actor=actor)
        if attachment is not None:
            ReportAttachment(report=report).store(attachment, actor=actor, at=at)
        return report


def report_update(*, report: Report, actor, data: dict, expected_version: int | None) -> Report:
    """The representative edits a draft or a returned report."""
    with transaction.atomic():
        locked = _lock(report, expected_version, actor)
        REPORT.require("edit", actor, locked)
        allowed = (
            ("title", "body", "major_class", "due_date") if locked.kind == ReportKind.MAJOR else ("body",)
        )
        changed = {name for name in allowed if name in data and getattr(locked, name) != data[name]}
        for name in changed:
            setattr(locked, name, data[name])
        if (
            locked.kind == ReportKind.MAJOR
            and locked.major_class != MajorClass.TIME_LIMITED
            and locked.due_date
        ):
            locked.due_date = None
            changed.add("due_date")
        if not changed:
            return locked
        return save_versioned(locked, actor=actor, fields=changed)


def report_attach(*, report: Report, actor, upload, at=None) -> ReportAttachment:
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(report, None, actor)
        REPORT.require("edit", actor, locked)
        return ReportAttachment(report=locked).store(upload, actor=actor, at=at)


def report_refresh_figures(*, report: Report, actor, expected_version: int | None) -> Report:
    """Recompute an annual report's facts of the year (the year may have moved on since it opened)."""
    with transaction.atomic():
        locked = _lock(report, expected_version, actor)
        REPORT.require("edit", actor, locked)
        if locked.kind != ReportKind.ANNUAL:
            raise PermissionDenied
        locked.figures = duty_figures(appointment=locked.appointment, year=locked.year)
        return save_versioned(locked, actor=actor, fields=["figures"])


def report_submit(*, report: Report, actor, expected_version: int | None, at=None) -> Report:
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(report, expected_version, actor)
        REPORT.require("submit", actor, locked)
        if not locked.body.strip():
            raise ValidationError({"body": _("Write the report before submitting it.")})
        fields = [*REPORT.move("submit", locked), "submitted_at", "first_submitted_at"]
        locked.submitted_at = at
        locked.first_submitted_at = locked.first_submitted_at or at
        if locked.kind == ReportKind.ANNUAL:
            # The facts HQ reads are those of the moment the report was filed.
            locked.figures = duty_figures(appointment=locked.appointment, year=locked.year)
            fields.append("figures")
        saved = save_versioned(locked, actor=actor, fields=fields)
        entry = ReportEntry.objects.create(
            report=saved, kind=ReportEntryKind.SUBMITTED, author=actor, created_at=at
        )
        _tell(
            audience.hq_contacts(saved.appointment.jv),
            kind=notices.REPORT_SUBMITTED,
            report=saved,
            key=f"report-submitted:{entry.pk}",
            actor=actor,
        )
        return saved


def _review(report, actor, expected_version, *, move, entry_kind, notice, text, at):
    with transaction.atomic():
        locked = _lock(report, expected_version, actor)
        REPORT.require(move, actor, locked)
        fields = list(REPORT.move(move, locked))
        if locked.status == ReportStatus.ACKNOWLEDGED:
            locked.acknowledged_at = at
            locked.acknowledged_by = actor
            fields += ["acknowledged_at", "acknowledged_by"]
        saved = save_versioned(locked, actor=actor, fields=fields)
        entry = ReportEntry.objects.create(
            report=saved, kind=entry_kind, author=actor, text=text, created_at=at
        )
        _tell(
            [_owner(saved)],
            kind=notice,
            report=saved,
            key=f"report-{entry_kind}:{entry.pk}",
            actor=actor,
            comments=text,
        )
        return saved


def report_return(*, report: Report, actor, expected_version: int | None, comments: str, at=None) -> Report:
    """HQ sends a submitted report back for revision, saying what to change."""
    if not comments.strip():
        raise ValidationError({"comments": _("Say what the representative should revise.")})
    return _review(
        report,
        actor,
        expected_version,
        move="return",
        entry_kind=ReportEntryKind.RETURNED,
        notice=notices.REPORT_RETURNED,
        text=comments.strip(),
        at=at or timezone.now(),
    )


def report_acknowledge(
    *, report: Report, actor, expected_version: int | None, comments: str = "", at=None
) -> Report:
    return _review(
        report,
        actor,
        expected_version,
        move="acknowledge",
        entry_kind=ReportEntryKind.ACKNOWLEDGED,
        notice=notices.REPORT_ACKNOWLEDGED,
        text=comments.strip(),
        at=at or timezone.now(),
    )


# --- Reminders -----------------------------------------------------------------------------------


def _reminder_specs(report: Report, today: datetime.date) -> list[NotificationSpec]:
    """The step the report has reached, to its representative; and HQ once it is long overdue."""
    due = report.due_date
    if today < due:
        step, kind = "soon", notices.REPORT_DUE_SOON
    elif today == due:
        step, kind = "today", notices.REPORT_DUE_TODAY
    else:
        step, kind = "overdue", notices.REPORT_OVERDUE
    targets = [(step, kind, [_owner(report)])]
    if (today - due).days >= settings.REPORT_OVERDUE_HQ_DAYS:
        targets.append(("hq", notices.REPORT_OVERDUE_HQ, audience.hq_contacts(report.appointment.jv)))
    params = _params(report)
    return [
        NotificationSpec(
            recipient=user,
            kind=kind.code,
            key=f"report-due:{report.pk}:{due.isoformat()}:{step}:{user.pk}",
            params=params,
            url=report.get_absolute_url(),
            target=report,
        )
        for step, kind, users in targets
        for user in {u.pk: u for u in users if u is not None and u.is_active}.values()
    ]


def report_reminders_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Reports due in 7 days, due today and overdue (to the representative, then HQ), each once.

    Only reports of appointments still in force: a representative who left the JV no longer sees it.
    The batch is re-read under a lock before anyone is told: a report filed meanwhile is not reminded.
    """
    today = today or timezone.localdate()
    due = (
        Report.objects.owed()
        .filter(due_date__isnull=False, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .filter(appointment__in=Appointment.objects.active(on=today))
        .select_related(*REPORT_RELATED)
    )
    recheck = Recheck(still_due=Report.objects.owed(), field="due_date")
    return run_sweep(due, lambda report: _reminder_specs(report, today), recheck=recheck)


def reports_daily(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: open the period's reports, then remind."""
    return {**reports_open(today=today), **report_reminders_sweep(today=today)}

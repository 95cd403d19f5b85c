"""Reads of representatives and appointments, scoped to what the user may see."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import history_entries
from core.roles import can_edit_registry, is_representative, sees_all_ventures
from ventures.models import JointVenture

from . import permissions, workflow
from .choices import (
    OPEN_INSTRUCTION_STATES,
    OWED_REPORT_STATUSES,
    Decision,
    EvaluationStatus,
    InstructionState,
    MeetingStatus,
    ReportStatus,
)
from .models import (
    Appointment,
    Evaluation,
    Meeting,
    MeetingAttachment,
    Proposal,
    Report,
    ReportAttachment,
    Representative,
)


def _count_of(queryset: QuerySet) -> Subquery:
    """How many rows of ``queryset`` (tied to ``OuterRef("pk")``), as a scalar subquery. COUNT as a
    plain function: an aggregate without GROUP BY, one row, 0 for none."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def representative_list(*, user) -> QuerySet[Representative]:
    """Representatives the user may see, with their active seats in JVs the user may see.

    ``seat_count`` is a correlated subquery, not a GROUP BY over the appointments: the database
    works it out for the rows of the page it returns only, and the paginator's count leaves it
    out.
    """
    visible_jvs = JointVenture.objects.visible_to(user).values("pk")
    seats = Appointment.objects.active().filter(jv__in=visible_jvs).select_related("jv").order_by("jv__name")
    held = Appointment.objects.active().filter(representative=OuterRef("pk"), jv__in=visible_jvs)
    return (
        Representative.objects.visible_to(user)
        .select_related("employer", "user")
        .annotate(seat_count=_count_of(held))
        .prefetch_related(Prefetch("appointments", queryset=seats, to_attr="active_seats"))
    )


def representative_get(*, user, pk) -> Representative:
    return get_object_or_404(
        Representative.objects.visible_to(user).select_related("employer", "user"), pk=pk
    )


def representative_detail_context(*, representative: Representative, user) -> dict:
    appointments = list(
        Appointment.objects.visible_to(user)
        .filter(representative=representative)
        .select_related("jv")
        .order_by("-start_date")
    )
    return {
        "appointments": appointments,
        "history": history_entries(
            Representative.history.filter(id=representative.pk),
            Appointment.history.filter(
                representative_id=representative.pk,
                jv_id__in=JointVenture.objects.visible_to(user).values("pk"),
            ),
        ),
    }


# --- The governance loop -------------------------------------------------------------------------


def meeting_list(*, user) -> QuerySet[Meeting]:
    """Meetings of the JVs the user sees, with how many proposals await HQ's instruction."""
    # Subqueries, not a GROUP BY over the proposals: worked out for the page's rows only.
    proposals = Proposal.objects.filter(meeting=OuterRef("pk"))
    return (
        Meeting.objects.visible_to(user)
        .select_related("jv", "representative")
        .annotate(
            proposal_count=_count_of(proposals),
            open_count=_count_of(proposals.filter(instruction_state__in=OPEN_INSTRUCTION_STATES)),
            unvoted_count=_count_of(proposals.filter(vote_cast="")),
        )
    )


def meeting_get(*, user, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related(
            "jv__department", "jv__liaison", "representative__user"
        ),
        pk=pk,
    )


def proposal_get(*, user, meeting: Meeting, pk) -> Proposal:
    """A proposal, reached through its (already visible) meeting."""
    proposal = get_object_or_404(meeting.proposals.select_related("drafted_by", "approved_by"), pk=pk)
    proposal.meeting = meeting
    return proposal


def meeting_file_get(*, meeting: Meeting, pk) -> MeetingAttachment:
    return get_object_or_404(meeting.attachments.all(), pk=pk)


@dataclass
class ProposalRow:
    proposal: Proposal
    can_edit: bool
    can_instruct: bool
    can_approve: bool
    can_vote: bool
    shows_instruction: bool


def meeting_detail_context(*, meeting: Meeting, user, now=None) -> dict:
    now = now or timezone.now()
    proposals = list(meeting.proposals.select_related("drafted_by", "approved_by"))
    hq = sees_all_ventures(user)
    rows = []
    for proposal in proposals:
        proposal.meeting = meeting
        rows.append(
            ProposalRow(
                proposal=proposal,
                can_edit=permissions.can_edit_proposal(user, proposal),
                can_instruct=workflow.can_instruct(user, proposal),
                can_approve=workflow.can_approve(user, proposal),
                can_vote=permissions.can_record_vote(user, proposal, now=now),
                # The representative reads an instruction once issued; HQ follows the draft.
                shows_instruction=proposal.instruction_issued or (hq and bool(proposal.instruction_vote)),
            )
        )
    open_count = sum(1 for p in proposals if p.instruction_state in OPEN_INSTRUCTION_STATES)
    return {
        "rows": rows,
        "open_count": open_count,
        "files": list(meeting.attachments.select_related("uploaded_by")),
        "can_edit": permissions.can_edit_meeting(user, meeting),
        "can_cancel": permissions.can_cancel_meeting(user, meeting),
        "can_record_outcome": permissions.can_record_outcome(user, meeting, now=now),
        "can_attach": meeting.status != MeetingStatus.CANCELLED
        and (can_edit_registry(user) or permissions.is_attending(user, meeting)),
        "instructions_overdue": open_count
        and meeting.status == MeetingStatus.SCHEDULED
        and now > meeting.instruction_due_at,
        # A proposal's history holds HQ's drafts; a representative reads only what was issued.
        "history": history_entries(
            Meeting.history.filter(id=meeting.pk),
            *([Proposal.history.filter(meeting_id=meeting.pk)] if hq else []),
        ),
        "now": now,
    }


def instruction_queue(*, user) -> QuerySet[Proposal]:
    """Proposals of meetings still ahead on which HQ owes an instruction, soonest meeting first."""
    # Once a meeting has begun nobody may instruct or approve any more (``permissions._ahead``).
    now = timezone.now()
    ahead = Meeting.objects.visible_to(user).filter(status=MeetingStatus.SCHEDULED, meeting_at__gt=now)
    return (
        Proposal.objects.filter(
            # Said on the join as well as in the scope's subquery, so PostgreSQL reads the meetings
            # from now on off the index ``meeting_date`` instead of walking past ones first.
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__meeting_at__gt=now,
            meeting__in=ahead.values("pk"),
            instruction_state__in=OPEN_INSTRUCTION_STATES,
        )
        .select_related("meeting__jv", "meeting__representative", "drafted_by")
        .order_by("meeting__meeting_at", "meeting_id", "number")
    )


# --- Reports -------------------------------------------------------------------------------------


def report_list(*, user) -> QuerySet[Report]:
    return Report.objects.visible_to(user).select_related("appointment__jv", "appointment__representative")


def report_get(*, user, pk) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(user).select_related(
            "appointment__jv", "appointment__representative__user", "acknowledged_by"
        ),
        pk=pk,
    )


def report_file_get(*, report: Report, pk) -> ReportAttachment:
    return get_object_or_404(report.attachments.all(), pk=pk)


FIGURE_LABELS = (
    ("meetings_attended", _("Meetings attended and reported")),
    ("proposals_voted", _("Proposals voted on")),
    ("proposals_instructed", _("Voted as HQ instructed")),
    ("proposals_deviating", _("Voted differently from the instruction (explained)")),
    ("proposals_own_decision", _("Decided by the representative")),
    ("quarterly_reports_due", _("Quarterly reports due")),
    ("quarterly_reports_on_time", _("Quarterly reports filed on time")),
    ("major_reports_filed", _("Major-matter reports filed")),
    ("demands_raised", _("Demands raised")),
    ("demands_resolved", _("Of which resolved")),
)


def report_detail_context(*, report: Report, user) -> dict:
    figures = report.figures or {}
    return {
        "entries": list(report.entries.select_related("author")),
        "files": list(report.attachments.select_related("uploaded_by")),
        "figures": [(label, figures[key]) for key, label in FIGURE_LABELS if key in figures],
        "figures_at": figures.get("computed_at"),
        "can_edit": workflow.can_edit_report(user, report),
        "can_review": workflow.can_review_report(user, report),
        "history": history_entries(Report.history.filter(id=report.pk)),
    }


# --- Evaluations ---------------------------------------------------------------------------------


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    return Evaluation.objects.visible_to(user).select_related("representative", "evaluator")


def evaluation_get(*, user, pk) -> Evaluation:
    return get_object_or_404(evaluation_list(user=user), pk=pk)


# --- Overview and home ---------------------------------------------------------------------------


def representative_overview(queryset: QuerySet[Representative], *, today=None) -> QuerySet[Representative]:
    """For HQ's overview: the next term end among seats in force, reports overdue, last published
    evaluation (year and grade). Each a correlated subquery, evaluated for the page's rows only."""
    today = today or timezone.localdate()
    in_force = Appointment.objects.active(on=today)
    last = Evaluation.objects.filter(
        representative=OuterRef("pk"), status=EvaluationStatus.PUBLISHED
    ).order_by("-year")
    overdue = (
        Report.objects.owed()
        .filter(appointment__representative=OuterRef("pk"), due_date__lt=today)
        .filter(appointment__in=in_force)
    )
    # The earliest term end among seats in force (a seat with no term end has none to show).
    next_end = (
        in_force.filter(representative=OuterRef("pk"), term_end__isnull=False)
        .order_by("term_end")
        .values("term_end")[:1]
    )
    return queryset.annotate(
        # A seat whose term has run out with nobody replacing it shows its past date, in red.
        next_term_end=Subquery(next_end),
        reports_overdue=_count_of(overdue),
        last_evaluation_year=Subquery(last.values("year")[:1]),
        last_evaluation_grade=Subquery(last.values("grade")[:1]),
    )


def home_representative_panel(user) -> dict | None:
    """A representative's duties: their JVs, what they owe and when, meetings ahead."""
    if sees_all_ventures(user) or not is_representative(user):
        return None
    today = timezone.localdate()
    now = timezone.now()
    # The user's own record comes joined to their seats; without seats it costs its own query.
    seats = list(
        Appointment.objects.active()
        .visible_to(user)
        .filter(representative__user=user)
        .select_related("jv", "representative")
    )
    if seats:
        permissions.remember_profile(user, seats[0].representative)
    profile = permissions.profile_of(user)
    if profile is None:
        return None
    owed = list(
        Report.objects.visible_to(user)
        .owed()
        .select_related("appointment__jv")
        .order_by(F("due_date").asc(nulls_last=True), "pk")[:10]
    )
    meetings = Meeting.objects.visible_to(user).filter(representative=profile, status=MeetingStatus.SCHEDULED)
    votes = list(
        Proposal.objects.filter(meeting__in=meetings.filter(meeting_at__lte=now), vote_cast="")
        .select_related("meeting__jv")
        .order_by("meeting__meeting_at", "number")[:10]
    )
    ahead = list(
        meetings.filter(meeting_at__gt=now)
        .select_related("jv")
        .annotate(
            hq_count=Count("proposals", filter=Q(proposals__decision=Decision.HQ)),
            issued_count=Count("proposals", filter=Q(proposals__instruction_state=InstructionState.ISSUED)),
        )
        .order_by("meeting_at")[:10]
    )
    return {
        "template": "representatives/includes/home_panel.html",
        "seats": seats,
        "owed": owed,
        "votes": votes,
        "ahead": ahead,
        "today": today,
    }


def home_hq_panel(user) -> dict | None:
    """HQ's governance duties: instructions owed (awaiting approval, for leadership), reports to review."""
    if not sees_all_ventures(user):
        return None
    queue = instruction_queue(user=user)
    # One COUNT per table: the queue and how much of it awaits leadership; the reports to review
    # (HQ sees every report) and those overdue in appointments still in force.
    queue_counts = queue.order_by().aggregate(
        total=Count("pk"),
        awaiting=Count("pk", filter=Q(instruction_state=InstructionState.AWAITING_APPROVAL)),
    )
    report_counts = Report.objects.visible_to(user).aggregate(
        review=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=OWED_REPORT_STATUSES,
                due_date__lt=timezone.localdate(),
                appointment__in=Appointment.objects.active(),
            ),
        ),
    )
    return {
        "template": "representatives/includes/hq_panel.html",
        "instructions": list(queue[:8]),
        "instruction_count": queue_counts["total"],
        "awaiting_count": queue_counts["awaiting"],
        "review_count": report_counts["review"],
        "overdue_reports": report_counts["overdue"],
        "now": timezone.now(),
    }


def venture_meetings_panel(venture, user) -> dict | None:
    """The JV page's meetings: the next ones and the last few."""
    meetings = meeting_list(user=user).filter(jv=venture)
    now = timezone.now()
    # The next five and the last five in one query (a UNION ALL of the two), split here; SQLite
    # cannot cut the parts of a UNION, so there it is two queries.
    upcoming = meetings.filter(meeting_at__gt=now).order_by("meeting_at")[:5]
    recent = meetings.filter(meeting_at__lte=now).order_by("-meeting_at")[:5]
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(upcoming.union(recent, all=True))
    else:
        rows = [*upcoming, *recent]
    return {
        "template": "representatives/includes/venture_panel.html",
        "upcoming": sorted((m for m in rows if m.meeting_at > now), key=lambda m: m.meeting_at),
        "recent": sorted((m for m in rows if m.meeting_at <= now), key=lambda m: m.meeting_at, reverse=True),
        "venture": venture,
        # The seat first: it brings the user's representative record that the other asks for.
        "can_register": (can_edit_registry(user) or permissions.holds_seat(user, venture))
        and permissions.can_register_meeting(user),
    }

"""The annual portfolio report for leadership's meeting: one year of the portfolio in five sections
(the portfolio's figures, each JV's line, demands, governance, representatives), each a
``scorecard.Section``: a table on the printable page, a sheet in the workbook.

The money comes from the JV figures by year (``selectors.indicators_list`` and its ``TOTALS``), so
the report's totals are the figures list's for that year. Each section costs a fixed number of
queries, whatever the number of JVs or rows.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from demands.choices import Status
from demands.models import Demand, escalated_q, within_sla_q
from representatives.choices import EvaluationStatus, Grade, InstructionState, MeetingStatus, VoteCast
from representatives.models import Appointment, Evaluation, Meeting, Proposal, Report
from ventures.choices import VentureStatus
from ventures.models import AnnualIndicators, JointVenture

from . import selectors
from .scorecard import Section, reports_on_time

FIGURE, NUMBER = _("Figure"), _("Number")


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None


def years(*, user) -> list[int]:
    """The years with indicators, newest first (the report's year menu)."""
    return list(
        AnnualIndicators.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def _figures(year, user, lines) -> Section:
    totals = lines.order_by().aggregate(**selectors.TOTALS)
    by_status = dict(
        JointVenture.objects.visible_to(user).order_by().values_list("status").annotate(n=Count("pk"))
    )
    section = Section(
        "figures",
        _("Portfolio figures"),
        [FIGURE, NUMBER],
        note=_(
            "Ten thousand yuan. The group's share is each figure times the group companies' stake as "
            "the register holds it today; the JVs by status are as the register stands today."
        ),
    )
    section.rows += [
        [_("Joint ventures reporting figures for the year"), totals["ventures"]],
        [_("Group's share of revenue"), totals["share_revenue"] or Decimal("0")],
        [_("Group's share of net profit"), totals["share_net_profit"] or Decimal("0")],
        [_("Group's share of tax"), totals["share_tax"] or Decimal("0")],
        [_("Dividends declared"), totals["declared"] or Decimal("0")],
        [_("Dividends received"), totals["received"] or Decimal("0")],
        [_("Dividends receivable"), totals["owed"] or Decimal("0")],
        *[
            [_("Joint ventures: %(status)s") % {"status": label}, by_status.get(value, 0)]
            for value, label in VentureStatus.choices
        ],
    ]
    return section


def _lines(year, user, lines) -> Section:
    section = Section(
        "ventures",
        _("Each joint venture"),
        [
            _("Joint venture"),
            _("Group stake (%)"),
            _("Revenue"),
            _("Net profit"),
            _("Tax paid"),
            _("Group's share of revenue"),
            _("Group's share of net profit"),
            _("Dividends declared"),
            _("Dividends received"),
            _("Dividends receivable"),
        ],
        empty=_("No joint venture has figures for this year."),
    )
    for row in lines.order_by("jv__name", "pk"):
        section.rows.append(
            [
                row.jv,
                row.group_stake,
                row.revenue,
                row.net_profit,
                row.tax_paid,
                row.revenue_share,
                row.net_profit_share,
                row.dividends_declared,
                row.dividends_received,
                row.receivable,
            ]
        )
    return section


def _demands(year, user) -> Section:
    demands = Demand.objects.visible_to(user).order_by()
    raised = demands.filter(submitted_at__year=year)
    by_status = dict(raised.values_list("status").annotate(n=Count("pk")))
    sla = demands.aggregate(
        resolved=Count("pk", filter=Q(resolved_at__year=year)),
        within=Count("pk", filter=Q(resolved_at__year=year) & within_sla_q()),
        escalated=Count("pk", filter=Q(submitted_at__year=year) & escalated_q()),
    )
    total = sum(by_status.values())
    section = Section(
        "demands",
        _("Demands"),
        [FIGURE, NUMBER],
        note=_("By status: the demands raised in the year, as they stand today."),
    )
    section.rows += [
        [_("Raised in the year"), total],
        *[
            [_("Raised, now %(status)s") % {"status": label}, by_status.get(value, 0)]
            for value, label in Status.choices
        ],
        [_("Raised and escalated, still open"), sla["escalated"]],
        [_("Resolved in the year"), sla["resolved"]],
        [_("Resolved within the SLA"), sla["within"]],
        [_("Within the SLA (%)"), _rate(sla["within"], sla["resolved"])],
    ]
    return section


def _governance(year, user) -> Section:
    meetings = Meeting.objects.visible_to(user).filter(meeting_at__year=year).order_by()
    by_status = dict(meetings.values_list("status").annotate(n=Count("pk")))
    votes = (
        Proposal.objects.filter(meeting__in=meetings.values("pk"))
        .order_by()
        .aggregate(
            proposals=Count("pk"),
            instructed=Count("pk", filter=Q(instruction_state=InstructionState.ISSUED)),
            awaiting=Count("pk", filter=Q(instruction_state=InstructionState.AWAITING_APPROVAL)),
            deviates=Count("pk", filter=Q(deviates=True)),
            **{vote: Count("pk", filter=Q(vote_cast=vote)) for vote in VoteCast.values},
        )
    )
    section = Section("governance", _("Governance"), [FIGURE, NUMBER])
    section.rows += [
        *[
            [_("Meetings: %(status)s") % {"status": label}, by_status.get(value, 0)]
            for value, label in MeetingStatus.choices
        ],
        [_("Proposals"), votes["proposals"]],
        [_("Instructions issued"), votes["instructed"]],
        [_("Instructions awaiting leadership approval"), votes["awaiting"]],
        *[[_("Voted: %(vote)s") % {"vote": label}, votes[value]] for value, label in VoteCast.choices],
        [_("Votes differing from the instruction"), votes["deviates"]],
    ]
    return section


def _representatives(year, user) -> Section:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_post = (
        Appointment.objects.visible_to(user)
        .filter(Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start)))
        .order_by()
        .aggregate(appointments=Count("pk"), people=Count("representative", distinct=True))
    )
    reports = reports_on_time(Report.objects.visible_to(user), [year])[year]
    grades = dict(
        Evaluation.objects.visible_to(user)
        .filter(year=year, status=EvaluationStatus.PUBLISHED)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("pk"))
    )
    section = Section(
        "representatives",
        _("Representatives"),
        [FIGURE, NUMBER],
        note=_(
            "In post: appointments in force on any day of the year. Reports with a due date in the "
            "year they report on; the first submission counts. Evaluations: those published."
        ),
    )
    section.rows += [
        [_("Representatives in post"), in_post["people"]],
        [_("Seats held"), in_post["appointments"]],
        [_("Reports due"), reports["due"]],
        [_("Filed on time"), reports["on_time"]],
        [_("Filed late"), reports["late"]],
        [_("Not filed, past due"), reports["missing"]],
        [_("Filed on time (%)"), _rate(reports["on_time"], reports["due"])],
        [_("Evaluations published"), sum(grades.values())],
        *[
            [_("Graded: %(grade)s") % {"grade": label}, grades.get(value, 0)]
            for value, label in Grade.choices
        ],
    ]
    return section


def report(*, year: int, user) -> list[Section]:
    lines = selectors.indicators_list(user=user).filter(year=year)
    return [
        _figures(year, user, lines),
        _lines(year, user, lines),
        _demands(year, user),
        _governance(year, user),
        _representatives(year, user),
    ]

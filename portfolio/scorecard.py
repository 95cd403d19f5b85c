"""A JV's scorecard: its record year over year, one section per subject.

The years are those the JV has indicators for, newest first, at most ``YEARS``. Each section is a
table (``Section``): a header row and one row per year, built by a provider registered here, in
order. The page shows the sections one under another, the workbook has one sheet per section. An
app adds its section from its ``apps.ready`` with ``register(provider)``; a provider is called as
``provider(venture, years, user, indicators=...)`` (the JV's ``AnnualIndicators`` by year, already
loaded; accept ``**kwargs`` for what may be added) and returns a ``Section`` whose rows follow
``years``, or None (nothing to show). Each
provider costs a fixed number of queries, whatever the number of years or rows (the tests hold a
budget).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workdays import local_zone
from demands.models import Demand, escalated_q, within_sla_q
from engagements.choices import CommitmentStatus, EngagementStatus
from engagements.models import Commitment, Engagement
from representatives.choices import InstructionState, MeetingStatus, VoteCast
from representatives.models import Meeting, Proposal, Report
from research.models import AnnualResearch
from ventures.models import AnnualIndicators

YEARS = 5


@dataclass(frozen=True)
class Change:
    """A figure with its change against the year before (None where that year has no figure)."""

    value: Decimal | int | None
    change: Decimal | int | None = None
    percent: Decimal | None = None

    @property
    def falling(self) -> bool:
        return self.change is not None and self.change < 0


@dataclass
class Section:
    key: str
    title: object
    headers: list
    rows: list[list] = field(default_factory=list)
    note: object = ""
    # What the table says when it has no rows.
    empty: object = ""

    def sheet(self) -> tuple[object, list, list]:
        """The section as a worksheet: a ``Change`` cell becomes three columns (the figure, its
        change, its change in per cent)."""
        changing = {i for row in self.rows for i, cell in enumerate(row) if isinstance(cell, Change)}
        headers = []
        for i, header in enumerate(self.headers):
            headers.append(str(header))
            if i in changing:
                headers += [
                    str(_("%(figure)s, change") % {"figure": header}),
                    str(_("%(figure)s, change (%%)") % {"figure": header}),
                ]
        rows = []
        for row in self.rows:
            cells = []
            for i, cell in enumerate(row):
                if isinstance(cell, Change):
                    cells += [cell.value, cell.change, cell.percent]
                elif i in changing:
                    cells += [cell, None, None]
                else:
                    cells.append(cell if isinstance(cell, int | Decimal | type(None)) else str(cell))
            rows.append(cells)
        return self.title, headers, rows


_SECTIONS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)
    return provider


def years_of(venture) -> tuple[list[int], dict[int, AnnualIndicators]]:
    """The scorecard's years (newest first) and the JV's indicators by year, the year before the
    oldest shown included when recorded (it gives the oldest year its change). One query."""
    rows = list(AnnualIndicators.objects.filter(jv=venture).order_by("-year")[: YEARS + 1])
    return [row.year for row in rows[:YEARS]], {row.year: row for row in rows}


def scorecard(venture, user) -> dict:
    years, indicators = years_of(venture)
    sections = [
        section
        for provider in _SECTIONS
        if (section := provider(venture, years, user, indicators=indicators)) is not None
    ]
    return {"years": years, "sections": sections}


def change(value, previous) -> Change:
    if value is None or previous is None:
        return Change(value)
    delta = value - previous
    percent = None
    if previous:
        percent = (Decimal(delta) * 100 / abs(Decimal(previous))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Change(value, delta, percent)


# --- The sections ------------------------------------------------------------------------------------

INDICATORS = (
    ("revenue", _("Revenue")),
    ("net_profit", _("Net profit")),
    ("tax_paid", _("Tax paid")),
    ("new_investment", _("New investment")),
    ("headcount", _("Headcount")),
)


def _indicators(venture, years, user, *, indicators, **kwargs) -> Section:
    section = Section(
        "indicators",
        _("Indicators"),
        [_("Year"), *[label for _name, label in INDICATORS]],
        note=_("Ten thousand yuan (headcount in people); the change is against the year before."),
    )
    for year in years:
        row, before = indicators[year], indicators.get(year - 1)
        section.rows.append(
            [
                year,
                *[
                    change(getattr(row, name), getattr(before, name) if before else None)
                    for name, _label in INDICATORS
                ],
            ]
        )
    return section


def _dividends(venture, years, user, *, indicators, **kwargs) -> Section:
    section = Section(
        "dividends",
        _("Dividends"),
        [_("Year"), _("Dividends declared"), _("Dividends received"), _("Dividends receivable")],
        note=_("Dividends declared to the group companies, in ten thousand yuan."),
    )
    for year in years:
        row = indicators[year]
        declared, received = row.dividends_declared, row.dividends_received
        owed = (declared or 0) - (received or 0) if declared is not None or received is not None else None
        section.rows.append([year, declared, received, owed])
    return section


def _by_year(queryset, date_field: str, years, counts: dict[str, Q]) -> dict[int, dict[str, int]]:
    """``counts`` (name -> condition) for each year of ``date_field``, in one query."""
    if not years:
        return {}
    figures = queryset.aggregate(
        **{
            f"{name}_{year}": Count("pk", filter=condition & Q(**{f"{date_field}__year": year}))
            for year in years
            for name, condition in counts.items()
        }
    )
    return {year: {name: figures[f"{name}_{year}"] for name in counts} for year in years}


def _demands(venture, years, user, **kwargs) -> Section:
    demands = Demand.objects.visible_to(user).filter(jv=venture).order_by()
    raised = _by_year(demands, "submitted_at", years, {"raised": Q(), "escalated": escalated_q()})
    resolved = _by_year(demands, "resolved_at", years, {"resolved": Q(), "within": within_sla_q()})
    section = Section(
        "demands",
        _("Demands"),
        [
            _("Year"),
            _("Raised"),
            _("Raised and escalated, still open"),
            _("Resolved"),
            _("Resolved within the SLA"),
            _("Within the SLA (%)"),
        ],
        note=_("Raised counts by the day a demand was submitted, resolved by the day it was resolved."),
    )
    for year in years:
        done, within = resolved[year]["resolved"], resolved[year]["within"]
        rate = (Decimal(within * 100) / done).quantize(Decimal("0.1"), ROUND_HALF_UP) if done else None
        section.rows.append([year, raised[year]["raised"], raised[year]["escalated"], done, within, rate])
    return section


def _meetings(venture, years, user, **kwargs) -> Section:
    meetings = Meeting.objects.visible_to(user).filter(jv=venture).order_by()
    held = _by_year(
        meetings,
        "meeting_at",
        years,
        {"held": Q(status=MeetingStatus.HELD), "cancelled": Q(status=MeetingStatus.CANCELLED)},
    )
    proposals = Proposal.objects.filter(meeting__in=meetings.values("pk")).order_by()
    votes = _by_year(
        proposals,
        "meeting__meeting_at",
        years,
        {
            "instructed": Q(instruction_state=InstructionState.ISSUED),
            **{vote: Q(vote_cast=vote) for vote in VoteCast.values},
            "deviates": Q(deviates=True),
        },
    )
    section = Section(
        "meetings",
        _("Meetings and the group's votes"),
        [
            _("Year"),
            _("Meetings held"),
            _("Meetings cancelled"),
            _("Instructions issued"),
            *[_("Voted: %(vote)s") % {"vote": label} for _value, label in VoteCast.choices],
            _("Votes differing from the instruction"),
        ],
    )
    for year in years:
        row = votes[year]
        section.rows.append(
            [
                year,
                held[year]["held"],
                held[year]["cancelled"],
                row["instructed"],
                *[row[vote] for vote in VoteCast.values],
                row["deviates"],
            ]
        )
    return section


def reports_on_time(reports, years) -> dict[int, dict[str, int]]:
    """Reports with a due date, by the year they report on: due, filed by the due date (the first
    submission, Beijing time, counts), filed late, not filed and past due. One query."""
    today = timezone.localdate()
    counts = {year: {"due": 0, "on_time": 0, "late": 0, "missing": 0} for year in years}
    rows = reports.filter(year__in=years, due_date__isnull=False).only(
        "year", "due_date", "first_submitted_at"
    )
    for report in rows:
        row = counts[report.year]
        row["due"] += 1
        if report.first_submitted_at:
            filed = timezone.localtime(report.first_submitted_at, local_zone()).date()
            row["on_time" if filed <= report.due_date else "late"] += 1
        elif report.due_date < today:
            row["missing"] += 1
    return counts


def _reports(venture, years, user, **kwargs) -> Section:
    counts = reports_on_time(Report.objects.visible_to(user).filter(appointment__jv=venture), years)
    section = Section(
        "reports",
        _("Reports filed on time"),
        [_("Year"), _("Reports due"), _("Filed on time"), _("Filed late"), _("Not filed, past due")],
        note=_("Reports with a due date, by the year they report on; the first submission counts."),
    )
    for year in years:
        row = counts[year]
        section.rows.append([year, row["due"], row["on_time"], row["late"], row["missing"]])
    return section


def _research(venture, years, user, **kwargs) -> Section:
    found = {
        r.year: r
        for r in AnnualResearch.objects.visible_to(user).filter(jv=venture, year__in=years).order_by()
    }
    section = Section("research", _("Annual research"), [_("Year"), _("Research status")])
    for year in years:
        research = found.get(year)
        section.rows.append([year, research.get_status_display() if research else None])
    return section


def _engagements(venture, years, user, **kwargs) -> Section:
    """Held engagements concerning the JV by the year they began, the high-level ones among them,
    and the commitments made there for this JV, with how many are done. Two queries."""
    held = (
        Engagement.objects.visible_to(user)
        .filter(ventures=venture, status=EngagementStatus.HELD, starts_on__year__in=years)
        .values("starts_on__year")
        .annotate(n=Count("pk", distinct=True), high=Count("pk", filter=Q(high_level=True), distinct=True))
    )
    by_year = {row["starts_on__year"]: row for row in held}
    commitments = (
        Commitment.objects.filter(
            jv=venture,
            engagement__in=Engagement.objects.visible_to(user).values("pk"),
            engagement__status=EngagementStatus.HELD,
            engagement__starts_on__year__in=years,
        )
        .values("engagement__starts_on__year")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=CommitmentStatus.DONE)))
    )
    made = {row["engagement__starts_on__year"]: row for row in commitments}
    section = Section(
        "engagements",
        _("High-level engagements"),
        [_("Year"), _("Engagements held"), _("High-level"), _("Commitments made"), _("Commitments done")],
        note=_(
            "Held engagements concerning the JV, by the year they began; commitments made there for this JV."
        ),
    )
    for year in years:
        row, commitment = by_year.get(year, {}), made.get(year, {})
        section.rows.append(
            [year, row.get("n", 0), row.get("high", 0), commitment.get("n", 0), commitment.get("done", 0)]
        )
    return section


for _provider in (_indicators, _dividends, _demands, _meetings, _reports, _research, _engagements):
    register(_provider)

"""The SLA report aggregated in the database gives the figures the per-demand report gave.

``legacy_report`` is the report as it was before the durations were stored (every demand loaded,
working days counted one calendar day at a time): the reference the new one must match exactly,
on SQLite (percentiles in Python) and PostgreSQL (``percentile_cont``) alike.
"""

import datetime
import importlib
import io
import random
import statistics
from collections import defaultdict

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from core.models import CalendarDay
from core.roles import Role, sees_all_ventures
from core.workdays import WorkingCalendar, local_date, local_zone
from demands import selectors, services
from demands.choices import OPEN_STATUSES, Category, Status
from demands.durations import FIELDS, fill_durations
from demands.models import Demand
from tests import factories as f


def _percentile(values, q):
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def _median(values):
    return round(float(statistics.median(values)), 1) if values else None


def _legacy_row(label, members, calendar):
    ack, res, ratings = [], [], []
    row = selectors.ReportRow(label=label, count=len(members))
    for d in members:
        if d.status in OPEN_STATUSES:
            row.open += 1
        if d.acknowledged_at:
            ack.append(calendar.count(local_date(d.submitted_at), local_date(d.acknowledged_at)))
        if d.resolved_at:
            row.resolved += 1
            span = calendar.count(local_date(d.submitted_at), local_date(d.resolved_at))
            res.append(max(span - d.held_days_total, 0))
            if d.resolved_at <= d.resolve_by:
                row.within_sla += 1
        if d.satisfaction:
            ratings.append(d.satisfaction)
    row.acknowledge_median, row.acknowledge_p90 = _median(ack), _percentile(ack, 90)
    row.resolve_median, row.resolve_p90 = _median(res), _percentile(res, 90)
    row.rated = len(ratings)
    row.satisfaction = round(statistics.mean(ratings), 2) if ratings else None
    return row


def legacy_report(*, user, by="department", year=None):
    """The report as ``demands.selectors.demand_report`` computed it until the durations were stored."""
    if by not in selectors.GROUPINGS:
        by = "department"
    demands = Demand.objects.visible_to(user).select_related("jv", "department")
    if year:
        demands = demands.filter(submitted_at__year=year)
    rows = list(demands)
    groups, labels = defaultdict(list), {}
    for d in rows:
        if by == "category":
            key, label = d.category, str(Category(d.category).label)
        elif by == "jv":
            key, label = d.jv_id, str(d.jv)
        elif d.department_id:
            key, label = d.department_id, str(d.department)
        else:
            key, label = None, "Not assigned"
        labels[key] = label
        groups[key].append(d)
    calendar = None
    if rows:
        moments = [d.submitted_at for d in rows] + [d.resolved_at for d in rows if d.resolved_at]
        moments += [d.acknowledged_at for d in rows if d.acknowledged_at]
        calendar = WorkingCalendar(local_date(min(moments)), local_date(max(moments)))
    table = [_legacy_row(labels[key], members, calendar) for key, members in groups.items()]
    table.sort(key=lambda r: (-r.count, r.label))
    total = _legacy_row("All", rows, calendar) if rows else None
    return {"rows": table, "total": total, "by": by, "year": year}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=local_zone())


def _dataset(portfolio, hq, *, seed: int, size: int = 400) -> None:
    """Demands in every state, over three years with holidays and worked weekends, some of them
    acknowledged before they were submitted (backdated data) or resolved in under the days on hold."""
    rng = random.Random(seed)
    departments = [f.DepartmentFactory() for _ in range(3)]
    ventures = [portfolio["own"], portfolio["other"], *(f.JointVentureFactory() for _ in range(3))]
    for i, venture in enumerate(ventures[2:]):
        venture.department = departments[i]
        venture.save(update_fields=["department"])
    start = datetime.date(2024, 1, 1)
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=start + datetime.timedelta(days=d), kind=CalendarDay.Kind.HOLIDAY)
            for d in rng.sample(range(1000), 60)
            if (start + datetime.timedelta(days=d)).weekday() < 5
        ]
        + [
            CalendarDay(date=datetime.date(2024, 2, 3 + 7 * k), kind=CalendarDay.Kind.WORKDAY)
            for k in range(3)
        ],
        ignore_conflicts=True,
    )
    rows = []
    for i in range(size):
        submitted = _at(start + datetime.timedelta(days=rng.randrange(900)), rng.choice([0, 9, 17, 23]))
        status = rng.choice(list(Status))
        acknowledged = resolved = satisfaction = None
        if status != Status.SUBMITTED and rng.random() < 0.9:
            acknowledged = submitted + datetime.timedelta(days=rng.randrange(-1, 12), hours=rng.randrange(24))
        if status in (Status.RESOLVED, Status.CLOSED):
            resolved = submitted + datetime.timedelta(days=rng.randrange(0, 80), hours=rng.randrange(24))
            satisfaction = rng.choice([None, 1, 2, 3, 4, 5, 5])
        rows.append(
            Demand(
                jv=rng.choice(ventures),
                title=f"需求 {i}",
                description="report",
                category=rng.choice(list(Category)),
                raised_by=hq,
                department=rng.choice([None, *departments]),
                status=status,
                resolution="done" if resolved else "",
                rejection_reason="no" if status == Status.REJECTED else "",
                submitted_at=submitted,
                clock_started_at=submitted,
                acknowledge_by=submitted + datetime.timedelta(days=3),
                resolve_by=submitted + datetime.timedelta(days=rng.randrange(10, 60)),
                acknowledged_at=acknowledged,
                resolved_at=resolved,
                held_days_total=rng.choice([0, 0, 0, 2, 5, 40]),
                satisfaction=satisfaction,
            )
        )
    Demand.objects.bulk_create(rows)
    fill_durations(Demand)


def _figures(report) -> list:
    rows = [*report["rows"], *([report["total"]] if report["total"] else [])]
    return [
        (
            *(r.label, r.count, r.open, r.acknowledge_median, r.acknowledge_p90, r.resolve_median),
            *(r.resolve_p90, r.resolved, r.within_sla, r.within_sla_share, r.satisfaction, r.rated),
            # 4 and 4.0 print differently: the types must match too.
            *(type(v).__name__ for v in (r.acknowledge_median, r.satisfaction)),
        )
        for r in rows
    ]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("by", ["department", "category", "jv"])
def test_the_report_gives_the_figures_of_the_per_demand_report(seed, by, portfolio, hq, leader, client):
    _dataset(portfolio, hq, seed=seed)
    rep = portfolio["rep"]
    with translation.override("en"):
        for user in (hq, leader, rep):
            for year in (None, 2024, 2025, 2026, 2019):
                old = legacy_report(user=user, by=by, year=year)
                new = selectors.demand_report(user=user, by=by, year=year)
                assert (new["by"], new["year"]) == (old["by"], old["year"])
                assert _figures(new) == _figures(old), (connection.vendor, user, year)
    # The representative's report is the own JV's alone; HQ's spans every JV.
    assert (
        selectors.demand_report(user=rep, by="jv")["total"].count
        == Demand.objects.filter(jv=portfolio["own"]).count()
    )
    assert selectors.demand_report(user=hq, by="jv")["total"].count == Demand.objects.count()


def test_percentiles_of_few_values_and_ties(portfolio, hq):
    """One value, two values, half-tenths (x.25, x.75): rounded as the per-demand report rounded."""
    for size in (1, 2, 3, 5, 11, 21):
        Demand.objects.all().delete()
        _dataset(portfolio, hq, seed=size, size=size)
        assert _figures(selectors.demand_report(user=hq, by="jv")) == _figures(
            legacy_report(user=hq, by="jv")
        )


def test_a_report_with_no_demand(hq, db):
    report = selectors.demand_report(user=hq, by="jv")
    assert report["rows"] == [] and report["total"] is None


def test_the_report_makes_a_fixed_number_of_queries(portfolio, hq, django_assert_num_queries):
    _dataset(portfolio, hq, seed=5, size=50)
    sees_all_ventures(hq)  # the viewer's roles, read once per request whatever the page
    # The grouped figures, the groups' names, and the durations: their percentiles over every
    # demand for the "All" row (PostgreSQL), or the durations themselves (SQLite).
    expected = 3
    with django_assert_num_queries(expected):
        selectors.demand_report(user=hq, by="jv")
    _dataset(portfolio, hq, seed=6, size=300)
    with django_assert_num_queries(expected):
        selectors.demand_report(user=hq, by="jv")
    # By category the names are the choices': no query for them.
    with django_assert_num_queries(expected - 1):
        selectors.demand_report(user=hq, by="category")


def test_the_backfill_fills_cleared_durations(portfolio, hq):
    _dataset(portfolio, hq, seed=7, size=200)
    stored = list(Demand.objects.order_by("pk").values_list("pk", *FIELDS))
    assert any(a is not None for _pk, a, _r in stored) and any(r is not None for _pk, _a, r in stored)
    Demand.objects.update(acknowledge_working_days=None, resolve_working_days=None)
    # The migration's own function, with the app registry standing in for the historical one.
    migration = importlib.import_module("demands.migrations.0007_sla_durations")
    migration.backfill(django_apps, None)
    assert list(Demand.objects.order_by("pk").values_list("pk", *FIELDS)) == stored
    Demand.objects.update(acknowledge_working_days=None, resolve_working_days=None)
    assert fill_durations(Demand, batch_size=37) == sum(1 for _pk, a, r in stored if (a, r) != (None, None))
    assert list(Demand.objects.order_by("pk").values_list("pk", *FIELDS)) == stored
    # A second run finds nothing to change.
    assert fill_durations(Demand, batch_size=37) == 0


# --- The durations each transition stores ---------------------------------------------------------


def _bj(day: int, month: int = 3, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, tzinfo=local_zone())


@pytest.fixture
def clerk(portfolio):
    return f.make_user(Role.HQ_STAFF, username="clerk", department=portfolio["own"].department)


def _stored(demand) -> tuple:
    demand.refresh_from_db()
    return demand.acknowledge_working_days, demand.resolve_working_days


def test_each_transition_stores_or_clears_the_durations(portfolio, clerk):
    rep = portfolio["rep"]
    demand = f.make_demand(portfolio["own"], rep, at=_bj(3))  # Monday 3 March 2025

    def move(action, at, note=""):
        services.demand_transition(demand=demand, action=action, actor=clerk, note=note, at=at)

    assert _stored(demand) == (None, None)
    move("accept", _bj(5, hour=23))  # Wednesday: 2 working days
    assert _stored(demand) == (2, None)
    move("hold", _bj(6), "Need the licence.")
    move("resume", _bj(10))  # Thursday to Monday: 2 working days on hold
    services.demand_route(
        demand=demand, actor=clerk, department=clerk.department, owner=clerk, priority="urgent", at=_bj(10)
    )
    assert _stored(demand) == (2, None)
    move("resolve", _bj(14), "Done.")  # Friday 14 March: 9 working days, 2 of them on hold
    assert _stored(demand) == (2, 7)
    services.demand_transition(demand=demand, action="reopen", actor=rep, note="Not quite.", at=_bj(17))
    assert _stored(demand) == (2, None)
    move("resolve", _bj(21), "Now done.")  # Friday 21 March: 14 working days, 2 on hold
    assert _stored(demand) == (2, 12)
    # What a backfill computes from the same moments is what the services stored.
    Demand.objects.update(acknowledge_working_days=None, resolve_working_days=None)
    fill_durations(Demand)
    assert _stored(demand) == (2, 12)


def test_a_calendar_change_is_brought_into_the_report_by_the_refresh(portfolio, clerk, hq):
    rep = portfolio["rep"]
    demand = f.make_demand(portfolio["own"], rep, at=_bj(3))
    services.demand_transition(demand=demand, action="accept", actor=clerk, at=_bj(7))
    services.demand_transition(demand=demand, action="resolve", actor=clerk, note="Done.", at=_bj(14))
    assert _stored(demand) == (4, 9)
    # An admin enters a day off after the fact, inside both spans.
    CalendarDay.objects.create(date=datetime.date(2025, 3, 5), kind=CalendarDay.Kind.HOLIDAY)
    assert _stored(demand) == (4, 9)
    # Demands done before the changed day are not read; these are and change.
    call_command("demand_durations_refresh", "--since", "2025-03-15", stdout=io.StringIO())
    assert _stored(demand) == (4, 9)
    out = io.StringIO()
    call_command("demand_durations_refresh", "--since", "2025-03-05", stdout=out)
    assert "changed: 1" in out.getvalue()
    assert _stored(demand) == (3, 8)
    assert _figures(selectors.demand_report(user=hq, by="jv")) == _figures(legacy_report(user=hq, by="jv"))

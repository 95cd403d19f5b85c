"""Benchmark of the demand SLA report over 100,000 demands: `make bench` (excluded from `make test`).

100,000 demands over 1,000 JVs and three years: the backfill of the stored durations (what the
migration does), then the report by department, category and JV (five runs each: the median
time, the queries, the memory it allocates at its peak), and once the per-demand report it
replaced (``tests/demands/test_report.py``'s ``legacy_report``) with the figures compared.
Timings are printed, never asserted.
"""

import datetime
import random
import statistics
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from core.workdays import local_zone
from demands import selectors
from demands.choices import Category, Status
from demands.durations import fill_durations
from demands.models import Demand
from tests import factories as f
from tests.demands.test_report import _figures, legacy_report

pytestmark = pytest.mark.bench

DEMANDS = 100_000
VENTURES = 1_000


def _make(hq):
    rng = random.Random(16)
    departments = [f.DepartmentFactory() for _ in range(12)]
    ventures = f.JointVentureFactory._meta.model.objects.bulk_create(
        [f.JointVentureFactory.build(department=rng.choice(departments)) for _ in range(VENTURES)]
    )
    start = datetime.datetime(2023, 1, 1, 9, tzinfo=local_zone())
    rows = []
    for i in range(DEMANDS):
        submitted = start + datetime.timedelta(days=rng.randrange(1000), hours=rng.randrange(10))
        status = rng.choice(list(Status))
        done = status in (Status.RESOLVED, Status.CLOSED)
        rows.append(
            Demand(
                jv=ventures[i % VENTURES],
                title=f"需求 {i}",
                description="bench",
                category=rng.choice(list(Category)),
                raised_by=hq,
                department=rng.choice(departments),
                status=status,
                resolution="done" if done else "",
                rejection_reason="no" if status == Status.REJECTED else "",
                submitted_at=submitted,
                clock_started_at=submitted,
                acknowledge_by=submitted + datetime.timedelta(days=3),
                resolve_by=submitted + datetime.timedelta(days=28),
                acknowledged_at=None
                if status == Status.SUBMITTED
                else submitted + datetime.timedelta(days=2),
                resolved_at=submitted + datetime.timedelta(days=rng.randrange(1, 60)) if done else None,
                held_days_total=rng.choice([0, 0, 3]),
                satisfaction=rng.choice([None, 3, 4, 5]) if status == Status.CLOSED else None,
            )
        )
    Demand.objects.bulk_create(rows, batch_size=5_000)


def _measure(fn, runs: int = 5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def test_the_sla_report_over_100000_demands(transactional_db):
    hq = f.make_user(Role.HQ_STAFF, username="bench-hq")
    started = time.perf_counter()
    _make(hq)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    filled = fill_durations(Demand)
    backfill = time.perf_counter() - started
    with connection.cursor() as cursor:
        # As autovacuum does after a load and a backfill this size: fresh statistics, and the
        # visibility map that lets the report read its covering index alone (demand_report).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"\n\n== SLA report over {DEMANDS:,} demands, {VENTURES:,} JVs ({connection.vendor}) ==")
    print(f"setup: {setup:.1f} s; backfill of the stored durations: {filled:,} demands in {backfill:.1f} s")
    for by in ("department", "category", "jv"):
        with CaptureQueriesContext(connection) as queries:
            selectors.demand_report(user=hq, by=by)
        tracemalloc.start()
        selectors.demand_report(user=hq, by=by)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        new, took = _measure(lambda by=by: selectors.demand_report(user=hq, by=by))
        print(
            f"by {by:10}: {took * 1000:7.1f} ms (median of 5), {len(queries)} queries, "
            f"peak Python allocation {peak / 2**20:.1f} MiB, {len(new['rows'])} rows"
        )
    started = time.perf_counter()
    old = legacy_report(user=hq, by="jv")
    took = time.perf_counter() - started
    tracemalloc.start()
    legacy_report(user=hq, by="jv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"the per-demand report it replaced, by jv: {took:.1f} s, peak Python allocation {peak / 2**20:.0f} MiB"
    )
    assert _figures(selectors.demand_report(user=hq, by="jv")) == _figures(old)

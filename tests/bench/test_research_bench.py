"""Benchmark of the annual research campaign: `make bench` (excluded from `make test`).

The campaign opens the year's research for 1,000 operating JVs (each with a liaison and a
representative in post) in one run: total time, and the queries each batch of 1,000 makes (a fixed
number however many JVs: asserted); then a second, no-op run. Timings are printed, never asserted.
"""

import datetime
import itertools
import time

import pytest
from django.db import connection

from core.roles import Role
from research import services
from research.models import AnnualResearch
from tests import factories as f
from tests.bench.test_sweep_bench import QueryLog, _head

pytestmark = pytest.mark.bench

VENTURES = 1_000
OPENS = datetime.date(2026, 2, 1)


@pytest.mark.django_db(transaction=True)
def test_the_campaign_opens_1000_jvs_in_one_run():
    department = f.DepartmentFactory(head=f.make_user(Role.HQ_STAFF))
    for i in range(VENTURES):
        jv = f.JointVentureFactory(
            department=department, liaison=f.make_user(Role.HQ_STAFF) if i % 2 else None
        )
        f.make_representative_user(jv)
    log = QueryLog()
    started = time.perf_counter()
    with connection.execute_wrapper(log):
        result = services.campaign_open(today=OPENS, batch_size=250)
    elapsed = time.perf_counter() - started
    assert result == {"opened": VENTURES}
    assert AnnualResearch.objects.count() == VENTURES
    # Batches start with the query for the JVs still due.
    starts = [
        i
        for i, (sql, _p) in enumerate(log.queries)
        if 'FROM "ventures_jointventure"' in sql and "NOT" in sql.upper() and "EXISTS" in sql.upper()
    ]
    sizes = [b - a for a, b in itertools.pairwise(starts)]
    print(f"\ncampaign over {VENTURES:,} JVs: {elapsed:.2f} s, {len(log.queries)} queries, batches of 250")
    print(f"queries per batch: {sizes}")
    for sql, _params in log.queries[starts[0] : starts[1]]:
        print(f"    {_head(sql)}")
    # The first batch also fills the content-type cache the notifications use.
    assert len(set(sizes[1:])) == 1, f"queries per batch differ: {sizes}"
    log = QueryLog()
    started = time.perf_counter()
    with connection.execute_wrapper(log):
        assert services.campaign_open(today=OPENS) == {"opened": 0}
    print(f"second run (no-op): {time.perf_counter() - started:.3f} s, {len(log.queries)} queries")

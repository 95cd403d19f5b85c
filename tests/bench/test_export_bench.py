"""Benchmark of the demand list's export at 100,000 demands: `make bench` (excluded from `make test`).

HQ exports the whole demand list as CSV and as XLSX through the real view. The body is read as a
client would and thrown away chunk by chunk; tracemalloc gives the peak of Python memory while the
export is produced and read, against the size of the file, so a list held whole in memory shows as
a peak of the file's order. Prints time, size, peak and queries; timings are printed, never
asserted.
"""

import datetime
import time
import tracemalloc

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from demands.choices import Status
from demands.models import Demand
from tests import factories as f
from tests.bench.test_sweep_bench import QueryLog

pytestmark = pytest.mark.bench

DEMANDS = 100_000
VENTURES = 1_000


def _make_demands():
    department = f.DepartmentFactory()
    owners = [f.UserFactory(username=f"owner{i}", department=department) for i in range(20)]
    raiser = f.make_user(Role.REPRESENTATIVE, username="bench-raiser")
    ventures = f.JointVentureFactory._meta.model.objects.bulk_create(
        [f.JointVentureFactory.build(department=department) for _ in range(VENTURES)]
    )
    now = timezone.now()
    statuses = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]

    def demand(i):
        raised = now - datetime.timedelta(hours=i % 5000)
        status = statuses[i % len(statuses)]
        done = status in (Status.RESOLVED, Status.CLOSED)
        return Demand(
            jv=ventures[i % VENTURES],
            title=f"协调解决合资公司发展需求 {i}",
            description="为合资公司对接地方政府部门，落实用地、人才和市场开拓方面的支持。" * 3,
            category="market",
            raised_by=raiser,
            department=department,
            owner=owners[i % len(owners)],
            status=status,
            resolution="已协调解决。" if done else "",
            resolved_at=raised + datetime.timedelta(days=10) if done else None,
            submitted_at=raised,
            clock_started_at=raised,
            acknowledge_by=raised + datetime.timedelta(days=2),
            resolve_by=raised + datetime.timedelta(days=30),
            due_at=raised + datetime.timedelta(days=30),
        )

    for start in range(0, DEMANDS, 10_000):
        Demand.objects.bulk_create([demand(i) for i in range(start, start + 10_000)], batch_size=2_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _export(client, fmt, params=None, *, trace=False):
    """Read the export as a client would; with ``trace``, the peak of Python memory meanwhile
    (tracemalloc slows Python several times over, so times come from runs without it)."""
    url = reverse("demands:demand_list_export", args=[fmt])
    log = QueryLog()
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    with connection.execute_wrapper(log):
        response = client.get(url, params or {})
        chunks = response.streaming_content if response.streaming else [response.content]
        size = lines = 0
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
    took = time.perf_counter() - started
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"took": took, "size": size, "lines": lines, "peak": peak, "queries": len(log.queries)}


def test_the_demand_export_at_100000_demands(transactional_db):
    started = time.perf_counter()
    _make_demands()
    setup = time.perf_counter() - started
    hq = f.make_user(Role.HQ_STAFF, username="bench-hq")
    client = Client()
    client.force_login(hq)

    print(f"\n\n== Demand list export, {DEMANDS:,} demands over {VENTURES:,} JVs ({connection.vendor}) ==")
    print(f"setup: {setup:.1f} s")
    for fmt in ("csv", "xlsx"):
        run = _export(client, fmt)
        if fmt == "csv":
            assert run["lines"] == DEMANDS + 1
        print(
            f"{fmt}: {run['took']:.1f} s = {DEMANDS / run['took']:,.0f} rows/s; file "
            f"{run['size'] / 2**20:.1f} MiB; {run['queries']} queries"
        )
    # The peak should not follow the number of rows: a fifth of them (one status) and all of them.
    for fmt in ("csv", "xlsx"):
        part = _export(client, fmt, {"status": Status.SUBMITTED}, trace=True)
        whole = _export(client, fmt, trace=True)
        print(
            f"{fmt} peak Python memory: {part['peak'] / 2**20:.1f} MiB for {DEMANDS // 5:,} rows, "
            f"{whole['peak'] / 2**20:.1f} MiB for {DEMANDS:,} rows (file {whole['size'] / 2**20:.1f} MiB)"
        )

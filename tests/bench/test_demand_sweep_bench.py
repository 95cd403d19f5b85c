"""Benchmark of the demand deadline sweep: `make bench` (excluded from `make test`).

20,000 open demands whose deadlines have passed by different amounts (so every rung of the
escalation ladder is due somewhere), plus 5,000 inside their warning window: the first run writes
the warnings, the escalation notifications, one timeline entry per rung climbed and the new
escalation levels; the second run finds everything done. Prints the time, rows per second and the
queries of each batch (asserted to be the same in every full batch). Timings are printed, never
asserted.
"""

import datetime
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from core.roles import Role
from demands.choices import Status
from demands.models import Demand, DemandUpdate
from demands.services import demand_autoclose_sweep, demand_deadlines_sweep
from notifications.models import Notification
from notifications.sweeps import BATCH_SIZE
from tests import factories as f
from tests.bench.test_sweep_bench import QueryLog, _batches, _head, nudges  # noqa: F401 (fixture)

pytestmark = pytest.mark.bench

OVERDUE = 20_000
WARNED = 5_000
VENTURES = 200


def _make_demands(now, *, overdue: int = OVERDUE, warned: int = WARNED):
    head = f.make_user(Role.HQ_STAFF, username="bench-head")
    department = f.DepartmentFactory(head=head)
    head.department = department
    head.save(update_fields=["department"])
    for i in range(3):
        f.make_user(Role.LEADERSHIP, username=f"bench-leader{i}")
    owners = User.objects.bulk_create(
        [f.UserFactory.build(username=f"owner{i}", department=department) for i in range(100)]
    )
    raiser = f.make_user(Role.REPRESENTATIVE, username="bench-raiser")
    ventures = f.JointVentureFactory._meta.model.objects.bulk_create(
        [f.JointVentureFactory.build(department=department) for _ in range(VENTURES)]
    )

    def demand(i, due):
        return Demand(
            jv=ventures[i % VENTURES],
            title=f"需求 {i}",
            description="bench",
            category="market",
            raised_by=raiser,
            department=department,
            owner=owners[i % len(owners)],
            status=Status.SUBMITTED,
            submitted_at=due - datetime.timedelta(days=5),
            clock_started_at=due - datetime.timedelta(days=5),
            acknowledge_by=due,
            resolve_by=due + datetime.timedelta(days=30),
            due_at=due,
            warn_at=due - datetime.timedelta(days=1),
            # As the services set it: the sweep's first look is at the warning time.
            alert_at=due - datetime.timedelta(days=1),
        )

    rows = [demand(i, now - datetime.timedelta(days=1 + i % 20, hours=1)) for i in range(overdue)]
    rows += [demand(overdue + i, now + datetime.timedelta(hours=6)) for i in range(warned)]
    Demand.objects.bulk_create(rows, batch_size=2_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_demand_sweep_over_25000_running_deadlines(transactional_db, nudges):  # noqa: F811
    now = timezone.now()
    started = time.perf_counter()
    _make_demands(now)
    setup = time.perf_counter() - started
    total = OVERDUE + WARNED

    def is_batch_query(sql: str) -> bool:
        # The batch query reads whole rows; the row lock of the escalation step reads two columns.
        return sql.startswith('SELECT "demands_demand"."id", "demands_demand"."created_at"')

    first = QueryLog()
    with connection.execute_wrapper(first):
        started = time.perf_counter()
        result = demand_deadlines_sweep(now=now)
        took = time.perf_counter() - started
    notifications = Notification.objects.count()
    entries = DemandUpdate.objects.count()
    levels = Counter(Demand.objects.values_list("escalation_level", flat=True))

    second = QueryLog()
    with connection.execute_wrapper(second):
        started = time.perf_counter()
        again = demand_deadlines_sweep(now=now)
        took_again = time.perf_counter() - started
    assert result["due"] == total
    assert again["created"] == 0
    assert Notification.objects.count() == notifications
    assert DemandUpdate.objects.count() == entries

    batches = _batches(first.queries, is_batch_query)[:-1]
    steady = [sum(1 for sql in b if "django_content_type" not in sql) for b in batches]
    again_batches = [len(b) for b in _batches(second.queries, is_batch_query)[:-1]]

    print(f"\n\n== Demand deadline sweep over {total:,} running deadlines ({connection.vendor}) ==")
    print(f"setup: {setup:.1f} s")
    print(
        f"first run: {result['created']:,} notifications, {entries:,} escalation entries in "
        f"{took:.2f} s = {total / took:,.0f} demands/s; escalation levels now {dict(sorted(levels.items()))}"
    )
    print(f"batches of {BATCH_SIZE:,}: {len(batches)}; queries per batch: {sorted(set(steady))}")
    for sql, n in Counter(_head(s) for s in batches[-1]).items():
        print(f"    {n} x {sql}")
    print(
        f"second run (no-op): {again['due']:,} read (only what has a step due is read) in "
        f"{took_again:.2f} s = {again['due'] / took_again:,.0f} demands/s; "
        f"queries per batch: {sorted(set(again_batches))}"
    )
    print(f"send-task nudges enqueued on commit: {nudges['nudge']}")
    # Whatever a batch holds, it makes a bounded number of queries. Only the inserts are split into
    # chunks by the database's parameter limit (SQLite's especially), which is why the raw counts
    # above differ between batches.
    statements = [len(_queries_but_inserts(b)) for b in batches]
    print(f"queries per batch other than inserts: {sorted(set(statements))}")
    # The batch query, the row lock, notify_many's two reads and one update of the levels reached
    # (a batch with nothing left to climb or to tell makes fewer).
    assert max(statements) <= 5, statements


def _queries_but_inserts(batch: list[str]) -> list[str]:
    """A batch's queries but its inserts (split in chunks by the parameter limit), transaction
    control (SQLite's BEGIN IMMEDIATE is a statement; PostgreSQL's BEGIN is not, which is why
    SQLite once counted 12 against a budget of 11) and the reads made once per sweep, in its first
    batch: the working-day calendar and the content-type cache."""
    control = ("INSERT", "BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "COMMIT")
    once = ("core_calendarday", "django_content_type")
    return [sql for sql in batch if not sql.startswith(control) and not any(table in sql for table in once)]


RESOLVED = 100_000


def test_autoclose_sweep_over_100000_unrated_demands(transactional_db):
    """100,000 resolved demands past their rating window: closed in batches of 1,000, one
    transaction each, the same queries in every batch. Before: one transaction per demand (9,487
    demands took 151 s and 168,872 queries)."""
    now = timezone.now()
    _make_demands(now, overdue=RESOLVED, warned=0)
    Demand.objects.update(
        status=Status.RESOLVED,
        resolution="已解决",
        resolved_at=now - datetime.timedelta(days=20),
        rating_due_at=now - datetime.timedelta(days=1),
        due_at=None,
        warn_at=None,
        alert_at=None,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    history = Demand.history.count()

    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        result = demand_autoclose_sweep(now=now)
        took = time.perf_counter() - started
    assert result == {"due": RESOLVED, "closed": RESOLVED}
    assert Demand.objects.filter(status=Status.CLOSED).count() == RESOLVED
    assert Demand.history.count() == history + RESOLVED
    assert DemandUpdate.objects.filter(params__automatic=True).count() == RESOLVED

    def is_batch_query(sql: str) -> bool:
        return sql.startswith('SELECT "demands_demand"."id", "demands_demand"."rating_due_at"')

    batches = _batches(log.queries, is_batch_query)[:-1]
    counts = [len(b) for b in batches]
    print(f"\n\n== Demand auto-close sweep over {RESOLVED:,} unrated demands ({connection.vendor}) ==")
    print(f"{took:.2f} s = {RESOLVED / took:,.0f} demands/s; {len(log.queries):,} queries in all")
    print(f"batches of {BATCH_SIZE:,}: {len(batches)}; queries per batch: {sorted(set(counts))}")
    for sql, n in Counter(_head(sql) for sql in batches[-1]).items():
        print(f"    {n} x {sql}")
    assert len(set(counts)) == 1, counts
    again = demand_autoclose_sweep(now=now)
    assert again == {"due": 0, "closed": 0}

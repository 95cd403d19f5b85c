"""Benchmarks of the deadline engine: `make bench` (excluded from `make test`).

1. The appointment-terms sweep over 100,000 due items (appointments whose term ends in 30 days,
   held by representatives with a login): total time, rows per second, the queries each batch
   makes (the same number in every batch, however many rows: asserted), and a second, no-op run
   (one query, reading no row: asserted).
2. The sender (``send_pending``) over 5,000 pending emails with the in-memory backend: emails per
   second and queries per email.

Runs on whatever ``DATABASE_URL`` says (SQLite by default, PostgreSQL when set). Rows are
committed (``transactional_db``), as in production; the broker nudge a commit enqueues is counted
instead of published. Timings are printed, never asserted.
"""

import datetime
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from notifications import services as notification_services
from notifications.models import EmailStatus, Notification
from notifications.services import send_pending
from notifications.sweeps import BATCH_SIZE
from representatives import notices
from representatives.choices import SeatRole
from representatives.models import Appointment, Representative
from representatives.services import appointment_terms_sweep
from tests import factories as f

pytestmark = pytest.mark.bench

DUE = 100_000
REPRESENTATIVES = 1_000  # with a login each; 100 seats each, one per joint venture
VENTURES = 1_000
EMAILS = 5_000


class QueryLog:
    """Every query's SQL and parameters, cheaply (CaptureQueriesContext renders each statement
    with its parameters, which for a 1,000-row insert costs more than the insert itself)."""

    def __init__(self):
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def _head(sql: str, width: int = 100) -> str:
    return " ".join(sql.split())[:width]


def _batches(queries, starts_batch) -> list[list[str]]:
    """Split the queries into batches, each beginning with the sweep's own batch query."""
    batches: list[list[str]] = []
    for sql, _params in queries:
        if starts_batch(sql):
            batches.append([])
        if batches:
            batches[-1].append(sql)
    return batches


def _plan(sql: str, params) -> str:
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.fixture
def nudges(monkeypatch):
    """Count the send-task nudges commits would enqueue, instead of publishing them."""
    counter = Counter()
    monkeypatch.setattr(notification_services, "enqueue_send", lambda: counter.update(["nudge"]))
    return counter


def _make_due_appointments(today: datetime.date) -> None:
    department = f.DepartmentFactory()
    users = User.objects.bulk_create(
        [f.UserFactory.build(username=f"bench{i}") for i in range(REPRESENTATIVES)], batch_size=500
    )
    ventures = f.JointVentureFactory._meta.model.objects.bulk_create(
        [f.JointVentureFactory.build(department=department) for _ in range(VENTURES)], batch_size=500
    )
    reps = Representative.objects.bulk_create(
        [Representative(user=u, name=f"代表{i}", name_en=f"Rep {i}") for i, u in enumerate(users)],
        batch_size=500,
    )
    started = today - datetime.timedelta(days=3 * 365)
    ends = today + datetime.timedelta(days=30)
    per_rep = DUE // REPRESENTATIVES
    Appointment.objects.bulk_create(
        (
            Appointment(
                representative=reps[i // per_rep],
                jv=ventures[i % VENTURES],
                role=SeatRole.DIRECTOR,
                start_date=started,
                term_end=ends,
            )
            for i in range(DUE)
        ),
        batch_size=5_000,
    )
    # Fresh statistics, as autovacuum would gather after a load this size. Without them (a server
    # with autovacuum off, or a sweep right after a bulk import) PostgreSQL plans the batch query
    # as nested loops over whole tables: about 16 s per batch here instead of milliseconds.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_sweep_over_100000_due_items(transactional_db, nudges):
    today = timezone.localdate()
    started = time.perf_counter()
    _make_due_appointments(today)
    setup = time.perf_counter() - started

    def is_batch_query(sql: str) -> bool:
        # The batch's read, not its lock (the re-check reads the same rows FOR UPDATE).
        return sql.startswith('SELECT "representatives_appointment"."id"') and "FOR UPDATE" not in sql

    first = QueryLog()
    with connection.execute_wrapper(first):
        started = time.perf_counter()
        result = appointment_terms_sweep(today=today)
        took = time.perf_counter() - started
    assert result == {"due": DUE, "created": DUE}
    assert Notification.objects.count() == DUE

    second = QueryLog()
    with connection.execute_wrapper(second):
        started = time.perf_counter()
        again = appointment_terms_sweep(today=today)
        took_again = time.perf_counter() - started
    # Each appointment recorded the warning it was given: the rerun reads no row.
    assert again == {"due": 0, "created": 0}

    batches = _batches(first.queries, is_batch_query)
    full, final = batches[:-1], batches[-1]
    per_batch = [len(b) for b in full]
    # Batch 1 also fills the process's content-type cache (one query, once); the rest is per batch.
    steady = [sum(1 for sql in b if "django_content_type" not in sql) for b in full]
    batch_sql, batch_params = next((s, p) for s, p in first.queries if is_batch_query(s))

    print(f"\n\n== Sweep over {DUE:,} due appointments ({connection.vendor}) ==")
    print(f"setup (bulk_create of users, ventures, representatives, appointments; ANALYZE): {setup:.1f} s")
    print(
        f"first run:  {result['due']:,} due, {result['created']:,} notifications created in "
        f"{took:.2f} s = {DUE / took:,.0f} rows/s"
    )
    print(
        f"batches of {BATCH_SIZE:,}: {len(full)}, then one empty batch query ({len(final)} query); "
        f"{len(first.queries)} queries in all"
    )
    print(
        f"queries per batch: batch 1: {per_batch[0]}, batch {len(full)}: {per_batch[-1]}; without "
        f"the content-type cache fill (batch 1 only): {sorted(set(steady))} in every batch"
    )
    for label, batch in (("batch 1", full[0]), (f"batch {len(full)}", full[-1])):
        print(f"  {label}:")
        for sql, n in Counter(_head(s) for s in batch).items():
            print(f"    {n} x {sql}")
    print(f"send-task nudges enqueued on commit: {nudges['nudge']} (one per batch that created rows)")
    print(
        f"second run (no-op): {again['due']:,} due, {again['created']} created in {took_again:.2f} s "
        f"in {len(second.queries)} queries"
    )
    print(f"plan of the batch query:\n{_plan(batch_sql, batch_params)}")

    # It must not grow per item: every full batch makes the same queries, whatever it holds.
    assert len(set(steady)) == 1, per_batch
    assert per_batch[0] - steady[0] <= 1, per_batch
    assert len(second.queries) == 1, second.queries


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_send_pending_5000_emails(transactional_db, nudges):
    users = User.objects.bulk_create([f.UserFactory.build(username=f"mail{i}") for i in range(100)])
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=users[i % len(users)],
                kind=notices.APPOINTMENT_MADE.code,
                key=f"bench-send:{i}",
                params={"role": "Director", "jv": f"JV {i}", "start": "2025-01-01"},
                url="/",
                created_at=now,
                next_attempt_at=now,
                email_status=EmailStatus.PENDING,
            )
            for i in range(EMAILS)
        ],
        batch_size=1_000,
    )
    mail.outbox = []

    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        counts = send_pending()
        took = time.perf_counter() - started
    assert counts == {EmailStatus.SENT: EMAILS}
    assert len(mail.outbox) == EMAILS

    kinds = Counter(_head(sql, 60) for sql, _params in log.queries)
    print(f"\n\n== send_pending over {EMAILS:,} emails, locmem backend ({connection.vendor}) ==")
    print(f"{EMAILS:,} emails in {took:.2f} s = {EMAILS / took:,.0f} emails/s")
    print(f"queries: {len(log.queries):,} = {len(log.queries) / EMAILS:.2f} per email")
    for sql, n in kinds.most_common():
        print(f"  {n:>6} x {sql}")

"""The outbox proved with real Celery worker processes, the real Redis broker and PostgreSQL.

Each test starts ``celery -A jvportal worker`` processes (prefork, one child each) against the
test database pytest-django created, with a broker in a Redis database of their own (flushed
before and after each test, so no message outlives its test), and a test email backend
(``tests.mail_backend.FileMailbox``) that writes one file per email, named by the notification's
id: counting the files proves "exactly once". Rows are committed (``transactional_db``) so the
workers see them.

They need PostgreSQL (``select_for_update(skip_locked=True)`` is a no-op on SQLite) and Redis:
without ``DATABASE_URL=postgres://...`` and ``REDIS_URL`` they are skipped, except when ``CI`` is
set (``.ci/run`` provides both), where skipping would hide a failure.
"""

import contextlib
import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from jvportal.celery import app
from notifications.models import EmailStatus, Notification
from notifications.services import NotificationSpec, notify_many
from notifications.tasks import notifications_send_task
from representatives import notices
from representatives.choices import SeatRole
from representatives.models import Appointment
from representatives.services import appointment_terms_sweep
from representatives.tasks import appointment_terms_sweep_task
from tests import factories as f
from tests.mail_backend import eml_ids, inflight_ids

pytestmark = pytest.mark.workers

CELERY = Path(sys.executable).parent / "celery"
# The broker of these tests only, flushed before and after each test: database 9, or 9 + N for
# pytest-xdist's worker gwN, so parallel runs never share (Redis has databases 0-15).
TEST_REDIS_DB = 9 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 7
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
WAIT = 30  # seconds any wait may take before the test fails
WORKER_ARGS = (
    "--loglevel=WARNING",
    "--concurrency=1",
    "--pool=prefork",
    "--without-heartbeat",
    "--without-gossip",
    "--without-mingle",
)


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def live_services():
    """Skip without PostgreSQL and Redis, except in CI where these tests must run."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append(f"the database is {connection.vendor}, not PostgreSQL (set DATABASE_URL)")
    if not os.environ.get("REDIS_URL"):
        problems.append("REDIS_URL is unset")
    if problems:
        reason = "worker tests need PostgreSQL and Redis: " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so they may not be skipped)")
        pytest.skip(reason)


def _redis_url(db: int) -> str:
    return urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{db}").geturl()


def _point_broker(url: str) -> None:
    """Make this process publish to ``url``: Celery caches its connection pools, so drop them
    (kombu keeps one pool per broker address, reused when the address comes back)."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def broker(live_services, transactional_db):
    """A Redis database only these tests use, empty before and after; this process publishes to it."""
    import redis

    url = _redis_url(TEST_REDIS_DB)
    client = redis.Redis.from_url(url)
    client.ping()
    client.flushdb()
    original = app.conf.broker_url
    _point_broker(url)
    try:
        yield client
    finally:
        _point_broker(original)
        client.flushdb()
        client.close()


def _database_url() -> str:
    """The test database pytest-django created (``test_postgres``, ``test_postgres_gw0`` ...)."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    return f"postgres://{quote(s['USER'], safe='')}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Celery worker processes, each in its own process group, stopped at the end of the test."""

    def __init__(self, broker_url: str, folder: Path):
        self.broker_url = broker_url
        self.folder = folder
        self.mail = folder / "mail"
        self.mail.mkdir()
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *, delay: float = 0.0) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="jvportal.settings.test",
            DATABASE_URL=_database_url(),
            REDIS_URL=self.broker_url,
            CELERY_BROKER_URL=self.broker_url,
            TEST_EMAIL_BACKEND="tests.mail_backend.FileMailbox",
            JV_TEST_MAIL_DIR=str(self.mail),
            JV_TEST_MAIL_DELAY=str(delay),
            PYTHONPATH=str(settings.BASE_DIR),
        )
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed when the worker stops)
        proc = subprocess.Popen(
            [str(CELERY), "-A", "jvportal", "worker", *WORKER_ARGS, "--hostname", f"{name}@%h"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
        )
        proc.log = log
        self.procs[name] = proc
        return proc

    def wait_ready(self, *names: str) -> None:
        """Until every named worker answers a ping over the broker (it is consuming)."""
        wanted = {f"{n}@{socket.gethostname()}" for n in names}
        answered: set[str] = set()

        def ready():
            for name, proc in self.procs.items():
                if name in names and proc.poll() is not None:
                    pytest.fail(f"worker {name} exited with {proc.returncode}\n{self.logs()}")
            for reply in app.control.ping(destination=sorted(wanted - answered), timeout=0.3):
                answered.update(reply)
            return answered >= wanted

        wait_until(ready, f"workers {names} to start", self)

    def kill(self, name: str) -> None:
        """SIGKILL the worker's whole process group (main process and pool child) at once."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=WAIT)

    def stop_all(self) -> None:
        """Warm shutdown for all at once; whatever is still alive after the wait is killed."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + WAIT
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            if proc.poll() is None:  # not yet reaped, so its group id is still its own
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=WAIT)
            proc.log.close()

    def logs(self) -> str:
        out = []
        for name in self.procs:
            text = (self.folder / f"{name}.log").read_text(errors="replace")
            out.append(f"--- {name} ---\n{text[-3000:]}")
        return "\n".join(out)


@pytest.fixture
def workers(broker, tmp_path):
    w = Workers(_redis_url(TEST_REDIS_DB), tmp_path)
    try:
        yield w
    finally:
        w.stop_all()


# --- Helpers --------------------------------------------------------------------------------


def wait_until(predicate, what: str, workers: Workers | None = None, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{workers.logs() if workers else ''}")
        time.sleep(0.05)


def pending() -> int:
    return Notification.objects.filter(email_status=EmailStatus.PENDING).count()


def wait_sent(broker, workers: Workers, *, stranded: int = 0) -> None:
    """Until no row is pending and every task message was consumed and acknowledged.

    ``stranded``: messages a killed worker left unacknowledged; Redis hands them out again only
    after the visibility timeout (an hour), so they stay in the ``unacked`` hash meanwhile.
    """
    wait_until(lambda: pending() == 0, "every pending notification to be emailed", workers)
    wait_until(
        lambda: broker.llen("celery") == 0 and broker.hlen("unacked") <= stranded,
        "the workers to finish every task",
        workers,
    )


def assert_one_email_each(workers: Workers, notifications) -> None:
    expected = sorted(str(n.pk) for n in notifications)
    sent = eml_ids(workers.mail)
    duplicates = sorted(k for k, v in Counter(sent).items() if v > 1)
    missing = sorted(set(expected) - set(sent))
    assert not duplicates, f"emailed more than once: {duplicates}"
    assert not missing, f"never emailed: {missing}"
    assert sent == expected
    statuses = Counter(Notification.objects.values_list("email_status", "attempts"))
    assert statuses == {(EmailStatus.SENT, 1): len(expected)}, statuses


def make_specs(count: int, users) -> list[NotificationSpec]:
    return [
        NotificationSpec(
            recipient=users[i % len(users)],
            kind=notices.APPOINTMENT_MADE.code,
            key=f"test-worker:{uuid.uuid4().hex}",
            params={"role": "Director", "jv": f"JV {i}", "start": "2025-01-01"},
        )
        for i in range(count)
    ]


# --- Tests ----------------------------------------------------------------------------------


def test_two_workers_sending_at_once_email_each_notification_once(workers, broker):
    users = [f.make_user(None) for _ in range(20)]
    workers.start("w1", delay=0.05)
    workers.start("w2", delay=0.05)
    workers.wait_ready("w1", "w2")

    assert notify_many(make_specs(60, users)) == 60  # its commit nudges a worker once
    for _ in range(3):
        notifications_send_task.apply_async()  # and three more: every task walks every row
    wait_sent(broker, workers)

    assert_one_email_each(workers, Notification.objects.all())
    senders = {name.split(".")[1] for name in os.listdir(workers.mail) if name.endswith(".eml")}
    assert len(senders) == 2, f"both workers should have sent some emails, senders: {senders}"


def test_same_sweep_twice_then_workers_email_each_notification_once(workers, broker):
    today = timezone.localdate()
    ends = today + datetime.timedelta(days=30)
    started = today - datetime.timedelta(days=3 * 365)
    expected = 0
    for i in range(12):
        liaison = f.make_user(Role.HQ_STAFF) if i % 2 else None
        jv = f.JointVentureFactory(liaison=liaison)
        rep = f.RepresentativeFactory(user=f.make_user(Role.REPRESENTATIVE))
        f.AppointmentFactory(representative=rep, jv=jv, start_date=started, term_end=ends)
        expected += 2 if liaison else 1
    # Not due: a term ending in 200 days, and one whose successor is already recorded.
    f.AppointmentFactory(
        representative=f.RepresentativeFactory(user=f.make_user(Role.REPRESENTATIVE)),
        start_date=started,
        term_end=today + datetime.timedelta(days=200),
    )
    succeeded = f.AppointmentFactory(
        representative=f.RepresentativeFactory(user=f.make_user(Role.REPRESENTATIVE)),
        start_date=started,
        term_end=ends,
    )
    f.AppointmentFactory(jv=succeeded.jv, role=succeeded.role, start_date=ends)

    assert appointment_terms_sweep() == {"due": 12, "created": expected}
    # Each appointment recorded the warning it was given: a second run reads none of them.
    assert appointment_terms_sweep() == {"due": 0, "created": 0}
    assert Notification.objects.count() == expected
    # Forget those records, so that the two workers below both work every warning out again and
    # race on the notification keys alone.
    Appointment.objects.update(term_warned_for=None, term_warned_days=None)

    workers.start("w1")
    workers.start("w2")
    workers.wait_ready("w1", "w2")
    for _ in range(2):  # the same sweep twice more, racing on two workers, then the sends
        appointment_terms_sweep_task.apply_async()
    for _ in range(2):
        notifications_send_task.apply_async()
    wait_sent(broker, workers)

    assert Notification.objects.count() == expected
    assert_one_email_each(workers, Notification.objects.all())


def test_killing_a_worker_mid_send_loses_nothing_and_duplicates_nothing(workers, broker):
    """SIGKILL a worker while it is sending; a fresh worker sends the rest, each email once.

    send_one holds the row locked in a transaction while the backend sends, and marks it sent in
    that same transaction. A worker killed before the commit leaves the row pending (PostgreSQL
    rolls back the dead connection's transaction and releases the lock), so it is sent again:
    nothing is lost. The one window for a duplicate is after the mail server accepted the message
    and before the commit (a few milliseconds per message): then the email went out but the row
    still says pending. The test kills inside the backend's 0.3 s delay, while the ``inflight``
    marker shows a message is being sent and before its file is written, i.e. before "the mail
    server accepted" it, so the duplicate window is never hit and any duplicate is a real bug.
    """
    users = [f.make_user(None) for _ in range(10)]
    workers.start("w1", delay=0.3)
    workers.wait_ready("w1")
    assert notify_many(make_specs(30, users)) == 30  # the commit nudges w1
    notifications = list(Notification.objects.all())

    def mid_send():
        """After three emails, a message whose 0.3 s delay began less than 0.1 s ago."""
        sent = set(eml_ids(workers.mail))
        if len(sent) < 3:
            return False
        for ident in inflight_ids(workers.mail) - sent:
            for marker in workers.mail.glob(f"inflight-{ident}.*"):
                try:
                    if time.time() - marker.stat().st_mtime < 0.1:
                        return True
                except FileNotFoundError:  # sent meanwhile
                    pass
        return False

    wait_until(mid_send, "w1 to be in the middle of sending", workers)
    workers.kill("w1")
    victims = inflight_ids(workers.mail) - set(eml_ids(workers.mail))
    before = len(eml_ids(workers.mail))
    assert len(victims) == 1, f"killed while sending {victims}, with {before} emails written"
    victim = int(next(iter(victims)))

    def released():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update(nowait=True).filter(pk=victim).exists()
        except DatabaseError:
            return False
        return True

    wait_until(released, "PostgreSQL to roll back the killed worker's transaction", workers)
    assert Notification.objects.get(pk=victim).email_status == EmailStatus.PENDING

    # The killed worker's task message stays unacknowledged in Redis until the visibility
    # timeout (an hour) and beat's every-minute send would pick the rest up; here, nudge now.
    workers.start("w2", delay=0.01)
    workers.wait_ready("w2")
    notifications_send_task.apply_async()
    wait_sent(broker, workers, stranded=1)

    print(f"\nkilled w1 after {before} emails while sending notification {victim}")
    assert_one_email_each(workers, notifications)


def test_broker_down_requests_succeed_and_the_backlog_goes_when_it_returns(workers, broker, client, caplog):
    hq = f.make_user(Role.HQ_STAFF)
    first, second = f.JointVentureFactory(), f.JointVentureFactory()
    rep_user = f.make_representative_user(first)
    client.force_login(hq)
    url = reverse("representatives:appointment_create", args=[rep_user.representative_profile.pk])
    data = {
        "jv": second.pk,
        "role": SeatRole.SUPERVISOR,
        "start_date": timezone.localdate().isoformat(),
        "term_end": "",
        "end_date": "",
        "notes": "",
        "version": "",
    }

    _point_broker(DEAD_BROKER)
    try:
        started = time.monotonic()
        response = client.post(url, data)
        took = time.monotonic() - started
        home = client.get("/")
    finally:
        _point_broker(_redis_url(TEST_REDIS_DB))
    print(f"\nappointment POST with the broker down: {response.status_code} in {took:.2f}s")

    assert response.status_code == 302, response.content[:2000]
    assert home.status_code == 200
    assert "broker unreachable" in caplog.text
    notification = Notification.objects.get(recipient=rep_user, kind=notices.APPOINTMENT_MADE.code)
    assert notification.email_status == EmailStatus.PENDING
    assert broker.llen("celery") == 0  # nothing reached the (test) broker meanwhile

    # The broker returns: a worker and the next send (beat's, every minute) clear the backlog.
    workers.start("w1")
    workers.wait_ready("w1")
    notifications_send_task.apply_async()
    wait_sent(broker, workers)
    assert_one_email_each(workers, [notification])

"""Delivery under faults: a hung mail server, Celery's soft time limit, resends, outages.

The mail server here is real: a socket server on 127.0.0.1 in a thread, speaking just enough SMTP
(greeting, EHLO, MAIL, RCPT, DATA) to stall where the test says, and counting what reached it.
Django's own SMTP backend talks to it; nothing is mocked between the sender and the socket.
"""

import datetime
import signal
import smtplib
import socket
import threading
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailStatus, Notification
from notifications.services import (
    backoff,
    max_attempts,
    message_id,
    notify,
    retry_ladder,
    send_digests,
    send_one,
    send_pending,
)
from notifications.tasks import notifications_send_task
from representatives import notices
from tests import factories as f

MADE = notices.APPOINTMENT_MADE.code


class StallingSMTPServer:
    """Accepts connections and stalls: at the greeting (``"greeting"``: never says a word) or after
    the message's data (``"data"``: answers everything, then never acknowledges the message)."""

    def __init__(self, stall_at: str):
        self.stall_at = stall_at
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.messages_received = 0  # whole messages (data ended with ".")
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn):
        conn.settimeout(0.1)
        with conn:
            if self.stall_at != "greeting":
                conn.sendall(b"220 stall.test ESMTP\r\n")
            buffer, in_data = b"", False
            while not self.stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                buffer += chunk
                while b"\r\n" in buffer:
                    line, buffer = buffer.split(b"\r\n", 1)
                    if self.stall_at == "greeting":
                        continue
                    if in_data:
                        if line == b".":
                            in_data = False
                            self.messages_received += 1  # and never answer: the stall
                        continue
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        conn.sendall(b"250 stall.test\r\n")
                    elif verb == b"DATA":
                        in_data = True
                        conn.sendall(b"354 go ahead\r\n")
                    elif verb == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        return
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self):
        self.stop.set()
        self.sock.close()
        for thread in self.threads:
            thread.join(timeout=2)


@pytest.fixture(params=["greeting", "data"])
def stalling_smtp(request, settings):
    server = StallingSMTPServer(request.param)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.close()


@pytest.fixture
def alice(db):
    return f.make_user(None, username="alice", language="en")


def tell(user, key: str) -> Notification:
    notify(recipient=user, kind=MADE, key=key, params={"start": "2025-10-09"})
    return Notification.objects.get(key=key)


# --- 1. The SMTP timeout ------------------------------------------------------------------------


def test_the_smtp_timeout_defaults_to_20_seconds_and_reaches_the_smtp_backend(settings):
    from django.core.mail import get_connection

    # jvportal/settings/base.py reads EMAIL_TIMEOUT from the environment (default 20 seconds).
    assert settings.EMAIL_TIMEOUT == 20
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert connection.timeout == 20


def test_a_hung_mail_server_costs_one_retryable_failure_not_a_hung_task(alice, stalling_smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    row = tell(alice, "made:hung")
    now = timezone.now()
    started = time.monotonic()
    assert send_one(pk=row.pk, now=now) == EmailStatus.PENDING
    elapsed = time.monotonic() - started
    # One timeout per wait on the server (connect, the greeting or the reply to the data).
    assert 0.9 <= elapsed < 5, elapsed
    assert stalling_smtp.connections == 1
    assert stalling_smtp.messages_received == (1 if stalling_smtp.stall_at == "data" else 0)
    row.refresh_from_db()
    assert row.email_status == EmailStatus.PENDING
    assert row.last_error.startswith(("TimeoutError", "SMTPServerDisconnected")), row.last_error
    assert (row.attempts, row.handovers) == (1, 1)
    assert row.next_attempt_at == now + backoff(1)
    assert row.emailed_at is None


def test_a_hung_mail_server_costs_one_timeout_per_run_however_many_emails_wait(db, stalling_smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    rows = [tell(f.make_user(None, username=f"u{i}"), f"made:{i}") for i in range(4)]
    now = timezone.now()
    started = time.monotonic()
    assert send_pending(now=now) == {EmailStatus.PENDING: 1}
    assert time.monotonic() - started < 4  # one timeout (or two: connect, then the reply), not four
    for row in rows:
        row.refresh_from_db()
    # The first spent a try; the others wait, still due, their tries unspent.
    assert [r.attempts for r in rows] == [1, 0, 0, 0]
    assert all(r.email_status == EmailStatus.PENDING for r in rows)
    assert all(r.next_attempt_at <= now for r in rows[1:])


def test_the_server_back_after_a_hang_takes_everything_that_waited(db, stalling_smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    rows = [tell(f.make_user(None, username=f"u{i}"), f"made:{i}") for i in range(3)]
    send_pending()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + backoff(1)
    assert send_pending(now=later) == {EmailStatus.SENT: 3}
    assert {r.email_status for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {
        EmailStatus.SENT
    }


# --- 2. Celery's soft time limit ----------------------------------------------------------------


@pytest.fixture
def soft_limit_in():
    """Raise SoftTimeLimitExceeded in this thread after ``seconds``, the way Celery's prefork pool
    delivers its soft limit (a signal whose handler raises it wherever the task is)."""

    def _raise(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, _raise)

    def arm(seconds: float):
        signal.setitimer(signal.ITIMER_REAL, seconds)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_the_soft_time_limit_during_a_hung_send_stops_the_run_cleanly(
    db, stalling_smtp, settings, soft_limit_in
):
    settings.EMAIL_TIMEOUT = 30  # longer than the soft limit below: the limit strikes mid-send
    first = tell(f.make_user(None, username="first"), "made:first")
    second = tell(f.make_user(None, username="second"), "made:second")
    soft_limit_in(0.5)
    started = time.monotonic()
    assert notifications_send_task() == {"stopped": 1}
    assert time.monotonic() - started < 5
    # The row in hand is as it was: pending, never tried, no error, no handover counted; the next
    # row was never handed to the server (one connection, at most the first message on it).
    for row in (first, second):
        row.refresh_from_db()
        assert (row.email_status, row.attempts, row.handovers, row.last_error) == (
            EmailStatus.PENDING,
            0,
            0,
            "",
        )
    assert stalling_smtp.connections == 1
    assert stalling_smtp.messages_received <= 1


# --- 3. A stable Message-ID and the handover count ----------------------------------------------


def test_every_email_carries_the_notifications_own_message_id_the_same_on_a_resend(alice, settings):
    settings.PORTAL_BASE_URL = "https://jv.example.com"
    row = tell(alice, "made:1")
    assert send_one(pk=row.pk) == EmailStatus.SENT
    expected = message_id(row)
    assert expected.startswith(f"<notification-{row.pk}.") and expected.endswith("@jv.example.com>")
    assert mail.outbox[0].message()["Message-ID"] == expected
    # A resend (say, after a crash between the mail server's acceptance and the commit).
    Notification.objects.filter(pk=row.pk).update(email_status=EmailStatus.PENDING)
    assert send_one(pk=row.pk) == EmailStatus.SENT
    assert mail.outbox[1].message()["Message-ID"] == expected
    row.refresh_from_db()
    assert row.handovers == 2
    # Another notification has another one.
    other = tell(alice, "made:2")
    assert message_id(other) != expected


def test_a_digest_carries_a_message_id_of_its_own(db, settings):
    settings.PORTAL_BASE_URL = "https://jv.example.com"
    user = f.make_user(None, username="dora")
    from notifications.services import preferences_set

    preferences_set(user=user, deliveries={MADE: "digest"})
    tell(user, "made:d1")
    assert send_digests() == 1
    header = mail.outbox[0].message()["Message-ID"]
    assert header.startswith(f"<digest-{user.pk}.") and header.endswith("@jv.example.com>")


def test_a_hung_mail_server_costs_the_digest_one_timeout_and_the_next_run_retries(
    db, stalling_smtp, settings
):
    from notifications.services import preferences_set

    settings.EMAIL_TIMEOUT = 1
    for i in range(3):
        user = f.make_user(None, username=f"d{i}")
        preferences_set(user=user, deliveries={MADE: "digest"})
        tell(user, f"made:d{i}")
    started = time.monotonic()
    assert send_digests() == 0
    assert time.monotonic() - started < 4
    assert stalling_smtp.connections == 1
    # Still waiting for the digest (the day's next run tries again), one error recorded.
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.DIGEST}
    assert Notification.objects.exclude(last_error="").count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests() == 3


def test_the_admin_shows_how_many_times_a_row_was_handed_to_the_mail_server(alice, admin_user, client):
    row = tell(alice, "made:1")
    send_one(pk=row.pk)
    client.force_login(admin_user)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert "handed to the mail server" in response.content.decode().lower()
    response = client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert response.status_code == 200
    assert "handed to the mail server" in response.content.decode().lower()


# --- 4. The retry ladder and the mail server's return -------------------------------------------


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"no such user")})


def test_the_default_retry_ladder_outlasts_an_ordinary_outage(settings):
    ladder = retry_ladder()
    assert max_attempts() == 12
    assert len(ladder) == max_attempts() - 1
    assert max(ladder) == datetime.timedelta(hours=1)
    assert sum(ladder, datetime.timedelta()) >= datetime.timedelta(hours=6)
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 4
    settings.NOTIFICATION_EMAIL_MAX_BACKOFF_MINUTES = 5
    assert retry_ladder() == [datetime.timedelta(minutes=m) for m in (2, 4, 5)]


def _exhaust(row, now):
    """Try ``row`` until its ladder is used up; return the time it failed."""
    for _ in range(max_attempts()):
        send_pending(now=now)
        row.refresh_from_db()
        if row.email_status == EmailStatus.FAILED:
            return now
        now = row.next_attempt_at
    raise AssertionError("the ladder did not end")


def test_a_mail_server_coming_back_requeues_what_failed_during_the_outage(db, settings):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3
    down = tell(f.make_user(None, username="down"), "made:down")
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    now = _exhaust(down, timezone.now())
    refused = tell(f.make_user(None, username="refused"), "made:refused")
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    now = _exhaust(refused, now)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.FAILED}

    # The server is back: the next e-mail that goes re-queues the outage's failure, sent in the
    # same run; the address the server refused stays failed (it would be refused again).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = now + datetime.timedelta(hours=1)
    fresh = tell(f.make_user(None, username="fresh"), "made:fresh")
    Notification.objects.filter(pk=fresh.pk).update(next_attempt_at=later)
    assert send_pending(now=later) == {EmailStatus.SENT: 2, "requeued": 1}
    statuses = dict(Notification.objects.values_list("key", "email_status"))
    assert statuses == {
        "made:down": EmailStatus.SENT,
        "made:refused": EmailStatus.FAILED,
        "made:fresh": EmailStatus.SENT,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["down@example.com", "fresh@example.com"]
    # Nothing further to re-queue on the next run.
    assert send_pending(now=later) == {}


def test_a_failure_older_than_the_window_is_left_to_the_admin(db, settings):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    old = tell(f.make_user(None, username="old"), "made:old")
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Notification.objects.filter(pk=old.pk).update(next_attempt_at=long_ago)
    send_pending(now=long_ago)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tell(f.make_user(None, username="new"), "made:new")
    assert send_pending() == {EmailStatus.SENT: 1}
    assert Notification.objects.get(key="made:old").email_status == EmailStatus.FAILED


def test_the_admins_queue_again_says_what_to_do(alice, admin_user, client):
    row = tell(alice, "made:1")
    Notification.objects.filter(pk=row.pk).update(email_status=EmailStatus.FAILED, attempts=12)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "retry_failed", "_selected_action": [row.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 emails queued again" in text
    assert "check the mail server" in text


class SoftLimitOnCloseBackend(BaseEmailBackend):
    """Refuses every address; Celery's soft time limit strikes while the connection is closed."""

    sent = 0

    def send_messages(self, email_messages):
        SoftLimitOnCloseBackend.sent += 1
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"no such user")})

    def close(self):
        raise SoftTimeLimitExceeded()


def test_the_soft_time_limit_while_closing_a_connection_stops_the_run_too(db, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SoftLimitOnCloseBackend"
    SoftLimitOnCloseBackend.sent = 0
    tell(f.make_user(None, username="first"), "made:first")
    tell(f.make_user(None, username="second"), "made:second")
    assert notifications_send_task() == {"stopped": 1}
    assert SoftLimitOnCloseBackend.sent == 1  # nothing was sent after the limit
    assert Notification.objects.get(key="made:second").attempts == 0

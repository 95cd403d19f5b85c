"""The outbox: create by unique key, deliver by preference, email once with backoff, digest, health.

The send task is only a nudge: these tests patch ``apply_async`` and show it is called after
commit and never breaks a write; the sender itself (``send_pending``) is called directly.
"""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from core.models import Heartbeat
from notifications import kinds
from notifications.models import Delivery, EmailStatus, Notification
from notifications.services import (
    NotificationSpec,
    backoff,
    max_attempts,
    notify,
    notify_many,
    outbox_backlog,
    preferences_set,
    send_digests,
    send_one,
    send_pending,
)
from notifications.sweeps import run_sweep
from notifications.tasks import notifications_digest_task, notifications_send_task
from representatives import notices
from representatives.choices import SeatRole
from tests import factories as f

MADE = notices.APPOINTMENT_MADE.code
ENDING = notices.TERM_ENDING.code
APPLY_ASYNC = "notifications.tasks.notifications_send_task.apply_async"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    calls = 0

    def send_messages(self, email_messages):
        FailingBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("mail server went away")


class RefusesBounceBackend(LocmemBackend):
    """A mail server that refuses one address and delivers the rest (to ``mail.outbox``)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if any(address.startswith("bounce") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(email_messages)


@pytest.fixture
def jv(db):
    return f.JointVentureFactory(name="本方合资公司", name_en="Own Venture Co., Ltd.")


@pytest.fixture
def alice(db):
    return f.make_user(None, username="alice", language="en")


@pytest.fixture
def failing_backend(settings):
    FailingBackend.calls = 0
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    return FailingBackend


def _params(jv) -> dict:
    return {
        "role": kinds.in_each_language(SeatRole.DIRECTOR.label),
        "jv": kinds.bilingual(jv),
        "start": "2025-10-09",
    }


def tell(user, key, jv=None, *, kind=MADE, **kwargs) -> bool:
    """Notify ``user`` that they were appointed in ``jv`` (a real kind, with real parameters)."""
    jv = jv or f.JointVentureFactory()
    return notify(
        recipient=user,
        kind=kind,
        key=key,
        params=_params(jv),
        url=jv.get_absolute_url(),
        target=jv,
        **kwargs,
    )


def _spec(user, key, kind=MADE) -> NotificationSpec:
    return NotificationSpec(recipient=user, kind=kind, key=key, params={"start": "2025-10-09"})


# --- Creating by unique key ---------------------------------------------------------------------


def test_notify_creates_one_row(alice, jv):
    assert tell(alice, "made:1", jv) is True
    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.key, row.url) == (alice, MADE, "made:1", jv.get_absolute_url())
    assert row.target == jv
    assert row.params["jv"] == {"zh-hans": "本方合资公司", "en": "Own Venture Co., Ltd."}
    assert (row.email_status, row.attempts, row.read_at, row.emailed_at) == (
        EmailStatus.PENDING,
        0,
        None,
        None,
    )
    assert row.next_attempt_at <= timezone.now()
    assert row.subject("en") == "You were appointed Director of Own Venture Co., Ltd. from 2025-10-09"


def test_notifying_the_same_key_again_is_a_no_op(alice, jv):
    assert tell(alice, "made:1", jv) is True
    other_jv = f.JointVentureFactory(name="另一家")
    # Not an IntegrityError, and the first row is kept as it was.
    assert tell(alice, "made:1", other_jv) is False
    row = Notification.objects.get()
    assert row.target == jv
    assert row.params["jv"]["zh-hans"] == "本方合资公司"


def test_notify_many_dedups_within_the_batch_and_against_the_database(alice, hq):
    notify_many([_spec(alice, "k:existing")])
    created = notify_many(
        [
            _spec(alice, "k:1"),
            _spec(alice, "k:1"),
            _spec(hq, "k:2"),
            _spec(alice, "k:existing"),
        ]
    )
    assert created == 2
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["k:1", "k:2", "k:existing"]
    assert notify_many([_spec(alice, "k:1"), _spec(hq, "k:2")]) == 0
    assert notify_many([]) == 0
    assert Notification.objects.count() == 3


@pytest.mark.parametrize(
    ("delivery", "status"),
    [
        (None, EmailStatus.PENDING),  # no choice made: email at once
        (Delivery.IMMEDIATE, EmailStatus.PENDING),
        (Delivery.DIGEST, EmailStatus.DIGEST),
        (Delivery.PORTAL, EmailStatus.SKIPPED),
    ],
)
def test_the_recipients_choice_decides_the_email(alice, delivery, status):
    if delivery:
        preferences_set(user=alice, deliveries={MADE: delivery})
    tell(alice, "made:1")
    # The choice is per kind: another kind is still emailed at once.
    tell(alice, "ending:1", kind=ENDING)
    assert Notification.objects.get(key="made:1").email_status == status
    assert Notification.objects.get(key="ending:1").email_status == EmailStatus.PENDING


def test_a_choice_only_applies_to_its_owner(alice, hq):
    preferences_set(user=alice, deliveries={MADE: Delivery.PORTAL})
    tell(alice, "made:alice")
    tell(hq, "made:hq")
    assert Notification.objects.get(key="made:alice").email_status == EmailStatus.SKIPPED
    assert Notification.objects.get(key="made:hq").email_status == EmailStatus.PENDING


def test_a_user_without_an_email_address_is_told_in_the_portal_only(db):
    user = f.make_user(None, username="noemail", email="")
    assert tell(user, "made:1") is True
    assert Notification.objects.get().email_status == EmailStatus.SKIPPED


def test_an_inactive_user_is_not_emailed(db):
    user = f.make_user(None, username="gone", is_active=False)
    tell(user, "made:1")
    assert Notification.objects.get().email_status == EmailStatus.SKIPPED


def test_preferences_set_stores_one_choice_per_kind(alice):
    preferences_set(user=alice, deliveries={MADE: Delivery.DIGEST, ENDING: Delivery.PORTAL})
    preferences_set(user=alice, deliveries={MADE: Delivery.IMMEDIATE})
    assert dict(alice.notification_preferences.values_list("kind", "delivery")) == {
        MADE: Delivery.IMMEDIATE,
        ENDING: Delivery.PORTAL,
    }


# --- The nudge after commit ----------------------------------------------------------------------


def test_the_send_task_is_enqueued_only_after_commit(alice, django_capture_on_commit_callbacks):
    with mock.patch(APPLY_ASYNC) as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            tell(alice, "made:1")
            # Inside the transaction the row exists, but no worker has been told yet: it would
            # look for the row before it is visible.
            assert Notification.objects.filter(key="made:1").exists()
            apply_async.assert_not_called()
        assert len(callbacks) == 1
        apply_async.assert_called_once_with(retry=False)


def test_nothing_is_enqueued_when_no_email_is_due(alice, django_capture_on_commit_callbacks):
    preferences_set(user=alice, deliveries={MADE: Delivery.PORTAL})
    tell(alice, "made:0", kind=ENDING)
    with mock.patch(APPLY_ASYNC) as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            tell(alice, "made:1")  # portal only
            tell(alice, "made:0", kind=ENDING)  # exists already
        assert callbacks == []
        apply_async.assert_not_called()


def test_a_rolled_back_notification_enqueues_nothing(alice, django_capture_on_commit_callbacks):
    with (
        mock.patch(APPLY_ASYNC) as apply_async,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            tell(alice, "made:1")
            raise RuntimeError("the surrounding write failed")
        assert callbacks == []
        apply_async.assert_not_called()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "error", [OperationalError("Error 111 connecting to redis"), OSError("connection refused")]
)
def test_a_down_broker_does_not_break_the_write(alice, django_capture_on_commit_callbacks, caplog, error):
    with mock.patch(APPLY_ASYNC, side_effect=error) as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            assert tell(alice, "made:1") is True
        apply_async.assert_called_once()
    row = Notification.objects.get()
    assert row.email_status == EmailStatus.PENDING
    assert "broker unreachable" in caplog.text
    # The periodic send picks the row up later.
    assert send_pending() == {EmailStatus.SENT: 1}
    assert len(mail.outbox) == 1


# --- Sending ---------------------------------------------------------------------------------------


def test_send_pending_sends_each_due_email_once_in_the_recipients_language(jv, settings):
    english = f.make_user(None, username="english", language="en")
    chinese = f.make_user(None, username="chinese", language="zh-hans")
    tell(english, "made:en", jv)
    tell(chinese, "made:zh", jv)

    assert send_pending() == {EmailStatus.SENT: 2}
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"english@example.com", "chinese@example.com"}
    en, zh = by_address["english@example.com"], by_address["chinese@example.com"]
    assert "Own Venture Co., Ltd." in en.subject
    assert "Director" in en.subject
    assert "本方合资公司" not in en.subject
    assert "本方合资公司" in zh.subject
    assert "董事" in zh.subject
    assert "Own Venture" not in zh.subject
    link = settings.PORTAL_BASE_URL.rstrip("/") + jv.get_absolute_url()
    assert link in en.body
    assert link in zh.body
    assert en.extra_headers["X-JVPortal-Notification"] == str(Notification.objects.get(key="made:en").pk)

    rows = Notification.objects.all()
    assert {row.email_status for row in rows} == {EmailStatus.SENT}
    assert all(row.emailed_at and row.attempts == 1 for row in rows)

    # Running again (the beat's next minute, or a second worker) sends nothing more.
    assert send_pending() == {}
    notifications_send_task()
    assert len(mail.outbox) == 2


def test_a_user_without_a_language_gets_the_sites_language(jv, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    tell(f.make_user(None, username="nolang", language=""), "made:1", jv)
    send_pending()
    assert "本方合资公司" in mail.outbox[0].subject


def test_an_email_not_yet_due_waits(alice):
    tell(alice, "made:1")
    Notification.objects.update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    assert send_pending() == {}
    assert send_pending(now=timezone.now() + datetime.timedelta(minutes=6)) == {EmailStatus.SENT: 1}
    assert len(mail.outbox) == 1


def test_send_one_leaves_a_sent_row_alone(alice):
    tell(alice, "made:1")
    pk = Notification.objects.get().pk
    assert send_one(pk=pk) == EmailStatus.SENT
    assert send_one(pk=pk) is None
    assert len(mail.outbox) == 1


def test_a_failed_email_is_retried_with_backoff_then_marked_failed(alice, failing_backend, settings):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = MAX_ATTEMPTS = 5  # a short ladder (the default is 12)
    assert max_attempts() == MAX_ATTEMPTS
    tell(alice, "made:1")
    now = timezone.now()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # Not yet due: nothing is tried.
        assert send_pending(now=now - datetime.timedelta(seconds=1)) == {}
        assert send_pending(now=now) == {
            EmailStatus.PENDING if attempt < MAX_ATTEMPTS else EmailStatus.FAILED: 1
        }
        row = Notification.objects.get()
        assert row.attempts == attempt
        assert row.last_error == "SMTPServerDisconnected: mail server went away"
        assert row.emailed_at is None
        if attempt < MAX_ATTEMPTS:
            assert row.email_status == EmailStatus.PENDING
            assert row.next_attempt_at == now + backoff(attempt)
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    assert row.email_status == EmailStatus.FAILED
    assert waits == [datetime.timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert failing_backend.calls == MAX_ATTEMPTS
    # A failed email is not tried again, however late.
    assert send_pending(now=now + datetime.timedelta(days=7)) == {}
    assert failing_backend.calls == MAX_ATTEMPTS
    assert outbox_backlog()["failed"] == 1


class SoftLimitBackend(LocmemBackend):
    """Delivers the first message, then Celery's soft time limit strikes during the second."""

    def send_messages(self, email_messages):
        if len(mail.outbox) >= 1:
            from celery.exceptions import SoftTimeLimitExceeded

            raise SoftTimeLimitExceeded()
        return super().send_messages(email_messages)


def test_the_soft_time_limit_stops_the_sender_without_blaming_the_row_in_hand(db, settings):
    from notifications.tasks import notifications_send_task

    settings.EMAIL_BACKEND = f"{__name__}.SoftLimitBackend"
    first, second = f.make_user(None, username="first"), f.make_user(None, username="second")
    tell(first, "made:first")
    tell(second, "made:second")
    assert notifications_send_task() == {"stopped": 1}
    sent = Notification.objects.get(key="made:first")
    in_hand = Notification.objects.get(key="made:second")
    assert sent.email_status == EmailStatus.SENT
    # The row in hand is as it was: pending, never tried, no error recorded.
    assert (in_hand.email_status, in_hand.attempts, in_hand.last_error) == (EmailStatus.PENDING, 0, "")
    assert len(mail.outbox) == 1


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 5, 6, 10)] == [
        datetime.timedelta(minutes=m) for m in (2, 4, 8, 32, 60, 60)
    ]


def test_an_email_that_fails_once_is_sent_on_the_retry(alice, failing_backend, settings):
    tell(alice, "made:1")
    send_pending()
    row = Notification.objects.get()
    assert row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending(now=row.next_attempt_at) == {EmailStatus.SENT: 1}
    row.refresh_from_db()
    assert (row.email_status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_one_failing_address_does_not_hold_up_the_others(db, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusesBounceBackend"
    bounce = f.make_user(None, username="bounce")
    fine = f.make_user(None, username="fine")
    tell(bounce, "made:bounce")
    tell(fine, "made:fine")
    assert send_pending() == {EmailStatus.PENDING: 1, EmailStatus.SENT: 1}
    assert [m.to for m in mail.outbox] == [["fine@example.com"]]
    assert Notification.objects.get(key="made:bounce").last_error.startswith("SMTPRecipientsRefused")


def test_admins_see_failed_emails_and_can_queue_them_again(alice, failing_backend, admin_user, client):
    tell(alice, "made:failed")
    tell(alice, "made:fine", kind=ENDING)
    Notification.objects.filter(key="made:failed").update(email_status=EmailStatus.FAILED, attempts=5)
    Notification.objects.filter(key="made:fine").update(email_status=EmailStatus.SENT)
    client.force_login(admin_user)
    changelist = reverse("admin:notifications_notification_changelist")
    response = client.get(changelist, {"email_status__exact": "failed"})
    assert response.status_code == 200
    assert [n.key for n in response.context["cl"].result_list] == ["made:failed"]

    response = client.post(
        changelist,
        {
            "action": "retry_failed",
            "_selected_action": list(Notification.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    statuses = dict(Notification.objects.values_list("key", "email_status"))
    # Only the failed one is queued again; the sent one is not sent twice.
    assert statuses == {"made:failed": EmailStatus.PENDING, "made:fine": EmailStatus.SENT}
    assert Notification.objects.get(key="made:failed").attempts == 0


def test_a_deactivated_recipient_is_skipped(alice):
    tell(alice, "made:1")
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert send_pending() == {EmailStatus.SKIPPED: 1}
    assert mail.outbox == []
    assert Notification.objects.get().email_status == EmailStatus.SKIPPED


def test_a_recipient_whose_address_was_removed_is_skipped(alice):
    tell(alice, "made:1")
    User.objects.filter(pk=alice.pk).update(email="")
    assert send_pending() == {EmailStatus.SKIPPED: 1}
    assert mail.outbox == []


def test_a_row_with_missing_parameters_still_sends_with_the_kinds_label(alice):
    notify(recipient=alice, kind=MADE, key="made:bare", params={})
    send_pending()
    assert mail.outbox[0].subject == str(notices.APPOINTMENT_MADE.label)


# --- Digests ---------------------------------------------------------------------------------------


def _digest_user(username, language="en"):
    user = f.make_user(None, username=username, language=language)
    preferences_set(user=user, deliveries={MADE: Delivery.DIGEST, ENDING: Delivery.DIGEST})
    return user


def test_send_digests_sends_one_email_per_person_with_all_their_rows(db):
    alice = _digest_user("alice")
    bob = _digest_user("bob", language="zh-hans")
    immediate = f.make_user(None, username="immediate")
    ventures = [f.JointVentureFactory(name=f"合资{i}", name_en=f"Venture {i}") for i in range(3)]
    for i, venture in enumerate(ventures):
        tell(alice, f"made:alice:{i}", venture)
    tell(bob, "made:bob", ventures[0])
    tell(immediate, "made:immediate", ventures[0])

    assert send_digests() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"alice@example.com", "bob@example.com"}
    alice_mail = by_address["alice@example.com"]
    assert "(3)" in alice_mail.subject
    for i in range(3):
        assert f"Venture {i}" in alice_mail.body
    assert "合资0" in by_address["bob@example.com"].body
    assert "合资1" not in by_address["bob@example.com"].body
    digest_rows = Notification.objects.exclude(key="made:immediate")
    assert {row.email_status for row in digest_rows} == {EmailStatus.SENT}
    assert all(row.emailed_at for row in digest_rows)
    # The immediate row is the sender's business, not the digest's.
    assert Notification.objects.get(key="made:immediate").email_status == EmailStatus.PENDING

    # Run again (twice by beat, or on two workers): nothing more.
    assert send_digests() == 0
    assert notifications_digest_task() == 0
    assert len(mail.outbox) == 2


def test_a_digest_for_a_deactivated_user_is_skipped(db):
    gone = _digest_user("gone")
    tell(gone, "made:1")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert send_digests() == 0
    assert mail.outbox == []
    assert Notification.objects.get().email_status == EmailStatus.SKIPPED


def test_one_failing_digest_does_not_stop_the_others(db, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusesBounceBackend"
    fine = _digest_user("fine")
    bounce = _digest_user("bounce")
    tell(fine, "made:fine")
    tell(bounce, "made:bounce")
    assert send_digests() == 1
    assert [m.to for m in mail.outbox] == [["fine@example.com"]]
    # The refused digest waits for the next run; nothing is lost.
    assert Notification.objects.get(key="made:bounce").email_status == EmailStatus.DIGEST


@pytest.mark.parametrize("rows", [2, 20])
def test_send_digests_query_budget(db, rows, django_assert_max_num_queries):
    alice = _digest_user("alice")
    notify_many([_spec(alice, f"k:{i}") for i in range(rows)])
    # 6 queries for one person, however many rows: the distinct recipients; per person a
    # savepoint, the locked rows (recipient joined), the update, the release; one of slack.
    with django_assert_max_num_queries(6):
        assert send_digests() == 1


# --- The backlog and the health command ----------------------------------------------------------


def _outbox(alice):
    now = timezone.now()
    for i, (status, due) in enumerate(
        [
            (EmailStatus.PENDING, now),  # due now: normal
            (EmailStatus.PENDING, now - datetime.timedelta(minutes=30)),  # overdue
            (EmailStatus.PENDING, now + datetime.timedelta(minutes=8)),  # waiting for a retry
            (EmailStatus.FAILED, now - datetime.timedelta(hours=2)),
            (EmailStatus.DIGEST, now - datetime.timedelta(hours=2)),
            (EmailStatus.SENT, now - datetime.timedelta(hours=2)),
            (EmailStatus.SKIPPED, now - datetime.timedelta(hours=2)),
        ]
    ):
        notify(recipient=alice, kind=MADE, key=f"k:{i}")
        Notification.objects.filter(key=f"k:{i}").update(email_status=status, next_attempt_at=due)


def test_outbox_backlog_counts(alice):
    assert outbox_backlog() == {"pending": 0, "overdue": 0, "failed": 0, "digest": 0}
    _outbox(alice)
    assert outbox_backlog() == {"pending": 3, "overdue": 1, "failed": 1, "digest": 1}


@pytest.fixture
def beating(db):
    Heartbeat.objects.create(name="beat+worker", beat_at=timezone.now())


def test_portal_health_reports_a_healthy_portal(beating, capsys):
    call_command("portal_health")
    out = capsys.readouterr().out
    assert "database: ok" in out
    assert "cache: ok" in out
    assert "beat+worker: ok" in out
    assert "outbox: 0 pending (0 overdue), 0 failed, 0 waiting for the digest" in out


def test_portal_health_fails_when_emails_are_overdue(beating, alice, capsys):
    _outbox(alice)
    with pytest.raises(CommandError, match="unhealthy: outbox overdue"):
        call_command("portal_health")
    assert "outbox: 3 pending (1 overdue), 1 failed, 1 waiting for the digest" in capsys.readouterr().out


def test_portal_health_reports_failed_emails_without_failing(beating, alice, capsys):
    """Failed emails wait for an admin (the admin's retry action), so they are reported, not alarmed."""
    notify(recipient=alice, kind=MADE, key="k:failed")
    Notification.objects.update(email_status=EmailStatus.FAILED)
    call_command("portal_health")
    assert "0 pending (0 overdue), 1 failed" in capsys.readouterr().out


def test_portal_health_fails_without_a_heartbeat(db, capsys):
    with pytest.raises(CommandError, match="heartbeat"):
        call_command("portal_health")
    assert "beat+worker: no heartbeat yet" in capsys.readouterr().out


def test_portal_health_fails_on_a_stale_heartbeat(db, capsys):
    Heartbeat.objects.create(name="beat+worker", beat_at=timezone.now() - datetime.timedelta(minutes=20))
    with pytest.raises(CommandError, match="heartbeat"):
        call_command("portal_health")
    assert "beat+worker: STALE" in capsys.readouterr().out


# --- Query budgets -----------------------------------------------------------------------------


def _count_queries(func) -> tuple[int, object]:
    """How many queries ``func()`` makes, and what it returned."""
    with CaptureQueriesContext(connection) as context:
        result = func()
    return len(context.captured_queries), result


# Measured: each email costs 4 queries (savepoint, the locked row with its recipient, the update,
# the release), the whole run 5 more (the page of due ids, the empty page that ends the loop, and
# once the first email went, the UPDATE that re-queues what failed during an outage, in its own
# savepoint and release).
SEND_PER_EMAIL = 4
SEND_FIXED = 5


def test_send_pending_query_budget(alice):
    counts = {}
    for n in (5, 50):
        Notification.objects.all().delete()
        notify_many([_spec(alice, f"k:{n}:{i}") for i in range(n)])
        counts[n], _result = _count_queries(send_pending)
        assert Notification.objects.filter(email_status=EmailStatus.SENT).count() == n
        assert counts[n] <= SEND_PER_EMAIL * n + SEND_FIXED, counts
    # The cost per email is the same for 5 and for 50: nothing is loaded per row beyond the row.
    assert (counts[50] - counts[5]) / 45 == SEND_PER_EMAIL, counts


# Measured: a sweep batch costs 6 queries however many rows it holds (the batch of rows; then
# notify_many's savepoint, existing keys, preferences, one bulk insert, release), and the run 1
# more (the empty batch that ends the loop). A batch of 25 keeps SQLite's insert in one statement.
SWEEP_BATCH = 25
SWEEP_PER_BATCH = 6


def _sweep_users(n):
    User.objects.bulk_create([User(username=f"sweep{i}", email=f"sweep{i}@example.com") for i in range(n)])
    return User.objects.filter(username__startswith="sweep")


def _to_specs(user):
    return [NotificationSpec(recipient=user, kind=ENDING, key=f"sweep:{user.pk}")]


def test_run_sweep_query_budget(db):
    counts = {}
    for batches in (2, 8):
        Notification.objects.all().delete()
        User.objects.filter(username__startswith="sweep").delete()
        queryset = _sweep_users(batches * SWEEP_BATCH)
        counts[batches], result = _count_queries(
            lambda q=queryset: run_sweep(q, _to_specs, batch_size=SWEEP_BATCH)
        )
        assert result == {"due": batches * SWEEP_BATCH, "created": batches * SWEEP_BATCH}
    per_batch = (counts[8] - counts[2]) / 6
    assert per_batch == SWEEP_PER_BATCH, counts
    assert counts[8] <= SWEEP_PER_BATCH * 8 + 1, counts
    # A second run finds every key and stops there: 4 per batch (rows, savepoint, keys, release).
    second, rerun = _count_queries(lambda: run_sweep(queryset, _to_specs, batch_size=SWEEP_BATCH))
    assert rerun == {"due": 8 * SWEEP_BATCH, "created": 0}
    assert second <= 4 * 8 + 1, second


def test_portal_health_warns_while_next_year_has_no_make_up_working_days(beating, capsys):
    from core.models import CalendarDay

    next_year = timezone.localdate().year + 1
    call_command("portal_health")
    assert f"calendar {next_year}: WARNING no days off recorded" in capsys.readouterr().out
    CalendarDay.objects.create(date=datetime.date(next_year, 1, 1), kind="holiday", name="元旦")
    call_command("portal_health")
    assert "but no make-up working days" in capsys.readouterr().out
    CalendarDay.objects.create(date=datetime.date(next_year, 2, 7), kind="workday", name="调休上班")
    call_command("portal_health")  # a warning never fails the check
    assert f"calendar {next_year}: ok (1 days off, 1 worked weekend days)" in capsys.readouterr().out

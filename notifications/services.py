"""Writes on the outbox: create by unique key, mark read, send emails, send digests.

The database is the source of truth. Creating a notification never fails because the broker is
down: the send task is only a nudge (enqueued after commit, errors logged); the periodic send task
finds whatever is due anyway.
"""

import datetime
import hashlib
import logging
import smtplib
import socket
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.services import insert_rows

from .models import Delivery, EmailStatus, Notification, NotificationPreference

logger = logging.getLogger(__name__)

# A failure of these kinds (the start of ``last_error``) says the mail server was unreachable, hung
# or refused the portal's own login, not that it refused this address: once the server takes
# e-mail again, such rows are queued again (requeue_after_outage).
OUTAGE_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    TimeoutError,
    ConnectionError,
    ConnectionRefusedError,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    socket.gaierror,
    OSError,
)
# How far back a failure may lie for the mail server's return to queue it again.
REQUEUE_WINDOW = datetime.timedelta(days=2)


def max_attempts() -> int:
    """How many times an e-mail is tried before it is marked failed (a setting, at least 1)."""
    return max(1, settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS)


@dataclass
class NotificationSpec:
    """What a sweep or a service wants said: to whom, what kind, under which unique key."""

    recipient: object
    kind: str
    key: str
    params: dict = field(default_factory=dict)
    url: str = ""
    target: object = None


def backoff(attempts: int) -> datetime.timedelta:
    """Wait 2, 4, 8, 16 ... minutes (at most NOTIFICATION_EMAIL_MAX_BACKOFF_MINUTES, an hour by
    default) before trying an email again."""
    return datetime.timedelta(
        minutes=min(2 ** min(attempts, 20), settings.NOTIFICATION_EMAIL_MAX_BACKOFF_MINUTES)
    )


def retry_ladder() -> list[datetime.timedelta]:
    """The waits between the tries of one e-mail, first to last (the operator's view of the settings)."""
    return [backoff(n) for n in range(1, max_attempts())]


def _deliveries(specs: list[NotificationSpec]) -> dict[tuple[int, str], str]:
    user_ids = {s.recipient.pk for s in specs}
    kinds = {s.kind for s in specs}
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind__in=kinds)
    return {(p.user_id, p.kind): p.delivery for p in rows}


# The recipient's fields notify_many reads (beyond the id): a sweep that loads its recipients with
# ``only()`` names these.
RECIPIENT_FIELDS = ("email", "is_active")


def _initial_status(recipient, delivery: str) -> str:
    if delivery == Delivery.PORTAL or not recipient.email or not recipient.is_active:
        return EmailStatus.SKIPPED
    if delivery == Delivery.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.PENDING


def notify_many(specs: list[NotificationSpec]) -> int:
    """Create the notifications that do not exist yet; return how many keys were new.

    One query for preferences, one for existing keys, one bulk insert that ignores conflicts
    (so two sweeps racing on the same key still create one row).
    """
    if not specs:
        return 0
    unique = {s.key: s for s in specs}
    with transaction.atomic():
        existing = set(Notification.objects.filter(key__in=unique).values_list("key", flat=True))
        fresh = [s for key, s in unique.items() if key not in existing]
        if not fresh:
            return 0
        deliveries = _deliveries(fresh)
        now = timezone.now()
        rows = []
        content_types = {}
        for spec in fresh:
            delivery = deliveries.get((spec.recipient.pk, spec.kind), Delivery.IMMEDIATE)
            target_type_id = target_id = None
            if spec.target is not None:
                model = type(spec.target)
                if model not in content_types:
                    content_types[model] = ContentType.objects.get_for_model(spec.target).pk
                target_type_id = content_types[model]
                target_id = spec.target.pk
            rows.append(
                {
                    "recipient_id": spec.recipient.pk,
                    "kind": spec.kind,
                    "key": spec.key,
                    "params": spec.params,
                    "url": spec.url,
                    "target_type_id": target_type_id,
                    "target_id": target_id,
                    "created_at": now,
                    "next_attempt_at": now,
                    "email_status": _initial_status(spec.recipient, delivery),
                }
            )
        # One statement for the batch, without a model instance per row (core.services.insert_rows).
        insert_rows(Notification, rows, ignore_conflicts=True)
        if any(r["email_status"] == EmailStatus.PENDING for r in rows):
            transaction.on_commit(enqueue_send)
    # A racing sweep may have inserted some of these keys first; the database kept one row each.
    return len(rows)


def notify(*, recipient, kind: str, key: str, params: dict | None = None, url: str = "", target=None) -> bool:
    """Tell ``recipient`` one thing once. Creating an existing key is a no-op (returns False)."""
    spec = NotificationSpec(
        recipient=recipient, kind=kind, key=key, params=params or {}, url=url, target=target
    )
    return notify_many([spec]) == 1


def tell(
    recipients,
    *,
    kind,
    key: str,
    target=None,
    url: str = "",
    params: dict | None = None,
    actor=None,
    entitled=None,
) -> int:
    """Tell each of ``recipients`` one thing once; return how many were told for the first time.

    Each person's key is ``key`` and their id. The actor is not told of their own act; an inactive
    user, or one ``entitled(user)`` turns down (someone who may no longer see the record), is not
    told at all. ``kind`` is a registered kind or its code.
    """
    code = getattr(kind, "code", kind)
    specs = [
        NotificationSpec(
            recipient=user, kind=code, key=f"{key}:{user.pk}", params=params or {}, url=url, target=target
        )
        for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values()
        if (actor is None or user.pk != actor.pk) and (entitled is None or entitled(user))
    ]
    return notify_many(specs)


def enqueue_send() -> None:
    """Nudge a worker to send now. A broker that is down costs nothing but a log line."""
    from .tasks import notifications_send_task

    try:
        notifications_send_task.apply_async(retry=False)
    except Exception:  # the broker's own errors vary by transport
        logger.warning("broker unreachable; the periodic send will pick the emails up", exc_info=True)


def notification_mark_read(*, notification: Notification, user) -> Notification:
    with transaction.atomic():
        if notification.recipient_id != user.pk:
            raise PermissionError("not the recipient")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    with transaction.atomic():
        return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


def preferences_set(*, user, deliveries: dict[str, str]) -> None:
    """Store one delivery choice per kind."""
    with transaction.atomic():
        for kind, delivery in deliveries.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


def _language_of(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def _site_url(path: str) -> str:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}{path}" if path else base + "/"


def _mail_domain() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"


def message_id(notification: Notification) -> str:
    """The notification's own ``Message-ID``, the same on every send of it: a resend after a crash
    is the same message to mail clients. The hash of the unique key makes it differ between two
    databases that reuse a primary key (a restored backup, a staging copy)."""
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:16]
    return f"<notification-{notification.pk}.{digest}@{_mail_domain()}>"


def digest_message_id(user_id: int, rows: list[Notification]) -> str:
    """A digest's ``Message-ID``: the person and the rows it holds, so a resend of the same digest
    carries the same one."""
    digest = hashlib.sha256(",".join(str(r.pk) for r in rows).encode()).hexdigest()[:16]
    return f"<digest-{user_id}.{digest}@{_mail_domain()}>"


def _message_for(notification: Notification, connection) -> EmailMessage:
    recipient = notification.recipient
    language = _language_of(recipient)
    with translation.override(language):
        subject = notification.subject(language)
        body = render_to_string(
            "notifications/email/notification.txt",
            {
                "recipient": recipient,
                "subject": subject,
                "body": notification.body(language),
                "link": _site_url(notification.url),
                "preferences": _site_url("/notifications/preferences/"),
            },
        )
    return EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        connection=connection,
        headers={"X-JVPortal-Notification": str(notification.pk), "Message-ID": message_id(notification)},
    )


def _still_entitled(notification: Notification) -> bool:
    user = notification.recipient
    return bool(user.is_active and user.email)


def send_one(*, pk: int, connection=None, now=None) -> str | None:
    """Send one due email; return its new status, or None when another worker has it or it is done.

    The row is locked (skipping rows another worker holds) for the whole send and marked in the
    same transaction, so a worker that dies mid-send leaves it pending for the next run; each
    email goes once unless the process dies between the mail server accepting it and the commit.
    """
    return _send_one(pk=pk, connection=connection, now=now)[0]


def is_outage(exc: BaseException | None) -> bool:
    """Whether a send failed because the mail server was down or hung (see OUTAGE_ERRORS)."""
    return exc is not None and type(exc).__name__ in {cls.__name__ for cls in OUTAGE_ERRORS}


def _send_one(*, pk: int, connection=None, now=None) -> tuple[str | None, Exception | None]:
    """send_one, also returning the error the mail server's side raised (None when it went)."""
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=pk, email_status=EmailStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if notification is None:
            return None, None
        if not _still_entitled(notification):
            notification.email_status = EmailStatus.SKIPPED
            notification.save(update_fields=["email_status"])
            return notification.email_status, None
        notification.attempts += 1
        notification.handovers += 1
        try:
            _message_for(notification, connection).send()
        except SoftTimeLimitExceeded:
            # The task's time is up, not the row's fault: roll back (the row stays pending, its
            # attempts untouched) and let the task stop.
            raise
        except Exception as exc:  # SMTP and backend errors (a timeout too): retry with backoff
            error = exc
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= max_attempts():
                notification.email_status = EmailStatus.FAILED
                # When it failed: the mail server's return re-queues recent outage failures.
                notification.next_attempt_at = now
            else:
                notification.next_attempt_at = now + backoff(notification.attempts)
            logger.warning("email for notification %s failed: %s", notification.pk, exc)
        else:
            notification.email_status = EmailStatus.SENT
            notification.emailed_at = timezone.now()
            notification.last_error = ""
        notification.save(
            update_fields=[
                "attempts",
                "handovers",
                "email_status",
                "emailed_at",
                "last_error",
                "next_attempt_at",
            ]
        )
        return notification.email_status, error


def requeue_after_outage(*, now=None) -> int:
    """Queue again the e-mails that failed in the last two days because the mail server was down
    or hung (not because it refused an address); return how many. The sender calls it once the
    server has taken an e-mail again; the admin's "queue again" action does the same by hand."""
    now = now or timezone.now()
    outage = Q()
    for name in sorted({cls.__name__ for cls in OUTAGE_ERRORS}):
        outage |= Q(last_error__startswith=f"{name}:")
    with transaction.atomic():
        return Notification.objects.filter(
            outage, email_status=EmailStatus.FAILED, next_attempt_at__gte=now - REQUEUE_WINDOW
        ).update(email_status=EmailStatus.PENDING, attempts=0, next_attempt_at=now)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except SoftTimeLimitExceeded:
        raise  # the task's time is up: stop, never swallow it
    except Exception:  # a connection already broken has nothing left to close
        logger.debug("closing a broken mail connection failed", exc_info=True)


def send_pending(*, batch_size: int = 200, now=None) -> dict[str, int]:
    """Send every due email, in primary-key order, a batch of ids at a time.

    A mail server that is down or hung stops the run at its first failure (one timeout per run,
    however many e-mails wait); when it takes an e-mail again, what failed during its outage is
    queued again (and goes in the same run)."""
    now = now or timezone.now()
    counts: dict[str, int] = defaultdict(int)
    connection = get_connection()
    last_pk = 0
    server_seen_up = False
    while True:
        ids = list(
            Notification.objects.due_for_email(now)
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        restart = False
        for pk in ids:
            status, error = _send_one(pk=pk, connection=connection, now=now)
            counts[status or "taken"] += 1
            if error is not None:
                _close_quietly(connection)  # a fresh connection for the next email
                if is_outage(error):
                    # The server is down or hung: every other email would wait out the same
                    # timeout. They stay due, their tries unspent; the next run tries again.
                    return dict(counts)
            if status == EmailStatus.SENT and not server_seen_up:
                server_seen_up = True  # one check per run: the server is back
                requeued = requeue_after_outage(now=now)
                if requeued:
                    counts["requeued"] += requeued
                    restart = True  # go round again: the re-queued rows may lie behind us
        last_pk = 0 if restart else ids[-1]
    return dict(counts)


def digest_cutoff(now=None) -> datetime.datetime:
    """The day's digest takes what was waiting at its time (the first of NOTIFICATION_DIGEST_HOURS,
    Beijing time): today's, or yesterday's before it has come."""
    local = timezone.localtime(now or timezone.now())
    at = datetime.time(settings.NOTIFICATION_DIGEST_HOURS[0], settings.NOTIFICATION_DIGEST_MINUTE)
    cutoff = datetime.datetime.combine(local.date(), at, tzinfo=local.tzinfo)
    return cutoff if cutoff <= local else cutoff - datetime.timedelta(days=1)


def send_digests(*, now=None, created_before=None) -> int:
    """One email per person with everything they chose to get as a digest; return emails sent.

    With ``created_before`` (the task passes ``digest_cutoff()``) only what was waiting by then
    goes: beat runs the digest several times a day, and the later runs send only what an earlier
    run of the day did not (nothing, unless the broker was down at the digest's time)."""
    now = now or timezone.now()
    sent = 0
    waiting = Notification.objects.filter(email_status=EmailStatus.DIGEST)
    if created_before is not None:
        waiting = waiting.filter(created_at__lt=created_before)
    user_ids = (
        waiting.values_list("recipient_id", flat=True)
        .order_by()  # without the model's ordering, DISTINCT is one row per person
        .distinct()
    )
    connection = get_connection()
    for user_id in list(user_ids):
        with transaction.atomic():
            rows = list(
                waiting.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(recipient_id=user_id)
                .order_by("pk")
            )
            if not rows:
                continue
            recipient = rows[0].recipient
            if not recipient.is_active or not recipient.email:
                Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                    email_status=EmailStatus.SKIPPED
                )
                continue
            language = _language_of(recipient)
            with translation.override(language):
                items = [(r.subject(language), _site_url(r.url)) for r in rows]
                subject = translation.gettext("JV Portal: your daily digest (%(count)d)") % {
                    "count": len(rows)
                }
                body = render_to_string(
                    "notifications/email/digest.txt",
                    {
                        "recipient": recipient,
                        "items": items,
                        "preferences": _site_url("/notifications/preferences/"),
                    },
                )
            try:
                EmailMessage(
                    subject=subject,
                    body=body,
                    to=[recipient.email],
                    connection=connection,
                    headers={"Message-ID": digest_message_id(user_id, rows)},
                ).send()
            except SoftTimeLimitExceeded:
                raise
            except Exception as exc:  # one refused address must not stop everyone else's digest
                logger.warning("digest for user %s failed: %s", user_id, exc)
                Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                    last_error=f"{type(exc).__name__}: {exc}"[:2000]
                )
                _close_quietly(connection)
                if is_outage(exc):
                    # The server is down or hung: the others would wait out the same timeout.
                    # Their rows stay waiting; the day's next digest run tries them again.
                    break
                continue
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                email_status=EmailStatus.SENT, emailed_at=now
            )
            sent += 1
    return sent


def outbox_backlog(
    *, now=None, late_after: datetime.timedelta = datetime.timedelta(minutes=5)
) -> dict[str, int]:
    """What operations watch: emails pending past their time, failed, waiting for the digest."""
    now = now or timezone.now()
    return {
        "pending": Notification.objects.filter(email_status=EmailStatus.PENDING).count(),
        "overdue": Notification.objects.filter(
            email_status=EmailStatus.PENDING, next_attempt_at__lt=now - late_after
        ).count(),
        "failed": Notification.objects.filter(email_status=EmailStatus.FAILED).count(),
        "digest": Notification.objects.filter(email_status=EmailStatus.DIGEST).count(),
    }

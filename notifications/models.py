"""The outbox: one row per thing one person must be told, and each person's delivery choices."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabelsMixin

from . import kinds


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be emailed")
    SENT = "sent", _("Emailed")
    DIGEST = "digest", _("Waiting for the daily digest")
    FAILED = "failed", _("Email failed")
    SKIPPED = "skipped", _("Portal only")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("Daily digest email")
    PORTAL = "portal", _("Portal only")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees only their own notifications."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def due_for_email(self, now=None):
        return self.filter(email_status=EmailStatus.PENDING, next_attempt_at__lte=now or timezone.now())


class Notification(ChoiceLabelsMixin, models.Model):
    """Something one recipient must be told. ``key`` is unique: telling the same thing twice is a no-op."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("de-duplication key"), max_length=200, unique=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("about (type)")
    )
    target_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(
        _("email"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    next_attempt_at = models.DateTimeField(_("next email attempt"), default=timezone.now)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Every time the sender handed this row's e-mail to the mail server and recorded the outcome,
    # whatever it was; never reset (the admin's "queue again" resets ``attempts`` only).
    handovers = models.PositiveIntegerField(_("handed to the mail server"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sender's query: pending rows whose next attempt is due, in primary-key order.
            models.Index(fields=["email_status", "next_attempt_at", "id"], name="notification_outbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The notification list: one recipient's rows, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.subject()

    def _render(self, attr: str, language: str | None = None) -> str:
        kind = kinds.get(self.kind)
        if kind is None:
            return self.kind
        with translation.override(language or translation.get_language()):
            params = kinds.localize_params(self.params, translation.get_language())
            try:
                return str(getattr(kind, attr)) % params
            except (KeyError, TypeError, ValueError):
                return str(kind.label)

    def subject(self, language: str | None = None) -> str:
        return self._render("subject", language)

    def body(self, language: str | None = None) -> str:
        return self._render("body", language)

    @property
    def kind_label(self):
        kind = kinds.get(self.kind)
        return kind.label if kind else self.kind


class NotificationPreference(models.Model):
    """How one person wants one kind delivered (default: email at once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    delivery = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.delivery}"

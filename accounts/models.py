"""Portal users and the HQ departments they belong to."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin, TimeStampedModel


class Department(BilingualNameMixin, TimeStampedModel):
    """An HQ department: staff belong to one; it owns JVs (and later demands)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class User(AbstractUser):
    """A person who logs in: leadership, HQ staff, a representative or an admin."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The portal's language for this user; empty follows the browser."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Authenticator(TOTPDevice):
    """A user's authenticator app (django-otp's TOTP device), under the portal's own names in the
    admin. The device is made and confirmed by enrolment only (``accounts.services``)."""

    class Meta:
        proxy = True
        verbose_name = _("two-factor authenticator")
        verbose_name_plural = _("two-factor authenticators")


class RecoveryCodes(StaticDevice):
    """A user's set of one-time recovery codes (django-otp's static device), under the portal's
    own names in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("set of recovery codes")
        verbose_name_plural = _("sets of recovery codes")

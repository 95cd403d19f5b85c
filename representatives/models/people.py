"""Equity representatives and their appointments to JVs; appointments decide what they see."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin, VersionedModel
from core.roles import is_representative, sees_all_ventures
from ventures.models import JointVenture, Party, in_visible_ventures

from ..choices import SeatRole


def _today() -> datetime.date:
    return timezone.localdate()


class AppointmentQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Appointments in force on ``on`` (today): started, and not ended before it."""
        on = on or _today()
        return self.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))

    def visible_to(self, user):
        """Appointments in JVs the user may see."""
        return in_visible_ventures(self, user)


class RepresentativeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All for HQ and leadership; a representative sees themself and colleagues in their JVs."""
        if sees_all_ventures(user):
            return self
        if is_representative(user):
            colleagues = Appointment.objects.active().filter(
                representative=OuterRef("pk"),
                jv__in=JointVenture.objects.visible_to(user).values("pk"),
            )
            return self.filter(Q(user=user) | Exists(colleagues))
        return self.none()


class Representative(BilingualNameMixin, VersionedModel):
    """A person the group seconds into JVs as director, supervisor, manager or equity representative."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representative_profile",
        help_text=_("The account this person logs in with, if any."),
    )
    name = models.CharField(_("full name"), max_length=100)
    name_en = models.CharField(_("full name (English)"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Party,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "group"},
        help_text=_("The group company the representative works for."),
    )
    position = models.CharField(_("position at the group"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        # The representative list's order (name, id breaking ties): its page is read off the index,
        # and its per-row figures are worked out for that page's rows only.
        indexes = [models.Index(fields=["name", "id"], name="representative_name")]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("representatives:representative_detail", args=[self.pk])


class Appointment(VersionedModel):
    """A representative's seat in one JV, from ``start_date`` until ``end_date`` (open if empty)."""

    representative = models.ForeignKey(
        Representative,
        verbose_name=_("representative"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    jv = models.ForeignKey(
        JointVenture, verbose_name=_("joint venture"), on_delete=models.PROTECT, related_name="appointments"
    )
    role = models.CharField(_("role"), max_length=32, choices=SeatRole.choices)
    start_date = models.DateField(_("start"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    end_date = models.DateField(
        _("ended"), null=True, blank=True, help_text=_("The last day in post; empty while serving.")
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    # The appointment-terms sweep's own record of the last warning it gave: the term end it was
    # about, how many days before it (a warning step) and when. A term end that moves no longer
    # matches, so its warnings start again; a JV or representative saved since (a new liaison, a
    # login linked) makes the sweep look again, so whoever is new is told; a run with nothing new
    # to say reads no row.
    term_warned_for = models.DateField(_("term end last warned of"), null=True, blank=True, editable=False)
    term_warned_days = models.PositiveSmallIntegerField(
        _("days before it of the last warning"), null=True, blank=True, editable=False
    )
    term_warned_at = models.DateTimeField(_("last warned at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["term_warned_for", "term_warned_days", "term_warned_at"])
    objects = AppointmentQuerySet.as_manager()
    constraint_error_fields = {"term_end_after_start": "term_end", "end_after_start": "end_date"}
    HISTORY_LABEL_FIELDS = ("representative", "jv", "role")

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gt=models.F("start_date")),
                name="appointment_term_end_after_start",
                violation_error_code="term_end_after_start",
                violation_error_message=_("The term must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="appointment_end_after_start",
                violation_error_code="end_after_start",
                violation_error_message=_("An appointment cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["jv", "end_date"], name="appointment_jv_end"),
            # The terms sweep asks for terms ending in the next 90 days.
            models.Index(fields=["term_end"], name="appointment_term_end"),
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.get_role_display()} · {self.jv}"

    def get_absolute_url(self):
        return self.representative.get_absolute_url()

    @property
    def is_active(self) -> bool:
        today = _today()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)

"""Reports a representative files per appointment: quarterly, major-matter and the annual duty report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import Attachment, ChoiceLabelsMixin, VersionedModel
from core.roles import is_representative, sees_all_ventures
from ventures.models import JointVenture

from ..choices import OWED_REPORT_STATUSES, MajorClass, ReportEntryKind, ReportKind, ReportStatus
from .people import Appointment


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """HQ and leadership read every report; a representative only their own, and only while
        they still see the JV (a JV they left takes its reports with it)."""
        if sees_all_ventures(user):
            return self
        if is_representative(user):
            return self.filter(
                appointment__representative__user=user,
                appointment__jv__in=JointVenture.objects.visible_to(user).values("pk"),
            )
        return self.none()

    def owed(self):
        return self.filter(status__in=OWED_REPORT_STATUSES)


class Report(VersionedModel):
    """A report filed for one appointment. Quarterly and annual reports are opened by the portal
    when their period ends (one per appointment and period); major-matter reports whenever
    something happens. ``figures`` holds the annual report's pre-filled facts of the year."""

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("appointment"), on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    major_class = models.CharField(_("class"), max_length=16, choices=MajorClass.choices, blank=True)
    title = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("report"), blank=True)
    figures = models.JSONField(_("facts of the year"), default=dict, blank=True, editable=False)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(pgettext_lazy("a report", "acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()
    HISTORY_LABEL_FIELDS = ("appointment", "kind", "year")
    constraint_error_fields = {
        "quarter_range": "quarter",
        "major_needs_class": "major_class",
        "time_limit_needs_due": "due_date",
    }

    class Meta:
        ordering = ["-year", "-quarter", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "year", "quarter"],
                condition=Q(kind=ReportKind.QUARTERLY),
                name="report_one_quarterly_per_period",
                violation_error_message=_("This appointment already has a report for this quarter."),
            ),
            models.UniqueConstraint(
                fields=["appointment", "year"],
                condition=Q(kind=ReportKind.ANNUAL),
                name="report_one_annual_per_year",
                violation_error_message=_("This appointment already has a duty report for this year."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.QUARTERLY) | Q(quarter__gte=1, quarter__lte=4),
                name="report_quarter_range",
                violation_error_code="quarter_range",
                violation_error_message=_("A quarterly report needs a quarter from 1 to 4."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.MAJOR) | ~Q(major_class=""),
                name="report_major_needs_class",
                violation_error_code="major_needs_class",
                violation_error_message=_("Say how HQ must treat this major matter."),
            ),
            models.CheckConstraint(
                condition=~Q(major_class=MajorClass.TIME_LIMITED) | Q(due_date__isnull=False),
                name="report_time_limit_needs_due",
                violation_error_code="time_limit_needs_due",
                violation_error_message=_("A report within a time limit needs its due date."),
            ),
        ]
        indexes = [
            # The reminders sweep asks for owed reports by due date.
            models.Index(fields=["status", "due_date"], name="report_status_due"),
            # The report list's default order, newest period first.
            models.Index(fields=["-year", "-quarter", "-id"], name="report_newest"),
        ]

    def __str__(self) -> str:
        return str(self.heading)

    def get_absolute_url(self):
        return reverse("representatives:report_detail", args=[self.pk])

    @property
    def heading(self) -> str:
        """The title a person reads: the period for quarterly and annual reports, the subject otherwise."""
        if self.kind == ReportKind.QUARTERLY:
            return _("Q%(quarter)s %(year)s work report") % {"quarter": self.quarter, "year": self.year}
        if self.kind == ReportKind.ANNUAL:
            return _("%(year)s annual duty report") % {"year": self.year}
        return self.title

    @property
    def is_owed(self) -> bool:
        return self.status in OWED_REPORT_STATUSES

    @property
    def editable(self) -> bool:
        return self.status in OWED_REPORT_STATUSES


class ReportEntry(ChoiceLabelsMixin, models.Model):
    """One step on a report's timeline: submitted, returned with comments, acknowledged, a comment."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportEntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report timeline entry")
        verbose_name_plural = _("report timeline entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"


class ReportAttachment(Attachment):
    """A file filed with a report."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(Attachment.Meta):
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def upload_folder(self) -> str:
        return f"reports/{self.report_id}"

    def get_absolute_url(self):
        return reverse("representatives:report_file", args=[self.report_id, self.pk])

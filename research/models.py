"""The annual research on every JV: the yearly campaign's settings, the research record, the JV's
data return with its wishes, HQ's recommendations and the research's files."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Attachment, VersionedModel
from demands.choices import Category
from ventures.choices import VentureStatus
from ventures.models import AnnualIndicators, JointVenture, indicator_field

from .choices import (
    OPEN_RESEARCH_STATUSES,
    OWED_RETURN_STATUSES,
    FigureChoice,
    RecommendationStatus,
    ResearchStatus,
    ReturnStatus,
)


def _month_day(verbose_name, default):
    return models.CharField(
        verbose_name,
        max_length=5,
        default=default,
        help_text=_("Month and day, as MM-DD (Beijing time)."),
    )


def parse_month_day(value: str) -> tuple[int, int]:
    month, day = (int(part) for part in value.split("-"))
    datetime.date(2001, month, day)  # a day every year has (no 29 February)
    return month, day


class CampaignSettings(models.Model):
    """How the yearly campaign runs (one row, edited in the admin): the day it opens, which JVs it
    covers, and the due dates each new research gets."""

    opens_on = _month_day(_("the campaign opens on"), "01-15")
    statuses = models.JSONField(
        _("JVs researched"),
        default=list,
        help_text=_("The statuses of the JVs that get a research each year."),
    )
    due_on = _month_day(_("research due on"), "06-30")
    data_return_due_on = _month_day(_("data return due on"), "03-31")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign settings")
        verbose_name_plural = _("campaign settings")

    def __str__(self) -> str:
        return str(_("Annual research campaign"))

    def clean(self):
        errors = {}
        for name in ("opens_on", "due_on", "data_return_due_on"):
            try:
                parse_month_day(getattr(self, name))
            except (TypeError, ValueError):
                errors[name] = _("Give a month and day as MM-DD, such as 01-15 (not 29 February).")
        if not isinstance(self.statuses, list) or any(s not in VentureStatus.values for s in self.statuses):
            errors["statuses"] = _("Choose statuses from the list.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "CampaignSettings":
        """The one row (a migration makes it), else the defaults, unsaved."""
        row = cls.objects.order_by("pk").first()
        return row or cls(statuses=[VentureStatus.OPERATING])

    def day(self, name: str, year: int) -> datetime.date:
        month, day = parse_month_day(getattr(self, name))
        return datetime.date(year, month, day)


class ResearchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A research is seen by whoever sees its JV: HQ and leadership all, a representative those of
        the JVs where they serve (what HQ wrote stays out of their pages: see ``is_internal``)."""
        return self.filter(jv__in=JointVenture.objects.visible_to(user).values("pk"))

    def open(self):
        return self.filter(status__in=OPEN_RESEARCH_STATUSES)


class AnnualResearch(VersionedModel):
    """One JV's research for one year: planned and led by HQ, with the JV's data return for the year
    before, HQ's findings and recommendations, and leadership's acceptance.

    Findings, problems, recommendations, the team's notes and the files are HQ's and internal; the
    JV's representatives read the research's state, their data return and, once HQ shares it, the
    summary.
    """

    jv = models.ForeignKey(
        JointVenture, verbose_name=_("joint venture"), on_delete=models.PROTECT, related_name="research"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResearchStatus.choices, default=ResearchStatus.PLANNED
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_led",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="research_teams"
    )
    due_date = models.DateField(_("research due"))
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: opened by the yearly campaign."),
    )
    # The plan.
    scope = models.TextField(_("scope"), blank=True)
    questions = models.TextField(_("questions"), blank=True)
    starts_on = models.DateField(_("research starts"), null=True, blank=True)
    ends_on = models.DateField(_("research ends"), null=True, blank=True)
    meetings = models.ManyToManyField(
        "representatives.Meeting",
        verbose_name=_("research visits (JV meetings)"),
        blank=True,
        related_name="research",
    )
    # What HQ found (internal).
    findings = models.TextField(_("findings"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    # What the JV's representatives may read, once HQ shares it.
    shared_summary = models.TextField(_("summary for the JV"), blank=True)
    shared_at = models.DateTimeField(_("summary shared"), null=True, blank=True)
    # Leadership's acceptance.
    submitted_at = models.DateTimeField(_("submitted for acceptance"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted or returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("accepted or returned"), null=True, blank=True)
    decision_comment = models.TextField(_("leadership's comment"), blank=True)

    history = HistoricalRecords(m2m_fields=[team])
    objects = ResearchQuerySet.as_manager()

    constraint_error_fields = {"one_per_year": "year", "dates_in_order": "ends_on"}

    class Meta:
        ordering = ["-year", "jv__name"]
        verbose_name = _("annual research")
        verbose_name_plural = _("annual research")
        constraints = [
            models.UniqueConstraint(
                fields=["jv", "year"],
                name="research_one_per_jv_and_year",
                violation_error_code="one_per_year",
                violation_error_message=_("This joint venture's research for this year is open already."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="research_dates_in_order",
                violation_error_code="dates_in_order",
                violation_error_message=_("The research cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="research_year_status"),
            # The reminder sweep asks for research still open, by due date.
            models.Index(fields=["due_date"], name="research_due_date"),
        ]

    def __str__(self) -> str:
        return _("%(jv)s: research %(year)s") % {"jv": self.jv, "year": self.year}

    def get_absolute_url(self):
        return reverse("research:research_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RESEARCH_STATUSES

    @property
    def days_late(self) -> int:
        """Days past the due date, Beijing time, while the research is not accepted."""
        from django.utils import timezone

        return max((timezone.localdate() - self.due_date).days, 0) if self.is_open else 0

    @property
    def data_year(self) -> int:
        """The data return asks for the year before the research's."""
        return self.year - 1


def describe_accepted(accepted: dict | None) -> str:
    """A data return's ``accepted_figures`` as history shows it: which figures the JV's return set
    and which kept the figure already recorded although the return said otherwise (a figure both
    agree on is not worth a word)."""
    taken: dict[str, list[str]] = {FigureChoice.RETURNED: [], FigureChoice.RECORDED: []}
    accepted = accepted or {}
    # In the form's order: jsonb keeps its keys in an order of its own.
    for name in (name for name in DataReturn.FIGURE_FIELDS if name in accepted):
        figure = accepted[name]
        if figure.get("returned") == figure.get("recorded"):
            continue
        taken.setdefault(figure.get("kept"), []).append(str(DataReturn._meta.get_field(name).verbose_name))
    parts = []
    if taken[FigureChoice.RETURNED]:
        parts.append(_("from the return: %(figures)s") % {"figures": ", ".join(taken[FigureChoice.RETURNED])})
    if taken[FigureChoice.RECORDED]:
        parts.append(
            _("kept as recorded: %(figures)s") % {"figures": ", ".join(taken[FigureChoice.RECORDED])}
        )
    return "; ".join(parts)


class DataReturn(VersionedModel):
    """The JV's answer to HQ's data request for its research: last year's figures (the fields of
    ``AnnualIndicators``), its plans and intentions, its difficulties, and what it wants from the
    group (``wishes``). Its representatives in post fill and submit it; HQ returns it with comments
    or accepts it, and on acceptance the figures become that year's ``AnnualIndicators``."""

    research = models.OneToOneField(
        AnnualResearch, verbose_name=_("research"), on_delete=models.CASCADE, related_name="data_return"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    due_date = models.DateField(_("data return due"))
    revenue = indicator_field("revenue", null=True, blank=True)
    net_profit = indicator_field("net_profit", null=True, blank=True)
    tax_paid = indicator_field("tax_paid", null=True, blank=True)
    dividends_declared = indicator_field("dividends_declared", null=True, blank=True)
    dividends_received = indicator_field("dividends_received", null=True, blank=True)
    new_investment = indicator_field("new_investment", null=True, blank=True)
    headcount = indicator_field("headcount", null=True, blank=True)
    plans = models.TextField(_("development plans"), blank=True)
    investment_intentions = models.TextField(_("investment intentions"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comments = models.TextField(_("HQ's comments"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # On acceptance: for each figure, the value returned, the one on record, and which one stands.
    accepted_figures = models.JSONField(_("figures accepted"), default=dict, blank=True, editable=False)

    history = HistoricalRecords()

    FIGURE_FIELDS = AnnualIndicators.FIGURE_FIELDS
    # How history shows the figures accepted (core.history).
    HISTORY_DISPLAY = {"accepted_figures": describe_accepted}

    class Meta:
        verbose_name = _("data return")
        verbose_name_plural = _("data returns")
        indexes = [
            # The reminder sweep asks for data returns still owed, by due date.
            models.Index(fields=["status", "due_date"], name="data_return_status_due"),
        ]

    def __str__(self) -> str:
        return _("Data return %(year)s of %(jv)s") % {"year": self.research.data_year, "jv": self.research.jv}

    def get_absolute_url(self):
        return f"{self.research.get_absolute_url()}#data-return"

    @property
    def is_owed(self) -> bool:
        return self.status in OWED_RETURN_STATUSES

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in self.FIGURE_FIELDS}

    def missing_figures(self) -> list[str]:
        return [name for name, value in self.figures().items() if value is None]


class Wish(models.Model):
    """One thing the JV wants from the group, written in its data return; HQ or the JV's
    representative raises it as a demand (source: the annual research) in one step."""

    data_return = models.ForeignKey(
        DataReturn, verbose_name=_("data return"), on_delete=models.CASCADE, related_name="wishes"
    )
    title = models.CharField(_("what the JV wants"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    demand = models.OneToOneField(
        "demands.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_wish",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self):
        return f"{self.data_return.research.get_absolute_url()}#data-return"


class Recommendation(VersionedModel):
    """A recommendation of the research, tracked as work: an owner at HQ and a due date; turned into
    a demand in one step, it then follows the demand."""

    research = models.ForeignKey(
        AnnualResearch, verbose_name=_("research"), on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_recommendations",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN
    )
    demand = models.OneToOneField(
        "demands.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_recommendation",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["research", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self):
        return f"{self.research.get_absolute_url()}#recommendation-{self.pk}"


class ResearchAttachment(Attachment):
    """The research's report and working papers (HQ's, internal)."""

    research = models.ForeignKey(
        AnnualResearch, verbose_name=_("research"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(Attachment.Meta):
        verbose_name = _("research file")
        verbose_name_plural = _("research files")

    def upload_folder(self) -> str:
        return f"research/{self.research_id}"

    def get_absolute_url(self):
        return reverse("research:research_file", args=[self.research_id, self.pk])

"""Development demands raised by JVs, their timeline, attachments, SLA policies and routing."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Department
from core.models import Attachment, ChoiceLabelsMixin, VersionedModel
from core.roles import sees_all_ventures
from ventures.models import JointVenture, in_visible_ventures

from .choices import (
    ACKNOWLEDGE_PHASE,
    OPEN_STATUSES,
    PRIORITY_RANK,
    RESOLVE_PHASE,
    Category,
    Phase,
    Priority,
    Rung,
    Source,
    Status,
    UpdateKind,
    Visibility,
)


class SLAPolicy(VersionedModel):
    """Working days to acknowledge and to resolve a demand of one priority (and category, if set).

    A policy with a category beats the one without for demands of that category. Deadlines are
    computed from the policy when a demand is raised and when its priority changes; editing a
    policy moves no existing deadline.
    """

    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    category = models.CharField(
        _("category"),
        max_length=16,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty: every category without a policy of its own."),
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("working days to acknowledge"), validators=[MinValueValidator(1)]
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("working days to resolve"), validators=[MinValueValidator(1)]
    )
    warning_days = models.PositiveSmallIntegerField(
        _("working days of warning before a deadline"),
        default=1,
        help_text=_("The owner is warned this many working days before each deadline; 0 for no warning."),
    )
    escalation_interval_days = models.PositiveSmallIntegerField(
        _("working days between escalation steps"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_(
            "When a deadline passes the owner is told; after this many more working days the "
            "department head; after as many again, leadership."
        ),
    )

    history = HistoricalRecords()
    constraint_error_fields = {"resolve_after_acknowledge": "resolve_days", "unique_scope": "category"}

    class Meta:
        ordering = ["priority", "category"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "category"],
                name="slapolicy_unique_scope",
                violation_error_code="unique_scope",
                violation_error_message=_("A policy for this priority and category already exists."),
            ),
            models.CheckConstraint(
                condition=Q(resolve_days__gte=models.F("acknowledge_days")),
                name="slapolicy_resolve_after_acknowledge",
                violation_error_code="resolve_after_acknowledge",
                violation_error_message=_("Resolving cannot take fewer working days than acknowledging."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.get_category_display() if self.category else _("any category")
        return f"{self.get_priority_display()} · {scope}"


class RoutingRule(VersionedModel):
    """Which department (and optionally which person) gets a new demand of a category.

    A rule for one JV beats the rule for every JV; without a rule the JV's responsible
    department gets the demand.
    """

    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    jv = models.ForeignKey(
        JointVenture,
        verbose_name=_("joint venture"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every joint venture without a rule of its own."),
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: the person in the department who takes these demands."),
    )

    history = HistoricalRecords()
    constraint_error_fields = {"unique_scope": "category"}

    class Meta:
        ordering = ["category", "jv"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(jv__isnull=True),
                name="routingrule_unique_default",
                violation_error_code="unique_scope",
                violation_error_message=_("This category already has a default rule."),
            ),
            models.UniqueConstraint(
                fields=["category", "jv"],
                condition=Q(jv__isnull=False),
                name="routingrule_unique_per_jv",
                violation_error_code="unique_scope",
                violation_error_message=_("This category already has a rule for this joint venture."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.jv if self.jv_id else _("every joint venture")
        return f"{self.get_category_display()} · {scope} → {self.department}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.owner_id and self.department_id and self.owner.department_id != self.department_id:
            raise ValidationError({"owner": _("The owner must belong to the chosen department.")})


class DemandQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Demands of the JVs the user may see: all for HQ and leadership, own JVs for a representative."""
        return in_visible_ventures(self, user)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))

    def due_this_week(self, now=None):
        return self.filter(due_this_week_q(now))


def priority_rank():
    """Urgent 0 … low 3: the list's "sort by priority", and the expression its index holds."""
    return models.Case(
        *[models.When(priority=value, then=models.Value(rank)) for value, rank in PRIORITY_RANK.items()],
        output_field=models.IntegerField(),
    )


def overdue_q(now=None) -> Q:
    """A running deadline that has passed."""
    return Q(due_at__lt=now or timezone.now())


def escalated_q() -> Q:
    """An open demand that climbed at least one rung of its escalation ladder."""
    return Q(escalation_level__gt=0, status__in=OPEN_STATUSES)


def within_sla_q() -> Q:
    """A resolved demand whose resolution came by its SLA's resolve-by moment."""
    return Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_by"))


def due_this_week_q(now=None) -> Q:
    """A running deadline still ahead that falls before the week ends (Sunday midnight, Beijing
    time). The one meaning of "due this week": the home panel counts it, the list filters by it."""
    from core.workdays import local_zone

    now = now or timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    week_end = datetime.datetime.combine(
        today + datetime.timedelta(days=7 - today.weekday()), datetime.time.min, tzinfo=local_zone()
    )
    return Q(due_at__gte=now, due_at__lt=week_end)


def reference_of(pk: int | None) -> str:
    """A demand's reference as people quote it, "D-00042", from its id."""
    return f"D-{pk:05d}" if pk else "D-?"


class Demand(VersionedModel):
    """A development demand a JV raised: routed to a department, worked to working-day deadlines.

    ``due_at`` is the deadline the clock is running against now (acknowledge-by while submitted,
    resolve-by while accepted or in progress) and empty otherwise, so lists and the sweep ask one
    indexed column; ``warn_at`` is when the owner is warned before it.
    """

    # No index of its own: "demand_jv_status" and "demand_jv_newest" start with it and serve every
    # lookup by JV (one index fewer for every write to take).
    jv = models.ForeignKey(
        JointVenture,
        verbose_name=_("joint venture"),
        on_delete=models.PROTECT,
        related_name="demands",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.DIRECT)
    source_note = models.CharField(
        _("source details"),
        max_length=200,
        blank=True,
        help_text=_("Which report, visit or symposium, if any."),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_demands",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    sla_policy = models.ForeignKey(
        SLAPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    acknowledge_by = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("resolve clock started"), default=timezone.now, help_text=_("Submission, or the last reopening.")
    )
    resolve_by = models.DateTimeField(_("resolve by"))
    on_hold_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    held_days = models.PositiveIntegerField(
        _("working days on hold"),
        default=0,
        help_text=_("Since the resolve clock started; added to resolve-by."),
    )
    held_days_total = models.PositiveIntegerField(_("working days on hold in all"), default=0)
    # Stored when the step is taken (demands/durations.py) so the SLA report aggregates columns.
    acknowledge_working_days = models.IntegerField(
        _("working days taken to acknowledge"), null=True, blank=True, editable=False
    )
    resolve_working_days = models.PositiveIntegerField(
        _("working days taken to resolve"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("From submission, without the days on hold."),
    )
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    # When the deadline sweep next has something to say about this demand: after the warning, the
    # deadline, then each escalation rung's moment. Empty until the sweep first looks (it looks
    # from ``warn_at``) and again once the ladder's top is told. The sweep moves it on, so a run
    # reads only the demands with something due (the two indexes below).
    alert_at = models.DateTimeField(_("next deadline alert"), null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=Rung.choices, default=Rung.NONE
    )

    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    rating_due_at = models.DateTimeField(
        _("closes unrated at"),
        null=True,
        blank=True,
        help_text=_("Closed on its own then if nobody rates it."),
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.TextField(_("comment on the resolution"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    history = HistoricalRecords(excluded_fields=["warn_at", "alert_at"])
    objects = DemandQuerySet.as_manager()
    constraint_error_fields = {
        "satisfaction_range": "satisfaction",
        "rejection_needs_reason": "rejection_reason",
        "resolution_needed": "resolution",
    }
    HISTORY_LABEL_FIELDS = ("title",)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="demand_satisfaction_range",
                violation_error_code="satisfaction_range",
                violation_error_message=_("Satisfaction is rated from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REJECTED) | ~Q(rejection_reason=""),
                name="demand_rejection_needs_reason",
                violation_error_code="rejection_needs_reason",
                violation_error_message=_("Say why the demand is rejected."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.RESOLVED, Status.CLOSED]) | ~Q(resolution=""),
                name="demand_resolution_needed",
                violation_error_code="resolution_needed",
                violation_error_message=_("Describe how the demand was resolved."),
            ),
        ]
        indexes = [
            # The deadline sweep asks for the demands whose next step has come (a no-op run reads
            # nothing): those it told before by ``alert_at``, the ladders it never looked at by
            # their warning time.
            models.Index(fields=["alert_at"], name="demand_alert_at", condition=Q(alert_at__isnull=False)),
            models.Index(
                fields=["warn_at"],
                name="demand_warn_at",
                condition=Q(due_at__isnull=False, alert_at__isnull=True, escalation_level__lt=3),
            ),
            # Lists sort (with the id as tie-break) and filter on the running deadline: "overdue"
            # is a range on it.
            models.Index(fields=["due_at", "id"], name="demand_due_at"),
            # The auto-close sweep asks for resolved demands nobody rated in time.
            models.Index(
                fields=["rating_due_at"], name="demand_rating_due", condition=Q(status=Status.RESOLVED)
            ),
            models.Index(fields=["jv", "status"], name="demand_jv_status"),
            # The SLA report (demands.selectors.demand_report) reads every column it aggregates
            # from this index alone (an index-only scan of a tenth of the table, not the table),
            # by year as a range on its key (the columns included on PostgreSQL only).
            models.Index(
                fields=["submitted_at"],
                include=[
                    "id",
                    "jv",
                    "department",
                    "category",
                    "status",
                    "resolved_at",
                    "resolve_by",
                    "satisfaction",
                    "acknowledge_working_days",
                    "resolve_working_days",
                ],
                name="demand_report",
            ),
            # The default sort of every list (newest first), unfiltered: the first page reads 25
            # index entries instead of sorting the table (docs/performance.md).
            models.Index(fields=["-submitted_at", "-id"], name="demand_newest"),
            # The same sort under a status filter, and within one JV (the JV filter, the JV page,
            # a representative's few JVs).
            models.Index(fields=["status", "-submitted_at", "-id"], name="demand_status_newest"),
            models.Index(fields=["jv", "-submitted_at", "-id"], name="demand_jv_newest"),
            # Sort by priority, either way, the id breaking ties.
            models.Index(priority_rank(), "id", name="demand_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("demands:demand_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return reference_of(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def phase(self) -> str | None:
        """The deadline the clock runs against now, if any."""
        if self.status in ACKNOWLEDGE_PHASE:
            return Phase.ACKNOWLEDGE
        if self.status in RESOLVE_PHASE:
            return Phase.RESOLVE
        return None

    def is_overdue(self, now=None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())

    def is_due_soon(self, now=None) -> bool:
        now = now or timezone.now()
        return self.due_at is not None and self.warn_at is not None and self.warn_at <= now <= self.due_at

    @property
    def resolved_within_sla(self) -> bool | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at <= self.resolve_by


class DemandUpdateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """HQ and leadership read every entry; a representative reads the shared ones."""
        if sees_all_ventures(user):
            return self
        return self.filter(visibility=Visibility.SHARED)


class DemandUpdate(ChoiceLabelsMixin, models.Model):
    """One entry on a demand's timeline: a comment, a status change, an assignment, an escalation.

    Entries are never edited. ``key`` makes an entry a sweep writes (an escalation) unique, so a
    sweep that runs twice records it once.
    """

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UpdateKind.choices)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.SHARED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the portal's own scheduled jobs."),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    key = models.CharField(_("unique key"), max_length=200, null=True, blank=True, unique=True)

    objects = DemandUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        # The timeline's pages: one demand's entries by (created_at, id), read newest first and
        # cut by keyset, so the 40th page costs what the first does.
        indexes = [models.Index(fields=["demand", "created_at", "id"], name="demandupdate_timeline")]

    def __str__(self) -> str:
        return f"{self.demand.reference} {self.get_kind_display()}"


def attachment_path(instance, filename: str) -> str:
    """Kept for migration 0001, which names it; files are stored by ``core.models.Attachment`` now."""
    return f"demands/{instance.demand_id}/{uuid.uuid4().hex}{instance.extension}"


class DemandAttachment(Attachment):
    """A file attached to a demand, when it was raised or with a comment; downloads are access-checked."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="attachments"
    )
    update = models.ForeignKey(
        DemandUpdate,
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.SHARED
    )

    objects = DemandUpdateQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def upload_folder(self) -> str:
        return f"demands/{self.demand_id}"

    def get_absolute_url(self):
        return reverse("demands:attachment_download", args=[self.demand_id, self.pk])

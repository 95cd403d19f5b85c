"""High-level engagements: visits, meetings, calls and symposia with the JVs and their partners, the
partner people met there, the commitments made and the contact targets per strategic tier."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import Attachment, BilingualNameMixin, VersionedModel
from core.roles import sees_all_ventures
from demands.choices import OPEN_STATUSES as DEMAND_OPEN_STATUSES
from demands.choices import Status as DemandStatus
from ventures.choices import StrategicTier
from ventures.models import JointVenture, Party

from .choices import (
    OPEN_COMMITMENT_STATUSES,
    AttachmentPurpose,
    CommitmentStatus,
    CommittedBy,
    EngagementKind,
    EngagementStatus,
)


class Topic(BilingualNameMixin, VersionedModel):
    """A subject an engagement may touch on (a managed list, kept in the admin)."""

    name = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    active = models.BooleanField(_("offered in forms"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("engagement topic")
        verbose_name_plural = _("engagement topics")


class PartnerPersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People of the companies the user may see (a representative: the shareholders of their JVs)."""
        return self.filter(company__in=Party.objects.visible_to(user).values("pk"))


class PartnerPerson(VersionedModel):
    """Someone of a partner company the group's people meet, kept so later engagements reuse them."""

    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True)
    company = models.ForeignKey(
        Party, verbose_name=_("company"), on_delete=models.PROTECT, related_name="people"
    )

    history = HistoricalRecords()
    objects = PartnerPersonQuerySet.as_manager()

    class Meta:
        ordering = ["company__name", "name"]
        verbose_name = _("partner person")
        verbose_name_plural = _("partner people")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="partner_person_unique_per_company",
                violation_error_message=_("This person is in the directory already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class ContactTarget(VersionedModel):
    """How often the JVs of a strategic tier should see the group's leadership, in calendar days."""

    tier = models.CharField(_("strategic tier"), max_length=16, choices=StrategicTier.choices, unique=True)
    days = models.PositiveIntegerField(
        _("days between high-level contacts"),
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
        help_text=_(
            "Calendar days: a JV is past its target this many days after its last high-level contact."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["days"]
        verbose_name = _("contact target")
        verbose_name_plural = _("contact targets")

    def __str__(self) -> str:
        return _("%(tier)s: every %(days)s days") % {"tier": self.get_tier_display(), "days": self.days}


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """HQ and leadership see every engagement; a representative those that concern one of the JVs
        where they serve (and of those only their JVs' part: see the selectors)."""
        if sees_all_ventures(user):
            return self
        ventures = JointVenture.objects.visible_to(user).values("pk")
        return self.filter(
            pk__in=Engagement.ventures.through.objects.filter(jointventure__in=ventures).values(
                "engagement_id"
            )
        )

    def high_level(self):
        """Held engagements a member of the group's leadership attended."""
        return self.filter(status=EngagementStatus.HELD, high_level=True)


class Engagement(VersionedModel):
    """A visit, meeting, call or symposium with one or more JVs and their partners.

    ``high_level`` says whether a member of the group's leadership attends; the services set it from
    the attendees, so the contact cadence asks one indexed column. ``internal_notes`` are HQ's and
    never reach a representative's page, export or brief.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=EngagementKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EngagementStatus.choices, default=EngagementStatus.PLANNED
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    ventures = models.ManyToManyField(
        JointVenture, verbose_name=_("joint ventures"), related_name="engagements"
    )
    partners = models.ManyToManyField(
        Party, verbose_name=_("partner companies"), blank=True, related_name="engagements"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("our attendees"), blank=True, related_name="engagements"
    )
    partner_attendees = models.ManyToManyField(
        PartnerPerson, verbose_name=_("partner attendees"), blank=True, related_name="engagements"
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="engagements")
    summary = models.TextField(pgettext_lazy("engagement", "summary"), blank=True)
    internal_notes = models.TextField(_("HQ-internal notes"), blank=True)
    high_level = models.BooleanField(_("high-level"), default=False, editable=False)
    research = models.ForeignKey(
        "research.AnnualResearch",
        verbose_name=_("research visit of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
    )
    demands = models.ManyToManyField(
        "demands.Demand",
        verbose_name=_("demands raised there"),
        blank=True,
        related_name="engagements",
        help_text=_("Demands whose source is this visit or symposium."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(m2m_fields=[ventures, attendees, topics])
    objects = EngagementQuerySet.as_manager()

    constraint_error_fields = {"dates_in_order": "ends_on"}

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="engagement_dates_in_order",
                violation_error_code="dates_in_order",
                violation_error_message=_("The engagement cannot end before it starts."),
            ),
        ]
        indexes = [
            # The contact cadence asks for the latest held high-level engagement of each JV.
            models.Index(fields=["status", "high_level", "starts_on"], name="engagement_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("engagements:engagement_detail", args=[self.pk])


# How a demand's state shows on the commitment that became it.
FOLLOWS_DEMAND = {
    DemandStatus.SUBMITTED: CommitmentStatus.OPEN,
    DemandStatus.ACCEPTED: CommitmentStatus.OPEN,
    DemandStatus.IN_PROGRESS: CommitmentStatus.IN_PROGRESS,
    DemandStatus.ON_HOLD: CommitmentStatus.IN_PROGRESS,
    DemandStatus.RESOLVED: CommitmentStatus.DONE,
    DemandStatus.CLOSED: CommitmentStatus.DONE,
    DemandStatus.REJECTED: CommitmentStatus.DROPPED,
    DemandStatus.WITHDRAWN: CommitmentStatus.DROPPED,
}


def open_commitment_q(prefix: str = "") -> Q:
    """Work remains: a commitment still open or in progress, or the open demand it became."""
    return Q(**{f"{prefix}demand__isnull": True, f"{prefix}status__in": OPEN_COMMITMENT_STATUSES}) | Q(
        **{f"{prefix}demand__status__in": DEMAND_OPEN_STATUSES}
    )


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Commitments of the JVs the user may see (a representative's JVs only, even on a symposium
        shared with others)."""
        return self.filter(jv__in=JointVenture.objects.visible_to(user).values("pk"))

    def open(self):
        return self.filter(open_commitment_q())

    def tracked_here(self):
        """Open commitments whose deadline this app watches (a demand has its own deadlines)."""
        return self.filter(demand__isnull=True, status__in=OPEN_COMMITMENT_STATUSES, due_date__isnull=False)


class Commitment(VersionedModel):
    """Something the group or the partner committed to at an engagement, for one JV: tracked work with
    an owner and a due date. Turned into a demand it follows the demand's state (``current_status``)."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.CASCADE, related_name="commitments"
    )
    jv = models.ForeignKey(
        JointVenture, verbose_name=_("joint venture"), on_delete=models.PROTECT, related_name="commitments"
    )
    committed_by = models.CharField(
        _("committed by"), max_length=16, choices=CommittedBy.choices, default=CommittedBy.GROUP
    )
    text = models.TextField(_("commitment"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_commitments",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    drop_reason = models.CharField(_("why it was dropped"), max_length=500, blank=True)
    demand = models.OneToOneField(
        "demands.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitment",
    )

    history = HistoricalRecords()
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            # The reminder sweep asks for open commitments by due date.
            models.Index(fields=["status", "due_date"], name="commitment_status_due"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self):
        return f"{self.engagement.get_absolute_url()}#commitment-{self.pk}"

    @property
    def current_status(self) -> str:
        """The commitment's own status, or the state of the demand it became."""
        if self.demand_id:
            return FOLLOWS_DEMAND[self.demand.status]
        return self.status

    def get_current_status_display(self) -> str:
        return CommitmentStatus(self.current_status).label

    @property
    def is_open(self) -> bool:
        return self.current_status in OPEN_COMMITMENT_STATUSES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_open and not self.demand_id and self.due_date and self.due_date < today)


class EngagementAttachment(Attachment):
    """An engagement's agenda, minutes or photos."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=AttachmentPurpose.choices, default=AttachmentPurpose.OTHER
    )

    class Meta(Attachment.Meta):
        verbose_name = _("engagement file")
        verbose_name_plural = _("engagement files")

    def upload_folder(self) -> str:
        return f"engagements/{self.engagement_id}"

    def get_absolute_url(self):
        return reverse("engagements:engagement_file", args=[self.engagement_id, self.pk])

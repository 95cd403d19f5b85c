"""The governance loop: a JV meeting, its proposals, HQ's voting instruction and the vote cast."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Attachment, VersionedModel
from ventures.choices import ReservedMatter
from ventures.models import JointVenture, in_visible_ventures

from ..choices import (
    OPEN_INSTRUCTION_STATES,
    Decision,
    InstructionState,
    MeetingKind,
    MeetingStatus,
    Outcome,
    Vote,
    VoteCast,
)
from .people import Representative


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of the JVs the user may see."""
        return in_visible_ventures(self, user)

    def awaiting_instruction(self):
        """Scheduled meetings with at least one proposal HQ has not yet instructed."""
        return self.filter(status=MeetingStatus.SCHEDULED).filter(
            models.Exists(
                Proposal.objects.filter(
                    meeting=models.OuterRef("pk"), instruction_state__in=OPEN_INSTRUCTION_STATES
                )
            )
        )


class Meeting(VersionedModel):
    """A JV board, shareholders' or supervisors' meeting a representative attends for the group.

    ``instruction_due_at`` is counted back in working days from the meeting (fewer on the urgent
    path for a short-notice meeting): HQ's instructions on every proposal it must decide are due
    by then. ``instruction_escalation`` records that the missed deadline was escalated.
    """

    jv = models.ForeignKey(
        JointVenture, verbose_name=_("joint venture"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    meeting_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    representative = models.ForeignKey(
        Representative,
        verbose_name=_("attending representative"),
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=_("Who attends for the group, asks for the instructions and reports the votes."),
    )
    short_notice = models.BooleanField(
        _("short notice"),
        default=False,
        help_text=_("The meeting was called too late for the usual instruction deadline (urgent path)."),
    )
    short_notice_reason = models.CharField(_("why at short notice"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    instruction_due_at = models.DateTimeField(_("instructions due"))
    instruction_warn_at = models.DateTimeField(_("instruction warning"))
    instruction_escalation = models.PositiveSmallIntegerField(_("escalated"), default=0, editable=False)
    outcome_summary = models.TextField(_("outcome"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()
    HISTORY_LABEL_FIELDS = ("jv", "title")

    class Meta:
        ordering = ["meeting_at", "pk"]
        verbose_name = _("JV meeting")
        verbose_name_plural = _("JV meetings")
        indexes = [
            # The instruction sweep asks for scheduled meetings whose warning time has come.
            models.Index(fields=["status", "instruction_warn_at"], name="meeting_status_warn"),
            models.Index(fields=["jv", "meeting_at"], name="meeting_jv_date"),
            # The meeting list, newest first (read backwards) or the next ones first, id breaking ties.
            models.Index(fields=["meeting_at", "id"], name="meeting_date"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self):
        return reverse("representatives:meeting_detail", args=[self.pk])


class Proposal(VersionedModel):
    """One item a JV meeting decides, with HQ's instruction (when needed) and the vote cast.

    ``decision`` says who decides the group's vote. A proposal whose ``matter`` is among the JV's
    reserved matters always needs HQ's instruction. A ``major`` instruction needs leadership's
    approval before it is issued to the representative.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="proposals"
    )
    number = models.PositiveSmallIntegerField(_("item"))
    title = models.CharField(_("proposal"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    matter = models.CharField(
        _("kind of matter"),
        max_length=32,
        choices=ReservedMatter.choices,
        blank=True,
        help_text=_("Leave empty for an ordinary matter."),
    )
    decision = models.CharField(_("who decides"), max_length=16, choices=Decision.choices)
    decision_reason = models.CharField(_("why"), max_length=300, blank=True)
    reserved = models.BooleanField(
        _("reserved matter"),
        default=False,
        editable=False,
        help_text=_("The matter was among the JV's reserved matters when the proposal was classified."),
    )
    major = models.BooleanField(
        _("major matter"), default=False, help_text=_("The instruction needs leadership's approval.")
    )
    instruction_state = models.CharField(
        _("instruction"), max_length=24, choices=InstructionState.choices, default=InstructionState.NOT_NEEDED
    )
    instruction_vote = models.CharField(_("instructed vote"), max_length=16, choices=Vote.choices, blank=True)
    instruction_note = models.TextField(_("instruction note"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approval_note = models.CharField(_("leadership's note"), max_length=500, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    vote_cast = models.CharField(_("vote cast"), max_length=16, choices=VoteCast.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    deviates = models.BooleanField(_("differs from the instruction"), default=False)
    deviation_explanation = models.TextField(_("why the vote differs"), blank=True)
    vote_recorded_at = models.DateTimeField(_("vote recorded"), null=True, blank=True)

    history = HistoricalRecords()
    HISTORY_LABEL_FIELDS = ("meeting", "title")

    class Meta:
        ordering = ["meeting", "number", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="proposal_unique_number",
                violation_error_message=_("The meeting already has an item with this number."),
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.REPRESENTATIVE)
                | Q(instruction_state=InstructionState.NOT_NEEDED),
                name="proposal_instruction_only_for_hq",
                violation_error_message=_("Only a proposal HQ decides carries an instruction."),
            ),
            models.CheckConstraint(
                condition=Q(deviates=False) | ~Q(deviation_explanation=""),
                name="proposal_deviation_explained",
                violation_error_code="deviation_unexplained",
                violation_error_message=_("Explain why the vote differs from HQ's instruction."),
            ),
        ]
        indexes = [models.Index(fields=["instruction_state"], name="proposal_instruction_state")]

    constraint_error_fields = {"deviation_unexplained": "deviation_explanation"}

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#proposal-{self.number}"

    @property
    def reason_display(self) -> str:
        """Why HQ decides (or not), in the reader's language."""
        if self.reserved:
            return _("%(matter)s is a reserved matter of this joint venture.") % {
                "matter": self.get_matter_display()
            }
        return self.decision_reason

    @property
    def needs_instruction(self) -> bool:
        return self.decision == Decision.HQ

    @property
    def instruction_issued(self) -> bool:
        return self.instruction_state == InstructionState.ISSUED


class MeetingAttachment(Attachment):
    """The meeting's materials (before) or its minutes (after)."""

    class Purpose(models.TextChoices):
        MATERIALS = "materials", _("Materials")
        MINUTES = "minutes", _("Minutes")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)

    class Meta(Attachment.Meta):
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")

    def upload_folder(self) -> str:
        return f"meetings/{self.meeting_id}"

    def get_absolute_url(self):
        return reverse("representatives:meeting_file", args=[self.meeting_id, self.pk])

"""The fixed vocabularies of high-level engagements and their commitments."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EngagementKind(models.TextChoices):
    JV_VISIT = "jv_visit", _("Visit to the JV")
    PARTNER_VISIT = "partner_visit", _("Visit to the partner's headquarters")
    RECEPTION = "reception", _("Reception at the group")
    MEETING = "meeting", pgettext_lazy("engagement", "Meeting")
    CALL = "call", _("Call or video meeting")
    SYMPOSIUM = "symposium", _("Symposium")


class EngagementStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("engagement", "Planned")
    HELD = "held", pgettext_lazy("engagement", "Held")
    CANCELLED = "cancelled", pgettext_lazy("engagement", "Cancelled")


class CommittedBy(models.TextChoices):
    GROUP = "group", _("The group")
    PARTNER = "partner", _("The partner")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("commitment", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("commitment", "In progress")
    DONE = "done", pgettext_lazy("commitment", "Done")
    DROPPED = "dropped", pgettext_lazy("commitment", "Dropped")


# Work remains on a commitment in these states.
OPEN_COMMITMENT_STATUSES = (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS)


class AttachmentPurpose(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    MINUTES = "minutes", _("Minutes")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")

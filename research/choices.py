"""The states of a JV's annual research and of its data return."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ResearchStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("research", "In progress")
    SUBMITTED = "submitted", pgettext_lazy("research", "Submitted for acceptance")
    RETURNED = "returned", pgettext_lazy("research", "Returned for revision")
    ACCEPTED = "accepted", pgettext_lazy("research", "Accepted")


# A research that is not accepted yet is still owed.
OPEN_RESEARCH_STATUSES = (
    ResearchStatus.PLANNED,
    ResearchStatus.IN_PROGRESS,
    ResearchStatus.SUBMITTED,
    ResearchStatus.RETURNED,
)


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("data return", "Not submitted yet")
    SUBMITTED = "submitted", pgettext_lazy("data return", "Submitted")
    RETURNED = "returned", pgettext_lazy("data return", "Returned with comments")
    ACCEPTED = "accepted", pgettext_lazy("data return", "Accepted")


# The JV's representatives still owe a data return in these states.
OWED_RETURN_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)


class RecommendationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recommendation", "Open")
    DONE = "done", pgettext_lazy("recommendation", "Done")
    DROPPED = "dropped", pgettext_lazy("recommendation", "Dropped")


class FigureChoice(models.TextChoices):
    """For a figure a data return and the JV's record both hold, which one stands."""

    RETURNED = "returned", _("Take the JV's figure")
    RECORDED = "recorded", _("Keep the recorded figure")

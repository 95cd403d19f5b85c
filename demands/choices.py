"""The fixed vocabularies of development demands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MARKET = "market", _("Market expansion")
    POLICY = "policy", _("Policy support")
    RESEARCH = "research", _("Research resources")
    FINANCING = "financing", _("Financing")
    LAND = "land", _("Land and permits")
    TALENT = "talent", _("Talent and services")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    # Declared from the most to the least pressing; RANK sorts by it.
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


PRIORITY_RANK = {value: rank for rank, value in enumerate(Priority.values)}


class Source(models.TextChoices):
    DIRECT = "direct", _("Raised directly")
    REPORT = "report", _("A representative's report")
    ENGAGEMENT = "engagement", _("A visit or meeting")
    SYMPOSIUM = "symposium", _("A symposium")
    RESEARCH = "research", _("The annual research")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold, waiting for the JV")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Work remains: these count as open in lists, the JV page and the reports.
OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD)
# The clock runs: waiting for HQ to acknowledge, or to resolve.
ACKNOWLEDGE_PHASE = (Status.SUBMITTED,)
RESOLVE_PHASE = (Status.ACCEPTED, Status.IN_PROGRESS)
TERMINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN)


class Phase(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    RESOLVE = "resolve", _("Resolve")


class UpdateKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    COMMENT = "comment", _("Comment")
    STATUS = "status", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")
    PRIORITY = "priority", _("Priority change")
    ESCALATION = "escalation", _("Escalation")
    ATTACHMENT = "attachment", _("Attachment")
    RATING = "rating", _("Satisfaction rating")
    EDIT = "edit", _("Details edited")


class Visibility(models.TextChoices):
    SHARED = "shared", _("Shared with the representative")
    INTERNAL = "internal", _("Internal to HQ")


class Rung(models.IntegerChoices):
    """The escalation ladder: who is told when a deadline passes, one rung per interval."""

    NONE = 0, _("Not escalated")
    OWNER = 1, _("Owner")
    DEPARTMENT_HEAD = 2, _("Department head")
    LEADERSHIP = 3, _("Leadership")


SATISFACTION_CHOICES = [
    (5, _("5 · Very satisfied")),
    (4, _("4 · Satisfied")),
    (3, _("3 · Neutral")),
    (2, _("2 · Dissatisfied")),
    (1, _("1 · Very dissatisfied")),
]

"""Choices of the representatives app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SeatRole(models.TextChoices):
    """The seat a representative holds in a JV."""

    CHAIRMAN = "chairman", _("Chairman")
    VICE_CHAIRMAN = "vice_chairman", _("Vice chairman")
    DIRECTOR = "director", _("Director")
    SUPERVISORY_CHAIR = "supervisory_chair", _("Chairman of the supervisory board")
    SUPERVISOR = "supervisor", _("Supervisor")
    GENERAL_MANAGER = "general_manager", _("General manager")
    DEPUTY_GENERAL_MANAGER = "deputy_general_manager", _("Deputy general manager")
    CFO = "cfo", _("Chief financial officer")
    EQUITY_REPRESENTATIVE = "equity_representative", _("Equity representative")


class MeetingKind(models.TextChoices):
    BOARD = "board", _("Board of directors")
    SHAREHOLDERS = "shareholders", _("Shareholders' meeting")
    SUPERVISORS = "supervisors", _("Board of supervisors")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held, outcome recorded")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    """Who decides how the group votes on a proposal."""

    REPRESENTATIVE = "representative", _("The representative may decide")
    HQ = "hq", _("HQ must instruct")


class InstructionState(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Waiting for HQ")
    DRAFTED = "drafted", _("Drafted")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting leadership approval")
    ISSUED = "issued", _("Issued")


# The instruction states in which HQ still owes the representative an instruction.
OPEN_INSTRUCTION_STATES = (
    InstructionState.PENDING,
    InstructionState.DRAFTED,
    InstructionState.AWAITING_APPROVAL,
)


class Vote(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class VoteCast(models.TextChoices):
    """What the representative did at the meeting (absence is a vote not cast)."""

    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")
    ABSENT = "absent", _("Did not vote")


class Outcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    REJECTED = "rejected", pgettext_lazy("result of a vote", "Rejected")
    DEFERRED = "deferred", _("Deferred or withdrawn")


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly work report")
    MAJOR = "major", _("Major-matter report")
    ANNUAL = "annual", _("Annual duty report")


class MajorClass(models.TextChoices):
    """How HQ must treat a major-matter report."""

    APPROVAL = "approval", _("Needs HQ approval")
    TIME_LIMITED = "time_limited", _("Report within a time limit")
    RECORD = "record", _("File for the record")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


# A report the representative still owes.
OWED_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportEntryKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    COMMENT = "comment", _("Comment")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")

"""The state machines of the governance loop, reports and evaluations (``core.workflow`` tables):
which move takes an instruction, a report or an evaluation from which state to which, and who may
make it (``permissions``). The services ``require`` and ``move`` through them; the pages ask them
what to offer.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.workflow import Transition, Workflow

from . import permissions
from .choices import OWED_REPORT_STATUSES, EvaluationStatus, InstructionState, ReportStatus


def _issued_or_to_leadership(proposal) -> str:
    """An instruction on a major matter goes to leadership first; any other to the representative."""
    return InstructionState.AWAITING_APPROVAL if proposal.major else InstructionState.ISSUED


# An HQ matter's instruction: HQ drafts and issues it; leadership approves a major one or returns it.
INSTRUCTION = Workflow(
    "instruction_state",
    [
        Transition(
            "draft",
            _("Draft the instruction"),
            (InstructionState.PENDING, InstructionState.DRAFTED),
            InstructionState.DRAFTED,
            permissions.hq_before_the_meeting,
        ),
        Transition(
            "issue",
            _("Issue"),
            (InstructionState.DRAFTED,),
            _issued_or_to_leadership,
            permissions.hq_before_the_meeting,
        ),
        Transition(
            "approve",
            _("Approve"),
            (InstructionState.AWAITING_APPROVAL,),
            InstructionState.ISSUED,
            permissions.leadership_before_the_meeting,
        ),
        Transition(
            "return",
            _("Return to HQ"),
            (InstructionState.AWAITING_APPROVAL,),
            InstructionState.DRAFTED,
            permissions.leadership_before_the_meeting,
        ),
    ],
)

# A report: its representative drafts and submits it; HQ returns it for revision or acknowledges it.
REPORT = Workflow(
    "status",
    [
        # Writing, attaching and refreshing the figures keep the state: the report is still owed.
        Transition("edit", _("Edit"), OWED_REPORT_STATUSES, None, permissions.is_report_owner),
        Transition(
            "submit", _("Submit"), OWED_REPORT_STATUSES, ReportStatus.SUBMITTED, permissions.is_report_owner
        ),
        Transition(
            "return",
            _("Return for revision"),
            (ReportStatus.SUBMITTED,),
            ReportStatus.RETURNED,
            permissions.reviews_reports,
        ),
        Transition(
            "acknowledge",
            pgettext_lazy("a report", "Acknowledge"),
            (ReportStatus.SUBMITTED,),
            ReportStatus.ACKNOWLEDGED,
            permissions.reviews_reports,
        ),
    ],
)

# An evaluation: HQ drafts it and publishes it to the representative; a published one is final.
EVALUATION = Workflow(
    "status",
    [
        Transition("edit", _("Edit"), (EvaluationStatus.DRAFT,), None, permissions.evaluates),
        Transition(
            "publish",
            _("Publish"),
            (EvaluationStatus.DRAFT,),
            EvaluationStatus.PUBLISHED,
            permissions.evaluates,
        ),
    ],
)


# The questions the pages and services ask most, by name.
def can_instruct(user, proposal, now=None) -> bool:
    """HQ may draft (or revise) the proposal's instruction now."""
    return INSTRUCTION.can("draft", user, proposal, now=now)


def can_approve(user, proposal, now=None) -> bool:
    """Leadership may approve (or return) the proposal's instruction now."""
    return INSTRUCTION.can("approve", user, proposal, now=now)


def can_edit_report(user, report) -> bool:
    """The report's representative may write (and submit) it while it is owed."""
    return REPORT.can("edit", user, report)


def can_review_report(user, report) -> bool:
    """HQ may return or acknowledge the report now."""
    return REPORT.can("acknowledge", user, report)


def can_edit_evaluation(user, evaluation) -> bool:
    return EVALUATION.can("edit", user, evaluation)

"""The demand's state machine (a ``core.workflow`` table): which action moves which status to which,
and who may take it. Services apply these (``services.demand_transition``); views list the ones a
viewer may take.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow

from . import permissions
from .choices import OPEN_STATUSES, Status


@dataclass(frozen=True)
class Action(Transition):
    """A demand's move, with what its page asks for: a note, a button style, a warning."""

    note_label: object = ""
    note_required: bool = False
    style: str = "outline-primary"
    confirm: object = ""


def _handler(user, demand, now=None) -> bool:
    return permissions.is_handler(user, demand)


def _raiser(user, demand, now=None) -> bool:
    return demand.raised_by_id == user.pk


def _handler_or_jv(user, demand, now=None) -> bool:
    return permissions.is_handler(user, demand) or permissions.is_jv_side(user, demand)


WORKFLOW = Workflow(
    "status",
    [
        Action(
            "accept",
            _("Accept"),
            (Status.SUBMITTED,),
            Status.ACCEPTED,
            _handler,
            _("Message to the JV (optional)"),
            style="primary",
        ),
        Action(
            "start",
            _("Start work"),
            (Status.ACCEPTED,),
            Status.IN_PROGRESS,
            _handler,
            _("Message to the JV (optional)"),
            style="primary",
        ),
        Action(
            "hold",
            _("Put on hold"),
            (Status.ACCEPTED, Status.IN_PROGRESS),
            Status.ON_HOLD,
            _handler,
            _("What the JV needs to provide"),
            note_required=True,
            confirm=_("The resolve clock stops until work resumes."),
        ),
        Action(
            "resume",
            _("Resume"),
            (Status.ON_HOLD,),
            Status.IN_PROGRESS,
            _handler_or_jv,
            _("What was provided (optional)"),
            style="primary",
            confirm=_("The resolve clock starts again; the days on hold are added to the deadline."),
        ),
        Action(
            "resolve",
            _("Resolve"),
            (Status.ACCEPTED, Status.IN_PROGRESS),
            Status.RESOLVED,
            _handler,
            _("How the demand was resolved"),
            note_required=True,
            style="success",
            confirm=_("The representative is then asked to rate their satisfaction."),
        ),
        Action(
            "reject",
            _("Reject"),
            (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD),
            Status.REJECTED,
            _handler,
            _("Reason for rejection"),
            note_required=True,
            style="outline-danger",
            confirm=_("A rejected demand cannot be reopened."),
        ),
        Action(
            "withdraw",
            _("Withdraw"),
            tuple(OPEN_STATUSES),
            Status.WITHDRAWN,
            _raiser,
            _("Why (optional)"),
            style="outline-danger",
            confirm=_("A withdrawn demand cannot be reopened."),
        ),
        Action(
            "reopen",
            _("Reopen"),
            (Status.RESOLVED,),
            Status.IN_PROGRESS,
            _handler_or_jv,
            _("What is still missing"),
            note_required=True,
            style="outline-warning",
            confirm=_("The resolve clock starts again from today."),
        ),
    ],
)
ACTIONS: dict[str, Action] = WORKFLOW.transitions


def actions_for(user, demand) -> list[Action]:
    """The actions ``user`` may take on ``demand`` in its current status."""
    return WORKFLOW.available(user, demand)

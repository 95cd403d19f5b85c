"""The state machines of an engagement and of a commitment (``core.workflow`` tables). Services
``require`` and ``move`` through them; pages ask them what to offer."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.workflow import Transition, Workflow

from . import permissions
from .choices import OPEN_COMMITMENT_STATUSES, CommitmentStatus, EngagementStatus

E, C = EngagementStatus, CommitmentStatus

# An engagement is planned, then held or cancelled; a cancelled one may be planned again. HQ edits it
# in any state (a held one's summary is written afterwards).
ENGAGEMENT = Workflow(
    "status",
    [
        Transition("edit", _("Edit"), tuple(E.values), None, permissions.can_edit),
        Transition("hold", _("Mark as held"), (E.PLANNED,), E.HELD, permissions.can_edit),
        Transition(
            "cancel", pgettext_lazy("engagement", "Cancel"), (E.PLANNED,), E.CANCELLED, permissions.can_edit
        ),
        Transition("replan", _("Plan again"), (E.CANCELLED,), E.PLANNED, permissions.can_edit),
    ],
)

# A commitment (until it becomes a demand: then it follows the demand).
COMMITMENT = Workflow(
    "status",
    [
        Transition(
            "start",
            pgettext_lazy("commitment", "Start"),
            (C.OPEN,),
            C.IN_PROGRESS,
            permissions.can_update_commitment,
        ),
        Transition(
            "done", _("Mark as done"), OPEN_COMMITMENT_STATUSES, C.DONE, permissions.can_update_commitment
        ),
        Transition("drop", _("Drop"), OPEN_COMMITMENT_STATUSES, C.DROPPED, permissions.can_update_commitment),
        Transition("reopen", _("Reopen"), (C.DONE, C.DROPPED), C.OPEN, permissions.can_update_commitment),
    ],
)

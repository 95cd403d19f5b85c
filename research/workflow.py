"""The state machines of the annual research and of the JV's data return (``core.workflow``
tables): which move goes from which state to which and who may make it. Services ``require`` and
``move`` through them; pages ask them what to offer."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.workflow import Transition, Workflow

from . import permissions
from .choices import OWED_RETURN_STATUSES, ResearchStatus, ReturnStatus

S, R = ResearchStatus, ReturnStatus

# The research: HQ plans and starts it, writes it up and submits it; leadership accepts it or
# returns it for revision. HQ edits it (and shares a summary) until it is accepted.
RESEARCH = Workflow(
    "status",
    [
        Transition(
            "edit", _("Edit"), (S.PLANNED, S.IN_PROGRESS, S.RETURNED), None, permissions.works_on_research
        ),
        Transition(
            "start", _("Start the research"), (S.PLANNED,), S.IN_PROGRESS, permissions.works_on_research
        ),
        Transition(
            "submit",
            _("Submit for acceptance"),
            (S.IN_PROGRESS, S.RETURNED),
            S.SUBMITTED,
            permissions.works_on_research,
        ),
        Transition(
            "accept",
            pgettext_lazy("research", "Accept"),
            (S.SUBMITTED,),
            S.ACCEPTED,
            permissions.accepts_research,
        ),
        Transition(
            "return", _("Return for revision"), (S.SUBMITTED,), S.RETURNED, permissions.accepts_research
        ),
        Transition(
            "share",
            _("Share a summary with the JV"),
            tuple(ResearchStatus.values),
            None,
            permissions.works_on_research,
        ),
    ],
)

# The data return: the JV's representatives fill and submit it; HQ returns it with comments or
# accepts it (its figures then become the year's indicators).
DATA_RETURN = Workflow(
    "status",
    [
        Transition("edit", _("Edit"), OWED_RETURN_STATUSES, None, permissions.fills_data_return),
        Transition(
            "submit", _("Submit to HQ"), OWED_RETURN_STATUSES, R.SUBMITTED, permissions.fills_data_return
        ),
        Transition(
            "return", _("Return with comments"), (R.SUBMITTED,), R.RETURNED, permissions.works_on_research
        ),
        Transition(
            "accept",
            pgettext_lazy("data return", "Accept"),
            (R.SUBMITTED,),
            R.ACCEPTED,
            permissions.works_on_research,
        ),
    ],
)

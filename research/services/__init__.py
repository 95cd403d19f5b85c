"""Writes of the annual research, one transaction each: the yearly campaign and research opened by
hand (``campaign``), the research record and its recommendations (``records``), the JV's data return
and its wishes (``returns``), the reminders and the daily job (``reminders``).

Each call locks the record through the actor's scope, checks the version the page showed and the
move against the workflow table (``workflow.py``), validates, saves with the actor in its history,
and tells the people concerned.
"""

from .campaign import campaign_open, lead_for, research_open
from .common import RECOMMENDATION_FIELDS, RESEARCH_FIELDS, RETURN_FIELDS
from .records import (
    recommendation_add,
    recommendation_to_demand,
    recommendation_update,
    research_attach,
    research_share_summary,
    research_transition,
    research_update,
)
from .reminders import research_daily, research_reminders_sweep
from .returns import (
    data_return_accept,
    data_return_return,
    data_return_submit,
    data_return_update,
    figure_differences,
    wish_to_demand,
)

__all__ = [
    "RECOMMENDATION_FIELDS",
    "RESEARCH_FIELDS",
    "RETURN_FIELDS",
    "campaign_open",
    "data_return_accept",
    "data_return_return",
    "data_return_submit",
    "data_return_update",
    "figure_differences",
    "lead_for",
    "recommendation_add",
    "recommendation_to_demand",
    "recommendation_update",
    "research_attach",
    "research_daily",
    "research_open",
    "research_reminders_sweep",
    "research_share_summary",
    "research_transition",
    "research_update",
    "wish_to_demand",
]

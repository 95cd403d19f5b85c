"""Who may do what in the annual research. Seeing a research at all is its ``visible_to`` (whoever
sees the JV); these rules apply on top. The states each move starts from are ``workflow.py``'s."""

from core.roles import can_edit_registry, is_leadership, sees_all_ventures
from representatives.permissions import holds_seat


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def works_on_research(user, research=None, now=None) -> bool:
    """HQ staff plan, write up and submit the research, and review the JV's data return."""
    return can_edit_registry(user)


def accepts_research(user, research=None, now=None) -> bool:
    """Leadership accepts the research (or returns it for revision)."""
    return _active(user) and (user.is_superuser or is_leadership(user))


def reads_internal(user) -> bool:
    """What HQ wrote (findings, problems, recommendations, files, notes) is for HQ and leadership."""
    return sees_all_ventures(user)


def fills_data_return(user, data_return, now=None) -> bool:
    """The JV's representatives in post answer the data request, while the research is open."""
    research = data_return.research
    return research.is_open and holds_seat(user, research.jv)


def can_open(user) -> bool:
    """HQ staff open a research by hand, for any JV."""
    return can_edit_registry(user)

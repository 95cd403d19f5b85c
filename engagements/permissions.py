"""Who may do what with engagements and commitments. Seeing an engagement at all is its
``visible_to``; these rules apply on top."""

from core.roles import can_edit_registry, is_leadership, is_representative, sees_all_ventures
from representatives.permissions import holds_seat


def reads_internal(user) -> bool:
    """HQ's internal notes are for HQ and leadership."""
    return sees_all_ventures(user)


def can_record(user) -> bool:
    """HQ records any engagement; a representative one for a JV where they serve."""
    return can_edit_registry(user) or is_representative(user)


def may_record_for(user, ventures) -> bool:
    """Whether ``user`` may record an engagement concerning ``ventures`` (all of them theirs)."""
    ventures = list(ventures)
    if not ventures:
        return False
    if can_edit_registry(user):
        return True
    return is_representative(user) and all(holds_seat(user, jv) for jv in ventures)


def can_edit(user, engagement=None, now=None) -> bool:
    """HQ keeps the engagement record."""
    return can_edit_registry(user)


def can_add_commitment(user, engagement, now=None) -> bool:
    """HQ, and a representative for an engagement that concerns one of their JVs."""
    if can_edit_registry(user):
        return True
    return is_representative(user) and any(holds_seat(user, jv) for jv in engagement.ventures.all())


def can_update_commitment(user, commitment, now=None) -> bool:
    """HQ, and the JV's representatives in post (their own JV's commitments)."""
    return can_edit_registry(user) or holds_seat(user, commitment.jv)


def can_raise_demand(user, commitment, now=None) -> bool:
    """One step turns a commitment into a demand: HQ, or the JV's representative, once."""
    return commitment.demand_id is None and can_update_commitment(user, commitment)


def is_leader(user) -> bool:
    return is_leadership(user)

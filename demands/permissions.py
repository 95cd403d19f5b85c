"""Who may do what to a demand. Seeing it at all is ``Demand.objects.visible_to``; these rules
apply on top, to a demand the user already sees."""

from core.roles import can_edit_registry, is_hq_staff, is_leadership, is_representative, sees_all_ventures

from .choices import Status


def can_raise(user) -> bool:
    """Representatives (for their own JVs) and HQ staff (on a JV's behalf)."""
    return is_representative(user) or can_edit_registry(user)


def is_handler(user, demand) -> bool:
    """HQ staff of the assigned department, its owner, or anyone in HQ while nobody is assigned."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not is_hq_staff(user):
        return False
    if demand.owner_id == user.pk:
        return True
    if demand.department_id is None:
        return True
    return user.department_id is not None and user.department_id == demand.department_id


def can_route(user, demand) -> bool:
    """Assign and prioritise: the handlers, and leadership (escalations reach them)."""
    return demand.is_open and (is_handler(user, demand) or is_leadership(user))


def is_jv_side(user, demand) -> bool:
    """A representative of the JV (asked of one who sees the demand, so serves there). HQ staff
    are never the JV's side, not even for a demand they raised on its behalf: they do not rate
    their own work."""
    return is_representative(user) and not sees_all_ventures(user)


def can_edit(user, demand) -> bool:
    if not demand.is_open:
        return False
    if demand.status == Status.SUBMITTED and demand.raised_by_id == user.pk:
        return True
    return is_handler(user, demand)


def can_comment_internally(user) -> bool:
    return sees_all_ventures(user)

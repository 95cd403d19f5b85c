"""The bell's unread count for every page."""

from .selectors import unread_count


def unread(request):
    """One indexed query, only for logged-in users."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"portal_unread": 0}
    return {"portal_unread": unread_count(user=user)}

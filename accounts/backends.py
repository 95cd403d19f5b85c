"""The portal's authentication backend."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F


class PortalModelBackend(ModelBackend):
    """Django's model backend; a user loaded for a request comes with the names of their role
    groups (``core.roles.roles_of``'s cache), which the session check (``User.privilege_fingerprint``)
    and every access rule of the request then share.

    The user and their groups are one query: the user's row joined to each of their groups (one
    row per group, a single row with no group for a user without one), where Django's backend
    reads the user and ``roles_of`` would read the groups after it."""

    def get_user(self, user_id):
        rows = list(
            get_user_model()
            ._default_manager.filter(pk=user_id)
            .annotate(_role_name=F("groups__name"))
            .order_by()
        )
        if not rows:
            return None
        user = rows[0]
        if not self.user_can_authenticate(user):
            return None
        # Only on this request's fresh object: a user object kept longer may hold stale roles.
        user._session_roles = user._portal_roles = frozenset(
            row._role_name for row in rows if row._role_name is not None
        )
        return user

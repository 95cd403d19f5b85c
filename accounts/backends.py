"""The portal's authentication backend."""

from django.contrib.auth.backends import ModelBackend


class PortalModelBackend(ModelBackend):
    """Django's model backend; a user loaded for a request comes with the names of their role
    groups (``core.roles.roles_of``'s cache), which the session check (``User.privilege_fingerprint``)
    and every access rule of the request then share: one query for both."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            # Only on this request's fresh object: a user object kept longer may hold stale roles.
            user._session_roles = user._portal_roles = frozenset(user.groups.values_list("name", flat=True))
        return user

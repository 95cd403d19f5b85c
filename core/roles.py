"""The portal's roles. Roles are Django groups; admins are staff users in the Django admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership")
    HQ_STAFF = "hq_staff", _("HQ staff")
    REPRESENTATIVE = "representative", _("Equity representative")


def roles_of(user) -> frozenset[str]:
    """Return the role names a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._portal_roles = cached
    return cached


def is_leadership(user) -> bool:
    return Role.LEADERSHIP in roles_of(user)


def is_hq_staff(user) -> bool:
    return Role.HQ_STAFF in roles_of(user)


def is_representative(user) -> bool:
    return Role.REPRESENTATIVE in roles_of(user)


def sees_all_ventures(user) -> bool:
    """Leadership, HQ staff and superusers see every JV."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or is_leadership(user) or is_hq_staff(user)


def can_edit_registry(user) -> bool:
    """Only HQ staff (and superusers) keep the JV registry."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or is_hq_staff(user)


def primary_role_label(user) -> str:
    """A short label for the top bar."""
    if not getattr(user, "is_authenticated", False):
        return ""
    for role in (Role.LEADERSHIP, Role.HQ_STAFF, Role.REPRESENTATIVE):
        if role in roles_of(user):
            return role.label
    if user.is_superuser:
        return str(_("Administrator"))
    return ""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and departments")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        post_migrate.connect(create_role_groups, sender=self)
        user_logged_in.connect(_two_factor_signed_in, dispatch_uid="accounts-two-factor-signed-in")


def _two_factor_signed_in(sender, request, user, **kwargs):
    """A sign-in notes whether the session owes a second factor (accounts.two_factor)."""
    from .two_factor import session_signed_in

    if request is not None and hasattr(request, "session"):
        session_signed_in(request, user)


def create_role_groups(sender=None, **kwargs):
    """Make sure the role groups exist: after migrate, and after a flush (tests, resets)."""
    from django.contrib.auth.models import Group

    from core.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)

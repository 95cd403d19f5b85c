from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    """django-axes under a name the admin shows in the reader's language."""

    verbose_name = _("Sign-in lock-outs")


class AccountsConfig(AppConfig):
    # The app's own configuration, beside AxesConfig above.
    default = True
    name = "accounts"
    verbose_name = _("Users and departments")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_migrate

        from . import security

        post_migrate.connect(create_role_groups, sender=self)
        user_logged_in.connect(security.on_logged_in, dispatch_uid="accounts-security-login")
        user_login_failed.connect(security.on_login_failed, dispatch_uid="accounts-security-login-failed")
        user_logged_out.connect(security.on_logged_out, dispatch_uid="accounts-security-logout")
        # Imported only now: importing axes.signals connects axes' own receivers, which must come
        # after the ones above (a failed sign-in is recorded before the lock-out it may cause).
        from axes.signals import user_locked_out

        user_locked_out.connect(security.on_locked_out, dispatch_uid="accounts-security-lockout")
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

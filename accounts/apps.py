from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and departments")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(create_role_groups, sender=self)


def create_role_groups(sender=None, **kwargs):
    """Make sure the role groups exist: after migrate, and after a flush (tests, resets)."""
    from django.contrib.auth.models import Group

    from core.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)

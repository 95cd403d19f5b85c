"""The Django admin's site: with ``PORTAL_2FA_REQUIRED_FOR_STAFF`` on, a staff session that has not
passed its second factor is refused (``accounts.two_factor``). Installed as the default site by
``PortalAdminConfig`` (in INSTALLED_APPS in place of ``django.contrib.admin``), so ``admin.site`` and every ``@admin.register`` stay as they are."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(AdminSite):
    def has_permission(self, request):
        # Imported here: this module is loaded with the app registry, before the models.
        from .two_factor import is_verified, required_for

        if not super().has_permission(request):
            return False
        return not required_for(request.user) or is_verified(request.user)


class PortalAdminConfig(AdminConfig):
    """Django's admin app, on the site above."""

    default_site = "accounts.admin_site.PortalAdminSite"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    """Development demands raised by the JVs (models arrive with the demands issue)."""

    name = "demands"
    verbose_name = _("Development demands")

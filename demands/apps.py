from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    """Development demands raised by the JVs: routing, working-day SLAs, escalation, satisfaction."""

    name = "demands"
    verbose_name = _("Development demands")

    def ready(self):
        from core import search

        from . import (
            notices,  # noqa: F401  (registers the notification kinds)
            panels,  # noqa: F401  (adds the demands panel to the JV page)
        )
        from .search import DemandProvider

        search.register(DemandProvider())

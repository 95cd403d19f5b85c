from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Annual research")

    def ready(self):
        from core import search
        from demands import origins
        from ventures import panels

        from . import (
            notices,  # noqa: F401  (registers the notification kinds)
            selectors,
        )
        from .search import ResearchProvider

        panels.register(selectors.venture_research_panel)
        panels.register_home(selectors.home_research_panel)
        origins.register(selectors.demand_origin)

        search.register(ResearchProvider())

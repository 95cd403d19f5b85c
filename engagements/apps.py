from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = _("High-level engagements")

    def ready(self):
        from core import search as search_box
        from demands import origins
        from research import visits
        from ventures import panels

        from . import (
            notices,  # noqa: F401  (registers the notification kinds)
            search,
            selectors,
        )

        panels.register(selectors.venture_engagement_panel)
        panels.register_home(selectors.home_contact_panel)
        origins.register(selectors.demand_origin)
        visits.register(selectors.research_visits_panel)
        search_box.register(search.EngagementProvider())

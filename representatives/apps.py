from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "representatives"
    verbose_name = _("Equity representatives")

    def ready(self):
        from ventures import panels

        from . import (
            notices,  # noqa: F401  (registers the notification kinds)
            selectors,
        )

        panels.register(selectors.venture_meetings_panel)
        panels.register_home(selectors.home_representative_panel)
        panels.register_home(selectors.home_hq_panel)

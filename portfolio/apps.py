from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self):
        from ventures import panels as venture_panels

        from . import (
            notices,  # noqa: F401  (registers the notification kind)
            panels,
        )

        venture_panels.register(panels.venture_scorecard_panel)

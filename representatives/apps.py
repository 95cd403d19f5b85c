from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "representatives"
    verbose_name = _("Equity representatives")

    def ready(self):
        from core import search
        from core.registry import register_membership
        from ventures import panels

        from . import (
            notices,  # noqa: F401  (registers the notification kinds)
            selectors,
        )
        from .membership import AppointmentMembership
        from .search import MeetingProvider, ReportProvider, RepresentativeProvider

        # Appointments decide who serves where, for every app that asks (core.registry).
        register_membership(AppointmentMembership())

        panels.register(selectors.venture_meetings_panel)
        panels.register_home(selectors.home_representative_panel)
        panels.register_home(selectors.home_hq_panel)

        search.register(RepresentativeProvider())
        search.register(MeetingProvider())
        search.register(ReportProvider())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "representatives"
    verbose_name = _("Equity representatives")

    def ready(self):
        from . import notices  # noqa: F401  (registers the notification kinds)

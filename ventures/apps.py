from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenturesConfig(AppConfig):
    name = "ventures"
    verbose_name = _("Joint venture registry")

    def ready(self):
        from core import search

        from .search import PartyProvider, VentureProvider

        search.register(VentureProvider())
        search.register(PartyProvider())

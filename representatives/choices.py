"""Choices of the representatives app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeatRole(models.TextChoices):
    """The seat a representative holds in a JV."""

    CHAIRMAN = "chairman", _("Chairman")
    VICE_CHAIRMAN = "vice_chairman", _("Vice chairman")
    DIRECTOR = "director", _("Director")
    SUPERVISORY_CHAIR = "supervisory_chair", _("Chairman of the supervisory board")
    SUPERVISOR = "supervisor", _("Supervisor")
    GENERAL_MANAGER = "general_manager", _("General manager")
    DEPUTY_GENERAL_MANAGER = "deputy_general_manager", _("Deputy general manager")
    CFO = "cfo", _("Chief financial officer")
    EQUITY_REPRESENTATIVE = "equity_representative", _("Equity representative")

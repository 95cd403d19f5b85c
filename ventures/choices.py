"""Choices of the JV registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VentureStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    OPERATING = "operating", _("Operating")
    RESTRUCTURING = "restructuring", _("Restructuring")
    LIQUIDATING = "liquidating", _("Liquidating")
    EXITED = "exited", _("Exited")


class Industry(models.TextChoices):
    ELEVATORS = "elevators", _("Elevators and escalators")
    SWITCHGEAR = "switchgear", _("Switchgear and power equipment")
    CABLES = "cables", _("Wires and cables")
    WELDING = "welding", _("Welding materials")
    WIND = "wind", _("Wind power equipment")
    MOTORS = "motors", _("Motors and drives")
    MACHINERY = "machinery", _("Machinery and bearings")
    AUTOMATION = "automation", _("Automation and instruments")
    OTHER = "other", _("Other")


class StrategicTier(models.TextChoices):
    CORE = "core", _("Core")
    IMPORTANT = "important", _("Important")
    GENERAL = "general", _("General")


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    JPY = "JPY", _("Japanese yen (JPY)")
    HKD = "HKD", _("Hong Kong dollar (HKD)")
    GBP = "GBP", _("Pound sterling (GBP)")
    CHF = "CHF", _("Swiss franc (CHF)")
    SEK = "SEK", _("Swedish krona (SEK)")
    KRW = "KRW", _("Korean won (KRW)")


class PartyKind(models.TextChoices):
    GROUP = "group", _("Group company")
    FOREIGN = "foreign", _("Foreign partner")
    DOMESTIC = "domestic", _("Other domestic shareholder")


class ReservedMatter(models.TextChoices):
    """Kinds of JV decision on which a representative needs HQ's voting instruction."""

    CAPITAL_CHANGE = "capital_change", _("Capital increase or reduction")
    PROFIT_DISTRIBUTION = "profit_distribution", _("Profit distribution")
    MAJOR_INVESTMENT = "major_investment", _("Major investment")
    SENIOR_APPOINTMENT = "senior_appointment", _("Appointment of senior managers")
    RELATED_PARTY = "related_party", _("Related-party transactions")
    ASSET_DISPOSAL = "asset_disposal", _("Disposal of major assets and guarantees")
    ARTICLES = "articles", _("Amendment of the articles of association")
    MERGER_DISSOLUTION = "merger_dissolution", _("Merger, division or dissolution")
    BUDGET = "budget", _("Annual budget and business plan")

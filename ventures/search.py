"""What the search box finds in the JV registry: joint ventures and their shareholders."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Match, Provider, excerpt

from .models import JointVenture, Party, Shareholding
from .validators import normalize_uscc


def _other_name(row) -> str:
    """The name the title does not show (the English one in Chinese, and back)."""
    shown = row.display_name
    return row.name_en if shown == row.name else row.name


class VentureProvider(Provider):
    code = "ventures"
    order = 10
    label = _("Joint ventures")
    list_url = "ventures:venture_list"
    then = ("name",)

    def queryset(self, user):
        return JointVenture.objects.visible_to(user)

    def match(self, text, user):
        # A partner's name finds its JVs (the shareholder's own hit is the parties provider's);
        # ``visible_to`` has already narrowed the JVs, so a partner of a hidden JV finds nothing.
        partner = Shareholding.objects.filter(jv=OuterRef("pk")).filter(
            Q(party__name__icontains=text) | Q(party__name_en__icontains=text)
        )
        return Match(
            code=Q(uscc=normalize_uscc(text)),
            names=("name", "name_en"),
            text=Q(uscc__icontains=text) | Q(main_products__icontains=text) | Exists(partner),
        )

    def hit(self, row, text, user):
        words = _other_name(row)
        if text.lower() not in f"{row.name} {row.name_en} {row.uscc}".lower():
            words = excerpt(row.main_products, text) or words
        return Hit(title=row.display_name, url=row.get_absolute_url(), code=row.uscc, context=words)


class PartyProvider(Provider):
    code = "parties"
    order = 20
    label = _("Shareholders")
    list_url = "ventures:party_list"
    then = ("name",)

    def queryset(self, user):
        return Party.objects.visible_to(user)

    def match(self, text, user):
        return Match(names=("name", "name_en"))

    def hit(self, row, text, user):
        context = " · ".join(part for part in [_other_name(row), str(row.get_kind_display())] if part)
        return Hit(title=row.display_name, url=row.get_absolute_url(), context=context)

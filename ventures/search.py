"""What the search box finds in the JV registry: joint ventures and their shareholders."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Match, Provider, excerpt, other_name

from .models import JointVenture, Party, Shareholding
from .validators import normalize_uscc


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
        words = ""
        if text.lower() not in f"{row.name} {row.name_en} {row.uscc}".lower():
            words = excerpt(row.main_products, text)
        return Hit(
            title=row.display_name,
            url=row.get_absolute_url(),
            code=row.uscc,
            context=words,
            **other_name(row),
        )


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
        return Hit(
            title=row.display_name,
            url=row.get_absolute_url(),
            context=str(row.get_kind_display()),
            **other_name(row),
        )

"""What the search box finds in the JV registry: joint ventures and their shareholders."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import translation
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

    @staticmethod
    def _partners(text):
        return Shareholding.objects.filter(jv=OuterRef("pk")).filter(
            Q(party__name__icontains=text) | Q(party__name_en__icontains=text)
        )

    def match(self, text, user):
        # A partner's name finds its JVs (the shareholder's own hit is the parties provider's);
        # ``visible_to`` has already narrowed the JVs, so a partner of a hidden JV finds nothing.
        return Match(
            code=Q(uscc=normalize_uscc(text)),
            names=("name", "name_en"),
            text=Q(uscc__icontains=text) | Q(main_products__icontains=text) | Exists(self._partners(text)),
        )

    def annotate(self, queryset, text, user):
        # The shareholder whose name matched, in both languages (the hit shows the page's).
        first = self._partners(text).order_by("-percentage", "pk")
        return queryset.annotate(
            partner_name=Subquery(first.values("party__name")[:1]),
            partner_name_en=Subquery(first.values("party__name_en")[:1]),
        )

    def hit(self, row, text, user):
        words = ""
        if text.lower() not in f"{row.name} {row.name_en} {row.uscc}".lower():
            words = excerpt(row.main_products, text) if text.lower() in row.main_products.lower() else ""
            if not words and row.partner_name:
                partner = row.partner_name
                if translation.get_language() == "en" and row.partner_name_en:
                    partner = row.partner_name_en
                words = _("Shareholder: %(name)s") % {"name": partner}
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

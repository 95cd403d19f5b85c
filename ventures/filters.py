"""List filters of the JV registry."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Department
from core.filters import OrderingFilter
from core.search import list_search

from .choices import Industry, PartyKind, StrategicTier, VentureStatus
from .models import JointVenture, Party, Shareholding


class VentureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VentureStatus.choices, empty_label=_("All")
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=Industry.choices, empty_label=_("All")
    )
    strategic_tier = django_filters.ChoiceFilter(
        label=_("Strategic tier"), choices=StrategicTier.choices, empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), empty_label=_("All")
    )
    partner_country = django_filters.ChoiceFilter(
        label=_("Partner country"), method="filter_partner_country", choices=[], empty_label=_("All")
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Name"),
        fields=(
            ("name", "name"),
            ("established_on", "established"),
            ("registered_capital", "capital"),
            ("group_stake", "stake"),
            ("status", "status"),
        ),
        field_labels={
            "name": _("Name"),
            "established_on": _("Established"),
            "registered_capital": _("Registered capital"),
            "group_stake": _("Group stake"),
            "status": _("Status"),
        },
    )

    class Meta:
        model = JointVenture
        fields = ["q", "status", "industry", "strategic_tier", "department", "partner_country"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Offer only countries of partners the user can see, so the list itself reveals nothing.
        codes = (
            Party.objects.visible_to(user)
            .filter(kind=PartyKind.FOREIGN)
            .values_list("country", flat=True)
            .distinct()
        )
        self.filters["partner_country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in set(codes) if code), key=lambda c: c[1]
        )

    def search(self, queryset, name, value):
        # What the search box finds (ventures/search.py), so its "see all" lists the same.
        return list_search("ventures", queryset, value, self.user)

    def filter_partner_country(self, queryset, name, value):
        holdings = Shareholding.objects.filter(
            jv=OuterRef("pk"), party__kind=PartyKind.FOREIGN, party__country=value
        )
        return queryset.filter(Exists(holdings))


class PartyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyKind.choices, empty_label=_("All"))

    class Meta:
        model = Party
        fields = ["q", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def search(self, queryset, name, value):
        return list_search("parties", queryset, value, self.user)

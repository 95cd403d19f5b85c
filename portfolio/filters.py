"""The JVs' figures by year: the list the portfolio's money figures link to."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter
from ventures.choices import Industry, StrategicTier, VentureStatus
from ventures.models import AnnualIndicators


class FiguresFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], empty_label=_("All years"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="jv__status", choices=VentureStatus.choices, empty_label=_("All")
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), field_name="jv__industry", choices=Industry.choices, empty_label=_("All")
    )
    strategic_tier = django_filters.ChoiceFilter(
        label=_("Strategic tier"),
        field_name="jv__strategic_tier",
        choices=StrategicTier.choices,
        empty_label=_("All"),
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Newest year, then name"),
        fields=(
            ("revenue_share", "revenue"),
            ("net_profit_share", "profit"),
            ("receivable", "receivable"),
        ),
        field_labels={
            "revenue_share": _("Group's share of revenue"),
            "net_profit_share": _("Group's share of net profit"),
            "receivable": _("Dividends receivable"),
        },
    )

    class Meta:
        model = AnnualIndicators
        fields = ["q", "year", "status", "industry", "strategic_tier"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        years = (
            AnnualIndicators.objects.visible_to(user)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(jv__name__icontains=value) | Q(jv__name_en__icontains=value))

"""The filters of the year's research overview."""

import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.filters import OrderingFilter

from .choices import ResearchStatus
from .models import AnnualResearch
from .selectors import research_years


class ResearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], method="filter_year", empty_label=None)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ResearchStatus.choices, empty_label=_("All")
    )
    data_return = django_filters.ChoiceFilter(
        label=_("Data return"),
        choices=[("received", _("Received")), ("awaited", _("Awaited")), ("late", _("Late"))],
        field_name="return_state",
        empty_label=_("All"),
    )
    late = django_filters.ChoiceFilter(
        label=_("Research due"),
        choices=[("late", _("Past due"))],
        method="filter_late",
        empty_label=_("All"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        field_name="jv__department",
        queryset=Department.objects.none(),
        empty_label=_("All"),
    )
    lead = django_filters.ModelChoiceFilter(
        label=_("Lead"), queryset=User.objects.none(), empty_label=_("All")
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Joint venture"),
        fields=(("jv__name", "jv"), ("due_date", "due"), ("status", "status")),
        field_labels={"jv__name": _("Joint venture"), "due_date": _("Due"), "status": _("Status")},
    )

    class Meta:
        model = AnnualResearch
        fields = ["q", "year", "status", "data_return", "late", "department", "lead"]

    def __init__(self, data=None, *args, user=None, default_year=None, **kwargs):
        years = research_years(user=user)
        if default_year and not (data or {}).get("year"):
            # One year at a time: the latest unless the page asks for another.
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["year"] = str(default_year)
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years] or [
            (str(default_year), str(default_year))
        ]
        visible = AnnualResearch.objects.visible_to(user)
        self.filters["department"].queryset = Department.objects.filter(
            pk__in=visible.values("jv__department_id")
        ).order_by("code")
        self.filters["lead"].queryset = User.objects.filter(pk__in=visible.values("lead_id")).order_by(
            "display_name", "username"
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(jv__name__icontains=value) | Q(jv__name_en__icontains=value))

    def filter_year(self, queryset, name, value):
        return queryset.filter(year=int(value)) if str(value).isdecimal() else queryset

    def filter_late(self, queryset, name, value):
        return queryset.open().filter(due_date__lt=timezone.localdate())

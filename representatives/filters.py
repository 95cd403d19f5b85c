"""List filters for representatives."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ventures.models import JointVenture

from .choices import SeatRole
from .models import Appointment, Representative


class RepresentativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    jv = django_filters.ModelChoiceFilter(
        label=_("Joint venture"),
        queryset=JointVenture.objects.none(),
        method="filter_jv",
        empty_label=_("All"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Seat"), choices=SeatRole.choices, method="filter_role", empty_label=_("All")
    )
    serving = django_filters.ChoiceFilter(
        label=_("Serving now"),
        choices=[("yes", _("Serving")), ("no", _("Not serving"))],
        empty_label=_("All"),
        method="filter_serving",
    )

    class Meta:
        model = Representative
        fields = ["q", "jv", "role", "serving"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(name_en__icontains=value) | Q(position__icontains=value)
        )

    def filter_jv(self, queryset, name, value):
        return queryset.filter(
            pk__in=Appointment.objects.active().filter(jv=value).values("representative_id")
        )

    def filter_role(self, queryset, name, value):
        return queryset.filter(
            pk__in=Appointment.objects.active()
            .visible_to(self.user)
            .filter(role=value)
            .values("representative_id")
        )

    def filter_serving(self, queryset, name, value):
        serving = Appointment.objects.active(on=timezone.localdate()).values("representative_id")
        return queryset.filter(pk__in=serving) if value == "yes" else queryset.exclude(pk__in=serving)

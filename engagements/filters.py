"""The filters of the engagement list; every choice is scoped to what the user may see."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter
from core.forms import DateInput
from core.roles import Role
from core.search import list_search
from ventures.models import JointVenture, Party

from .choices import EngagementKind, EngagementStatus
from .models import Engagement, Topic


class EngagementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EngagementKind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EngagementStatus.choices, empty_label=_("All")
    )
    jv = django_filters.ModelChoiceFilter(
        label=_("Joint venture"),
        field_name="ventures",
        queryset=JointVenture.objects.none(),
        empty_label=_("All"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), field_name="partners", queryset=Party.objects.none(), empty_label=_("All")
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("Leader"),
        field_name="attendees",
        queryset=get_user_model().objects.none(),
        empty_label=_("All"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), field_name="topics", queryset=Topic.objects.none(), empty_label=_("All")
    )
    start = django_filters.DateFilter(
        label=_("From"), field_name="starts_on", lookup_expr="gte", widget=DateInput()
    )
    end = django_filters.DateFilter(
        label=_("To"), field_name="starts_on", lookup_expr="lte", widget=DateInput()
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Latest first"),
        fields=(("starts_on", "date"), ("title", "title")),
        field_labels={"starts_on": _("Date"), "title": _("Title")},
    )

    class Meta:
        model = Engagement
        fields = ["q", "kind", "status", "jv", "partner", "leader", "topic", "start", "end"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")
        self.filters["partner"].queryset = Party.objects.visible_to(user).order_by("name")
        self.filters["leader"].queryset = (
            get_user_model().objects.filter(groups__name=Role.LEADERSHIP).order_by("display_name", "username")
        )
        self.filters["topic"].queryset = Topic.objects.all()

    def search(self, queryset, name, value):
        # What the search box finds (engagements/search.py): title, place, summary; never the
        # internal notes, which not everyone reads.
        return list_search("engagements", queryset, value, self.user)

    @property
    def qs(self):
        # Filtering across the many-to-many relations can repeat a row.
        return super().qs.distinct()

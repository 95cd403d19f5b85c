"""List filters for demands; every dropdown offers only what the user sees."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.filters import OrderingFilter
from core.roles import sees_all_ventures
from core.search import list_search
from ventures.models import JointVenture

from .choices import OPEN_STATUSES, Category, Priority, Status
from .models import Demand, due_this_week_q, escalated_q, overdue_q, within_sla_q

OPEN = "open"


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    scope = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("mine", _("Mine"))],
        empty_label=_("All I can see"),
        method="filter_scope",
        # Chosen with the tabs above the list; kept in the form so that filtering stays in the tab.
        widget=forms.HiddenInput,
    )
    jv = django_filters.ModelChoiceFilter(
        label=_("Joint venture"), queryset=JointVenture.objects.none(), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (any open status)")), *Status.choices],
        empty_label=_("All"),
        method="filter_status",
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("All")
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.none(), empty_label=_("All")
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=User.objects.none(), empty_label=_("All")
    )
    due = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[("overdue", _("Overdue")), ("week", _("Due this week"))],
        empty_label=_("Any"),
        method="filter_due",
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[
            ("escalated", _("Escalated, still open")),
            ("within_sla", _("Resolved within the SLA")),
            ("late", _("Resolved late")),
        ],
        empty_label=_("Any"),
        method="filter_outcome",
    )
    resolved_year = django_filters.NumberFilter(
        label=_("Resolved in"), field_name="resolved_at", lookup_expr="year", min_value=1978, max_value=2100
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Newest first"),
        fields=(
            ("submitted_at", "submitted"),
            ("due_at", "due"),
            ("priority_rank", "priority"),
            ("status", "status"),
            ("title", "title"),
        ),
        field_labels={
            "submitted_at": _("Submitted on"),
            "due_at": _("Deadline"),
            "priority_rank": _("Priority"),
            "status": _("Status"),
            "title": _("Title"),
        },
    )

    class Meta:
        model = Demand
        fields = [
            "q",
            "scope",
            "jv",
            "status",
            "category",
            "priority",
            "department",
            "owner",
            "due",
            "outcome",
            "resolved_year",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A dropdown of every JV the user sees: only what its labels need.
        self.filters["jv"].queryset = (
            JointVenture.objects.visible_to(user).only("pk", "name", "name_en").order_by("name")
        )
        self.filters["scope"].extra["choices"] = [
            ("mine", _("My queue") if sees_all_ventures(user) else _("My demands"))
        ]
        # Departments and owners that appear on demands the user sees, so nothing else is named.
        # Asked as EXISTS per candidate (the foreign keys' indexes answer each in one probe), not
        # as "every owner of every demand", which reads the whole table.
        visible = Demand.objects.visible_to(user)
        self.filters["department"].queryset = Department.objects.filter(
            Exists(visible.filter(department=OuterRef("pk")))
        ).order_by("code")
        self.filters["owner"].queryset = User.objects.filter(
            Exists(visible.filter(owner=OuterRef("pk")))
        ).order_by("display_name", "username")

    def search(self, queryset, name, value):
        # What the search box finds (demands/search.py): the reference, the title, the description.
        return list_search("demands", queryset, value, self.user)

    def filter_scope(self, queryset, name, value):
        if value != "mine":
            return queryset
        if sees_all_ventures(self.user):
            mine = Q(owner=self.user)
            if self.user.department_id:
                mine |= Q(department_id=self.user.department_id)
            return queryset.filter(mine)
        return queryset.filter(raised_by=self.user)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_outcome(self, queryset, name, value):
        if value == "escalated":
            return queryset.filter(escalated_q())
        resolved = queryset.filter(resolved_at__isnull=False)
        return resolved.filter(within_sla_q()) if value == "within_sla" else resolved.exclude(within_sla_q())

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(overdue_q(now) if value == "overdue" else due_this_week_q(now))

"""List filters for representatives."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.search import list_search
from ventures.models import JointVenture

from .choices import (
    OPEN_INSTRUCTION_STATES,
    EvaluationStatus,
    Grade,
    InstructionState,
    MeetingKind,
    MeetingStatus,
    ReportKind,
    ReportStatus,
    SeatRole,
)
from .models import Appointment, Evaluation, Meeting, Proposal, Report, Representative


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
        # What the search box finds (representatives/search.py), so its "see all" lists the same.
        return list_search("representatives", queryset, value, self.user)

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


class _ScopedJVFilter(django_filters.FilterSet):
    """A filter set whose JV dropdown lists only the JVs the user sees."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "jv" in self.filters:
            self.filters["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")


class MeetingFilter(_ScopedJVFilter):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("ahead", _("Ahead")), ("past", _("Past"))],
        method="filter_when",
        empty_label=_("All"),
    )
    jv = django_filters.ModelChoiceFilter(
        label=_("Joint venture"), queryset=JointVenture.objects.none(), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MeetingStatus.choices, empty_label=_("All")
    )
    # The widget's class, not an instance: django-filter's BooleanWidget translates its choices
    # ("Unknown", "Yes", "No") when it is built, so an instance made here would keep the
    # language active at import; each form builds its own.
    awaiting = django_filters.BooleanFilter(
        label=_("Instructions outstanding"),
        method="filter_awaiting",
        widget=django_filters.widgets.BooleanWidget,
    )
    mine = django_filters.BooleanFilter(
        label=_("Meetings I attend"), method="filter_mine", widget=django_filters.widgets.BooleanWidget
    )

    class Meta:
        model = Meeting
        fields = ["q", "when", "jv", "kind", "status", "awaiting", "mine"]

    def search(self, queryset, name, value):
        return list_search("meetings", queryset, value, self.user)

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "ahead":
            return queryset.filter(meeting_at__gt=now).order_by("meeting_at")
        return queryset.filter(meeting_at__lte=now).order_by("-meeting_at")

    def filter_awaiting(self, queryset, name, value):
        if value is None:
            return queryset
        open_ = queryset.model.objects.awaiting_instruction().values("pk")
        return queryset.filter(pk__in=open_) if value else queryset.exclude(pk__in=open_)

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(representative__user=self.user)


class ReportFilter(_ScopedJVFilter):
    scope = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("review", _("Awaiting review")), ("owed", _("Still owed")), ("overdue", _("Overdue"))],
        method="filter_scope",
        empty_label=_("All"),
    )
    jv = django_filters.ModelChoiceFilter(
        label=_("Joint venture"),
        field_name="appointment__jv",
        queryset=JointVenture.objects.none(),
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReportKind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReportStatus.choices, empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    representative = django_filters.CharFilter(label=_("Representative"), method="filter_representative")

    class Meta:
        model = Report
        fields = ["scope", "jv", "kind", "status", "year", "representative"]

    def filter_scope(self, queryset, name, value):
        if value == "review":
            return queryset.filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "pk")
        if value == "owed":
            return queryset.owed().order_by(F("due_date").asc(nulls_last=True), "pk")
        if value == "overdue":
            return queryset.owed().filter(due_date__lt=timezone.localdate()).order_by("due_date", "pk")
        return queryset

    def filter_representative(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(appointment__representative__name__icontains=value)
            | Q(appointment__representative__name_en__icontains=value)
        )


class EvaluationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    grade = django_filters.ChoiceFilter(label=_("Overall grade"), choices=Grade.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EvaluationStatus.choices, empty_label=_("All")
    )
    q = django_filters.CharFilter(label=_("Representative"), method="search")

    class Meta:
        model = Evaluation
        fields = ["q", "year", "grade", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(representative__name__icontains=value) | Q(representative__name_en__icontains=value)
        )


class InstructionQueueFilter(django_filters.FilterSet):
    """The instruction queue's tabs: every open state, or one."""

    state = django_filters.ChoiceFilter(
        label=_("Instruction"),
        field_name="instruction_state",
        choices=[(s, InstructionState(s).label) for s in OPEN_INSTRUCTION_STATES],
        empty_label=_("All"),
    )

    class Meta:
        model = Proposal
        fields = ["state"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

"""Pages for representatives and their appointments."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from core.exports import Column, ListExport
from core.roles import can_edit_registry, sees_all_ventures
from core.views import (
    ObjectActionView,
    RecordCreateView,
    ScopedFilterView,
    UserFormKwargsMixin,
)

from .. import selectors, services
from ..choices import Grade
from ..filters import RepresentativeFilter
from ..forms import AppointmentForm, RepresentativeForm
from ..models import Appointment, Representative


class RepresentativeListView(ScopedFilterView):
    model = Representative
    filterset_class = RepresentativeFilter
    template_name = "representatives/representative_list.html"
    partial_template_name = "representatives/includes/representative_table.html"
    export = ListExport(
        filename="representatives",
        title=_("Representatives"),
        columns=[
            Column(_("Name"), str),
            Column(_("Position at the group"), lambda r: r.position),
            Column(_("Employer"), lambda r: str(r.employer) if r.employer else ""),
            Column(
                _("Seats in joint ventures"),
                lambda r: "; ".join(f"{a.jv} · {a.get_role_display()}" for a in r.active_seats),
            ),
            Column(_("Seats"), lambda r: r.seat_count),
        ],
    )
    # What HQ's overview adds (a representative's own list leaves it out).
    overview_columns = [
        Column(_("Next term end"), lambda r: r.next_term_end),
        Column(_("Reports overdue"), lambda r: r.reports_overdue),
        Column(_("Last evaluation"), lambda r: r.last_evaluation_year),
        Column(_("Overall grade"), lambda r: dict(Grade.choices).get(r.last_evaluation_grade, "")),
    ]

    def export_columns(self):
        if sees_all_ventures(self.request.user):
            return [*self.export.columns, *self.overview_columns]
        return self.export.columns

    def get_queryset(self):
        queryset = selectors.representative_list(user=self.request.user).order_by("name", "pk")
        if sees_all_ventures(self.request.user):
            queryset = selectors.representative_overview(queryset)
        return queryset

    def get_context_data(self, **kwargs):
        import datetime

        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        # Terms ending within the terms sweep's first warning are highlighted.
        context["today"] = timezone.localdate()
        context["soon"] = context["today"] + datetime.timedelta(days=max(services.TERM_WARNINGS))
        grades = dict(Grade.choices)
        for rep in context["object_list"]:
            rep.last_evaluation_label = grades.get(getattr(rep, "last_evaluation_grade", None), "")
        return context


class RepresentativeDetailView(LoginRequiredMixin, DetailView):
    model = Representative
    context_object_name = "representative"
    template_name = "representatives/representative_detail.html"

    def get_object(self, queryset=None):
        return selectors.representative_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.representative_detail_context(representative=self.object, user=self.request.user)
        )
        return context


class RepresentativeCreateView(RecordCreateView):
    model = Representative
    form_class = RepresentativeForm
    template_name = "representatives/representative_form.html"
    success_message = _("The representative was created.")

    def allowed(self, user):
        return can_edit_registry(user)

    def perform(self, form):
        return services.representative_create(actor=self.request.user, data=form.service_data())


class RepresentativeUpdateView(UserFormKwargsMixin, ObjectActionView):
    form_class = RepresentativeForm
    object_context_name = "representative"
    template_name = "representatives/representative_form.html"
    success_message = _("The representative was saved.")

    def load(self, request, **kwargs):
        return selectors.representative_get(user=request.user, pk=kwargs["pk"])

    def allowed(self, user, obj):
        return can_edit_registry(user)

    def perform(self, form):
        return services.representative_update(
            representative=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class _AppointmentAction(UserFormKwargsMixin, ObjectActionView):
    """Appointments are reached through their representative; without an id the page adds one."""

    form_class = AppointmentForm
    template_name = "representatives/appointment_form.html"

    def load(self, request, **kwargs):
        self.representative = selectors.representative_get(user=request.user, pk=kwargs["representative_pk"])
        if "pk" not in kwargs:
            return self.representative
        return get_object_or_404(
            Appointment.objects.visible_to(request.user).filter(representative=self.representative),
            pk=kwargs["pk"],
        )

    def allowed(self, user, obj):
        return can_edit_registry(user)

    def form_object_kwargs(self):
        adding = self.object is self.representative
        return {"instance": Appointment(representative=self.representative) if adding else self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["representative"] = self.representative
        context["object"] = None if self.object is self.representative else self.object
        context["cancel_url"] = self.representative.get_absolute_url()
        return context

    def get_success_url(self):
        return self.representative.get_absolute_url()


class AppointmentCreateView(_AppointmentAction):
    success_message = _("The appointment was added.")

    def perform(self, form):
        return services.appointment_create(
            representative=self.representative, actor=self.request.user, data=form.service_data()
        )


class AppointmentUpdateView(_AppointmentAction):
    success_message = _("The appointment was saved.")

    def perform(self, form):
        return services.appointment_update(
            appointment=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

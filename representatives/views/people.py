"""Pages for representatives and their appointments."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView

from core.roles import sees_all_ventures
from core.views import RegistryEditorRequiredMixin, ScopedFilterView, ServiceFormMixin, UserFormKwargsMixin

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

    def get_queryset(self):
        queryset = selectors.representative_list(user=self.request.user).order_by("name")
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


class RepresentativeCreateView(
    RegistryEditorRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView
):
    model = Representative
    form_class = RepresentativeForm
    template_name = "representatives/representative_form.html"
    success_message = _("The representative was created.")

    def perform(self, form):
        return services.representative_create(actor=self.request.user, data=form.service_data())


class RepresentativeUpdateView(
    RegistryEditorRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView
):
    model = Representative
    form_class = RepresentativeForm
    context_object_name = "representative"
    template_name = "representatives/representative_form.html"
    success_message = _("The representative was saved.")

    def get_object(self, queryset=None):
        return selectors.representative_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        return services.representative_update(
            representative=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class AppointmentMixin(RegistryEditorRequiredMixin, UserFormKwargsMixin, ServiceFormMixin):
    """Appointments are reached through their representative."""

    model = Appointment
    form_class = AppointmentForm
    template_name = "representatives/appointment_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.representative = selectors.representative_get(
                user=request.user, pk=kwargs["representative_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["representative"] = self.representative
        return context

    def get_success_url(self):
        return reverse("representatives:representative_detail", args=[self.representative.pk])


class AppointmentCreateView(AppointmentMixin, CreateView):
    success_message = _("The appointment was added.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Appointment(representative=self.representative)
        return kwargs

    def perform(self, form):
        return services.appointment_create(
            representative=self.representative, actor=self.request.user, data=form.service_data()
        )


class AppointmentUpdateView(AppointmentMixin, UpdateView):
    success_message = _("The appointment was saved.")

    def get_object(self, queryset=None):
        return get_object_or_404(
            Appointment.objects.visible_to(self.request.user).filter(representative=self.representative),
            pk=self.kwargs["pk"],
        )

    def perform(self, form):
        return services.appointment_update(
            appointment=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

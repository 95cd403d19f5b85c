"""Pages of the JV registry: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from core.views import RegistryEditorRequiredMixin, ScopedFilterView, ServiceFormMixin, UserFormKwargsMixin

from . import selectors, services
from .filters import PartyFilter, VentureFilter
from .forms import AnnualIndicatorsForm, JointVentureForm, PartyForm, ShareholdingForm
from .models import AnnualIndicators, JointVenture, Party, Shareholding
from .panels import home_panels_for


class HomeView(LoginRequiredMixin, TemplateView):
    """Portfolio figures over the JVs the user sees, and a representative's own JVs."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.portfolio_summary(user=self.request.user)
        context["cards"] = selectors.venture_cards(user=self.request.user)
        context["panels"] = home_panels_for(self.request.user)
        return context


# --- Joint ventures ----------------------------------------------------------------------------


class VentureListView(ScopedFilterView):
    model = JointVenture
    filterset_class = VentureFilter
    template_name = "ventures/jointventure_list.html"
    partial_template_name = "ventures/includes/jointventure_table.html"

    def get_queryset(self):
        return selectors.venture_list(user=self.request.user).order_by("name")


class VentureDetailView(LoginRequiredMixin, DetailView):
    model = JointVenture
    context_object_name = "venture"
    template_name = "ventures/jointventure_detail.html"

    def get_object(self, queryset=None):
        return selectors.venture_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.venture_detail_context(venture=self.object, user=self.request.user))
        return context


class VentureCreateView(RegistryEditorRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    model = JointVenture
    form_class = JointVentureForm
    template_name = "ventures/jointventure_form.html"
    success_message = _("The joint venture was created.")

    def perform(self, form):
        return services.venture_create(actor=self.request.user, data=form.service_data())


class VentureUpdateView(RegistryEditorRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = JointVenture
    form_class = JointVentureForm
    context_object_name = "venture"
    template_name = "ventures/jointventure_form.html"
    success_message = _("The joint venture was saved.")

    def get_object(self, queryset=None):
        return selectors.venture_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        return services.venture_update(
            venture=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


# --- A JV's shareholdings and indicators ---------------------------------------------------------


class VentureChildMixin(RegistryEditorRequiredMixin, UserFormKwargsMixin):
    """Views of a row that belongs to one JV: the JV comes first, the row through it."""

    related_name: str

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.venture = selectors.venture_get(user=request.user, pk=kwargs["venture_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(getattr(self.venture, self.related_name).all(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs.get("instance") is None:
            kwargs["instance"] = self.model(jv=self.venture)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["venture"] = self.venture
        return context

    def get_success_url(self):
        return reverse("ventures:venture_detail", args=[self.venture.pk])


class ChildDeleteMixin(VentureChildMixin):
    """A confirmation page on GET; the delete service on POST."""

    delete_service = None
    success_message = None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        type(self).delete_service(self.object, request.user)
        messages.success(request, self.success_message)
        return redirect(self.get_success_url())


class ShareholdingCreateView(VentureChildMixin, ServiceFormMixin, CreateView):
    model = Shareholding
    related_name = "shareholdings"
    form_class = ShareholdingForm
    template_name = "ventures/shareholding_form.html"
    success_message = _("The shareholding was added.")

    def perform(self, form):
        return services.shareholding_create(
            venture=self.venture, actor=self.request.user, data=form.service_data()
        )


class ShareholdingUpdateView(VentureChildMixin, ServiceFormMixin, UpdateView):
    model = Shareholding
    related_name = "shareholdings"
    form_class = ShareholdingForm
    template_name = "ventures/shareholding_form.html"
    success_message = _("The shareholding was saved.")

    def perform(self, form):
        return services.shareholding_update(
            shareholding=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class ShareholdingDeleteView(ChildDeleteMixin, DetailView):
    model = Shareholding
    related_name = "shareholdings"
    template_name = "ventures/shareholding_confirm_delete.html"
    success_message = _("The shareholding was removed.")

    @staticmethod
    def delete_service(obj, actor):
        services.shareholding_delete(shareholding=obj, actor=actor)


class IndicatorsCreateView(VentureChildMixin, ServiceFormMixin, CreateView):
    model = AnnualIndicators
    related_name = "indicators"
    form_class = AnnualIndicatorsForm
    template_name = "ventures/annualindicators_form.html"
    success_message = _("The indicators were added.")

    def perform(self, form):
        return services.indicators_create(
            venture=self.venture, actor=self.request.user, data=form.service_data()
        )


class IndicatorsUpdateView(VentureChildMixin, ServiceFormMixin, UpdateView):
    model = AnnualIndicators
    related_name = "indicators"
    form_class = AnnualIndicatorsForm
    template_name = "ventures/annualindicators_form.html"
    success_message = _("The indicators were saved.")

    def perform(self, form):
        return services.indicators_update(
            indicators=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class IndicatorsDeleteView(ChildDeleteMixin, DetailView):
    model = AnnualIndicators
    related_name = "indicators"
    template_name = "ventures/annualindicators_confirm_delete.html"
    success_message = _("The indicators were removed.")

    @staticmethod
    def delete_service(obj, actor):
        services.indicators_delete(indicators=obj, actor=actor)


# --- Parties ----------------------------------------------------------------------------------


class PartyListView(ScopedFilterView):
    model = Party
    filterset_class = PartyFilter
    template_name = "ventures/party_list.html"
    partial_template_name = "ventures/includes/party_table.html"

    def get_queryset(self):
        return selectors.party_list(user=self.request.user).order_by("kind", "name")


class PartyDetailView(LoginRequiredMixin, DetailView):
    model = Party
    context_object_name = "party"
    template_name = "ventures/party_detail.html"

    def get_object(self, queryset=None):
        return selectors.party_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.party_detail_context(party=self.object, user=self.request.user))
        return context


class PartyCreateView(RegistryEditorRequiredMixin, ServiceFormMixin, CreateView):
    model = Party
    form_class = PartyForm
    template_name = "ventures/party_form.html"
    success_message = _("The shareholder was created.")

    def perform(self, form):
        return services.party_create(actor=self.request.user, data=form.service_data())

    def get_success_url(self):
        return reverse("ventures:party_detail", args=[self.object.pk])


class PartyUpdateView(RegistryEditorRequiredMixin, ServiceFormMixin, UpdateView):
    model = Party
    form_class = PartyForm
    context_object_name = "party"
    template_name = "ventures/party_form.html"
    success_message = _("The shareholder was saved.")

    def get_object(self, queryset=None):
        return selectors.party_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        return services.party_update(
            party=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

    def get_success_url(self):
        return reverse("ventures:party_detail", args=[self.object.pk])

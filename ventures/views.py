"""Pages of the JV registry: thin views over selectors and services."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from core.exports import Column, ListExport
from core.roles import can_edit_registry
from core.views import (
    ObjectActionView,
    RecordCreateView,
    ScopedFilterView,
    UserFormKwargsMixin,
)

from . import selectors, services
from .filters import PartyFilter, VentureFilter
from .forms import AnnualIndicatorsForm, JointVentureForm, PartyForm, ShareholdingForm
from .models import AnnualIndicators, JointVenture, Party, Shareholding
from .panels import home_panels_for


class HomeView(LoginRequiredMixin, TemplateView):
    """The portal's home page: portfolio figures over the JVs the user sees, a representative's own
    JVs, and the panels other apps add through ``ventures.panels.register_home`` (demands, meetings,
    reports)."""

    template_name = "ventures/home.html"

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
    export = ListExport(
        filename="joint-ventures",
        title=_("Joint ventures"),
        columns=[
            Column(_("Name"), str),
            Column(_("Unified social credit code"), lambda v: v.uscc),
            Column(_("Foreign partners"), lambda v: "; ".join(str(h.party) for h in v.foreign_holdings)),
            Column(_("Industry"), lambda v: v.get_industry_display()),
            Column(_("Strategic tier"), lambda v: v.get_strategic_tier_display()),
            Column(_("Status"), lambda v: v.get_status_display()),
            Column(_("Department"), lambda v: str(v.department)),
            Column(_("Group stake (%)"), lambda v: v.group_stake),
            Column(_("Registered capital"), lambda v: v.registered_capital),
            Column(_("Currency"), lambda v: v.currency),
            Column(_("Established"), lambda v: v.established_on),
        ],
    )

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


class VentureCreateView(RecordCreateView):
    model = JointVenture
    form_class = JointVentureForm
    template_name = "ventures/jointventure_form.html"
    success_message = _("The joint venture was created.")

    def allowed(self, user):
        return can_edit_registry(user)

    def perform(self, form):
        return services.venture_create(actor=self.request.user, data=form.service_data())


class VentureUpdateView(UserFormKwargsMixin, ObjectActionView):
    form_class = JointVentureForm
    object_context_name = "venture"
    template_name = "ventures/jointventure_form.html"
    success_message = _("The joint venture was saved.")

    def load(self, request, **kwargs):
        return selectors.venture_get(user=request.user, pk=kwargs["pk"])

    def allowed(self, user, obj):
        return can_edit_registry(user)

    def perform(self, form):
        return services.venture_update(
            venture=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


# --- A JV's shareholdings and indicators ---------------------------------------------------------


class _VentureRowAction(UserFormKwargsMixin, ObjectActionView):
    """A row that belongs to one JV: the JV first (a 404 outside the viewer's scope), the row
    through it. Without a row id the page adds one to the JV."""

    model: type
    related_name: str

    def load(self, request, **kwargs):
        self.venture = selectors.venture_get(user=request.user, pk=kwargs["venture_pk"])
        if "pk" not in kwargs:
            return self.venture
        return get_object_or_404(getattr(self.venture, self.related_name).all(), pk=kwargs["pk"])

    @property
    def adding(self) -> bool:
        return self.object is self.venture

    def allowed(self, user, obj):
        return can_edit_registry(user)

    def form_object_kwargs(self):
        return {"instance": self.model(jv=self.venture) if self.adding else self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["venture"] = self.venture
        context["object"] = None if self.adding else self.object
        return context

    def get_success_url(self):
        return reverse("ventures:venture_detail", args=[self.venture.pk])


class _VentureRowDelete(_VentureRowAction):
    """A confirmation page on GET; the delete service on POST."""

    form_class = forms.Form

    def form_object_kwargs(self):
        return {}

    def get_form_kwargs(self):
        return {key: value for key, value in super().get_form_kwargs().items() if key != "user"}


class ShareholdingCreateView(_VentureRowAction):
    model = Shareholding
    related_name = "shareholdings"
    form_class = ShareholdingForm
    template_name = "ventures/shareholding_form.html"
    success_message = _("The shareholding was added.")

    def perform(self, form):
        return services.shareholding_create(
            venture=self.venture, actor=self.request.user, data=form.service_data()
        )


class ShareholdingUpdateView(ShareholdingCreateView):
    success_message = _("The shareholding was saved.")

    def perform(self, form):
        return services.shareholding_update(
            shareholding=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class ShareholdingDeleteView(_VentureRowDelete):
    model = Shareholding
    related_name = "shareholdings"
    template_name = "ventures/shareholding_confirm_delete.html"
    success_message = _("The shareholding was removed.")

    def perform(self, form):
        services.shareholding_delete(shareholding=self.object, actor=self.request.user)


class IndicatorsCreateView(_VentureRowAction):
    model = AnnualIndicators
    related_name = "indicators"
    form_class = AnnualIndicatorsForm
    template_name = "ventures/annualindicators_form.html"
    success_message = _("The indicators were added.")

    def perform(self, form):
        return services.indicators_create(
            venture=self.venture, actor=self.request.user, data=form.service_data()
        )


class IndicatorsUpdateView(IndicatorsCreateView):
    success_message = _("The indicators were saved.")

    def perform(self, form):
        return services.indicators_update(
            indicators=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class IndicatorsDeleteView(_VentureRowDelete):
    model = AnnualIndicators
    related_name = "indicators"
    template_name = "ventures/annualindicators_confirm_delete.html"
    success_message = _("The indicators were removed.")

    def perform(self, form):
        services.indicators_delete(indicators=self.object, actor=self.request.user)


# --- Parties ----------------------------------------------------------------------------------


class PartyListView(ScopedFilterView):
    model = Party
    filterset_class = PartyFilter
    template_name = "ventures/party_list.html"
    partial_template_name = "ventures/includes/party_table.html"
    export = ListExport(
        filename="shareholders",
        title=_("Shareholders"),
        columns=[
            Column(_("Name"), str),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Country"), lambda p: str(p.country.name)),
            Column(_("Joint ventures"), lambda p: p.venture_count),
        ],
    )

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


class PartyCreateView(RecordCreateView):
    model = Party
    form_class = PartyForm
    template_name = "ventures/party_form.html"
    success_message = _("The shareholder was created.")

    def allowed(self, user):
        return can_edit_registry(user)

    def perform(self, form):
        return services.party_create(actor=self.request.user, data=form.service_data())


class PartyUpdateView(ObjectActionView):
    form_class = PartyForm
    object_context_name = "party"
    template_name = "ventures/party_form.html"
    success_message = _("The shareholder was saved.")

    def load(self, request, **kwargs):
        return selectors.party_get(user=request.user, pk=kwargs["pk"])

    def allowed(self, user, obj):
        return can_edit_registry(user)

    def perform(self, form):
        return services.party_update(
            party=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

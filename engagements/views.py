"""Pages of high-level engagements: thin views over selectors and services."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView, View

from core.exports import Column, ListExport
from core.uploads import attachment_response
from core.views import ObjectActionView, RecordCreateView, ScopedFilterView
from ventures.choices import StrategicTier

from . import cadence, permissions, selectors, services
from .filters import EngagementFilter
from .forms import (
    CommitmentActionForm,
    CommitmentForm,
    EngagementActionForm,
    EngagementFileForm,
    EngagementForm,
    LinkDemandForm,
    ToDemandForm,
)
from .models import Commitment, Engagement
from .workflow import COMMITMENT, ENGAGEMENT


def _names(items) -> str:
    return ", ".join(str(item) for item in items)


COLUMNS = [
    Column(_("Date"), lambda e: e.starts_on),
    Column(_("Until"), lambda e: e.ends_on),
    Column(_("Title"), lambda e: e.title),
    Column(_("Kind"), lambda e: e.get_kind_display()),
    Column(_("Status"), lambda e: e.get_status_display()),
    Column(_("Place"), lambda e: e.place),
    Column(_("Joint ventures"), lambda e: _names(e.shown_ventures)),
    Column(_("Partner companies"), lambda e: _names(e.shown_partners)),
    Column(_("Our attendees"), lambda e: _names(e.shown_attendees)),
    Column(_("Partner attendees"), lambda e: _names(e.shown_partner_people)),
    Column(_("Topics"), lambda e: _names(e.shown_topics)),
    Column(_("High-level"), lambda e: gettext("Yes") if e.high_level else gettext("No")),
    Column(_("Summary"), lambda e: e.summary),
]
INTERNAL_COLUMN = Column(_("HQ-internal notes"), lambda e: e.internal_notes)


class EngagementListView(ScopedFilterView):
    model = Engagement
    filterset_class = EngagementFilter
    template_name = "engagements/engagement_list.html"
    partial_template_name = "engagements/includes/engagement_table.html"
    export = ListExport(filename="engagements", title=_("Engagements"), columns=COLUMNS)

    def get_queryset(self):
        return selectors.engagement_list(user=self.request.user).order_by("-starts_on", "-pk")

    def export_columns(self):
        columns = list(self.export.columns)
        if permissions.reads_internal(self.request.user):
            columns.append(INTERNAL_COLUMN)
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_record"] = permissions.can_record(self.request.user)
        return context


class CalendarView(LoginRequiredMixin, TemplateView):
    """A month of planned and held engagements, Monday first."""

    template_name = "engagements/engagement_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        month = selectors.month_of(self.request.GET.get("month"), today)
        context.update(selectors.calendar_month(user=self.request.user, month=month, today=today))
        context["can_record"] = permissions.can_record(self.request.user)
        return context


class ContactTargetListView(LoginRequiredMixin, TemplateView):
    """The JVs past their contact target, most neglected first."""

    template_name = "engagements/contact_overdue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = cadence.past_target(user=self.request.user)
        context["targets"] = {StrategicTier(tier).label: days for tier, days in cadence.targets().items()}
        return context


class EngagementCreateView(RecordCreateView):
    model = Engagement
    form_class = EngagementForm
    template_name = "engagements/engagement_form.html"
    success_message = _("The engagement was recorded.")

    def allowed(self, user):
        return permissions.can_record(user)

    def get_initial(self):
        initial = super().get_initial()
        if "jv" in self.request.GET:
            initial["ventures"] = [self.request.GET["jv"]]
        return initial

    def perform(self, form):
        return services.engagement_create(
            actor=self.request.user, data=form.service_data(), **form.relations()
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class EngagementDetailView(LoginRequiredMixin, DetailView):
    model = Engagement
    context_object_name = "engagement"
    template_name = "engagements/engagement_detail.html"

    def get_object(self, queryset=None):
        return selectors.engagement_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.engagement_detail_context(engagement=self.object, user=self.request.user))
        context.setdefault("file_form", EngagementFileForm())
        if context["can_edit"]:
            context["link_form"] = LinkDemandForm(
                demands=selectors.linkable_demands(engagement=self.object, user=self.request.user)
            )
        return context


class _EngagementAction(ObjectActionView):
    object_context_name = "engagement"
    template_name = "engagements/engagement_action.html"

    def load(self, request, **kwargs):
        self.engagement = selectors.engagement_get(user=request.user, pk=kwargs["pk"])
        return self.engagement

    def role_ok(self, user, obj):
        return permissions.can_edit(user)

    def allowed(self, user, obj):
        return permissions.can_edit(user)


class EngagementUpdateView(_EngagementAction):
    form_class = EngagementForm
    template_name = "engagements/engagement_form.html"
    success_message = _("The engagement was saved.")

    def allowed(self, user, obj):
        return ENGAGEMENT.can("edit", user, obj)

    def form_object_kwargs(self):
        return {"instance": self.object, "user": self.request.user}

    def perform(self, form):
        return services.engagement_update(
            engagement=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
            **form.relations(),
        )


class EngagementTransitionView(_EngagementAction):
    form_class = EngagementActionForm
    headings = {
        "hold": _("Mark the engagement as held"),
        "cancel": _("Cancel the engagement"),
        "replan": _("Plan the engagement again"),
    }

    def load(self, request, **kwargs):
        if kwargs["action"] not in self.headings:
            raise Http404
        self.action = kwargs["action"]
        return super().load(request, **kwargs)

    def allowed(self, user, obj):
        return ENGAGEMENT.can(self.action, user, obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_heading"] = self.headings[self.action]
        context["submit_label"] = ENGAGEMENT[self.action].label
        return context

    @property
    def success_message(self):
        return gettext("Done: %(action)s.") % {"action": ENGAGEMENT[self.action].label}

    def perform(self, form):
        return services.engagement_transition(
            engagement=self.object,
            action=self.action,
            actor=self.request.user,
            expected_version=form.expected_version,
        )


class EngagementFileUploadView(_EngagementAction):
    form_class = EngagementFileForm
    http_method_names = ["post"]
    success_message = _("The file was added.")

    def form_object_kwargs(self):
        return {}

    def form_invalid(self, form):
        view = EngagementDetailView(request=self.request, kwargs=self.kwargs)
        view.object = self.object
        return view.render_to_response(view.get_context_data(file_form=form))

    def perform(self, form):
        services.engagement_attach(
            engagement=self.object,
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            purpose=form.cleaned_data["purpose"],
        )
        return self.object


class EngagementFileDownloadView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        engagement = selectors.engagement_get(user=request.user, pk=kwargs["pk"])
        return attachment_response(selectors.file_get(engagement=engagement, pk=kwargs["file_pk"]))


class LinkDemandView(_EngagementAction):
    """Point a demand raised at the visit or symposium at this engagement (a POST from its page)."""

    form_class = LinkDemandForm
    http_method_names = ["post"]
    success_message = _("The demand now points at this engagement.")

    def form_object_kwargs(self):
        return {"demands": selectors.linkable_demands(engagement=self.object, user=self.request.user)}

    def form_invalid(self, form):
        view = EngagementDetailView(request=self.request, kwargs=self.kwargs)
        view.object = self.object
        context = view.get_context_data()
        context["link_form"] = form
        return view.render_to_response(context)

    def perform(self, form):
        return services.engagement_link_demand(
            engagement=self.object, demand=form.cleaned_data["demand"], actor=self.request.user
        )


# --- Commitments -----------------------------------------------------------------------------------


class CommitmentCreateView(_EngagementAction):
    form_class = CommitmentForm
    template_name = "engagements/commitment_form.html"
    success_message = _("The commitment was added.")

    def allowed(self, user, obj):
        return permissions.can_add_commitment(user, obj)

    def role_ok(self, user, obj):
        return permissions.can_add_commitment(user, obj)

    def form_object_kwargs(self):
        return {
            "instance": Commitment(engagement=self.object),
            "user": self.request.user,
            "engagement": self.object,
        }

    def perform(self, form):
        services.commitment_add(engagement=self.object, actor=self.request.user, data=form.service_data())
        return self.object

    def get_success_url(self):
        return f"{self.engagement.get_absolute_url()}#commitments"


class _CommitmentAction(_EngagementAction):
    def load(self, request, **kwargs):
        engagement = super().load(request, **kwargs)
        self.commitment = selectors.commitment_get(
            user=request.user, engagement=engagement, pk=kwargs["c_pk"]
        )
        return self.commitment

    def allowed(self, user, obj):
        return permissions.can_update_commitment(user, obj)

    def role_ok(self, user, obj):
        return permissions.can_update_commitment(user, obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["engagement"] = self.engagement
        context["commitment"] = self.commitment
        return context


class CommitmentUpdateView(_CommitmentAction):
    form_class = CommitmentForm
    template_name = "engagements/commitment_form.html"
    success_message = _("The commitment was saved.")

    def form_object_kwargs(self):
        return {"instance": self.object, "user": self.request.user, "engagement": self.engagement}

    def perform(self, form):
        return services.commitment_update(
            commitment=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class CommitmentTransitionView(_CommitmentAction):
    form_class = CommitmentActionForm
    headings = {
        "start": _("Start the commitment"),
        "done": _("Mark the commitment as done"),
        "drop": _("Drop the commitment"),
        "reopen": _("Reopen the commitment"),
    }

    def load(self, request, **kwargs):
        if kwargs["action"] not in self.headings:
            raise Http404
        self.action = kwargs["action"]
        return super().load(request, **kwargs)

    def allowed(self, user, obj):
        return obj.demand_id is None and COMMITMENT.can(self.action, user, obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_heading"] = self.headings[self.action]
        context["submit_label"] = COMMITMENT[self.action].label
        context["action"] = self.action
        return context

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.action == "drop":
            form.fields["reason"].required = True
        else:
            del form.fields["reason"]
        return form

    @property
    def success_message(self):
        return gettext("Done: %(action)s.") % {"action": COMMITMENT[self.action].label}

    def perform(self, form):
        return services.commitment_transition(
            commitment=self.object,
            action=self.action,
            actor=self.request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.expected_version,
        )


class CommitmentDemandView(_CommitmentAction):
    """Turn a commitment into a demand in one step."""

    form_class = ToDemandForm
    heading = _("Turn the commitment into a demand")
    submit_label = _("Raise the demand")
    success_message = _("The demand was raised and routed; the commitment follows it now.")

    def allowed(self, user, obj):
        return permissions.can_raise_demand(user, obj)

    def form_object_kwargs(self):
        return {"title": self.object.text.splitlines()[0] if self.object.text else ""}

    def perform(self, form):
        self.demand = services.commitment_to_demand(
            commitment=self.object, actor=self.request.user, data=form.cleaned_data
        )
        return self.object

    def get_success_url(self):
        return self.demand.get_absolute_url()


# --- The pre-visit brief ---------------------------------------------------------------------------


class VentureBriefView(LoginRequiredMixin, TemplateView):
    template_name = "engagements/brief.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        jv = selectors.venture_for_brief(user=user, pk=kwargs["pk"])
        context.update(
            subject=jv,
            sections=[selectors.venture_brief(jv=jv, user=user)],
            labels=selectors.indicator_labels(),
            internal=permissions.reads_internal(user),
            today=timezone.localdate(),
        )
        return context


class PartnerBriefView(LoginRequiredMixin, TemplateView):
    template_name = "engagements/brief.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        party = selectors.party_for_brief(user=user, pk=kwargs["pk"])
        context.update(
            subject=party,
            partner=party,
            people=selectors.partner_people(party=party, user=user),
            sections=[
                selectors.venture_brief(jv=jv, user=user)
                for jv in selectors.brief_ventures_of_party(party=party, user=user)
            ],
            labels=selectors.indicator_labels(),
            internal=permissions.reads_internal(user),
            today=timezone.localdate(),
        )
        return context

"""Pages of the annual research: thin views over selectors and services."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View

from core.exports import Column, ListExport
from core.uploads import attachment_response
from core.views import ObjectActionView, RecordCreateView, ScopedFilterView

from . import permissions, selectors, services
from .filters import ResearchFilter
from .forms import (
    DataReturnForm,
    RecommendationForm,
    ResearchActionForm,
    ResearchFileForm,
    ResearchForm,
    ResearchOpenForm,
    ReturnReviewForm,
    ReturnSubmitForm,
    ShareSummaryForm,
    ToDemandForm,
    WishFormSet,
    wish_initial,
)
from .models import AnnualResearch, Recommendation
from .workflow import DATA_RETURN, RESEARCH

# --- The year's overview -------------------------------------------------------------------------

RETURN_STATES = {"received": _("Received"), "awaited": _("Awaited"), "late": _("Late")}


class ResearchListView(ScopedFilterView):
    """Every JV's research of one year: status, lead, data return, due date, days late."""

    model = AnnualResearch
    filterset_class = ResearchFilter
    template_name = "research/annualresearch_list.html"
    partial_template_name = "research/includes/research_table.html"
    export = ListExport(
        filename="annual-research",
        title=_("Annual research"),
        columns=[
            Column(_("Joint venture"), lambda r: str(r.jv)),
            Column(_("Year"), lambda r: r.year),
            Column(_("Status"), lambda r: r.get_status_display()),
            Column(_("Lead"), lambda r: str(r.lead) if r.lead else ""),
            Column(_("Data return"), lambda r: RETURN_STATES[r.return_state]),
            Column(_("Data return due"), lambda r: r.data_return.due_date),
            Column(_("Research due"), lambda r: r.due_date),
            Column(_("Days late"), lambda r: r.days_late),
            Column(
                _("Opened by"), lambda r: str(r.opened_by) if r.opened_by else gettext("The yearly campaign")
            ),
        ],
    )

    def get_queryset(self):
        return selectors.research_list(user=self.request.user).order_by("jv__name", "pk")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        self.year = selectors.default_year(user=self.request.user)
        kwargs["default_year"] = self.year
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.filterset.form.cleaned_data.get("year") if self.filterset.form.is_valid() else None
        year = int(year) if year else self.year
        context["year"] = year
        context["figures"] = selectors.completion(user=self.request.user, year=year)
        context["today"] = timezone.localdate()
        context["can_open"] = permissions.can_open(self.request.user)
        context["internal"] = permissions.reads_internal(self.request.user)
        return context


class ResearchOpenView(RecordCreateView):
    """HQ opens a JV's research by hand (for a JV the campaign does not cover, or a new year)."""

    model = AnnualResearch
    form_class = ResearchOpenForm
    template_name = "research/annualresearch_open.html"
    success_message = _("The research was opened. Its lead and the JV's representatives were told.")
    initial_from_query = ("jv",)

    def allowed(self, user):
        return permissions.can_open(user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def perform(self, form):
        return services.research_open(
            jv=form.cleaned_data["jv"], year=form.cleaned_data["year"], actor=self.request.user
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- One research --------------------------------------------------------------------------------


class ResearchDetailView(LoginRequiredMixin, DetailView):
    model = AnnualResearch
    context_object_name = "research"
    template_name = "research/annualresearch_detail.html"

    def get_object(self, queryset=None):
        return selectors.research_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.research_detail_context(research=self.object, user=self.request.user))
        context.setdefault("file_form", ResearchFileForm())
        return context


class _ResearchAction(ObjectActionView):
    object_context_name = "research"
    template_name = "research/research_action.html"

    def load(self, request, **kwargs):
        self.research = selectors.research_get(user=request.user, pk=kwargs["pk"])
        return self.research

    def role_ok(self, user, obj):
        return permissions.works_on_research(user)


class ResearchUpdateView(_ResearchAction):
    form_class = ResearchForm
    template_name = "research/annualresearch_form.html"
    success_message = _("The research was saved.")

    def allowed(self, user, obj):
        return RESEARCH.can("edit", user, obj)

    def form_object_kwargs(self):
        return {"instance": self.object, "user": self.request.user}

    def perform(self, form):
        data = form.service_data()
        team = data.pop("team", None)
        data.pop("meetings", None)
        saved = services.research_update(
            research=self.object,
            actor=self.request.user,
            data=data,
            team=team,
            expected_version=form.expected_version,
        )
        saved.meetings.set(form.cleaned_data.get("meetings") or [])
        return saved


class ResearchTransitionView(_ResearchAction):
    """Start, submit for acceptance, accept or return the research."""

    form_class = ResearchActionForm
    headings = {
        "start": _("Start the research"),
        "submit": _("Submit the research for acceptance"),
        "accept": _("Accept the research"),
        "return": _("Return the research for revision"),
    }

    def load(self, request, **kwargs):
        if kwargs["action"] not in self.headings:
            raise Http404
        self.action = kwargs["action"]
        return super().load(request, **kwargs)

    def allowed(self, user, obj):
        return RESEARCH.can(self.action, user, obj)

    def role_ok(self, user, obj):
        return RESEARCH[self.action].allowed(user, obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_heading"] = self.headings[self.action]
        context["submit_label"] = RESEARCH[self.action].label
        context["action"] = self.action
        return context

    @property
    def success_message(self):
        return gettext("Done: %(action)s.") % {"action": RESEARCH[self.action].label}

    def perform(self, form):
        return services.research_transition(
            research=self.object,
            action=self.action,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.expected_version,
        )


class ShareSummaryView(_ResearchAction):
    form_class = ShareSummaryForm
    heading = _("Share a summary with the JV")
    submit_label = _("Share with the JV's representatives")
    success_message = _("The summary was shared with the JV's representatives.")

    def allowed(self, user, obj):
        return RESEARCH.can("share", user, obj)

    def perform(self, form):
        return services.research_share_summary(
            research=self.object,
            actor=self.request.user,
            summary=form.cleaned_data["summary"],
            expected_version=form.expected_version,
        )


class ResearchFileUploadView(_ResearchAction):
    """POST from the research page's file box; on an error the page shows the box with it."""

    form_class = ResearchFileForm
    http_method_names = ["post"]
    success_message = _("The file was added.")

    def allowed(self, user, obj):
        return permissions.works_on_research(user)

    def form_object_kwargs(self):
        return {}

    def form_invalid(self, form):
        view = ResearchDetailView(request=self.request, kwargs=self.kwargs)
        view.object = self.object
        return view.render_to_response(view.get_context_data(file_form=form))

    def perform(self, form):
        services.research_attach(
            research=self.object, actor=self.request.user, upload=form.cleaned_data["file"]
        )
        return self.object


class ResearchFileDownloadView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        research = selectors.research_get(user=request.user, pk=kwargs["pk"])
        return attachment_response(
            selectors.research_file_get(user=request.user, research=research, pk=kwargs["file_pk"])
        )


# --- The JV's data return ------------------------------------------------------------------------


class _ReturnAction(_ResearchAction):
    """An action on the research's data return, reached through the research."""

    def load(self, request, **kwargs):
        research = super().load(request, **kwargs)
        self.data_return = research.data_return
        return self.data_return

    def role_ok(self, user, obj):
        return permissions.works_on_research(user) or permissions.fills_data_return(user, obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["research"] = self.research
        context["data_return"] = self.data_return
        context["cancel_url"] = self.data_return.get_absolute_url()
        return context


class DataReturnUpdateView(_ReturnAction):
    """The JV's representative fills in the data return and its wishes."""

    form_class = DataReturnForm
    template_name = "research/datareturn_form.html"
    success_message = _("The data return was saved. Submit it to HQ when it is complete.")

    def allowed(self, user, obj):
        return DATA_RETURN.can("edit", user, obj)

    def role_ok(self, user, obj):
        return permissions.fills_data_return(user, obj)

    def form_object_kwargs(self):
        return {"instance": self.object, "user": self.request.user}

    def get_wishes(self):
        initial = wish_initial(list(self.object.wishes.all()))
        if self.request.method == "POST":
            return WishFormSet(self.request.POST, initial=initial, prefix="wishes")
        return WishFormSet(initial=initial, prefix="wishes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("wishes", self.get_wishes())
        context["raised_wishes"] = [w for w in self.object.wishes.select_related("demand") if w.demand_id]
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        wishes = self.get_wishes()
        if form.is_valid() and wishes.is_valid():
            self.wishes = wishes
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form, wishes=wishes))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form, wishes=getattr(self, "wishes", None)))

    def perform(self, form):
        wishes = [
            {**row, "delete": row.get("DELETE", False)}
            for row in self.wishes.cleaned_data
            if row and (row.get("pk") or (row.get("title") or "").strip())
        ]
        return services.data_return_update(
            data_return=self.object,
            actor=self.request.user,
            data=form.service_data(),
            wishes=wishes,
            expected_version=form.expected_version,
        )


class DataReturnSubmitView(_ReturnAction):
    form_class = ReturnSubmitForm
    heading = _("Submit the data return to HQ")
    submit_label = _("Submit to HQ")
    success_message = _("The data return was submitted to HQ.")

    def allowed(self, user, obj):
        return DATA_RETURN.can("submit", user, obj)

    def role_ok(self, user, obj):
        return permissions.fills_data_return(user, obj)

    def perform(self, form):
        return services.data_return_submit(
            data_return=self.object, actor=self.request.user, expected_version=form.expected_version
        )


class DataReturnReviewView(_ReturnAction):
    """HQ returns the data return with comments, or accepts it, choosing figure by figure where the
    JV's record for that year already holds a different one."""

    form_class = ReturnReviewForm
    template_name = "research/datareturn_review.html"

    def allowed(self, user, obj):
        return DATA_RETURN.can("accept", user, obj)

    def role_ok(self, user, obj):
        return permissions.works_on_research(user)

    def form_object_kwargs(self):
        self.record, self.differences = services.figure_differences(self.object)
        return {"obj": self.object, "differences": self.differences, "record": self.record}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.record
        context["differences"] = self.differences
        context["wishes"] = list(self.object.wishes.select_related("demand"))
        return context

    @property
    def success_message(self):
        if self.request.POST.get("decision") == "return":
            return gettext("The data return was returned to the JV with your comments.")
        return gettext("The data return was accepted; its figures are the year's indicators.")

    def perform(self, form):
        if form.cleaned_data["decision"] == "return":
            return services.data_return_return(
                data_return=self.object,
                actor=self.request.user,
                comments=form.cleaned_data["comments"],
                expected_version=form.expected_version,
            )
        return services.data_return_accept(
            data_return=self.object,
            actor=self.request.user,
            choices=form.figure_choices(),
            expected_version=form.expected_version,
            indicators_version=form.cleaned_data.get("indicators_version"),
        )


class WishDemandView(_ReturnAction):
    """Raise one of the JV's wishes as a demand (HQ, or the JV's representative in post)."""

    form_class = ToDemandForm
    heading = _("Raise the wish as a demand")
    submit_label = _("Raise the demand")
    success_message = _("The demand was raised and routed; the wish links to it.")

    def load(self, request, **kwargs):
        data_return = super().load(request, **kwargs)
        self.wish = selectors.wish_get(data_return=data_return, pk=kwargs["wish_pk"])
        return data_return

    def allowed(self, user, obj):
        return self.wish.demand_id is None and self.role_ok(user, obj)

    def role_ok(self, user, obj):
        return permissions.works_on_research(user) or permissions.fills_data_return(user, obj)

    def form_object_kwargs(self):
        return {"title": self.wish.title, "category": self.wish.category}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["wish"] = self.wish
        return context

    def perform(self, form):
        self.demand = services.wish_to_demand(
            wish=self.wish, actor=self.request.user, priority=form.cleaned_data["priority"]
        )
        return self.object

    def get_success_url(self):
        return self.demand.get_absolute_url()


# --- Recommendations -----------------------------------------------------------------------------


class RecommendationCreateView(_ResearchAction):
    form_class = RecommendationForm
    template_name = "research/recommendation_form.html"
    success_message = _("The recommendation was added.")

    def allowed(self, user, obj):
        return RESEARCH.can("edit", user, obj)

    def form_object_kwargs(self):
        return {"instance": Recommendation(research=self.object), "user": self.request.user}

    def perform(self, form):
        services.recommendation_add(research=self.object, actor=self.request.user, data=form.service_data())
        return self.object

    def get_success_url(self):
        return f"{self.research.get_absolute_url()}#recommendations"


class _RecommendationAction(_ResearchAction):
    def load(self, request, **kwargs):
        research = super().load(request, **kwargs)
        self.recommendation = selectors.recommendation_get(
            user=request.user, research=research, pk=kwargs["rec_pk"]
        )
        return self.recommendation

    def allowed(self, user, obj):
        return permissions.works_on_research(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["research"] = self.research
        context["recommendation"] = self.recommendation
        return context


class RecommendationUpdateView(_RecommendationAction):
    form_class = RecommendationForm
    template_name = "research/recommendation_form.html"
    success_message = _("The recommendation was saved.")

    def form_object_kwargs(self):
        return {"instance": self.object, "user": self.request.user}

    def perform(self, form):
        return services.recommendation_update(
            recommendation=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class RecommendationDemandView(_RecommendationAction):
    """HQ turns a recommendation into a demand on the JV's behalf."""

    form_class = ToDemandForm
    heading = _("Turn the recommendation into a demand")
    submit_label = _("Raise the demand")
    success_message = _("The demand was raised and routed; the recommendation follows it now.")

    def allowed(self, user, obj):
        return permissions.works_on_research(user) and obj.demand_id is None

    def form_object_kwargs(self):
        return {"title": self.object.text.splitlines()[0] if self.object.text else ""}

    def perform(self, form):
        self.demand = services.recommendation_to_demand(
            recommendation=self.object, actor=self.request.user, data=form.cleaned_data
        )
        return self.object

    def get_success_url(self):
        return self.demand.get_absolute_url()

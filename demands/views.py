"""Pages for demands: thin views over selectors and services."""

import datetime
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView, View

from accounts.models import Department
from core.exports import FORMATS, Column, ListExport, choice_column, table_response
from core.forms import ObjectVersionForm
from core.paging import cursor_param
from core.uploads import attachment_response
from core.views import (
    ObjectActionView,
    RecordCreateView,
    ScopedFilterView,
    UserFormKwargsMixin,
)
from ventures.models import JointVenture

from . import permissions, selectors, services
from .choices import Status
from .filters import DemandFilter
from .forms import CommentForm, DemandEditForm, DemandForm, DemandRouteForm, RatingForm, TransitionForm
from .models import Demand, reference_of
from .workflow import ACTIONS


class DemandListView(ScopedFilterView):
    model = Demand
    filterset_class = DemandFilter
    template_name = "demands/demand_list.html"
    partial_template_name = "demands/includes/demand_table.html"
    export = ListExport(
        filename="demands",
        title=_("Demands"),
        # Up to 100,000 rows: read as dicts, the names of JVs, departments and owners once each.
        values=(
            "pk",
            "title",
            "jv_id",
            "category",
            "priority",
            "status",
            "department_id",
            "owner_id",
            "due_at",
            "submitted_at",
            "resolved_at",
        ),
        columns=[
            Column(_("Reference"), lambda d: reference_of(d["pk"])),
            Column(_("Title"), itemgetter("title")),
            Column(_("Joint venture"), itemgetter("jv_id"), names=JointVenture),
            choice_column(_("Category"), Demand, "category"),
            choice_column(_("Priority"), Demand, "priority"),
            choice_column(_("Status"), Demand, "status"),
            Column(_("Department"), itemgetter("department_id"), names=Department),
            Column(_("Owner"), itemgetter("owner_id"), names=get_user_model()),
            Column(_("Deadline"), itemgetter("due_at")),
            Column(_("Submitted on"), itemgetter("submitted_at")),
            Column(_("Resolved"), itemgetter("resolved_at")),
        ],
    )

    def get_queryset(self):
        return selectors.demand_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        context["can_raise"] = permissions.can_raise(self.request.user)
        return context


class DemandDetailView(LoginRequiredMixin, DetailView):
    model = Demand
    context_object_name = "demand"
    template_name = "demands/demand_detail.html"

    def get_object(self, queryset=None):
        return selectors.demand_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.demand_detail_context(demand=self.object, user=self.request.user))
        context.setdefault("comment_form", CommentForm(user=self.request.user))
        context["now"] = timezone.now()
        return context


class DemandTimelineView(LoginRequiredMixin, DetailView):
    """The timeline's entries before ``?before=<entry id>`` (the newest without it), newest first:
    for htmx, the entries and the next "show earlier" control, put in place of the control that
    asked; without JavaScript the same link opens them as a page of their own. The demand is loaded through the viewer's
    scope (a 404 outside it) and the entries through their demand."""

    model = Demand
    context_object_name = "demand"
    template_name = "demands/demand_timeline.html"
    partial_template_name = "demands/includes/timeline_page.html"

    def get_object(self, queryset=None):
        return selectors.demand_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return [self.partial_template_name]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        before = cursor_param(self.request.GET.get("before"))
        page = selectors.timeline_page(demand=self.object, user=self.request.user, before=before)
        context["timeline"] = page.rows
        context["timeline_earlier"] = page.earlier
        return context


class DemandCreateView(RecordCreateView):
    model = Demand
    form_class = DemandForm
    template_name = "demands/demand_form.html"
    success_message = _("The demand was submitted. It is routed to the responsible department.")
    initial_from_query = ("jv",)

    def allowed(self, user):
        return permissions.can_raise(user)

    def perform(self, form):
        return services.demand_raise(
            actor=self.request.user,
            data=form.service_data(),
            attachment=form.cleaned_data.get("attachment"),
        )


class _DemandAction(ObjectActionView):
    """An action page on one demand, loaded through the viewer's scope (a 404 outside it)."""

    object_context_name = "demand"

    def load(self, request, **kwargs):
        self.demand = selectors.demand_get(user=request.user, pk=kwargs["pk"])
        return self.demand

    def not_now_message(self, obj) -> str:
        return gettext("This demand is %(status)s: it cannot be moved that way now.") % {
            "status": obj.get_status_display()
        }

    def form_object_kwargs(self):
        if issubclass(self.get_form_class(), ObjectVersionForm):
            return {"demand": self.object}
        return {"instance": self.object}


class DemandUpdateView(UserFormKwargsMixin, _DemandAction):
    form_class = DemandEditForm
    template_name = "demands/demand_edit.html"
    success_message = _("The demand was saved.")

    def allowed(self, user, obj):
        return permissions.can_edit(user, obj)

    def perform(self, form):
        return services.demand_update(
            demand=self.demand,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class DemandRouteView(UserFormKwargsMixin, _DemandAction):
    form_class = DemandRouteForm
    template_name = "demands/demand_route.html"
    success_message = _("The assignment was saved.")

    def allowed(self, user, obj):
        return permissions.can_route(user, obj)

    def perform(self, form):
        return services.demand_route(
            demand=self.demand,
            actor=self.request.user,
            department=form.cleaned_data["department"],
            owner=form.cleaned_data["owner"],
            priority=form.cleaned_data["priority"],
            expected_version=form.expected_version,
        )


class DemandTransitionView(_DemandAction):
    """The action's page (its note, what it will do); POST: the workflow service. A stale link (the
    demand has moved on) leads back to the demand with the reason."""

    form_class = TransitionForm
    template_name = "demands/demand_transition.html"

    def load(self, request, **kwargs):
        self.action = ACTIONS.get(kwargs["action"])
        if self.action is None:
            raise Http404
        return super().load(request, **kwargs)

    def allowed(self, user, obj):
        return self.action.allowed(user, obj) and obj.status in self.action.sources

    def role_ok(self, user, obj):
        return self.action.allowed(user, obj)

    def form_object_kwargs(self):
        return {**super().form_object_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.action
        return context

    @property
    def success_message(self):
        return gettext("Done: %(action)s.") % {"action": self.action.label}

    def perform(self, form):
        services.demand_transition(
            demand=self.demand,
            action=self.action.name,
            actor=self.request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
        return self.demand


class DemandRateView(_DemandAction):
    form_class = RatingForm
    template_name = "demands/demand_rate.html"
    success_message = _("Thank you: the rating was recorded and the demand is closed.")

    def allowed(self, user, obj):
        return permissions.is_jv_side(user, obj) and obj.status == Status.RESOLVED

    def role_ok(self, user, obj):
        return permissions.is_jv_side(user, obj)

    def perform(self, form):
        services.demand_rate(
            demand=self.demand,
            actor=self.request.user,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
        return self.demand


class DemandCommentView(_DemandAction):
    """POST from the detail page's comment box; on an error the page shows the box with it. Who may
    write what (an internal comment is HQ's) is the service's rule."""

    form_class = CommentForm
    success_message = _("The comment was added.")
    http_method_names = ["post"]

    def allowed(self, user, obj):
        return True

    def form_object_kwargs(self):
        return {"user": self.request.user}

    def get_success_url(self):
        return self.demand.get_absolute_url() + "#timeline"

    def form_invalid(self, form):
        view = DemandDetailView(request=self.request, kwargs=self.kwargs, object=self.demand)
        view.object = self.demand
        return view.render_to_response(view.get_context_data(comment_form=form))

    def perform(self, form):
        services.demand_comment(
            demand=self.demand,
            actor=self.request.user,
            text=form.cleaned_data["text"],
            visibility=form.cleaned_data["visibility"],
            attachment=form.cleaned_data.get("attachment"),
        )
        return self.demand


class AttachmentDownloadView(LoginRequiredMixin, View):
    """A file reached through its demand, within the viewer's scope and the entry's visibility."""

    def get(self, request, *args, **kwargs):
        demand = selectors.demand_get(user=request.user, pk=kwargs["pk"])
        return attachment_response(
            selectors.attachment_get(user=request.user, demand=demand, pk=kwargs["attachment_pk"])
        )


class DemandReportView(LoginRequiredMixin, TemplateView):
    """SLA figures per department, category or JV, over the demands the viewer sees."""

    template_name = "demands/demand_report.html"

    def report(self):
        by = self.request.GET.get("by", "department")
        return selectors.demand_report(user=self.request.user, by=by, year=self.year())

    def year(self) -> int | None:
        """The year asked for; anything else (a typo, "²", 99999) reports every year."""
        value = self.request.GET.get("year", "")
        if not value.isdecimal():
            return None
        year = int(value)
        # The year's bounds are computed in local time: keep them inside what datetime can hold.
        return year if datetime.MINYEAR < year < datetime.MAXYEAR else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report()
        context["groupings"] = selectors.GROUPINGS
        context["grouping_label"] = selectors.GROUPINGS[context["report"]["by"]]
        context["years"] = selectors.report_years(user=self.request.user)
        return context


class DemandReportExportView(DemandReportView):
    """The same figures as XLSX or CSV."""

    def get(self, request, *args, **kwargs):
        if kwargs["fmt"] not in FORMATS:
            raise Http404
        report = self.report()
        headers = [
            str(selectors.GROUPINGS[report["by"]]),
            gettext("Number of demands"),
            gettext("Open"),
            gettext("Acknowledge, median (working days)"),
            gettext("Acknowledge, 90th percentile (working days)"),
            gettext("Resolve, median (working days)"),
            gettext("Resolve, 90th percentile (working days)"),
            gettext("Resolved"),
            gettext("Resolved within SLA (%)"),
            gettext("Satisfaction (1-5)"),
            gettext("Ratings"),
        ]
        rows = [*report["rows"], *([report["total"]] if report["total"] else [])]
        data = [
            [
                r.label,
                r.count,
                r.open,
                r.acknowledge_median,
                r.acknowledge_p90,
                r.resolve_median,
                r.resolve_p90,
                r.resolved,
                r.within_sla_share,
                r.satisfaction,
                r.rated,
            ]
            for r in rows
        ]
        return table_response(
            headers=headers,
            rows=data,
            fmt=kwargs["fmt"],
            filename=f"demand-report-{report['by']}-{report['year'] or 'all'}",
            title=gettext("Demands"),
        )

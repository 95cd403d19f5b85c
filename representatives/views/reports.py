"""Pages for reports: lists with the review queue, the major-matter form, drafting, submitting, review."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View

from core.exports import Column, ListExport
from core.roles import can_edit_registry, sees_all_ventures
from core.uploads import attachment_response
from core.views import (
    ObjectActionView,
    RecordCreateView,
    ScopedFilterView,
)

from .. import permissions, selectors, services, workflow
from ..filters import ReportFilter
from ..forms import MajorReportForm, ReportEditForm, ReportFileForm, ReportReviewForm, ReportSubmitForm
from ..models import Report

# A representative's list names no representative (they are all theirs).
_REPRESENTATIVE = Column(_("Representative"), lambda r: str(r.appointment.representative))


class ReportListView(ScopedFilterView):
    model = Report
    filterset_class = ReportFilter
    template_name = "representatives/report_list.html"
    partial_template_name = "representatives/includes/report_table.html"
    export = ListExport(
        filename="reports",
        title=_("Reports"),
        columns=[
            Column(_("Report"), lambda r: r.heading),
            Column(_("Kind"), lambda r: r.get_kind_display()),
            Column(_("Joint venture"), lambda r: str(r.appointment.jv)),
            _REPRESENTATIVE,
            Column(_("Due"), lambda r: r.due_date),
            Column(_("Submitted"), lambda r: r.submitted_at),
            Column(_("Status"), lambda r: r.get_status_display()),
        ],
    )

    def export_columns(self):
        if sees_all_ventures(self.request.user):
            return self.export.columns
        return [c for c in self.export.columns if c is not _REPRESENTATIVE]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user).order_by("-year", "-quarter", "-pk")

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        context["can_file"] = permissions.can_file_major_report(self.request.user)
        context["today"] = timezone.localdate()
        return context


class ReportDetailView(LoginRequiredMixin, DetailView):
    model = Report
    context_object_name = "report"
    template_name = "representatives/report_detail.html"

    def get_object(self, queryset=None):
        return selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        context.update(selectors.report_detail_context(report=self.object, user=self.request.user))
        context.setdefault("file_form", ReportFileForm())
        context["today"] = timezone.localdate()
        return context


class MajorReportCreateView(RecordCreateView):
    model = Report
    form_class = MajorReportForm
    template_name = "representatives/report_form.html"
    success_message = _("The draft was saved. Submit it when it is ready.")

    def allowed(self, user):
        return permissions.can_file_major_report(user)

    def perform(self, form):
        return services.report_create_major(
            actor=self.request.user,
            appointment=form.cleaned_data["appointment"],
            data=form.service_data(),
            attachment=form.cleaned_data.get("attachment"),
        )


class _ReportAction(ObjectActionView):
    object_context_name = "report"

    def load(self, request, **kwargs):
        return selectors.report_get(user=request.user, pk=kwargs["pk"])


class _OwnerAction(_ReportAction):
    def allowed(self, user, obj):
        return workflow.can_edit_report(user, obj)

    def role_ok(self, user, obj) -> bool:
        # Only the report's own representative could ever act on it.
        return self.object is not None and permissions.is_report_owner(user, self.object)


class ReportUpdateView(_OwnerAction):
    form_class = ReportEditForm
    template_name = "representatives/report_form.html"
    success_message = _("The report was saved.")

    def form_object_kwargs(self):
        return {**super().form_object_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.report_update(
            report=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class ReportSubmitView(_OwnerAction):
    form_class = ReportSubmitForm
    template_name = "representatives/report_action.html"
    heading = _("Submit the report")
    submit_label = _("Submit to HQ")
    success_message = _("The report was submitted to HQ.")

    def perform(self, form):
        return services.report_submit(
            report=self.object, actor=self.request.user, expected_version=form.expected_version
        )


class ReportRefreshView(_OwnerAction):
    form_class = ReportSubmitForm
    template_name = "representatives/report_action.html"
    heading = _("Refresh the facts of the year")
    submit_label = _("Refresh")
    success_message = _("The facts of the year were recomputed.")

    def allowed(self, user, obj):
        return super().allowed(user, obj) and obj.kind == "annual"

    def perform(self, form):
        return services.report_refresh_figures(
            report=self.object, actor=self.request.user, expected_version=form.expected_version
        )


class ReportReviewView(_ReportAction):
    """HQ acknowledges a submitted report, or returns it for revision with comments."""

    form_class = ReportReviewForm
    template_name = "representatives/report_review.html"

    def allowed(self, user, obj):
        return workflow.can_review_report(user, obj)

    def role_ok(self, user, obj) -> bool:
        return can_edit_registry(user)

    @property
    def success_message(self):
        if "return" in self.request.POST:
            return _("The report was returned for revision.")
        return _("The report was acknowledged.")

    def perform(self, form):
        service = services.report_return if "return" in self.request.POST else services.report_acknowledge
        return service(
            report=self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            comments=form.cleaned_data["comments"],
        )


class ReportFileUploadView(_OwnerAction):
    form_class = ReportFileForm
    http_method_names = ["post"]
    success_message = _("The file was added.")

    def form_object_kwargs(self):
        return {}

    def form_invalid(self, form):
        view = ReportDetailView(request=self.request, kwargs=self.kwargs)
        view.object = self.object
        return view.render_to_response(view.get_context_data(file_form=form))

    def perform(self, form):
        services.report_attach(report=self.object, actor=self.request.user, upload=form.cleaned_data["file"])
        return self.object


class ReportFileDownloadView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        report = selectors.report_get(user=request.user, pk=kwargs["pk"])
        return attachment_response(selectors.report_file_get(report=report, pk=kwargs["file_pk"]))

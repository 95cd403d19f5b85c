"""Pages for evaluations: HQ writes and publishes; a representative reads their own, once published."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from core.exports import Column, ListExport
from core.views import (
    ObjectActionView,
    RecordCreateView,
    ScopedFilterView,
)

from .. import permissions, selectors, services, workflow
from ..filters import EvaluationFilter
from ..forms import EvaluationForm, PublishForm
from ..models import Evaluation


class EvaluationListView(ScopedFilterView):
    model = Evaluation
    filterset_class = EvaluationFilter
    template_name = "representatives/evaluation_list.html"
    partial_template_name = "representatives/includes/evaluation_table.html"
    export = ListExport(
        filename="evaluations",
        title=_("Evaluations"),
        columns=[
            Column(_("Year"), lambda e: e.year),
            Column(_("Representative"), lambda e: str(e.representative)),
            Column(_("Learning"), lambda e: e.learning),
            Column(_("Communication"), lambda e: e.communication),
            Column(_("Playing their role"), lambda e: e.role),
            Column(_("Proficiency"), lambda e: e.proficiency),
            Column(
                _("Bottom line"), lambda e: gettext("Kept") if e.bottom_line_kept else gettext("Breached")
            ),
            Column(_("Overall grade"), lambda e: e.get_grade_display()),
            Column(_("Status"), lambda e: e.get_status_display()),
        ],
    )

    def get_queryset(self):
        return selectors.evaluation_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_evaluate"] = permissions.can_evaluate(self.request.user)
        return context


class EvaluationDetailView(LoginRequiredMixin, DetailView):
    model = Evaluation
    context_object_name = "evaluation"
    template_name = "representatives/evaluation_detail.html"

    def get_object(self, queryset=None):
        return selectors.evaluation_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        from core.history import history_entries

        context = super().get_context_data(**kwargs)
        context["can_edit"] = workflow.can_edit_evaluation(self.request.user, self.object)
        if permissions.can_evaluate(self.request.user):
            context["history"] = history_entries(Evaluation.history.filter(id=self.object.pk))
        return context


class EvaluationCreateView(RecordCreateView):
    model = Evaluation
    form_class = EvaluationForm
    template_name = "representatives/evaluation_form.html"
    success_message = _("The evaluation was saved as a draft. The representative sees it once published.")
    initial_from_query = ("representative",)

    def allowed(self, user):
        return permissions.can_evaluate(user)

    def perform(self, form):
        return services.evaluation_create(actor=self.request.user, data=form.service_data())


class _EvaluationAction(ObjectActionView):
    object_context_name = "evaluation"

    def load(self, request, **kwargs):
        return selectors.evaluation_get(user=request.user, pk=kwargs["pk"])

    def allowed(self, user, obj):
        return workflow.can_edit_evaluation(user, obj)

    def role_ok(self, user, obj) -> bool:
        return permissions.can_evaluate(user)


class EvaluationUpdateView(_EvaluationAction):
    form_class = EvaluationForm
    template_name = "representatives/evaluation_form.html"
    success_message = _("The evaluation was saved.")

    def form_object_kwargs(self):
        return {**super().form_object_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.evaluation_update(
            evaluation=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class EvaluationPublishView(_EvaluationAction):
    form_class = PublishForm
    template_name = "representatives/evaluation_action.html"
    heading = _("Publish the evaluation")
    submit_label = _("Publish")
    success_message = _("The evaluation was published to the representative.")

    def perform(self, form):
        return services.evaluation_publish(
            evaluation=self.object, actor=self.request.user, expected_version=form.expected_version
        )

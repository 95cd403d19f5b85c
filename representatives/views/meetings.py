"""Pages of the governance loop: meetings, proposals, instructions, votes."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View

from core.exports import Column, ListExport
from core.roles import can_edit_registry, is_leadership
from core.uploads import attachment_response
from core.views import (
    ObjectActionView,
    RecordCreateView,
    ScopedFilterView,
    UserFormKwargsMixin,
)

from .. import permissions, selectors, services, workflow
from ..filters import InstructionQueueFilter, MeetingFilter
from ..forms import (
    ApprovalForm,
    CancelForm,
    InstructionForm,
    MeetingFileForm,
    MeetingForm,
    OutcomeForm,
    ProposalForm,
    VoteForm,
)
from ..models import Meeting, Proposal


class MeetingListView(ScopedFilterView):
    model = Meeting
    filterset_class = MeetingFilter
    template_name = "representatives/meeting_list.html"
    partial_template_name = "representatives/includes/meeting_table.html"
    export = ListExport(
        filename="meetings",
        title=_("Meetings"),
        columns=[
            Column(_("Date"), lambda m: m.meeting_at),
            Column(_("Meeting"), lambda m: m.title),
            Column(_("Kind"), lambda m: m.get_kind_display()),
            Column(_("Joint venture"), lambda m: str(m.jv)),
            Column(_("Attending"), lambda m: str(m.representative) if m.representative else ""),
            Column(_("Proposals"), lambda m: m.proposal_count),
            Column(_("Instructions outstanding"), lambda m: m.open_count),
            Column(_("Instructions due"), lambda m: m.instruction_due_at),
            Column(_("Status"), lambda m: m.get_status_display()),
        ],
    )

    def get_queryset(self):
        # Latest first; the "ahead" filter turns it round (soonest first).
        return selectors.meeting_list(user=self.request.user).order_by("-meeting_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_register"] = permissions.can_register_meeting(self.request.user)
        context["now"] = timezone.now()
        return context


class MeetingDetailView(LoginRequiredMixin, DetailView):
    model = Meeting
    context_object_name = "meeting"
    template_name = "representatives/meeting_detail.html"

    def get_object(self, queryset=None):
        return selectors.meeting_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.meeting_detail_context(meeting=self.object, user=self.request.user))
        context.setdefault("file_form", MeetingFileForm())
        return context


class MeetingCreateView(RecordCreateView):
    model = Meeting
    form_class = MeetingForm
    template_name = "representatives/meeting_form.html"
    success_message = _("The meeting was registered. Now add its proposals.")
    initial_from_query = ("jv",)

    def allowed(self, user):
        return permissions.can_register_meeting(user)

    def perform(self, form):
        data = form.service_data()
        return services.meeting_register(
            actor=self.request.user, data=data, materials=form.cleaned_data.get("materials")
        )

    def get_success_url(self):
        return reverse("representatives:proposal_create", args=[self.object.pk])


class _MeetingAction(ObjectActionView):
    object_context_name = "meeting"

    def load(self, request, **kwargs):
        self.meeting = selectors.meeting_get(user=request.user, pk=kwargs["pk"])
        return self.meeting

    def role_ok(self, user, obj) -> bool:
        # HQ, or the representative who attends: a colleague in the same JV never acts on it.
        return can_edit_registry(user) or permissions.is_attending(user, self.meeting)


class MeetingUpdateView(UserFormKwargsMixin, _MeetingAction):
    form_class = MeetingForm
    template_name = "representatives/meeting_form.html"
    success_message = _("The meeting was saved.")

    def allowed(self, user, obj):
        return permissions.can_edit_meeting(user, obj)

    def perform(self, form):
        return services.meeting_update(
            meeting=self.object,
            actor=self.request.user,
            data={k: v for k, v in form.service_data().items() if k != "jv"},
            expected_version=form.expected_version,
        )


class MeetingCancelView(_MeetingAction):
    form_class = CancelForm
    template_name = "representatives/meeting_action.html"
    heading = _("Cancel the meeting")
    submit_label = _("Cancel the meeting")
    success_message = _("The meeting was marked cancelled.")

    def allowed(self, user, obj):
        # Unlike an edit, a meeting that has begun may still be cancelled (the service's rule).
        return permissions.can_cancel_meeting(user, obj)

    def perform(self, form):
        return services.meeting_cancel(
            meeting=self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            reason=form.cleaned_data["reason"],
        )


class MeetingOutcomeView(_MeetingAction):
    form_class = OutcomeForm
    template_name = "representatives/meeting_action.html"
    heading = _("Record the outcome")
    submit_label = _("Close the meeting")
    success_message = _("The meeting's outcome was recorded.")

    def allowed(self, user, obj):
        return permissions.can_record_outcome(user, obj)

    def perform(self, form):
        return services.meeting_record_outcome(
            meeting=self.object,
            actor=self.request.user,
            summary=form.cleaned_data["summary"],
            minutes=form.cleaned_data.get("minutes"),
            expected_version=form.expected_version,
        )


class MeetingFileUploadView(_MeetingAction):
    """POST from the meeting page's file box; on an error the page shows the box with it."""

    form_class = MeetingFileForm
    http_method_names = ["post"]
    success_message = _("The file was added.")

    def allowed(self, user, obj):
        return can_edit_registry(user) or permissions.is_attending(user, obj)

    def form_object_kwargs(self):
        return {}

    def form_invalid(self, form):
        view = MeetingDetailView(request=self.request, kwargs=self.kwargs)
        view.object = self.object
        return view.render_to_response(view.get_context_data(file_form=form))

    def perform(self, form):
        services.meeting_attach(
            meeting=self.object,
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            purpose=form.cleaned_data["purpose"],
        )
        return self.object


class MeetingFileDownloadView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        meeting = selectors.meeting_get(user=request.user, pk=kwargs["pk"])
        return attachment_response(selectors.meeting_file_get(meeting=meeting, pk=kwargs["file_pk"]))


# --- Proposals -----------------------------------------------------------------------------------


class ProposalCreateView(_MeetingAction):
    form_class = ProposalForm
    template_name = "representatives/proposal_form.html"
    success_message = _("The proposal was added.")

    def allowed(self, user, obj):
        return permissions.can_edit_meeting(user, obj)

    def form_object_kwargs(self):
        return {"instance": Proposal(meeting=self.object), "meeting": self.object, "user": self.request.user}

    def perform(self, form):
        services.proposal_add(meeting=self.object, actor=self.request.user, data=form.service_data())
        return self.object

    def get_success_url(self):
        if "add_another" in self.request.POST:
            return reverse("representatives:proposal_create", args=[self.object.pk])
        return self.object.get_absolute_url()


class _ProposalAction(_MeetingAction):
    def load(self, request, **kwargs):
        self.meeting = selectors.meeting_get(user=request.user, pk=kwargs["pk"])
        return selectors.proposal_get(user=request.user, meeting=self.meeting, pk=kwargs["proposal_pk"])

    def form_object_kwargs(self):
        kwargs = super().form_object_kwargs()
        if "instance" in kwargs:
            kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        context["proposal"] = self.object
        context["cancel_url"] = self.meeting.get_absolute_url()
        return context

    def get_success_url(self):
        return self.meeting.get_absolute_url()


class ProposalUpdateView(_ProposalAction):
    form_class = ProposalForm
    template_name = "representatives/proposal_form.html"
    success_message = _("The proposal was saved.")

    def allowed(self, user, obj):
        return permissions.can_edit_proposal(user, obj)

    def form_object_kwargs(self):
        return {**super().form_object_kwargs(), "meeting": self.meeting}

    def perform(self, form):
        return services.proposal_update(
            proposal=self.object,
            actor=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )


class InstructionView(_ProposalAction):
    """HQ drafts the instruction; "issue" sends it on (to leadership first for a major matter)."""

    form_class = InstructionForm
    template_name = "representatives/instruction_form.html"

    def allowed(self, user, obj):
        return workflow.can_instruct(user, obj)

    def role_ok(self, user, obj) -> bool:
        return can_edit_registry(user)

    @property
    def success_message(self):
        if "issue" not in self.request.POST:
            return _("The draft instruction was saved.")
        if self.object.instruction_issued:
            return _("The instruction was issued to the representative.")
        return _("The instruction was sent to leadership for approval.")

    def perform(self, form):
        return services.instruction_draft(
            proposal=self.object,
            actor=self.request.user,
            data=form.cleaned_data,
            expected_version=form.expected_version,
            issue="issue" in self.request.POST,
        )


class ApprovalView(_ProposalAction):
    """Leadership approves the instruction on a major matter, or returns it with a note."""

    form_class = ApprovalForm
    template_name = "representatives/approval_form.html"

    def allowed(self, user, obj):
        return workflow.can_approve(user, obj)

    def role_ok(self, user, obj) -> bool:
        return user.is_superuser or is_leadership(user)

    @property
    def success_message(self):
        if "return" in self.request.POST:
            return _("The draft was returned to HQ.")
        return _("The instruction was approved and issued to the representative.")

    def perform(self, form):
        if "return" in self.request.POST:
            return services.instruction_return(
                proposal=self.object,
                actor=self.request.user,
                expected_version=form.expected_version,
                note=form.cleaned_data["note"],
            )
        return services.instruction_approve(
            proposal=self.object,
            actor=self.request.user,
            expected_version=form.expected_version,
            note=form.cleaned_data["note"],
        )


class VoteView(_ProposalAction):
    form_class = VoteForm
    template_name = "representatives/vote_form.html"
    success_message = _("The vote was recorded.")

    def allowed(self, user, obj):
        return permissions.can_record_vote(user, obj)

    def perform(self, form):
        return services.vote_record(
            proposal=self.object,
            actor=self.request.user,
            data=form.cleaned_data,
            expected_version=form.expected_version,
        )


class InstructionQueueView(ScopedFilterView):
    """HQ's queue: every proposal awaiting an instruction, soonest meeting first."""

    model = Proposal
    filterset_class = InstructionQueueFilter
    template_name = "representatives/instruction_queue.html"
    context_object_name = "proposals"
    export = ListExport(
        filename="instruction-queue",
        title=_("Instruction queue"),
        columns=[
            Column(_("Meeting"), lambda p: p.meeting.title),
            Column(_("Joint venture"), lambda p: str(p.meeting.jv)),
            Column(_("Date"), lambda p: p.meeting.meeting_at),
            Column(_("Instructions due"), lambda p: p.meeting.instruction_due_at),
            Column(_("Proposal"), lambda p: f"{p.number}. {p.title}"),
            Column(_("Reserved matter"), lambda p: p.get_matter_display() if p.matter else ""),
            Column(_("Instruction"), lambda p: p.get_instruction_state_display()),
            Column(_("Major matter"), lambda p: gettext("Yes") if p.major else gettext("No")),
        ],
    )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            can_edit_registry(request.user) or is_leadership(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.instruction_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        from ..choices import OPEN_INSTRUCTION_STATES, InstructionState

        context = super().get_context_data(**kwargs)
        context["states"] = [(s, InstructionState(s).label) for s in OPEN_INSTRUCTION_STATES]
        context["now"] = timezone.now()
        user = self.request.user
        # Each row links straight to what the viewer can do about it.
        for proposal in context["proposals"]:
            args = [proposal.meeting_id, proposal.pk]
            if workflow.can_approve(user, proposal):
                proposal.action = (
                    reverse("representatives:proposal_approve", args=args),
                    _("Approve or return"),
                )
            elif workflow.can_instruct(user, proposal):
                label = (
                    _("Draft the instruction")
                    if proposal.instruction_state == InstructionState.PENDING
                    else _("Edit and issue")
                )
                proposal.action = (reverse("representatives:proposal_instruct", args=args), label)
            else:
                proposal.action = None
        return context

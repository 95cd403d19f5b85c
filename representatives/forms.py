"""Forms for representatives and appointments; dropdowns are scoped to the user."""

import json

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput, NoFormTagMixin, ObjectVersionForm, VersionedModelForm
from core.roles import can_edit_registry
from core.uploads import AttachmentField
from ventures.choices import PartyKind
from ventures.models import JointVenture, Party

from . import permissions
from .choices import Decision, VoteCast
from .models import Appointment, Evaluation, Meeting, MeetingAttachment, Proposal, Report, Representative
from .services.evaluations import EVALUATION_FIELDS
from .services.meetings import MEETING_FIELDS, deviation


class RepresentativeForm(VersionedModelForm):
    class Meta:
        model = Representative
        fields = ["name", "name_en", "employer", "position", "phone", "email", "user", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Party.objects.visible_to(user).filter(kind=PartyKind.GROUP)
        # Logins not yet linked to another representative (or the one linked to this one).
        free = Q(representative_profile__isnull=True)
        if self.instance.pk and self.instance.user_id:
            free |= Q(pk=self.instance.user_id)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(free, is_active=True).order_by("username")
        )


class AppointmentForm(VersionedModelForm):
    class Meta:
        model = Appointment
        fields = ["jv", "role", "start_date", "term_end", "end_date", "notes"]
        widgets = {"start_date": DateInput(), "term_end": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            self.fields["jv"].disabled = True


# --- The governance loop -------------------------------------------------------------------------


class RepresentativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MeetingForm(NoFormTagMixin, VersionedModelForm):
    """Register or change a JV meeting. A representative registers only meetings of their own JVs
    that they attend; HQ chooses who attends among the JV's representatives in post."""

    materials = AttachmentField(label=_("Materials"))

    class Meta:
        model = Meeting
        fields = list(MEETING_FIELDS)
        widgets = {"meeting_at": DateTimeInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        serving = Appointment.objects.active()
        if can_edit_registry(user):
            self.fields["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")
            self.fields["representative"].queryset = Representative.objects.filter(
                pk__in=serving.values("representative_id")
            ).order_by("name")
        else:
            profile = permissions.profile_of(user)
            mine = serving.filter(representative=profile).values("jv_id")
            self.fields["jv"].queryset = (
                JointVenture.objects.visible_to(user).filter(pk__in=mine).order_by("name")
            )
            self.fields["representative"].queryset = Representative.objects.filter(
                pk=getattr(profile, "pk", None)
            )
            self.fields["representative"].initial = getattr(profile, "pk", None)
        self.fields["representative"].empty_label = None if not can_edit_registry(user) else "---------"
        if self.instance.pk:
            self.fields["jv"].disabled = True
            del self.fields["materials"]


class ProposalForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "description", "matter", "decision", "decision_reason"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "decision": forms.RadioSelect}

    def __init__(self, *args, meeting=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = meeting or getattr(self.instance, "meeting", None)
        self.reserved = list(meeting.jv.reserved_matters or []) if meeting else []
        decision = self.fields["decision"]
        # Two real choices and no blank radio: an ordinary matter starts as the representative's.
        decision.choices = Decision.choices
        if not self.initial.get("decision"):
            # A new proposal's empty value would otherwise select no radio at all.
            self.initial["decision"] = Decision.REPRESENTATIVE
        decision.required = False
        decision.help_text = _(
            "On a reserved matter of this joint venture the portal sets “HQ must instruct” itself."
        )
        labels = meeting.jv.reserved_matter_labels if meeting else []
        self.fields["matter"].help_text = (
            _("Reserved matters of this joint venture (HQ must instruct): %(matters)s.")
            % {"matters": "、".join(str(m) for m in labels)}
            if labels
            else _("This joint venture has no reserved matters recorded.")
        )
        # static/js/proposal_form.js ticks "HQ must instruct" as soon as a reserved matter is chosen.
        self.fields["matter"].widget.attrs["data-reserved-matters"] = json.dumps(self.reserved)
        self.fields["decision_reason"].help_text = _(
            "Filled in for you when the matter is reserved; otherwise say why you ask HQ."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("matter") and cleaned["matter"] in self.reserved:
            cleaned["decision"] = Decision.HQ
        elif not cleaned.get("decision"):
            self.add_error("decision", _("Say who decides the group's vote."))
        return cleaned


class InstructionForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Proposal
        fields = ["instruction_vote", "instruction_note", "major"]
        widgets = {
            "instruction_vote": forms.RadioSelect,
            "instruction_note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruction_vote"].required = True
        self.fields["instruction_vote"].choices = [c for c in self.fields["instruction_vote"].choices if c[0]]


class ApprovalForm(NoFormTagMixin, ObjectVersionForm):
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
        help_text=_("Required when you return the draft."),
    )


class VoteForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Proposal
        fields = ["vote_cast", "outcome", "deviation_explanation"]
        widgets = {
            "vote_cast": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "deviation_explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("vote_cast", "outcome"):
            self.fields[name].required = True
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.fields["deviation_explanation"].help_text = _(
            "Required when the vote differs from HQ's instruction (or no instruction was issued)."
        )

    def clean(self):
        cleaned = super().clean()
        vote = cleaned.get("vote_cast")
        explained = (cleaned.get("deviation_explanation") or "").strip()
        if vote in VoteCast.values and deviation(self.instance, vote) and not explained:
            self.add_error("deviation_explanation", _("Explain why the vote differs from HQ's instruction."))
        return cleaned


class OutcomeForm(NoFormTagMixin, ObjectVersionForm):
    summary = forms.CharField(
        label=_("Outcome of the meeting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    minutes = AttachmentField(label=_("Minutes"))


class CancelForm(NoFormTagMixin, ObjectVersionForm):
    reason = forms.CharField(
        label=_("Why was it cancelled?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class MeetingFileForm(NoFormTagMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("What is it?"), choices=MeetingAttachment.Purpose.choices)
    file = AttachmentField(label=_("File"), required=True)


# --- Reports -------------------------------------------------------------------------------------


class MajorReportForm(NoFormTagMixin, forms.ModelForm):
    """A representative reports a major matter of one of their seats in force."""

    attachment = AttachmentField(label=_("Attachment"))

    class Meta:
        model = Report
        fields = ["appointment", "major_class", "title", "body", "due_date"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "due_date": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        profile = permissions.profile_of(user)
        self.fields["appointment"].queryset = (
            Appointment.objects.active().visible_to(user).filter(representative=profile).select_related("jv")
        )
        self.fields["appointment"].label = _("Seat")
        self.fields["major_class"].required = True
        self.fields["title"].required = True
        self.fields["due_date"].help_text = _("For a report within a time limit: the date it must reach HQ.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("major_class") == "time_limited" and not cleaned.get("due_date"):
            self.add_error("due_date", _("A report within a time limit needs its due date."))
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("major_class", "title", "body", "due_date")}


class ReportEditForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Report
        fields = ["major_class", "title", "body", "due_date"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "due_date": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != "major":
            for name in ("major_class", "title", "due_date"):
                del self.fields[name]
        else:
            self.fields["major_class"].required = True
            self.fields["title"].required = True


class ReportSubmitForm(NoFormTagMixin, ObjectVersionForm):
    pass


class ReportReviewForm(NoFormTagMixin, ObjectVersionForm):
    comments = forms.CharField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
        help_text=_("Required when you return the report for revision."),
    )


class ReportFileForm(NoFormTagMixin, forms.Form):
    file = AttachmentField(label=_("File"), required=True)


# --- Evaluations ---------------------------------------------------------------------------------


class EvaluationForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Evaluation
        fields = list(EVALUATION_FIELDS)
        widgets = {
            "evaluated_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "bottom_line_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = Representative.objects.visible_to(user).order_by("name")
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year - 1
            self.fields["evaluated_on"].initial = timezone.localdate()
        self.fields["bottom_line_kept"].help_text = _(
            "The interests of the state, the shareholders and the employees. A breach is graded incompetent."
        )


class PublishForm(NoFormTagMixin, ObjectVersionForm):
    pass

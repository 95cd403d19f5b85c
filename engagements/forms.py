"""Forms of engagements and commitments; every dropdown is scoped to what the user may see."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, NoFormTagMixin, ObjectVersionForm, VersionedModelForm
from core.roles import Role
from core.uploads import AttachmentField
from research.forms import ToDemandForm  # noqa: F401  (the same one-step form as the research's)
from research.models import AnnualResearch
from ventures.models import JointVenture, Party

from . import permissions
from .choices import AttachmentPurpose, EngagementStatus
from .models import Commitment, Engagement, PartnerPerson, Topic


def our_people(user):
    """Whom the group sends: leadership and HQ staff, and the person recording."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=(Role.LEADERSHIP, Role.HQ_STAFF)) | Q(pk=getattr(user, "pk", None)))
        .distinct()
        .order_by("display_name", "username")
    )


class EngagementForm(NoFormTagMixin, VersionedModelForm):
    new_people = forms.CharField(
        label=_("New partner attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('One per line, as "name, title"; they join the directory for later engagements.'),
    )
    new_people_company = forms.ModelChoiceField(
        label=_("Their company"), queryset=Party.objects.none(), required=False
    )

    class Meta:
        model = Engagement
        fields = [
            "kind",
            "status",
            "title",
            "starts_on",
            "ends_on",
            "place",
            "ventures",
            "partners",
            "attendees",
            "partner_attendees",
            "topics",
            "summary",
            "internal_notes",
            "research",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "ventures": forms.CheckboxSelectMultiple,
            "attendees": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "partners": forms.SelectMultiple(attrs={"size": 5}),
            "partner_attendees": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ventures = JointVenture.objects.visible_to(user).order_by("name")
        self.fields["ventures"].queryset = ventures
        parties = Party.objects.visible_to(user).order_by("kind", "name")
        self.fields["partners"].queryset = parties
        self.fields["partners"].required = False
        self.fields["new_people_company"].queryset = parties
        self.fields["partner_attendees"].queryset = (
            PartnerPerson.objects.visible_to(user).select_related("company").order_by("company__name", "name")
        )
        self.fields["partner_attendees"].required = False
        self.fields["attendees"].queryset = our_people(user)
        self.fields["attendees"].required = False
        self.fields["attendees"].help_text = _(
            "The engagement is high-level when a member of leadership attends."
        )
        self.fields["topics"].queryset = Topic.objects.filter(
            Q(active=True) | Q(engagements=self.instance.pk)
        ).distinct()
        self.fields["topics"].required = False
        if self.instance.pk:
            # The state moves through the engagement's own actions (held, cancelled).
            del self.fields["status"]
        else:
            self.fields["status"].choices = [
                (EngagementStatus.PLANNED, EngagementStatus.PLANNED.label),
                (EngagementStatus.HELD, EngagementStatus.HELD.label),
            ]
        if permissions.reads_internal(user) and permissions.can_edit(user):
            self.fields["internal_notes"].help_text = _(
                "Internal to HQ: the JV's representatives never read these."
            )
            self.fields["research"].queryset = (
                AnnualResearch.objects.visible_to(user).select_related("jv").order_by("-year", "jv__name")
            )
            self.fields["research"].required = False
        else:
            del self.fields["internal_notes"]
            del self.fields["research"]

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("ventures", "partners", "attendees", "partner_attendees", "topics"):
            data.pop(name, None)
        return data

    def relations(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "ventures": list(cleaned.get("ventures") or []),
            "partners": list(cleaned.get("partners") or []),
            "attendees": list(cleaned.get("attendees") or []),
            "partner_attendees": list(cleaned.get("partner_attendees") or []),
            "topics": list(cleaned.get("topics") or []),
            "new_people": cleaned.get("new_people") or "",
            "new_people_company": cleaned.get("new_people_company"),
        }


class EngagementActionForm(NoFormTagMixin, ObjectVersionForm):
    """Mark the engagement held, cancel it, or plan it again."""


class CommitmentForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Commitment
        fields = ["jv", "committed_by", "text", "owner", "due_date"]
        widgets = {"due_date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, engagement=None, **kwargs):
        super().__init__(*args, **kwargs)
        engagement = engagement or self.instance.engagement
        ventures = JointVenture.objects.visible_to(user).filter(engagements=engagement).order_by("name")
        self.fields["jv"].queryset = ventures
        self.fields["owner"].queryset = our_people(user)
        if not self.is_bound and not self.instance.jv_id:
            only = list(ventures[:2])
            if len(only) == 1:
                # One JV to choose from: chosen.
                self.initial["jv"] = only[0].pk


class CommitmentActionForm(NoFormTagMixin, ObjectVersionForm):
    reason = forms.CharField(
        label=_("Why"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkDemandForm(NoFormTagMixin, forms.Form):
    demand = forms.ModelChoiceField(label=_("Demand"), queryset=None)

    def __init__(self, *args, demands=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand"].queryset = demands


class EngagementFileForm(NoFormTagMixin, forms.Form):
    file = AttachmentField(label=_("File"), required=True)
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=AttachmentPurpose.choices, initial=AttachmentPurpose.OTHER
    )

"""Forms for raising, editing, routing, moving, rating and commenting on demands."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core import audience
from core.forms import ObjectVersionForm, VersionedModelForm, VersionField
from core.roles import is_representative, sees_all_ventures
from core.uploads import AttachmentField
from ventures.models import JointVenture

from .choices import SATISFACTION_CHOICES, Visibility
from .models import Demand


class _NoFormTag:
    """Rendered inside a template's own <form> (with its buttons), by crispy."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DemandForm(_NoFormTag, forms.ModelForm):
    """Raise a demand: only for a JV the user sees (a representative: where they serve)."""

    attachment = AttachmentField(label=_("Attachment"))

    class Meta:
        model = Demand
        fields = ["jv", "title", "description", "category", "priority", "source", "source_note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ventures = JointVenture.objects.visible_to(user).order_by("name")
        self.fields["jv"].queryset = ventures
        if is_representative(user) and not sees_all_ventures(user) and len(ventures) == 1:
            self.fields["jv"].initial = ventures[0].pk

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DemandEditForm(_NoFormTag, VersionedModelForm):
    class Meta:
        model = Demand
        fields = ["title", "description", "category", "source", "source_note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.display_name or obj.get_username()
        return f"{name} ({obj.department})" if obj.department_id else name


class DemandRouteForm(_NoFormTag, VersionedModelForm):
    """Assign to a department and an owner (HQ staff of that department) and set the priority."""

    owner = OwnerChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Demand
        fields = ["department", "owner", "priority"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("code")
        self.fields["owner"].queryset = audience.hq_staff()
        self.fields["owner"].help_text = _("Empty: the department head is told until someone takes it.")

    def clean(self):
        cleaned = super().clean()
        owner, department = cleaned.get("owner"), cleaned.get("department")
        if owner and department and owner.department_id != department.pk:
            self.add_error("owner", _("The owner must belong to the chosen department."))
        return cleaned


class _DemandVersion(ObjectVersionForm):
    """An action form on a demand (``demand``), carrying its version."""

    def __init__(self, *args, demand, **kwargs):
        super().__init__(*args, obj=demand, **kwargs)
        self.demand = demand


class TransitionForm(_NoFormTag, _DemandVersion):
    """One workflow action: the version the page showed, and the action's note."""

    version = VersionField()
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["note"].label = action.note_label
        self.fields["note"].required = action.note_required


class RatingForm(_NoFormTag, _DemandVersion):
    version = VersionField()
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied is the JV with the resolution?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class CommentForm(_NoFormTag, forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
    # HQ's comments stay inside HQ unless the author chooses to share one: the safe default.
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=[
            (Visibility.INTERNAL, Visibility.INTERNAL.label),
            (Visibility.SHARED, Visibility.SHARED.label),
        ],
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    attachment = AttachmentField(label=_("Attachment"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_all_ventures(user):
            # A representative writes to HQ and the JV; there is no internal choice to make.
            self.fields["visibility"].choices = [(Visibility.SHARED, Visibility.SHARED.label)]
            self.fields["visibility"].initial = Visibility.SHARED
            self.fields["visibility"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("attachment") and not self.errors:
            self.add_error("text", _("Write a comment or attach a file."))
        return cleaned

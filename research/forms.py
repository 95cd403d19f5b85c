"""Forms of the annual research; every dropdown is scoped to what the user may see."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audience
from core.forms import DateInput, NoFormTagMixin, ObjectVersionForm, VersionedModelForm
from core.uploads import AttachmentField
from demands.choices import Category, Priority
from representatives.models import Meeting
from ventures.models import JointVenture

from .choices import FigureChoice
from .models import AnnualResearch, DataReturn, Recommendation, Wish
from .services import RETURN_FIELDS


class ResearchOpenForm(NoFormTagMixin, forms.Form):
    """HQ opens a JV's research by hand (the campaign opens the operating JVs' by itself)."""

    jv = forms.ModelChoiceField(label=_("Joint venture"), queryset=JointVenture.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")
        self.fields["year"].initial = timezone.localdate().year


class ResearchForm(NoFormTagMixin, VersionedModelForm):
    """The plan and HQ's write-up."""

    class Meta:
        model = AnnualResearch
        fields = [
            "lead",
            "team",
            "due_date",
            "starts_on",
            "ends_on",
            "scope",
            "questions",
            "meetings",
            "findings",
            "problems",
        ]
        widgets = {
            "due_date": DateInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "questions": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 6}),
            "problems": forms.Textarea(attrs={"rows": 4}),
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = audience.hq_staff()
        self.fields["lead"].queryset = staff
        self.fields["team"].queryset = staff
        # The research visits: the JV's own meetings only.
        self.fields["meetings"].queryset = (
            Meeting.objects.visible_to(user).filter(jv_id=self.instance.jv_id).order_by("-meeting_at")
        )
        self.fields["meetings"].required = False
        self.fields["findings"].help_text = _("Internal to HQ: the JV reads only the summary HQ shares.")


class ResearchActionForm(NoFormTagMixin, ObjectVersionForm):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class ShareSummaryForm(NoFormTagMixin, ObjectVersionForm):
    summary = forms.CharField(
        label=_("Summary for the JV"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("The JV's representatives read this, and nothing else of HQ's write-up."),
    )

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if not self.is_bound:
            self.fields["summary"].initial = obj.shared_summary


class ResearchFileForm(NoFormTagMixin, forms.Form):
    file = AttachmentField(label=_("File"), required=True)


class DataReturnForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = DataReturn
        fields = list(RETURN_FIELDS)
        widgets = {
            "plans": forms.Textarea(attrs={"rows": 4}),
            "investment_intentions": forms.Textarea(attrs={"rows": 3}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            name: _("In ten thousand yuan.") for name in DataReturn.FIGURE_FIELDS if name != "headcount"
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class WishForm(forms.Form):
    """One row of what the JV wants from the group."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("What the JV wants"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("description") or cleaned.get("category")) and not (
            cleaned.get("title") or ""
        ).strip():
            self.add_error("title", _("Say in a few words what the JV wants."))
        return cleaned


WishFormSet = forms.formset_factory(WishForm, extra=2, can_delete=True, max_num=30)


def wish_initial(wishes: list[Wish]) -> list[dict]:
    return [
        {"pk": w.pk, "title": w.title, "category": w.category, "description": w.description}
        for w in wishes
        if not w.demand_id
    ]


class ReturnSubmitForm(NoFormTagMixin, ObjectVersionForm):
    """Submitting the data return: the version the page showed."""


class ReturnReviewForm(NoFormTagMixin, ObjectVersionForm):
    """HQ's review: return the data return with comments, or accept it. Where the JV's record for the
    year holds a figure that differs, HQ chooses which one stands, figure by figure."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the data return")), ("return", _("Return it with comments"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments to the JV"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    indicators_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj, differences, record=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.differences = differences
        if record is not None and not self.is_bound:
            self.fields["indicators_version"].initial = record.version
        for row in differences:
            if row["differs"]:
                self.fields[f"take_{row['name']}"] = forms.ChoiceField(
                    label=row["label"], choices=FigureChoice.choices, widget=forms.RadioSelect, required=False
                )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comments") or "").strip():
            self.add_error("comments", _("Say what the JV should correct or complete."))
        if cleaned.get("decision") == "accept":
            for row in self.differences:
                name = f"take_{row['name']}"
                if row["differs"] and not cleaned.get(name):
                    self.add_error(name, _("Choose which figure stands."))
        return cleaned

    def figure_choices(self) -> dict[str, str]:
        return {
            row["name"]: self.cleaned_data.get(f"take_{row['name']}")
            for row in self.differences
            if row["differs"]
        }


class RecommendationForm(NoFormTagMixin, VersionedModelForm):
    class Meta:
        model = Recommendation
        fields = ["text", "owner", "due_date", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = audience.hq_staff()
        if self.instance.demand_id:
            # Once a demand, the recommendation follows the demand's state.
            self.fields["status"].disabled = True


class ToDemandForm(NoFormTagMixin, forms.Form):
    """What the new demand says and how urgent it is; it is routed and timed like any demand."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)

    def __init__(self, *args, title="", category="", **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["title"].initial = title[:200]
            self.fields["category"].initial = category or Category.OTHER

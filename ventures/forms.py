"""Forms of the JV registry; every dropdown is scoped to what the user may see."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, VersionedModelForm
from core.roles import Role

from .choices import ReservedMatter
from .models import AnnualIndicators, JointVenture, Party, Shareholding
from .validators import normalize_uscc


class PartyForm(VersionedModelForm):
    class Meta:
        model = Party
        fields = ["name", "name_en", "kind", "country", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


def _venture_layout() -> Layout:
    return Layout(
        Row(Column("name", css_class="col-md-6"), Column("name_en", css_class="col-md-6")),
        Row(Column("uscc", css_class="col-md-6"), Column("established_on", css_class="col-md-6")),
        Row(
            Column("status", css_class="col-md-4"),
            Column("industry", css_class="col-md-4"),
            Column("strategic_tier", css_class="col-md-4"),
        ),
        Row(
            Column("registered_capital", css_class="col-md-4"),
            Column("currency", css_class="col-md-4"),
            Column("headcount", css_class="col-md-4"),
        ),
        Row(
            Column("department", css_class="col-md-4"),
            Column("liaison", css_class="col-md-4"),
            Column("district", css_class="col-md-4"),
        ),
        "main_products",
        "reserved_matters",
        "notes",
        "version",
    )


def reserved_matters_field() -> forms.MultipleChoiceField:
    """The reserved matters as checkboxes, on the portal's JV form and the admin's alike."""
    return forms.MultipleChoiceField(
        label=_("Reserved matters"),
        choices=ReservedMatter.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kinds of decision on which the representatives need HQ's voting instruction."),
    )


class JointVentureForm(VersionedModelForm):
    reserved_matters = reserved_matters_field()

    class Meta:
        model = JointVenture
        fields = [
            "name",
            "name_en",
            "uscc",
            "established_on",
            "status",
            "industry",
            "strategic_tier",
            "district",
            "registered_capital",
            "currency",
            "headcount",
            "department",
            "liaison",
            "main_products",
            "reserved_matters",
            "notes",
        ]
        widgets = {
            "established_on": DateInput(),
            "main_products": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = (
            get_user_model().objects.filter(groups__name=Role.HQ_STAFF, is_active=True).order_by("username")
        )
        # People paste the code with spaces; it is normalised before its 18 characters are checked.
        uscc = self.fields["uscc"]
        uscc.max_length = None
        uscc.validators = [v for v in uscc.validators if not isinstance(v, MaxLengthValidator)]
        uscc.widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = _venture_layout()

    def clean_uscc(self):
        return normalize_uscc(self.cleaned_data["uscc"])


class ShareholdingForm(VersionedModelForm):
    class Meta:
        model = Shareholding
        fields = ["party", "percentage", "subscribed_capital", "notes"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.visible_to(user).order_by("kind", "name")


class AnnualIndicatorsForm(VersionedModelForm):
    class Meta:
        model = AnnualIndicators
        fields = ["year", *AnnualIndicators.FIGURE_FIELDS]
        help_texts = {name: _("In ten thousand yuan.") for name in AnnualIndicators.AMOUNT_FIELDS}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

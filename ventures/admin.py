"""Admin for the registry: columns, filters, search, inlines, history and bulk import."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import VersionedAdmin, VersionedImportExportAdmin
from core.forms import VersionedModelForm

from .choices import ReservedMatter
from .models import HUNDRED, AnnualIndicators, JointVenture, Party, Shareholding
from .resources import JointVentureResource, PartyResource, ShareholdingResource


class ShareholdingInlineFormSet(forms.BaseInlineFormSet):
    """The rows edited together on the JV page add up to at most 100 percent."""

    def clean(self):
        super().clean()
        total = sum(
            (
                form.cleaned_data.get("percentage") or 0
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            0,
        )
        if total > HUNDRED:
            raise ValidationError(
                _("The shareholdings add up to %(total)s%%; they may not exceed 100%%."),
                params={"total": total},
            )


class ShareholdingInlineForm(VersionedModelForm):
    class Meta:
        model = Shareholding
        fields = ["party", "percentage", "subscribed_capital", "notes"]

    def _post_clean(self):
        # The JV-wide total is checked over the whole formset, where every row is known.
        self.instance._skip_total_check = True
        super()._post_clean()


class ShareholdingInline(admin.TabularInline):
    model = Shareholding
    form = ShareholdingInlineForm
    formset = ShareholdingInlineFormSet
    extra = 0
    autocomplete_fields = ["party"]


class IndicatorsInline(admin.TabularInline):
    model = AnnualIndicators
    extra = 0
    fields = ["year", "revenue", "net_profit", "tax_paid", "dividends_declared", "dividends_received"]


class JointVentureAdminForm(VersionedModelForm):
    reserved_matters = forms.MultipleChoiceField(
        label=_("Reserved matters"),
        choices=ReservedMatter.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = JointVenture
        fields = "__all__"


@admin.register(JointVenture)
class JointVentureAdmin(VersionedImportExportAdmin):
    form = JointVentureAdminForm
    resource_classes = [JointVentureResource]
    list_display = ["name", "name_en", "uscc", "status", "industry", "department", "strategic_tier"]
    list_filter = ["status", "industry", "strategic_tier", "department"]
    search_fields = ["name", "name_en", "uscc", "shareholdings__party__name", "shareholdings__party__name_en"]
    list_select_related = ["department"]
    autocomplete_fields = ["liaison", "department"]
    inlines = [ShareholdingInline, IndicatorsInline]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Party)
class PartyAdmin(VersionedImportExportAdmin):
    resource_classes = [PartyResource]
    list_display = ["name", "name_en", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_en"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Shareholding)
class ShareholdingAdmin(VersionedImportExportAdmin):
    resource_classes = [ShareholdingResource]
    list_display = ["jv", "party", "percentage", "subscribed_capital"]
    list_filter = ["party__kind", "jv__status"]
    search_fields = ["jv__name", "jv__name_en", "party__name", "party__name_en"]
    list_select_related = ["jv", "party"]
    autocomplete_fields = ["jv", "party"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(AnnualIndicators)
class AnnualIndicatorsAdmin(VersionedAdmin):
    list_display = ["jv", "year", "revenue", "net_profit", "tax_paid", "dividends_received", "headcount"]
    list_filter = ["year"]
    search_fields = ["jv__name", "jv__name_en"]
    list_select_related = ["jv"]
    autocomplete_fields = ["jv"]
    readonly_fields = ["version", "created_at", "updated_at"]

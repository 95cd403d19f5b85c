"""Admin for the registry: columns, filters, search, inlines, history and bulk import."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceInline, VersionedAdmin, VersionedImportExportAdmin
from core.forms import VersionedModelForm
from core.registry import venture_admin_inlines

from . import services
from .forms import reserved_matters_field
from .models import HUNDRED, AnnualIndicators, JointVenture, Party, Shareholding
from .resources import JointVentureResource, PartyResource, ShareholdingResource


def _lock_venture_of(form) -> None:
    """Take the JV's row lock before the 100% check, as the shareholding services do: the admin's
    page runs in one transaction, so the lock holds until its save commits."""
    jv = form.cleaned_data.get("jv") if "jv" in form.fields else form.instance.jv
    if jv is not None and jv.pk:
        JointVenture.objects.select_for_update().filter(pk=jv.pk).first()


class ShareholdingWrites:
    """Shareholdings are written through the registry's services (the JV's lock, the 100% check)."""

    def create_object(self, request, obj, data):
        data = {k: v for k, v in data.items() if k != "jv"}
        return services.shareholding_create(venture=obj.jv, actor=request.user, data=data)

    def update_object(self, request, obj, data, expected_version):
        return services.shareholding_update(
            shareholding=obj, actor=request.user, data=data, expected_version=expected_version
        )

    def delete_object(self, request, obj):
        services.shareholding_delete(shareholding=obj, actor=request.user)


class IndicatorsWrites:
    def create_object(self, request, obj, data):
        data = {k: v for k, v in data.items() if k != "jv"}
        return services.indicators_create(venture=obj.jv, actor=request.user, data=data)

    def update_object(self, request, obj, data, expected_version):
        return services.indicators_update(
            indicators=obj, actor=request.user, data=data, expected_version=expected_version
        )

    def delete_object(self, request, obj):
        services.indicators_delete(indicators=obj, actor=request.user)


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
        # The JV-wide total is checked over the whole formset, where every row is known; each
        # row's service checks it again against the stored rows under the JV's lock.
        self.instance._skip_total_check = True
        super()._post_clean()


class ShareholdingInline(ShareholdingWrites, ServiceInline):
    model = Shareholding
    form = ShareholdingInlineForm
    formset = ShareholdingInlineFormSet
    autocomplete_fields = ["party"]

    def change_order(self, row):
        # Stakes that shrink are saved before stakes that grow, so the stored total never passes
        # 100% on the way.
        before = row.initial.get("percentage") or 0
        return (row.cleaned_data.get("percentage") or 0) - before


class IndicatorsInline(IndicatorsWrites, ServiceInline):
    model = AnnualIndicators
    fields = ["year", *AnnualIndicators.FIGURE_FIELDS]


class JointVentureAdminForm(VersionedModelForm):
    reserved_matters = reserved_matters_field()

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
    readonly_fields = ["created_at", "updated_at"]

    def get_inlines(self, request, obj):
        # Apps that depend on this one add their rows through core.registry (appointments).
        return [*self.inlines, *venture_admin_inlines()]

    def create_object(self, request, obj, data):
        return services.venture_create(actor=request.user, data=data)

    def update_object(self, request, obj, data, expected_version):
        return services.venture_update(
            venture=obj, actor=request.user, data=data, expected_version=expected_version
        )


@admin.register(Party)
class PartyAdmin(VersionedImportExportAdmin):
    resource_classes = [PartyResource]
    list_display = ["name", "name_en", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_en"]
    readonly_fields = ["created_at", "updated_at"]

    def create_object(self, request, obj, data):
        return services.party_create(actor=request.user, data=data)

    def update_object(self, request, obj, data, expected_version):
        return services.party_update(
            party=obj, actor=request.user, data=data, expected_version=expected_version
        )


class ShareholdingAdminForm(VersionedModelForm):
    class Meta:
        model = Shareholding
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        _lock_venture_of(self)
        return cleaned


@admin.register(Shareholding)
class ShareholdingAdmin(ShareholdingWrites, VersionedImportExportAdmin):
    form = ShareholdingAdminForm
    resource_classes = [ShareholdingResource]
    list_display = ["jv", "party", "percentage", "subscribed_capital"]
    list_filter = ["party__kind", "jv__status"]
    search_fields = ["jv__name", "jv__name_en", "party__name", "party__name_en"]
    list_select_related = ["jv", "party"]
    autocomplete_fields = ["jv", "party"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # A stake cannot move to another JV (its history and the JVs' totals would not follow).
        return [*super().get_readonly_fields(request, obj), *(["jv"] if obj else [])]


@admin.register(AnnualIndicators)
class AnnualIndicatorsAdmin(IndicatorsWrites, VersionedAdmin):
    list_display = ["jv", "year", "revenue", "net_profit", "tax_paid", "dividends_received", "headcount"]
    list_filter = ["year"]
    search_fields = ["jv__name", "jv__name_en"]
    list_select_related = ["jv"]
    autocomplete_fields = ["jv"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(["jv"] if obj else [])]

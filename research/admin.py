"""Admin for the annual research: the campaign's settings are kept here; the research records are
read here (with their history) and worked in the portal, where every move goes through services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import AttachmentInline, ReadOnlyAdmin, ReadOnlyInline
from ventures.choices import VentureStatus

from .models import AnnualResearch, CampaignSettings, DataReturn, Recommendation, ResearchAttachment, Wish


class CampaignSettingsForm(forms.ModelForm):
    statuses = forms.MultipleChoiceField(
        label=_("JVs researched"),
        choices=VentureStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every year, each JV with one of these statuses gets a research."),
    )

    class Meta:
        model = CampaignSettings
        fields = ["opens_on", "statuses", "due_on", "data_return_due_on"]


@admin.register(CampaignSettings)
class CampaignSettingsAdmin(SimpleHistoryAdmin):
    """One row: the day the campaign opens, the JVs it covers, the due dates it gives."""

    form = CampaignSettingsForm
    list_display = ["__str__", "opens_on", "due_on", "data_return_due_on", "updated_at"]

    def has_add_permission(self, request):
        return not CampaignSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class RecommendationInline(ReadOnlyInline):
    model = Recommendation
    fields = ["text", "owner", "due_date", "status", "demand"]
    readonly_fields = fields


class ResearchAttachmentInline(AttachmentInline):
    model = ResearchAttachment


@admin.register(AnnualResearch)
class AnnualResearchAdmin(ReadOnlyAdmin):
    list_display = ["jv", "year", "status", "lead", "due_date", "opened_by", "opened_at"]
    list_filter = ["year", "status"]
    search_fields = ["jv__name", "jv__name_en"]
    list_select_related = ["jv", "lead", "opened_by"]
    inlines = [RecommendationInline, ResearchAttachmentInline]


class WishInline(ReadOnlyInline):
    model = Wish
    fields = ["title", "category", "demand"]
    readonly_fields = fields


@admin.register(DataReturn)
class DataReturnAdmin(ReadOnlyAdmin):
    list_display = ["research", "status", "due_date", "submitted_at", "accepted_at"]
    list_filter = ["status", "research__year"]
    search_fields = ["research__jv__name", "research__jv__name_en"]
    list_select_related = ["research__jv"]
    inlines = [WishInline]

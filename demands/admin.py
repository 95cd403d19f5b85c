"""Admin for demands: SLA policies and routing rules are kept here; demands are read here and
worked in the portal, where every change goes through the workflow."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import AttachmentInline, ReadOnlyAdmin, ReadOnlyInline, VersionedAdmin

from .models import Demand, DemandAttachment, DemandUpdate, RoutingRule, SLAPolicy


@admin.register(SLAPolicy)
class SLAPolicyAdmin(VersionedAdmin):
    list_display = [
        "priority",
        "category",
        "acknowledge_days",
        "resolve_days",
        "warning_days",
        "escalation_interval_days",
    ]
    list_filter = ["priority", "category"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(VersionedAdmin):
    list_display = ["category", "jv", "department", "owner"]
    list_filter = ["category", "department"]
    search_fields = ["jv__name", "jv__name_en", "department__name"]
    autocomplete_fields = ["jv"]
    list_select_related = ["jv", "department", "owner"]


class DemandUpdateInline(ReadOnlyInline):
    model = DemandUpdate
    fields = ["created_at", "kind", "visibility", "author", "from_status", "to_status", "text"]
    readonly_fields = fields


class DemandAttachmentInline(AttachmentInline):
    model = DemandAttachment
    fields = ["original_name", "size", "visibility", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    """Read-only: a status set here would skip the deadlines, the timeline and the notifications."""

    list_display = [
        "reference",
        "title",
        "jv",
        "category",
        "priority",
        "status",
        "department",
        "owner",
        "due_at",
        "escalation_level",
    ]
    list_filter = ["status", "priority", "category", "department", "escalation_level"]
    search_fields = ["title", "description", "jv__name", "jv__name_en"]
    list_select_related = ["jv", "department", "owner"]
    # At 100,000 demands the changelist stays one index read (docs/performance.md): newest first
    # on the index ``demand_newest``; one count, of the filtered rows only; no date hierarchy, whose
    # years come from a DISTINCT over every row on each view (the portal's list filters by year).
    ordering = ["-submitted_at", "-id"]
    show_full_result_count = False
    inlines = [DemandUpdateInline, DemandAttachmentInline]

    @admin.display(description=_("reference"), ordering="pk")
    def reference(self, obj):
        return obj.reference

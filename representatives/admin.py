"""Admin for representatives and appointments."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyInline, VersionedAdmin, VersionedImportExportAdmin
from ventures.admin import JointVentureAdmin

from .models import (
    Appointment,
    Evaluation,
    Meeting,
    MeetingAttachment,
    Proposal,
    Report,
    ReportAttachment,
    ReportEntry,
    Representative,
)
from .resources import RepresentativeResource
from .services import grant_representative_role


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    fields = ["representative", "jv", "role", "start_date", "term_end", "end_date"]
    autocomplete_fields = ["representative", "jv"]


# Appointments are edited on the JV's admin page too. The inline is added from here because this
# app depends on ventures, never the other way round.
JointVentureAdmin.inlines = [*JointVentureAdmin.inlines, AppointmentInline]


@admin.register(Representative)
class RepresentativeAdmin(VersionedImportExportAdmin):
    resource_classes = [RepresentativeResource]
    list_display = ["name", "name_en", "employer", "position", "user", "email"]
    list_filter = ["employer"]
    search_fields = ["name", "name_en", "position", "email", "user__username"]
    list_select_related = ["employer", "user"]
    autocomplete_fields = ["user", "employer"]
    inlines = [AppointmentInline]
    readonly_fields = ["version", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        grant_representative_role(obj.user)


@admin.register(Appointment)
class AppointmentAdmin(VersionedAdmin):
    list_display = ["representative", "jv", "role", "start_date", "term_end", "end_date"]
    list_filter = ["role", "jv"]
    search_fields = ["representative__name", "representative__name_en", "jv__name", "jv__name_en"]
    list_select_related = ["representative", "jv"]
    autocomplete_fields = ["representative", "jv"]
    date_hierarchy = "start_date"
    readonly_fields = ["version", "created_at", "updated_at"]


# --- The governance loop, reports and evaluations: read-only ------------------------------------
# Their states move through services that keep deadlines, timelines and notifications right; a
# status set in the admin would skip all three. The admin reads them with their history; the
# portal's pages do the work.


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProposalInline(ReadOnlyInline):
    model = Proposal
    fields = [
        "number",
        "title",
        "matter",
        "decision",
        "instruction_state",
        "instruction_vote",
        "vote_cast",
        "deviates",
    ]
    readonly_fields = fields


class MeetingAttachmentInline(ReadOnlyInline):
    model = MeetingAttachment
    fields = ["original_name", "purpose", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(_ReadOnlyAdmin):
    list_display = ["title", "jv", "kind", "meeting_at", "representative", "status", "instruction_due_at"]
    list_filter = ["kind", "status", "short_notice"]
    search_fields = ["title", "jv__name", "jv__name_en", "representative__name"]
    list_select_related = ["jv", "representative"]
    date_hierarchy = "meeting_at"
    inlines = [ProposalInline, MeetingAttachmentInline]


class ReportEntryInline(ReadOnlyInline):
    model = ReportEntry
    fields = ["created_at", "kind", "author", "text"]
    readonly_fields = fields


class ReportAttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(_ReadOnlyAdmin):
    list_display = ["__str__", "kind", "appointment", "due_date", "status", "submitted_at"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["title", "appointment__representative__name", "appointment__jv__name"]
    list_select_related = ["appointment__representative", "appointment__jv"]
    inlines = [ReportEntryInline, ReportAttachmentInline]


@admin.register(Evaluation)
class EvaluationAdmin(_ReadOnlyAdmin):
    list_display = ["representative", "year", "grade", "bottom_line_kept", "status", "evaluator"]
    list_filter = ["year", "grade", "status", "bottom_line_kept"]
    search_fields = ["representative__name", "representative__name_en"]
    list_select_related = ["representative", "evaluator"]

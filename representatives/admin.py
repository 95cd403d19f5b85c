"""Admin for representatives and appointments."""

from django.contrib import admin

from core.admin import (
    AttachmentInline,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceInline,
    VersionedAdmin,
    VersionedImportExportAdmin,
)
from core.registry import register_venture_admin_inline
from ventures.models import JointVenture

from . import services
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


class AppointmentWrites:
    """Appointments are made through the service: the representative is told and holds the role."""

    def create_object(self, request, obj, data):
        data = {**{k: v for k, v in data.items() if k != "representative"}, "jv": obj.jv}
        return services.appointment_create(representative=obj.representative, actor=request.user, data=data)

    def update_object(self, request, obj, data, expected_version):
        return services.appointment_update(
            appointment=obj, actor=request.user, data=data, expected_version=expected_version
        )


class AppointmentInline(AppointmentWrites, ServiceInline):
    model = Appointment
    fields = ["representative", "jv", "role", "start_date", "term_end", "end_date", "notes"]
    autocomplete_fields = ["representative", "jv"]

    def get_fields(self, request, obj=None):
        # On a JV's page the JV is the page's record, on a representative's page the person is.
        parent = "jv" if self.parent_model is JointVenture else "representative"
        return [f for f in super().get_fields(request, obj) if f != parent]

    def has_delete_permission(self, request, obj=None):
        # A seat is ended (its last day), never deleted: what the representative saw stays explained.
        return False


# Appointments are edited on the JV's admin page too; this app depends on ventures, never the other
# way round, so it hands the JV admin its inline through core.registry.
register_venture_admin_inline(AppointmentInline)


@admin.register(Representative)
class RepresentativeAdmin(VersionedImportExportAdmin):
    resource_classes = [RepresentativeResource]
    list_display = ["name", "name_en", "employer", "position", "user", "email"]
    list_filter = ["employer"]
    search_fields = ["name", "name_en", "position", "email", "user__username"]
    list_select_related = ["employer", "user"]
    autocomplete_fields = ["user", "employer"]
    inlines = [AppointmentInline]
    readonly_fields = ["created_at", "updated_at"]

    def create_object(self, request, obj, data):
        return services.representative_create(actor=request.user, data=data)

    def update_object(self, request, obj, data, expected_version):
        return services.representative_update(
            representative=obj, actor=request.user, data=data, expected_version=expected_version
        )


@admin.register(Appointment)
class AppointmentAdmin(AppointmentWrites, VersionedAdmin):
    list_display = ["representative", "jv", "role", "start_date", "term_end", "end_date"]
    list_filter = ["role", "jv"]
    search_fields = ["representative__name", "representative__name_en", "jv__name", "jv__name_en"]
    list_select_related = ["representative", "jv"]
    autocomplete_fields = ["representative", "jv"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # A seat never moves to another JV or person: end it and add a new one.
        return [*super().get_readonly_fields(request, obj), *(["representative", "jv"] if obj else [])]

    def has_delete_permission(self, request, obj=None):
        return False


# --- The governance loop, reports and evaluations: read-only ------------------------------------
# Their states move through services that keep deadlines, timelines and notifications right; a
# status set in the admin would skip all three. The admin reads them with their history; the
# portal's pages do the work.


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


class MeetingAttachmentInline(AttachmentInline):
    model = MeetingAttachment
    fields = ["original_name", "purpose", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
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


class ReportAttachmentInline(AttachmentInline):
    model = ReportAttachment


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "appointment", "due_date", "status", "submitted_at"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["title", "appointment__representative__name", "appointment__jv__name"]
    list_select_related = ["appointment__representative", "appointment__jv"]
    inlines = [ReportEntryInline, ReportAttachmentInline]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["representative", "year", "grade", "bottom_line_kept", "status", "evaluator"]
    list_filter = ["year", "grade", "status", "bottom_line_kept"]
    search_fields = ["representative__name", "representative__name_en"]
    list_select_related = ["representative", "evaluator"]

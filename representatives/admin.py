"""Admin for representatives and appointments."""

from django.contrib import admin

from core.admin import VersionedAdmin, VersionedImportExportAdmin
from ventures.admin import JointVentureAdmin

from .models import Appointment, Representative
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

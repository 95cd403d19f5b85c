"""Admin building blocks and the heartbeat list."""

from django.contrib import admin
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .forms import VersionedModelForm
from .models import CalendarDay, Heartbeat


class VersionedAdmin(SimpleHistoryAdmin):
    """Admin for a versioned row: a stale form is refused, and every save bumps the version."""

    form = VersionedModelForm

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                obj.version += 1
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Inline rows are edits too: bump their version as the portal's services do."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if obj.pk and hasattr(obj, "version"):
                obj.version += 1
            obj.save()
        formset.save_m2m()


class VersionedImportExportAdmin(ImportExportMixin, VersionedAdmin):
    """A versioned admin with XLSX/CSV import (preview, row errors, all or nothing) and export."""


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at"]
    readonly_fields = ["name", "beat_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Admins correct the calendar here; their rows survive every ``calendar_refresh``."""

    list_display = ["date", "weekday", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        obj.source = CalendarDay.Source.ADMIN
        super().save_model(request, obj, form, change)


class ReadOnlyInline(admin.TabularInline):
    """Rows the admin reads but never writes (a timeline, files): they change through services."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

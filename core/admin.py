"""Admin building blocks and the heartbeat list."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from .forms import VersionedModelForm
from .imports import column_help, import_template, row_errors
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


# --- Bulk import: who may, what each column takes, the template file ----------------------------


class ImportTemplateMixin:
    """The import page lists what each column accepts and offers an XLSX template to fill in.

    Importing (and the template) needs the add and change permissions, since a file does both.
    The page's template is ``templates/admin/import_export/import.html``.
    """

    def has_import_permission(self, request):
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def get_urls(self):
        template = path(
            "import-template/",
            self.admin_site.admin_view(self.import_template_view),
            name=self._import_template_url_name,
        )
        # Before ModelAdmin's catch-all object URLs.
        return [template, *super().get_urls()]

    @property
    def _import_template_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_import_template"

    def _import_resources(self, request):
        kwargs = self.get_import_resource_kwargs(request)
        return [resource_class(**kwargs) for resource_class in self.get_import_resource_classes(request)]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resources = self._import_resources(request)
        try:
            resource = resources[int(request.GET.get("resource", 0))]
        except (ValueError, IndexError) as exc:
            raise Http404 from exc
        response = HttpResponse(import_template(resource), content_type=XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.opts.model_name}-import-template.xlsx"
        )
        return response

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            template_url = reverse(
                f"admin:{self._import_template_url_name}", current_app=self.admin_site.name
            )
            context["import_help"] = [
                {
                    "name": resource.get_display_name(),
                    "columns": column_help(resource),
                    "template_url": f"{template_url}?resource={index}",
                }
                for index, resource in enumerate(self._import_resources(request))
            ]
            if context.get("result") is not None:
                context["import_row_errors"] = row_errors(context["result"])
        return response


class VersionedImportExportAdmin(ImportTemplateMixin, ImportExportMixin, VersionedAdmin):
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

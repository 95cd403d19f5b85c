"""Admin building blocks and the heartbeat list."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
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
from .services import save_with_history, versioned_update


def _adopt(obj, saved) -> None:
    """Carry what a service saved back into the object the admin goes on with (its log entry,
    inlines and redirect need the primary key and the new version)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ServiceWritesMixin:
    """Hooks through which the admin writes a record: the app's services, as every portal page.

    ``create_object``, ``update_object`` and ``delete_object`` default to the generic versioned
    save of ``core.services``; an app whose record has rules of its own (who is told, which row is
    locked, what else must hold) points them at its services.
    """

    def create_object(self, request, obj, data: dict):
        with transaction.atomic():
            return save_with_history(instance=obj, actor=request.user)

    def update_object(self, request, obj, data: dict, expected_version: int | None):
        with transaction.atomic():
            return versioned_update(
                instance=obj, actor=request.user, data=data, expected_version=expected_version
            )

    def delete_object(self, request, obj) -> None:
        with transaction.atomic():
            obj._history_user = request.user
            obj.delete()


def _with_version(fields) -> list:
    # The hidden version is rendered wherever the form's fields are listed explicitly too.
    return fields if "version" in fields else [*fields, "version"]


def _without_version(fields):
    # ``version`` is the form's own hidden field: naming it to the model form factory as a model
    # field would be refused (the model field is not editable).
    return None if fields is None else [f for f in fields if f != "version"]


class ServiceInline(ServiceWritesMixin, admin.TabularInline):
    """An inline whose rows are written through services, with their own version check.

    ``parent_field`` is the foreign key to the page's record; the services take the parent
    separately, so it is left out of their data.
    """

    form = VersionedModelForm
    extra = 0

    def get_fields(self, request, obj=None):
        return _with_version(super().get_fields(request, obj))

    def get_formset(self, request, obj=None, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = _without_version(flatten_fieldsets(self.get_fieldsets(request, obj)))
        formset = super().get_formset(request, obj, **kwargs)
        formset.service_inline = self
        return formset

    def change_order(self, row) -> int:
        """Where an edited row goes among the page's edits (lowest first)."""
        return 0


class VersionedAdmin(ServiceWritesMixin, SimpleHistoryAdmin):
    """Admin for a versioned row, written through services like every portal page.

    The form carries the version it was rendered with; the check locks the row until the admin's
    transaction commits, so of two admins saving at once the second is refused, not silently
    overwritten. Inline rows go through their inline's services the same way. A service that
    refuses (a rule the form could not see) leaves nothing saved and says why on the page.
    """

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        return _with_version(super().get_fields(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = _without_version(kwargs["fields"])
        return super().get_form(request, obj, change, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The admin's transaction has rolled back: nothing of this save was kept.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.service_data()
        if change:
            saved = self.update_object(request, obj, data, form.expected_version)
        else:
            saved = self.create_object(request, obj, data)
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        self.delete_object(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_object(request, obj)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "service_inline", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted, changed, new = [], [], []
        for row in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(row):
                deleted.append(row)
            elif row.has_changed():
                changed.append(row)
        for row in formset.extra_forms:
            if row.has_changed() and not (formset.can_delete and formset._should_delete_form(row)):
                new.append(row)
        # Deletions first, then edits that shrink a shared total (a JV's stakes), then the rest.
        for row in deleted:
            inline.delete_object(request, row.instance)
            formset.deleted_objects.append(row.instance)
        for row in sorted(changed, key=inline.change_order):
            saved = inline.update_object(request, row.instance, row.service_data(), row.expected_version)
            formset.changed_objects.append((saved, row.changed_data))
        for row in new:
            setattr(row.instance, formset.fk.name, form.instance)
            saved = inline.create_object(request, row.instance, row.service_data())
            _adopt(row.instance, saved)
            formset.new_objects.append(row.instance)


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


class ReadOnlyMixin:
    """Records the admin reads but never writes: no add, change or delete, so no bulk delete
    action either."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """A record that moves through services which keep deadlines, timelines and notifications
    right: the admin reads it with its history."""


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Written by the heartbeat task only."""

    list_display = ["name", "beat_at"]
    readonly_fields = ["name", "beat_at"]


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


class AttachmentInline(ReadOnlyInline):
    """The files of a record (a ``core.models.Attachment`` kind), read-only."""

    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

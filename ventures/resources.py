"""Bulk import and export of the registry (django-import-export), used from the admin.

Each row is validated like a form (``full_clean``); the whole file is imported in one transaction
and nothing is saved when any row is wrong.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from accounts.models import Department

from .models import JointVenture, Party, Shareholding


class VersionBumpMixin:
    """An import is all or nothing, and updating a row counts as an edit (stale forms are refused)."""

    def import_data(self, dataset, **kwargs):
        # import-export keeps valid rows beside invalid ones unless told otherwise.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk:
            instance.version += 1


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key; a missing one is a clear error on that cell."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist as exc:
            raise ValueError(
                _("No %(model)s with %(field)s “%(value)s”.")
                % {
                    "model": self.model._meta.verbose_name,
                    "field": self.model._meta.get_field(self.field).verbose_name,
                    "value": value,
                }
            ) from exc


class ReservedMattersWidget(widgets.Widget):
    """Reserved matters as comma-separated codes."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        return [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class PartyResource(VersionBumpMixin, resources.ModelResource):
    class Meta:
        model = Party
        fields = ("name", "name_en", "kind", "country", "notes")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class JointVentureResource(VersionBumpMixin, resources.ModelResource):
    department = fields.Field(
        attribute="department",
        column_name="department",
        widget=LookupWidget(Department, field="code"),
    )
    reserved_matters = fields.Field(
        attribute="reserved_matters", column_name="reserved_matters", widget=ReservedMattersWidget()
    )

    class Meta:
        model = JointVenture
        fields = (
            "uscc",
            "name",
            "name_en",
            "established_on",
            "registered_capital",
            "currency",
            "industry",
            "district",
            "status",
            "main_products",
            "headcount",
            "department",
            "strategic_tier",
            "reserved_matters",
        )
        import_id_fields = ("uscc",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ShareholdingResource(VersionBumpMixin, resources.ModelResource):
    jv = fields.Field(attribute="jv", column_name="jv_uscc", widget=LookupWidget(JointVenture, field="uscc"))
    party = fields.Field(attribute="party", column_name="party", widget=LookupWidget(Party, field="name"))

    class Meta:
        model = Shareholding
        fields = ("jv", "party", "percentage", "subscribed_capital", "notes")
        import_id_fields = ("jv", "party")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        verbose_name = _("shareholding")

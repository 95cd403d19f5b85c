"""Bulk import and export of the registry (django-import-export), used from the admin.

Each row is validated like a form (``full_clean``); the whole file is imported in one transaction
and nothing is saved when any row is wrong. Choice columns take the code or the label in either
language (``core.imports``); the department, the JV and the shareholder by any of their names.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields

from accounts.models import Department
from core.imports import ChoiceListWidget, ImportResource, LookupWidget

from .choices import ReservedMatter
from .models import JointVenture, Party, Shareholding


class PartyResource(ImportResource):
    class Meta:
        model = Party
        fields = ("name", "name_en", "kind", "country", "notes")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class JointVentureResource(ImportResource):
    department = fields.Field(
        attribute="department",
        column_name="department",
        widget=LookupWidget(Department, field="code", aliases=("name", "name_en"), listed=True),
    )
    reserved_matters = fields.Field(
        attribute="reserved_matters",
        column_name="reserved_matters",
        widget=ChoiceListWidget(ReservedMatter.choices, label=_("reserved matter")),
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


class ShareholdingResource(ImportResource):
    jv = fields.Field(
        attribute="jv",
        column_name="jv_uscc",
        widget=LookupWidget(JointVenture, field="uscc", aliases=("name", "name_en")),
    )
    party = fields.Field(
        attribute="party", column_name="party", widget=LookupWidget(Party, field="name", aliases=("name_en",))
    )

    class Meta:
        model = Shareholding
        fields = ("jv", "party", "percentage", "subscribed_capital", "notes")
        import_id_fields = ("jv", "party")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        verbose_name = _("shareholding")

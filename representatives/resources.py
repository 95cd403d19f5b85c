"""Bulk import and export of representatives from the admin."""

from django.contrib.auth import get_user_model
from import_export import fields

from core.imports import ImportResource, LookupWidget
from ventures.models import Party

from .models import Representative
from .services import grant_representative_role


class RepresentativeResource(ImportResource):
    employer = fields.Field(
        attribute="employer",
        column_name="employer",
        widget=LookupWidget(Party, field="name", aliases=("name_en",)),
    )
    user = fields.Field(
        attribute="user", column_name="username", widget=LookupWidget(get_user_model(), field="username")
    )

    class Meta:
        model = Representative
        fields = ("name", "name_en", "employer", "position", "phone", "email", "user", "notes")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            grant_representative_role(instance.user)

"""Bulk import and export of representatives from the admin.

A row is matched on the login (``username``), else on the e-mail; never on the name, since two
people may share one. A file that names one person twice is refused.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.imports import ImportFileError, ImportResource, LookupWidget, file_row, join_values
from ventures.models import Party

from .models import Representative
from .services import grant_representative_role


class RepresentativeResource(ImportResource):
    employer = fields.Field(
        attribute="employer",
        column_name="employer",
        widget=LookupWidget(Party, field="name", aliases=("name_en",)),
    )
    # An empty cell keeps the login a representative has: an import never takes one away.
    user = fields.Field(
        attribute="user",
        column_name="username",
        widget=LookupWidget(get_user_model(), field="username"),
        saves_null_values=False,
    )

    column_notes = {
        "username": _(
            "Rows are matched on the username; a row without one on the email. Fill in at least one."
        ),
        "email": _(
            "Matches the row when it has no username; with one, gives its login to the one "
            "representative with this email and no login yet."
        ),
    }

    class Meta:
        model = Representative
        fields = ("name", "name_en", "employer", "position", "phone", "email", "user", "notes")
        # Matching is get_instance's: on the login, else the e-mail, never the name.
        import_id_fields = ()
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def match_columns(self):
        return ["username", "email"]

    def check_match_columns(self, headers):
        if "username" not in headers and "email" not in headers:
            raise ImportFileError(
                gettext("The file needs a username or an email column: representatives are matched on them.")
            )

    @staticmethod
    def _identifiers(row) -> tuple[str, str]:
        return str(row.get("username") or "").strip(), str(row.get("email") or "").strip()

    def _find(self, row) -> Representative | None:
        """The representative ``row`` updates, or None for a new one; a row that cannot say is refused."""
        username, email = self._identifiers(row)
        queryset = Representative.objects.select_related("user")
        if username:
            try:
                user = self.fields["user"].clean(row)
            except ValueError:
                return None  # the username column reports the unknown login
            found = queryset.filter(user=user).first()
            if found is None and email:
                # Someone imported by e-mail earlier now gets their login.
                candidates = list(queryset.filter(email__iexact=email, user__isnull=True)[:2])
                found = candidates[0] if len(candidates) == 1 else None
            return found
        if email:
            candidates = list(queryset.filter(email__iexact=email)[:2])
            if len(candidates) > 1:
                raise ValidationError(
                    {
                        "email": gettext(
                            "More than one representative has the email “%(email)s”: fill in the "
                            "username to say which."
                        )
                        % {"email": email}
                    }
                )
            return candidates[0] if candidates else None
        raise ValidationError(
            {
                "username": gettext(
                    "Fill in the username or the email: representatives are matched on them, "
                    "never on the name."
                )
            }
        )

    def get_instance(self, instance_loader, row):
        return self._find(row)

    def before_import(self, dataset, **kwargs):
        self._same_person = {}
        super().before_import(dataset, **kwargs)
        self._same_person = self._rows_for_one_person(dataset)

    def _rows_for_one_person(self, dataset) -> dict[int, str]:
        """``{row number: message}`` for rows that would land on the same representative."""
        rows_by_key: dict[tuple, list[int]] = {}
        for number, values in enumerate(dataset, 1):
            row = dict(zip(dataset.headers, values, strict=True))
            username, email = self._identifiers(row)
            try:
                found = self._find(row)
            except ValidationError:
                found = None  # the row reports its own error
            keys = [("representative", found.pk)] if found else []
            if username:
                try:
                    keys.append(("user", self.fields["user"].clean(row).pk))
                except ValueError:
                    keys.append(("username", username))
            elif email:
                keys.append(("email", email.casefold()))
            for key in keys:
                rows_by_key.setdefault(key, []).append(number)
        others: dict[int, set[int]] = {}
        for numbers in rows_by_key.values():
            for number in numbers:
                others.setdefault(number, set()).update(n for n in numbers if n != number)
        return {
            number: ngettext(
                "Same representative as row %(rows)s (same username or email): a file may name "
                "each person once.",
                "Same representative as rows %(rows)s (same username or email): a file may name "
                "each person once.",
                len(rows),
            )
            % {"rows": join_values(file_row(n) for n in sorted(rows))}
            for number, rows in others.items()
            if rows
        }

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        message = self._same_person.get(kwargs.get("row_number"))
        if message:
            raise ValidationError({"username" if self._identifiers(row)[0] else "email": message})

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            grant_representative_role(instance.user)

"""Filter building blocks every app's list filters use."""

import django_filters
from django.utils.functional import lazy
from django.utils.translation import gettext
from django_filters.constants import EMPTY_VALUES


def _descending(label) -> str:
    return gettext("%s (descending)") % label


descending = lazy(_descending, str)


class OrderingFilter(django_filters.OrderingFilter):
    """A sort menu whose labels are in the reader's language.

    django-filter builds the menu's labels once, when the filter set's class is defined, and
    formats "%s (descending)" eagerly: every menu then speaks the language that was active at
    import. Here each label stays lazy until the menu is rendered.

    ``field_labels`` is keyed by model field name (the first of each ``fields`` pair), as in
    django-filter; every field needs a label, since the package's fallback is the untranslated
    parameter name.
    """

    def build_choices(self, fields, labels):
        missing = [field for field in fields if field not in labels]
        if missing:
            raise ValueError(f"OrderingFilter fields without a label: {missing}")
        choices = []
        for field, param in fields.items():
            choices.append((param, labels[field]))
            choices.append((f"-{param}", descending(labels[field])))
        return choices

    def filter(self, qs, value):
        """Sort as asked, then by primary key in the same direction: rows that tie on the chosen
        column keep one order from page to page, and an index on (column, id) serves both ways."""
        qs = super().filter(qs, value)
        terms = [str(term) for term in qs.query.order_by]
        if not terms or value in EMPTY_VALUES or {t.lstrip("-") for t in terms} & {"pk", "id"}:
            return qs
        return qs.order_by(*terms, "-pk" if terms[-1].startswith("-") else "pk")

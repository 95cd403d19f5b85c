"""The shared filter building blocks speak the reader's language, whatever language was active
when the filter set's class was defined."""

import django_filters
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter
from ventures.models import JointVenture


def _sort_menu(filterset_class, language) -> list[str]:
    with translation.override(language):
        return [str(label) for _value, label in filterset_class().form.fields["ordering"].choices]


def test_a_sort_menu_defined_in_chinese_reads_in_english_for_an_english_reader():
    with translation.override("zh-hans"):

        class VentureSort(django_filters.FilterSet):
            ordering = OrderingFilter(fields=(("name", "name"),), field_labels={"name": _("Name")})

            class Meta:
                model = JointVenture
                fields = []

    assert _sort_menu(VentureSort, "en")[1:] == ["Name", "Name (descending)"]
    assert _sort_menu(VentureSort, "zh-hans")[1:] == ["名称", "名称（降序）"]


def test_every_sort_field_needs_a_label():
    # Keyed by the parameter instead of the field: django-filter would show "Capital" untranslated.
    with pytest.raises(ValueError, match="registered_capital"):
        OrderingFilter(fields=(("registered_capital", "capital"),), field_labels={"capital": _("Capital")})

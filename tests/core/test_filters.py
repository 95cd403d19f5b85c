"""The shared filter building blocks speak the reader's language, whatever language was active
when the filter set's class was defined."""

import re

import django_filters
import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter
from core.forms import ListSelect
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


def test_the_list_select_writes_the_stock_widgets_markup():
    """The filter forms' selects are written in Python for speed: the same HTML as Django's own."""
    choices = [("", "All"), (1, "<A & B> “甲”"), (2, "乙公司")]
    stock = forms.Select(choices=choices, attrs={"class": "form-select"})
    fast = ListSelect(choices=choices, attrs={"class": "form-select"})

    def normalise(html):
        return re.sub(r">\s+<", "><", str(html).strip())

    for value in ("2", "", None, "99"):
        assert normalise(fast.render("jv", value, attrs={"id": "id_jv"})) == normalise(
            stock.render("jv", value, attrs={"id": "id_jv"})
        ), value


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_dropdown_of_jvs_reads_their_names_only_and_writes_the_stock_markup(language, db):
    """A thousand JVs in a filter: their two name columns, no model instance each, the same HTML
    as the stock widget's, in the reader's language."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    f.JointVentureFactory(name="甲公司", name_en="Alpha <Co>")
    f.JointVentureFactory(name="乙公司", name_en="")
    chosen = f.JointVentureFactory(name="丙公司", name_en="Gamma")

    def field():
        return forms.ModelChoiceField(queryset=JointVenture.objects.order_by("name"), empty_label="All")

    stock, fast = field(), field()
    fast.widget = ListSelect()
    fast.widget.choices = fast.choices

    def normalise(html):
        return re.sub(r">\s+<", "><", str(html).strip())

    with translation.override(language):
        expected = normalise(stock.widget.render("jv", chosen.pk, attrs={"id": "id_jv"}))
        with CaptureQueriesContext(connection) as queries:
            written = normalise(fast.widget.render("jv", chosen.pk, attrs={"id": "id_jv"}))
    assert written == expected
    assert ("Alpha &lt;Co&gt;" in written) == (language == "en")
    assert f'<option value="{chosen.pk}" selected>' in written
    (query,) = queries.captured_queries
    assert '"notes"' not in query["sql"] and '"name_en"' in query["sql"]  # two names, not the row


def test_a_filter_with_a_none_option_keeps_it(db):
    """django-filter's "none" choice (``null_label``) comes from its own iterator: kept."""
    from tests import factories as f

    f.JointVentureFactory(name="甲公司")

    class VentureFilter(django_filters.FilterSet):
        jv = django_filters.ModelChoiceFilter(
            queryset=JointVenture.objects.all(), null_label="无", empty_label="All", field_name="pk"
        )

        class Meta:
            model = JointVenture
            fields = []

    field = VentureFilter().form.fields["jv"]
    fast = ListSelect()
    fast.choices = field.choices
    written = fast.render("jv", None)
    assert '<option value="null">无</option>' in written and "All" in written

"""The lists' exports: what the list shows (filters, sort, scope), streamed, typed, and safe to open.

Every export's scope per role is in the access matrix (its rows equal the list's count for each
role); one language per export is in test_one_language. Here: the mechanics of core.exports.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.exports import choice_column, spreadsheet_safe
from demands.choices import Status
from demands.models import Demand
from tests import factories as f
from tests.downloads import body, csv_rows, xlsx_rows


def _export(client, name, fmt, params=None):
    response = client.get(reverse(name, args=[fmt]), params or {})
    assert response.status_code == 200, response.status_code
    return response


def test_the_demand_export_has_the_lists_rows_in_the_lists_order(portfolio, hq_client):
    own, other, rep = portfolio["own"], portfolio["other"], portfolio["rep"]
    for title in ("乙 Beta", "甲 Alpha", "丙 Gamma"):
        f.make_demand(own, rep, title=title)
    f.make_demand(other, portfolio["other_rep"], title="丁 Delta")
    params = {"jv": own.pk, "ordering": "-title"}
    listed = hq_client.get(reverse("demands:demand_list"), params).context["object_list"]
    rows = csv_rows(_export(hq_client, "demands:demand_list_export", "csv", params))
    assert rows[0][:2] == ["Reference", "Title"]
    titles = [row[1] for row in rows[1:]]
    assert titles == [d.title for d in listed]
    assert titles == sorted(titles, reverse=True) and len(titles) == 3
    assert [row[0] for row in rows[1:]] == [d.reference for d in listed]


def test_an_invalid_filter_exports_nothing_as_the_list_shows_nothing(portfolio, hq_client):
    f.make_demand(portfolio["own"], portfolio["rep"])
    listed = hq_client.get(reverse("demands:demand_list"), {"status": "nonsense"})
    assert listed.context["paginator"].count == 0
    rows = csv_rows(_export(hq_client, "demands:demand_list_export", "csv", {"status": "nonsense"}))
    assert rows[1:] == []


def test_csv_streams_and_xlsx_comes_from_a_file(portfolio, hq_client):
    csv_response = _export(hq_client, "ventures:venture_list_export", "csv")
    xlsx_response = _export(hq_client, "ventures:venture_list_export", "xlsx")
    assert isinstance(csv_response, StreamingHttpResponse)
    assert isinstance(xlsx_response, FileResponse)
    stamp = datetime.date.today().isoformat()
    assert f'filename="joint-ventures-{stamp}.csv"' in csv_response["Content-Disposition"]
    assert csv_response["Content-Disposition"].startswith("attachment;")
    # The two formats carry the same table.
    assert [str(c) for c in csv_rows(csv_response)[0]] == [str(c) for c in xlsx_rows(xlsx_response)[0]]
    assert len(csv_rows(csv_response)) == len(xlsx_rows(xlsx_response)) == 3


def test_an_unknown_format_is_not_found(hq_client):
    assert hq_client.get("/demands/export.pdf").status_code == 404
    assert hq_client.get("/ventures/export.json").status_code == 404


def test_xlsx_cells_keep_their_types(portfolio, hq_client):
    venture = portfolio["own"]
    type(venture).objects.filter(pk=venture.pk).update(established_on=datetime.date(2001, 5, 8))
    rows = xlsx_rows(_export(hq_client, "ventures:venture_list_export", "xlsx", {"q": venture.name}))
    header, row = rows[0], rows[1]
    assert row[header.index("Group stake (%)")] == Decimal("40")
    assert isinstance(row[header.index("Registered capital")], (int, float))
    # openpyxl reads a date cell back as a datetime at midnight.
    assert row[header.index("Established")] == datetime.datetime(2001, 5, 8)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_in_a_cell_is_text_in_the_spreadsheet(portfolio, hq_client, fmt):
    f.make_demand(portfolio["own"], portfolio["rep"], title='=HYPERLINK("http://evil.example","x")')
    response = _export(hq_client, "demands:demand_list_export", fmt)
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    titles = [row[1] for row in rows[1:]]
    assert titles == ['\'=HYPERLINK("http://evil.example","x")']


def test_spreadsheet_safe_neutralises_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("合资公司") == "合资公司"
    assert spreadsheet_safe(12) == 12


def _queries_for_export(client, name, fmt):
    with CaptureQueriesContext(connection) as queries:
        body(client.get(reverse(name, args=[fmt])))
    return len(queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exports_queries_do_not_grow_with_its_rows(portfolio, hq_client, fmt):
    """Columns that name related rows (JV, department, owner; a JV's partners) come from the
    list's select_related and prefetches, walked in chunks: 3 rows or 30, the same queries."""
    own, rep = portfolio["own"], portfolio["rep"]
    for n in range(3):
        f.make_demand(own, rep, title=f"需求 {n}")
    for _ in range(2):
        f.JointVentureFactory()
    few = {
        name: _queries_for_export(hq_client, name, fmt)
        for name in ("demands:demand_list_export", "ventures:venture_list_export")
    }
    for n in range(27):
        f.make_demand(portfolio["other"], portfolio["other_rep"], title=f"更多 {n}")
    for _ in range(20):
        venture = f.JointVentureFactory()
        f.ShareholdingFactory(jv=venture, party=portfolio["own_partner"], percentage=50)
    many = {
        name: _queries_for_export(hq_client, name, fmt)
        for name in ("demands:demand_list_export", "ventures:venture_list_export")
    }
    assert many == few


def test_a_representative_reads_no_representative_column_in_the_reports_export(portfolio, hq, client_as):
    """Reports list their author for HQ; a representative's own list leaves the column out, as the
    page does."""
    hq_rows = csv_rows(_export(client_as(hq), "representatives:report_list_export", "csv"))
    rep_rows = csv_rows(_export(client_as(portfolio["rep"]), "representatives:report_list_export", "csv"))
    assert "Representative" in hq_rows[0]
    assert "Representative" not in rep_rows[0]


def test_the_demand_export_reads_dicts_and_gives_the_models_own_names(portfolio, hq_client, hq):
    """The demands' export reads ``values()`` rows (issue 16: 100,000 of them); every cell is still
    what the model would show: its reference, ``str()`` of its JV, department and owner, the
    labels of its choices."""
    own, rep = portfolio["own"], portfolio["rep"]
    routed = f.make_demand(own, rep, title="有负责人")
    routed.owner = hq
    routed.save(update_fields=["owner"])
    f.make_demand(own, rep, title="无负责人")
    rows = csv_rows(_export(hq_client, "demands:demand_list_export", "csv", {"ordering": "title"}))
    by_title = {row[1]: row for row in rows[1:]}
    for demand in Demand.objects.filter(jv=own).select_related("jv", "department", "owner"):
        assert by_title[demand.title][:8] == [
            demand.reference,
            demand.title,
            str(demand.jv),
            demand.get_category_display(),
            demand.get_priority_display(),
            demand.get_status_display(),
            str(demand.department) if demand.department else "",
            str(demand.owner) if demand.owner else "",
        ]
    assert by_title["有负责人"][7] == str(hq) and by_title["无负责人"][7] == ""


def test_a_choice_column_gives_the_label_in_the_readers_language():
    column = choice_column("Status", Demand, "status")
    with translation.override("en"):
        english = column.cell()
    with translation.override("zh-hans"):
        chinese = column.cell()
    demand = Demand(status=Status.SUBMITTED)
    assert english(demand) == "Submitted"
    with translation.override("zh-hans"):
        assert chinese(demand) == demand.get_status_display() != "Submitted"
    # A value outside the choices is shown as it is, as get_status_display would.
    assert english(Demand(status="gone")) == "gone"

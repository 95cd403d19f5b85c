"""Bulk import of the registry (django-import-export), through the resources and through the admin.

The promise (ventures/resources.py): each row is validated like a form, and nothing is saved when
any row of the file is wrong.
"""

import re
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.formats import base_formats

from core.roles import Role
from representatives.models import Representative
from representatives.resources import RepresentativeResource
from tests import factories as f
from tests.helpers import db_snapshot, with_wrong_check_character
from ventures.models import JointVenture, Party, Shareholding
from ventures.resources import JointVentureResource, PartyResource, ShareholdingResource

PARTY_HEADERS = ["name", "name_en", "kind", "country", "notes"]
VENTURE_HEADERS = [
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
]
HOLDING_HEADERS = ["jv_uscc", "party", "percentage", "subscribed_capital", "notes"]
REP_HEADERS = ["name", "name_en", "employer", "position", "phone", "email", "username", "notes"]


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English; a request in Chinese (the middleware activates the user's
    language in this thread) must not carry over into the next test."""
    with translation.override("en"):
        yield


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


@pytest.fixture
def codes(db):
    return [f.valid_uscc(), f.valid_uscc()]


@pytest.fixture
def department(db):
    return f.DepartmentFactory(code="jv", name="合资合作部", name_en="JV Department")


def parties_file():
    return dataset(
        PARTY_HEADERS,
        ["百利集团", "Baili Group", "group", "CN", ""],
        ["奥的斯", "Otis", "foreign", "US", "partner"],
        ["西门子", "Siemens AG", "foreign", "DE", ""],
    )


def ventures_file(codes, overrides=None):
    """Two JVs; ``overrides`` maps (row index, column) to a value."""
    rows = [
        [codes[0], "天津奥的斯电梯", "Otis Tianjin", "1984-06-18", "60000000", "USD", "elevators", "西青区",
         "operating", "电梯", "2600", "jv", "core", "budget, capital_change"],
        [codes[1], "天津西门子开关", "Siemens Tianjin", "1996-03-08", "280000000", "CNY", "switchgear", "北辰区",
         "operating", "开关柜", "900", "jv", "important", ""],
    ]  # fmt: skip
    for (row, column), value in (overrides or {}).items():
        rows[row][VENTURE_HEADERS.index(column)] = value
    return dataset(VENTURE_HEADERS, *rows)


def holdings_file(codes, second_otis_share="40"):
    return dataset(
        HOLDING_HEADERS,
        [codes[0], "奥的斯", "60", "36000000", ""],
        [codes[0], "百利集团", second_otis_share, "24000000", ""],
        [codes[1], "西门子", "51", "", ""],
        [codes[1], "百利集团", "49", "", ""],
    )


def reps_file(username=""):
    return dataset(
        REP_HEADERS,
        ["李明", "Li Ming", "百利集团", "副总经理", "", "li@example.com", username, ""],
        ["张伟", "Zhang Wei", "百利集团", "部长", "", "zhang@example.com", "", ""],
    )


def import_all(codes, hq=None):
    """Import a good file of each kind; return the results."""
    results = []
    for resource, data in [
        (PartyResource(), parties_file()),
        (JointVentureResource(), ventures_file(codes)),
        (ShareholdingResource(), holdings_file(codes)),
        (RepresentativeResource(), reps_file()),
    ]:
        result = resource.import_data(data, dry_run=False, use_transactions=True, raise_errors=False)
        assert not result.has_errors(), [e.error for _n, errors in result.row_errors() for e in errors]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        results.append(result)
    return results


def test_a_good_set_of_files_imports(codes, department):
    import_all(codes)
    assert Party.objects.count() == 3
    otis = JointVenture.objects.get(uscc=codes[0])
    assert (otis.name_en, otis.registered_capital, otis.currency, otis.department) == (
        "Otis Tianjin",
        Decimal("60000000"),
        "USD",
        department,
    )
    assert otis.reserved_matters == ["budget", "capital_change"]
    assert {(s.party.name, s.percentage) for s in otis.shareholdings.all()} == {
        ("奥的斯", Decimal("60")),
        ("百利集团", Decimal("40")),
    }
    assert Shareholding.objects.count() == 4
    assert set(Representative.objects.values_list("name", "employer__name")) == {
        ("李明", "百利集团"),
        ("张伟", "百利集团"),
    }
    # Every imported row has its history.
    assert JointVenture.history.count() == 2


def test_importing_the_same_files_again_changes_nothing(codes, department):
    import_all(codes)
    before = db_snapshot()
    results = import_all(codes)
    assert all(r.totals["new"] == 0 and r.totals["update"] == 0 for r in results)
    assert db_snapshot() == before


def test_an_import_that_changes_a_row_bumps_its_version(codes, department):
    import_all(codes)
    changed = ventures_file(codes, {(0, "headcount"): "2700"})
    result = JointVentureResource().import_data(changed, dry_run=False, use_transactions=True)
    assert result.totals["update"] == 1
    otis = JointVenture.objects.get(uscc=codes[0])
    assert (otis.headcount, otis.version) == (2700, 2)


def _bad_venture_files(codes):
    yield "uscc", ventures_file(codes, {(1, "uscc"): with_wrong_check_character(codes[1])})
    yield "department", ventures_file(codes, {(1, "department"): "nope"})
    yield "registered_capital", ventures_file(codes, {(1, "registered_capital"): "-1"})
    yield "reserved_matters", ventures_file(codes, {(1, "reserved_matters"): "budget, nonsense"})


@pytest.mark.parametrize("dry_run", [pytest.param(True, id="dry-run"), pytest.param(False, id="for-real")])
@pytest.mark.parametrize("field", ["uscc", "department", "registered_capital", "reserved_matters"])
def test_a_bad_venture_row_fails_the_whole_file(field, dry_run, codes, department):
    data = dict(_bad_venture_files(codes))[field]
    before = db_snapshot()
    result = JointVentureResource().import_data(
        data, dry_run=dry_run, use_transactions=True, raise_errors=False
    )
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert field in invalid.field_specific_errors, invalid.field_specific_errors
    assert db_snapshot() == before


@pytest.mark.parametrize("dry_run", [pytest.param(True, id="dry-run"), pytest.param(False, id="for-real")])
def test_shareholdings_over_100_across_rows_fail_the_whole_file(dry_run, codes, department):
    PartyResource().import_data(parties_file(), use_transactions=True)
    JointVentureResource().import_data(ventures_file(codes), use_transactions=True)
    before = db_snapshot()
    result = ShareholdingResource().import_data(
        holdings_file(codes, second_otis_share="40.5"),
        dry_run=dry_run,
        use_transactions=True,
        raise_errors=False,
    )
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "percentage" in invalid.field_specific_errors
    assert db_snapshot() == before


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_unknown_party_fails_the_whole_file(dry_run, codes, department):
    PartyResource().import_data(parties_file(), use_transactions=True)
    JointVentureResource().import_data(ventures_file(codes), use_transactions=True)
    data = holdings_file(codes)
    data.append([codes[1], "无名氏", "1", "", ""])
    before = db_snapshot()
    result = ShareholdingResource().import_data(
        data, dry_run=dry_run, use_transactions=True, raise_errors=False
    )
    assert result.has_errors() or result.has_validation_errors()
    assert db_snapshot() == before


def test_an_imported_representative_login_holds_the_role(codes, department):
    PartyResource().import_data(parties_file(), use_transactions=True)
    login = f.make_user(None, username="liming")
    result = RepresentativeResource().import_data(
        reps_file(username="liming"), dry_run=False, use_transactions=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Representative.objects.get(name="李明").user == login
    assert login.groups.filter(name=Role.REPRESENTATIVE).exists()


def test_an_unknown_login_fails_the_representative_file(codes, department):
    PartyResource().import_data(parties_file(), use_transactions=True)
    before = db_snapshot()
    result = RepresentativeResource().import_data(
        reps_file(username="ghost"), dry_run=True, use_transactions=True
    )
    assert result.has_errors() or result.has_validation_errors()
    assert db_snapshot() == before
    assert not Group.objects.get(name=Role.REPRESENTATIVE).user_set.exists()


# --- Through the admin --------------------------------------------------------------------------


def _format_index(model, fmt):
    return str(admin.site._registry[model].get_import_formats().index(fmt))


def _upload(data: tablib.Dataset, fmt, name):
    if fmt is base_formats.XLSX:
        return SimpleUploadedFile(name, data.export("xlsx"))
    return SimpleUploadedFile(name, data.export("csv").encode())


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_admin_previews_a_good_file_and_imports_it_on_confirm(admin_client_):
    url = reverse("admin:ventures_party_import")
    assert url == "/admin/ventures/party/import/"
    response = admin_client_.post(
        url,
        {
            "import_file": _upload(parties_file(), base_formats.CSV, "parties.csv"),
            "format": _format_index(Party, base_formats.CSV),
            "resource": "0",
        },
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    assert "奥的斯" in response.content.decode()
    # A preview saves nothing.
    assert Party.objects.count() == 0
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = admin_client_.post(reverse("admin:ventures_party_process_import"), data)
    assert response.status_code == 302
    assert set(Party.objects.values_list("name", flat=True)) == {"百利集团", "奥的斯", "西门子"}


def test_the_admin_shows_a_bad_row_and_offers_no_confirm(admin_client_, codes, department):
    data = ventures_file(codes, {(1, "department"): "nope"})
    response = admin_client_.post(
        reverse("admin:ventures_jointventure_import"),
        {
            "import_file": _upload(data, base_formats.XLSX, "ventures.xlsx"),
            "format": _format_index(JointVenture, base_formats.XLSX),
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["result"].has_validation_errors()
    assert "confirm_form" not in response.context
    content = response.content.decode()
    assert "No department matches “nope”" in content
    assert "process_import" not in content
    assert JointVenture.objects.count() == 0


def test_only_staff_may_import(client, hq):
    client.force_login(hq)
    response = client.get(reverse("admin:ventures_party_import"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- The spreadsheets people have: labels in either language, readable errors, a template -------


def chinese_ventures_file(codes, overrides=None):
    """Two JVs written as a Chinese spreadsheet would: labels, not codes; the department by name."""
    rows = [
        [codes[0], "天津奥的斯电梯", "Otis Tianjin", "1984-06-18", "60000000", "美元", "电梯及自动扶梯", "西青区",
         "运营中", "电梯", "2600", "合资合作部", "核心", "年度预算及经营计划、合并、分立或解散"],
        [codes[1], "天津西门子开关", "Siemens Tianjin", "1996-03-08", "280000000", "人民币（CNY）",
         " Switchgear and power equipment ", "北辰区", "筹建中", "开关柜", "900", "JV Department", "重要", ""],
    ]  # fmt: skip
    for (row, column), value in (overrides or {}).items():
        rows[row][VENTURE_HEADERS.index(column)] = value
    return dataset(VENTURE_HEADERS, *rows)


def _post_import(client, model, data, fmt=base_formats.CSV):
    opts = model._meta
    name = "upload.xlsx" if fmt is base_formats.XLSX else "upload.csv"
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
        {"import_file": _upload(data, fmt, name), "format": _format_index(model, fmt), "resource": "0"},
    )


def _confirm(client, model, response):
    opts = model._meta
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    return client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import"), data)


def test_a_file_written_with_chinese_labels_imports_through_the_admin(admin_client_, codes, department):
    response = _post_import(admin_client_, JointVenture, chinese_ventures_file(codes))
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), response.context.get(
        "import_row_errors"
    )
    assert JointVenture.objects.count() == 0
    assert _confirm(admin_client_, JointVenture, response).status_code == 302
    otis, siemens = JointVenture.objects.get(uscc=codes[0]), JointVenture.objects.get(uscc=codes[1])
    assert (otis.currency, otis.industry, otis.status, otis.strategic_tier, otis.department) == (
        "USD",
        "elevators",
        "operating",
        "core",
        department,
    )
    assert otis.reserved_matters == ["budget", "merger_dissolution"]
    assert (siemens.currency, siemens.industry, siemens.status, siemens.strategic_tier) == (
        "CNY",
        "switchgear",
        "preparing",
        "important",
    )
    assert siemens.department == department  # by its English name


def test_headers_may_be_the_columns_labels_in_chinese(codes, department):
    data = chinese_ventures_file(codes)
    with translation.override("zh-hans"):
        resource = JointVentureResource()
        labels = {field.column_name: resource.field_label(field) for field in resource.get_import_fields()}
    data.headers = [labels[column] for column in VENTURE_HEADERS]
    assert data.headers[0] == "统一社会信用代码"
    result = JointVentureResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert JointVenture.objects.get(uscc=codes[0]).industry == "elevators"


def test_an_unknown_header_refuses_the_file(codes, department):
    data = chinese_ventures_file(codes)
    data.headers = ["industy" if h == "industry" else h for h in VENTURE_HEADERS]
    result = JointVentureResource().import_data(data, dry_run=False, use_transactions=True)
    assert result.has_errors()
    assert "Unknown columns: “industy”" in str(result.base_errors[0].error)
    assert JointVenture.objects.count() == 0


def test_a_column_given_twice_refuses_the_file(codes, department):
    data = chinese_ventures_file(codes)
    data.headers = ["行业" if h == "district" else h for h in VENTURE_HEADERS]  # industry's label
    result = JointVentureResource().import_data(data, dry_run=False, use_transactions=True)
    assert "Column “industry” appears twice." in str(result.base_errors[0].error)
    assert JointVenture.objects.count() == 0


def test_empty_rows_below_the_data_are_ignored(codes, department):
    data = chinese_ventures_file(codes)
    data.append([""] * len(VENTURE_HEADERS))
    data.append([None] * len(VENTURE_HEADERS))
    result = JointVentureResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert JointVenture.objects.count() == 2


def test_parties_take_kind_and_country_by_chinese_or_english_name(db):
    data = dataset(
        PARTY_HEADERS,
        ["百利集团", "Baili Group", "集团所属企业", "中国", ""],
        ["奥的斯", "Otis", "Foreign partner", "United States of America", ""],
        ["西门子", "Siemens AG", "foreign", "de", ""],
    )
    result = PartyResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors(), [
        r.error_dict for r in result.invalid_rows
    ]
    assert set(Party.objects.values_list("name", "kind", "country")) == {
        ("百利集团", "group", "CN"),
        ("奥的斯", "foreign", "US"),
        ("西门子", "foreign", "DE"),
    }


def test_an_unknown_country_names_the_column_and_points_to_the_list(db):
    data = dataset(PARTY_HEADERS, ["奥的斯", "Otis", "foreign", "Atlantis", ""])
    result = PartyResource().import_data(data, dry_run=True, use_transactions=True)
    [invalid] = result.invalid_rows
    [message] = invalid.field_specific_errors["country"]
    assert message.startswith("Unknown country “Atlantis”")
    assert "template file" in message


def test_a_bad_row_imports_nothing_and_the_page_shows_row_column_and_message(
    admin_client_, codes, department
):
    data = chinese_ventures_file(codes, {(1, "industry"): "电梯"})
    before = db_snapshot()
    response = _post_import(admin_client_, JointVenture, data)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    content = response.content.decode()
    # The second data row is the file's row 3 (the header is row 1); the message lists what is accepted.
    assert re.search(
        r"<td>3</td>\s*<td><code>industry</code></td>\s*<td>Unknown industry “电梯”\. Accepted: "
        r"elevators \(Elevators and escalators\)",
        content,
    ), content[content.find("import-row-errors") :][:2000]
    assert "validation-error-count" not in content  # no badge to hover over
    assert db_snapshot() == before


def test_the_import_page_lists_the_accepted_values_and_links_the_template(admin_client_, department):
    response = admin_client_.get(reverse("admin:ventures_jointventure_import"))
    content = response.content.decode()
    assert "What each column accepts" in content
    assert "<code>elevators</code> 电梯及自动扶梯 / Elevators and escalators" in content
    assert "<code>jv</code> 合资合作部 / JV Department" in content  # the departments there are
    assert reverse("admin:ventures_jointventure_import_template") + "?resource=0" in content


def test_the_template_file_has_the_import_columns_and_the_accepted_values(admin_client_, department):
    response = admin_client_.get(reverse("admin:ventures_jointventure_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == base_formats.XLSX.CONTENT_TYPE
    assert "jointventure-import-template.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers == [field.column_name for field in JointVentureResource().get_import_fields()]
    assert headers == VENTURE_HEADERS
    accepted = [tuple(row) for row in book.worksheets[1].iter_rows(values_only=True)]
    assert ("industry", None, None, "elevators", "电梯及自动扶梯 / Elevators and escalators") in accepted
    assert ("department", None, None, "jv", "合资合作部 / JV Department") in accepted
    countries = [row for row in accepted if row[0] == "country"]
    assert not countries  # JVs have no country column; parties do
    parties = openpyxl.load_workbook(
        BytesIO(admin_client_.get(reverse("admin:ventures_party_import_template")).content)
    )
    assert ("country", None, None, "US", "美国 / United States of America") in [
        tuple(row) for row in parties.worksheets[1].iter_rows(values_only=True)
    ]


def test_the_template_filled_in_imports(admin_client_, codes, department):
    book = openpyxl.load_workbook(
        BytesIO(admin_client_.get(reverse("admin:ventures_jointventure_import_template")).content)
    )
    for row in chinese_ventures_file(codes):
        book.worksheets[0].append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    response = admin_client_.post(
        reverse("admin:ventures_jointventure_import"),
        {
            "import_file": SimpleUploadedFile("filled.xlsx", buffer.getvalue()),
            "format": _format_index(JointVenture, base_formats.XLSX),
            "resource": "0",
        },
    )
    assert response.context["result"].totals["new"] == 2
    assert "confirm_form" in response.context


def test_the_preview_speaks_chinese(admin_client_, admin_user, codes, department):
    admin_user.language = "zh-hans"
    admin_user.save(update_fields=["language"])
    response = _post_import(
        admin_client_, JointVenture, chinese_ventures_file(codes, {(1, "industry"): "电梯"})
    )
    content = response.content.decode()
    # The package's own Chinese for this heading is garbled ("某些行验数据证失败").
    assert "部分行未通过校验" in content
    assert "某些行验数据证失败" not in content
    assert "Some rows failed to validate" not in content
    assert "未知的行业“电梯”" in content
    assert "各列可填写的内容" in content


@pytest.mark.parametrize("perms", [pytest.param([], id="none"), pytest.param(["add"], id="add-only")])
def test_staff_without_add_and_change_may_not_import_or_fetch_the_template(db, client, perms):
    user = f.make_user(None, username="clerk", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="ventures", codename__in=[f"{p}_jointventure" for p in perms]
        )
    )
    client.force_login(user)
    assert client.get(reverse("admin:ventures_jointventure_import")).status_code == 403
    assert client.get(reverse("admin:ventures_jointventure_import_template")).status_code == 403


def test_staff_with_add_and_change_may_import(client, department):
    user = f.make_user(None, username="clerk", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["add_jointventure", "change_jointventure", "view_jointventure"]
        )
    )
    client.force_login(user)
    assert client.get(reverse("admin:ventures_jointventure_import")).status_code == 200
    assert client.get(reverse("admin:ventures_jointventure_import_template")).status_code == 200


def test_the_confirmation_says_in_chinese_what_was_imported(admin_client_, admin_user, codes, department):
    admin_user.language = "zh-hans"
    admin_user.save(update_fields=["language"])
    response = _post_import(admin_client_, JointVenture, chinese_ventures_file(codes))
    response = admin_client_.get(_confirm(admin_client_, JointVenture, response).url)
    # The package's Chinese dropped the last placeholder, what kind of rows they were.
    assert "导入完成：新增 2 条，更新 0 条，删除 0 条，忽略 0 条（合资企业）。" in response.content.decode()


def test_exporting_from_the_admin_needs_the_view_permission(db, client):
    user = f.make_user(None, username="clerk", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:ventures_jointventure_export")).status_code == 403
    user.user_permissions.set(Permission.objects.filter(codename="view_jointventure"))
    client.force_login(user)
    assert client.get(reverse("admin:ventures_jointventure_export")).status_code == 200

"""Representatives are imported by login or e-mail, never by name: two people called 张伟 are two people."""

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.formats import base_formats

from representatives.models import Representative
from representatives.resources import RepresentativeResource
from tests import factories as f
from tests.helpers import db_snapshot

HEADERS = ["name", "name_en", "employer", "position", "phone", "email", "username", "notes"]


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English; a request in Chinese (the middleware activates the user's
    language in this thread) must not carry over into the next test."""
    with translation.override("en"):
        yield


@pytest.fixture
def group(db):
    return f.PartyFactory(name="百利集团", name_en="Baili Group", kind="group", country="CN")


def reps(*rows):
    """Rows of (name, email, username)."""
    return tablib.Dataset(
        *[[name, "", "百利集团", "部长", "", email, username, ""] for name, email, username in rows],
        headers=HEADERS,
    )


def run(data, dry_run=False):
    return RepresentativeResource().import_data(data, dry_run=dry_run, use_transactions=True)


def errors_of(result):
    return {invalid.number: invalid.error_dict for invalid in result.invalid_rows}


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([("张伟", "", "zhangwei1"), ("张伟", "", "zhangwei2")], id="usernames"),
        pytest.param([("张伟", "zw1@example.com", ""), ("张伟", "zw2@example.com", "")], id="emails"),
    ],
)
def test_namesakes_stay_two_people_and_a_second_import_changes_nothing(group, rows):
    for username in ("zhangwei1", "zhangwei2"):
        f.make_user(None, username=username)
    result = run(reps(*rows))
    assert not result.has_errors() and not result.has_validation_errors(), errors_of(result)
    assert Representative.objects.filter(name="张伟").count() == 2
    before = db_snapshot()
    again = run(reps(*rows))
    assert (again.totals["new"], again.totals["update"]) == (0, 0)
    assert db_snapshot() == before


def test_a_row_is_matched_on_the_login_and_a_changed_name_updates_it(group):
    login = f.make_user(None, username="zhangwei")
    person = f.RepresentativeFactory(name="张伟", user=login, email="old@example.com")
    result = run(reps(("张为", "new@example.com", "zhangwei")))
    assert result.totals["update"] == 1
    person.refresh_from_db()
    assert (person.name, person.email, person.version) == ("张为", "new@example.com", 2)
    assert Representative.objects.count() == 1


def test_a_row_without_a_username_is_matched_on_the_email_and_keeps_the_login(group):
    login = f.make_user(None, username="zhangwei")
    person = f.RepresentativeFactory(name="张伟", user=login, email="zw@example.com")
    result = run(reps(("张伟", "ZW@example.com", "")))
    assert not result.has_validation_errors(), errors_of(result)
    person.refresh_from_db()
    assert person.user == login  # an empty cell never takes the login away
    assert Representative.objects.count() == 1


def test_a_username_gives_the_login_to_the_one_representative_with_that_email(group):
    person = f.RepresentativeFactory(name="张伟", email="zw@example.com")
    login = f.make_user(None, username="zhangwei")
    result = run(reps(("张伟", "zw@example.com", "zhangwei")))
    assert result.totals["update"] == 1, errors_of(result)
    person.refresh_from_db()
    assert person.user == login
    assert Representative.objects.count() == 1


def test_a_row_with_neither_username_nor_email_is_refused(group):
    before = db_snapshot()
    result = run(reps(("李明", "li@example.com", ""), ("张伟", "", "")))
    [(number, errors)] = errors_of(result).items()
    assert number == 2
    assert errors["username"] == [
        "Fill in the username or the email: representatives are matched on them, never on the name."
    ]
    assert db_snapshot() == before


def test_an_email_two_representatives_share_is_refused(group):
    f.RepresentativeFactory(name="张伟", email="office@example.com")
    f.RepresentativeFactory(name="张伟", email="office@example.com")
    before = db_snapshot()
    result = run(reps(("张伟", "office@example.com", "")))
    [errors] = errors_of(result).values()
    assert "More than one representative has the email “office@example.com”" in errors["email"][0]
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [("张伟", "a@example.com", "zhangwei"), ("张为", "b@example.com", "zhangwei")], id="username"
        ),
        pytest.param([("张伟", "zw@example.com", ""), ("张为", "ZW@example.com", "")], id="email"),
    ],
)
def test_a_file_naming_one_person_twice_is_refused_as_a_whole(group, rows):
    f.make_user(None, username="zhangwei")
    data = reps(("李明", "li@example.com", ""), *rows)
    before = db_snapshot()
    result = run(data)
    errors = errors_of(result)
    assert sorted(errors) == [2, 3]
    # The message names the other row as the spreadsheet numbers it (the header is row 1).
    [message] = next(iter(errors[2].values()))
    assert message.startswith("Same representative as row 4 ")
    [message] = next(iter(errors[3].values()))
    assert message.startswith("Same representative as row 3 ")
    assert db_snapshot() == before  # not even 李明


def test_two_rows_landing_on_one_existing_representative_are_refused(group):
    login = f.make_user(None, username="zhangwei")
    f.RepresentativeFactory(name="张伟", user=login, email="zw@example.com")
    result = run(reps(("张伟", "", "zhangwei"), ("张伟", "zw@example.com", "")))
    assert sorted(errors_of(result)) == [1, 2]


def test_the_admin_refuses_a_file_with_one_username_twice_and_says_which_rows(client, admin_user, group):
    f.make_user(None, username="zhangwei")
    client.force_login(admin_user)
    csv = str(admin.site._registry[Representative].get_import_formats().index(base_formats.CSV))
    data = reps(("张伟", "a@example.com", "zhangwei"), ("张为", "b@example.com", "zhangwei"))
    response = client.post(
        reverse("admin:representatives_representative_import"),
        {
            "import_file": SimpleUploadedFile("reps.csv", data.export("csv").encode()),
            "format": csv,
            "resource": "0",
        },
    )
    assert "confirm_form" not in response.context
    content = response.content.decode()
    assert "<td>2</td>" in content and "<td><code>username</code></td>" in content
    assert "Same representative as row 3 " in content
    assert "Same representative as row 2 " in content
    assert not Representative.objects.exists()


def test_a_file_without_username_or_email_columns_is_refused(group):
    data = tablib.Dataset(["张伟", "部长"], headers=["name", "position"])
    result = run(data)
    assert result.has_errors()
    assert "needs a username or an email column" in str(result.base_errors[0].error)
    assert not Representative.objects.exists()

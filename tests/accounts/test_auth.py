"""Logging in and out, changing the password and the language; no redirect leaves the site."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def user(db):
    return f.make_user("hq_staff", username="amy", password="old-secret-123")


def _language(response):
    return response.headers["Content-Language"], response.wsgi_request.LANGUAGE_CODE


def test_the_login_page_is_public_and_in_english_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert _language(response) == ("en", "en")
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    "how",
    [{"headers": {"accept-language": "zh-CN,zh;q=0.9"}}, {"cookie": "zh-hans"}],
    ids=["browser-language", "cookie"],
)
def test_the_login_page_is_in_chinese_when_asked(how, client, db):
    if "cookie" in how:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = how["cookie"]
    response = client.get(reverse("login"), headers=how.get("headers"))
    assert response.status_code == 200
    assert _language(response) == ("zh-hans", "zh-hans")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_logging_in_goes_home(client, user):
    response = client.post(reverse("login"), {"username": "amy", "password": "old-secret-123"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused(client, user):
    response = client.post(reverse("login"), {"username": "amy", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session


def test_an_inactive_user_cannot_log_in(client, user):
    user.is_active = False
    user.save()
    response = client.post(reverse("login"), {"username": "amy", "password": "old-secret-123"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_logging_in_follows_a_local_next(client, user):
    response = client.post(
        f"{reverse('login')}?next=/ventures/", {"username": "amy", "password": "old-secret-123"}
    )
    assert response.url == "/ventures/"


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "http://evil.example"])
def test_logging_in_does_not_follow_a_next_to_another_site(evil, client, user):
    response = client.post(reverse("login"), {"username": "amy", "password": "old-secret-123", "next": evil})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logging_out_takes_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_the_password_change_page_needs_a_login(client, user):
    for name in ("password_change", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200


def test_changing_the_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old-secret-123",
            "new_password1": "N3w-passphrase!",
            "new_password2": "N3w-passphrase!",
        },
    )
    assert (response.status_code, response.url) == (302, reverse("password_change_done"))
    assert client.get(reverse("password_change_done")).status_code == 200
    user.refresh_from_db()
    assert user.check_password("N3w-passphrase!")
    # Still logged in: the session survives the change.
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "N3w-passphrase!", "new_password2": "N3w-passphrase!"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("old-secret-123")


# --- Language -----------------------------------------------------------------------------------


def test_switching_the_language_is_remembered_on_the_account(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "zh-hans", "next": "/ventures/"})
    assert (response.status_code, response.url) == (302, "/ventures/")
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = client.get("/ventures/")
    assert _language(page) == ("zh-hans", "zh-hans")
    # The account's choice wins over the browser's, in a fresh session too.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.logout()
    client.force_login(user)
    page = client.get(reverse("home"), headers={"accept-language": "en"})
    assert _language(page) == ("zh-hans", "zh-hans")


def test_switching_back_to_english(client, user):
    user.language = "zh-hans"
    user.save()
    client.force_login(user)
    client.post(reverse("accounts:language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert _language(client.get(reverse("home"))) == ("en", "en")


def test_an_anonymous_switch_sets_the_cookie_for_the_login_page(client, db):
    response = client.post(reverse("accounts:language"), {"language": "zh-hans", "next": reverse("login")})
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert _language(client.get(reverse("login"))) == ("zh-hans", "zh-hans")


def test_an_unknown_language_changes_nothing(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_language_switch_takes_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:language")).status_code == 405


@pytest.mark.parametrize(
    "evil", ["https://evil.example", "//evil.example/path", "http://evil.example/", "https:evil.example"]
)
def test_the_language_switch_does_not_redirect_to_another_site(evil, client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "en", "next": evil})
    assert response.status_code == 302
    assert response.url == "/"

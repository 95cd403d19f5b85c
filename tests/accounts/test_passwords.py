"""Passwords: at least PORTAL_PASSWORD_MIN_LENGTH characters (12; production refuses less), not a
common password, not close to the user's names, not all digits."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.core.test_settings import _run

OLD = "old-secret-123"


@pytest.fixture
def amy(db):
    return f.make_user(
        "hq_staff", username="amy", password=OLD, display_name="Amelia Zhang", email="amelia@example.com"
    )


def _change(client, new):
    return client.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": new, "new_password2": new}
    )


@pytest.mark.parametrize(
    "new, code",
    [
        ("k7#Tq9!mZ2w", "password_too_short"),  # 11 characters
        ("password1234", "password_too_common"),
        ("AmeliaZhang1", "password_too_similar"),
        ("amelia@example.com", "password_too_similar"),
        ("839274619023", "password_entirely_numeric"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(new, code, client, amy):
    client.force_login(amy)
    response = _change(client, new)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["new_password2"]
    assert code in [e.code for e in errors]
    amy.refresh_from_db()
    assert amy.check_password(OLD)


def test_twelve_characters_are_enough(client, amy):
    client.force_login(amy)
    assert _change(client, "k7#Tq9!mZ2wx").status_code == 302
    amy.refresh_from_db()
    assert amy.check_password("k7#Tq9!mZ2wx")


def test_the_reason_is_in_the_users_language(client, amy):
    amy.language = "zh-hans"
    amy.save()
    client.force_login(amy)
    response = _change(client, "k7#Tq9!mZ2w")
    assert "密码长度太短。密码必须包含至少 12 个字符。" in response.content.decode()


def test_the_demo_password_passes_the_validators(db):
    from django.contrib.auth.password_validation import validate_password

    from accounts.demo import DEMO_PASSWORD

    validate_password(DEMO_PASSWORD, f.make_user(None, username="hq"))


@pytest.mark.parametrize(
    "setting, message",
    [
        ({"PORTAL_PASSWORD_MIN_LENGTH": "8"}, "PORTAL_PASSWORD_MIN_LENGTH must be at least 12"),
        ({"PORTAL_LOGIN_THROTTLING": "false"}, "PORTAL_LOGIN_THROTTLING cannot be turned off in production"),
    ],
)
def test_production_refuses_weaker_sign_in_rules(setting, message, tmp_path):
    result = _run(
        ["manage.py", "check"],
        {
            "DJANGO_SECRET_KEY": "k3y-" + "a9F!x2#Lq" * 7,
            "DJANGO_ALLOWED_HOSTS": "jv.example.com",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
            **setting,
        },
        "jvportal.settings.production",
    )
    assert result.returncode != 0
    assert message in result.stderr

"""Login throttling (django-axes, accounts/throttling.py): five wrong passwords lock a username,
twenty lock an address, for a cool-off; the lock-out is said on the sign-in form in the user's
language; the admin lists locked accounts and unlocks them."""

import datetime
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.throttling import locked_out
from tests import factories as f

PASSWORD = "right-horse-battery"
LOCKED = "Too many failed sign-ins. Signing in is paused for 15 minutes; try again then."


@pytest.fixture(autouse=True)
def _limits(settings):
    # The documented defaults, whatever the environment says.
    settings.PORTAL_LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.PORTAL_LOGIN_COOLOFF_MINUTES = 15
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


@pytest.fixture
def amy(db):
    return f.make_user("hq_staff", username="amy", password=PASSWORD)


def _sign_in(client, username, password, address="10.1.1.1", url=None, **headers):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def _later(minutes):
    """Move every recorded failure ``minutes`` into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_the_sixth_attempt_is_refused_even_with_the_right_password_and_works_after_the_cool_off(client, amy):
    for _ in range(4):
        response = _sign_in(client, "amy", "wrong-password")
        assert response.status_code == 200
        assert LOCKED not in _errors(response)
    fifth = _sign_in(client, "amy", "wrong-password")
    assert fifth.status_code == 429 and _errors(fifth) == [LOCKED]

    sixth = _sign_in(client, "amy", PASSWORD)
    assert sixth.status_code == 429
    assert _errors(sixth) == [LOCKED]
    assert SESSION_KEY not in client.session

    _later(14)
    assert _sign_in(client, "amy", PASSWORD).status_code == 429
    _later(2)
    response = _sign_in(client, "amy", PASSWORD)
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert client.session[SESSION_KEY] == str(amy.pk)


def test_attempts_while_locked_out_do_not_prolong_the_lock(client, amy):
    for _ in range(5):
        _sign_in(client, "amy", "wrong-password")
    _later(10)
    assert _sign_in(client, "amy", "wrong-again").status_code == 429
    _later(6)  # 16 minutes after the lock, 6 after the refused attempt
    assert _sign_in(client, "amy", PASSWORD).status_code == 302


def test_the_lock_out_message_is_in_the_users_language(client, amy):
    for _ in range(5):
        _sign_in(client, "amy", "wrong-password")
    response = _sign_in(client, "amy", PASSWORD, headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "zh-hans"
    assert _errors(response) == ["登录失败次数过多，登录已暂停 15 分钟，请届时再试。"]
    assert "登录失败次数过多" in response.content.decode()


def test_a_username_is_locked_whatever_address_the_guesses_come_from(client, amy):
    for n in range(5):
        _sign_in(client, "amy", "wrong-password", address=f"10.2.0.{n}")
    assert _sign_in(client, "amy", PASSWORD, address="10.2.9.9").status_code == 429
    # Someone else signs in from one of those addresses: below the address's limit.
    f.make_user("hq_staff", username="bob", password=PASSWORD)
    assert _sign_in(Client(), "bob", PASSWORD, address="10.2.0.1").status_code == 302


def test_an_address_is_locked_after_twenty_failures_on_any_usernames(client, amy):
    for n in range(19):
        _sign_in(client, f"guess{n}", "wrong-password", address="10.3.0.1")
    assert _sign_in(Client(), "amy", PASSWORD, address="10.3.0.1").status_code == 302
    _sign_in(client, "guess19", "wrong-password", address="10.3.0.1")
    assert _sign_in(Client(), "amy", PASSWORD, address="10.3.0.1").status_code == 429
    # The account itself is not locked: from another address it signs in.
    assert _sign_in(Client(), "amy", PASSWORD, address="10.3.0.2").status_code == 302


def test_the_admin_login_is_throttled_too(client, db):
    f.make_user(None, username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        _sign_in(client, "root", "wrong-password", url=url)
    response = _sign_in(client, "root", PASSWORD, url=url)
    assert response.status_code == 429
    assert LOCKED in [str(e) for e in response.context["form"].non_field_errors()]
    assert SESSION_KEY not in client.session


def test_the_admin_lists_the_locked_accounts_and_unlocks_them(client, amy, admin_client):
    for _ in range(5):
        _sign_in(client, "amy", "wrong-password", address="10.4.0.1")
    _sign_in(client, "carl", "wrong-password", address="10.4.0.2")  # one failure: not locked
    assert set(locked_out().values_list("username", flat=True)) == {"amy"}
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin_client.get(changelist, {"locked": "yes"})
    assert page.status_code == 200
    assert [row.username for row in page.context["cl"].result_list] == ["amy"]
    assert [
        row.username for row in admin_client.get(changelist, {"locked": "no"}).context["cl"].result_list
    ] == ["carl"]

    attempt = AccessAttempt.objects.get(username="amy")
    response = admin_client.post(changelist, {"action": "unlock", ACTION_CHECKBOX_NAME: [attempt.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="amy").exists()
    assert AccessAttempt.objects.filter(username="carl").exists()
    assert _sign_in(client, "amy", PASSWORD, address="10.4.0.1").status_code == 302


def test_staff_without_the_permission_cannot_unlock(client, amy):
    for _ in range(5):
        _sign_in(client, "amy", "wrong-password")
    staff = f.make_user(None, username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    viewer = Client()
    viewer.force_login(staff)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = viewer.get(changelist)
    assert page.status_code == 200
    action_form = page.context["action_form"]
    assert action_form is None or "unlock" not in dict(action_form.fields["action"].choices)
    attempt = AccessAttempt.objects.get(username="amy")
    viewer.post(changelist, {"action": "unlock", ACTION_CHECKBOX_NAME: [attempt.pk]})
    assert AccessAttempt.objects.filter(username="amy").exists()


def test_the_cool_off_is_never_permanent():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "jvportal.settings.local", "PORTAL_LOGIN_COOLOFF_MINUTES": "0"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PORTAL_LOGIN_COOLOFF_MINUTES must be at least 1" in result.stderr

"""The security log (core/security_log.py): one JSON record per sign-in, failed sign-in, lock-out,
unlock, sign-out, password change and access denial, with the user, address, path and request id."""

import json
import logging
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.middleware import SEEN_AT
from core.security_log import EVENTS
from tests import factories as f

PASSWORD = "right-horse-battery"
ADDRESS = "10.9.8.7"


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="jvportal.security")

    def records(event=None):
        found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "jvportal.security"]
        return [r for r in found if event is None or r["event"] == event]

    return records


@pytest.fixture
def amy(db):
    return f.make_user("hq_staff", username="amy", password=PASSWORD)


def _one(records, event):
    found = records(event)
    assert len(found) == 1, found
    assert found[0]["event"] in EVENTS
    return found[0]


def test_a_sign_in_is_recorded_with_user_address_path_and_request_id(client, amy, log):
    response = client.post(reverse("login"), {"username": "amy", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    record = _one(log, "login")
    assert record["user_id"] == amy.pk and record["username"] == "amy"
    assert record["address"] == ADDRESS
    assert (record["method"], record["path"]) == ("POST", reverse("login"))
    assert record["request_id"] == response["X-Request-ID"] and len(record["request_id"]) == 32
    assert record["at"]


def test_a_failed_sign_in_names_the_username_tried(client, amy, log):
    response = client.post(
        reverse("login"),
        {"username": "amy", "password": "wrong"},
        REMOTE_ADDR=ADDRESS,
        HTTP_X_REQUEST_ID="req-77",
    )
    record = _one(log, "login_failed")
    assert (record["user_id"], record["username"], record["locked_out"]) == (None, "amy", False)
    assert (record["address"], record["path"], record["request_id"]) == (ADDRESS, reverse("login"), "req-77")
    assert response["X-Request-ID"] == "req-77"
    assert "wrong" not in json.dumps(record)  # never the password


def test_a_lock_out_is_recorded_once_and_refused_attempts_say_so(client, amy, log):
    for _ in range(5):
        client.post(reverse("login"), {"username": "amy", "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    record = _one(log, "lockout")
    assert (record["username"], record["address"], record["failures"]) == ("amy", ADDRESS, 5)
    assert record["request_id"]
    client.post(reverse("login"), {"username": "amy", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert len(log("lockout")) == 1
    refused = log("login_failed")[-1]
    assert refused["locked_out"] is True and refused["username"] == "amy"
    assert not log("login")


def test_an_unlock_in_the_admin_is_recorded(client, amy, admin_client, admin_user, log):
    for _ in range(5):
        client.post(reverse("login"), {"username": "amy", "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    attempt = AccessAttempt.objects.get(username="amy")
    admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", ACTION_CHECKBOX_NAME: [attempt.pk]},
    )
    record = _one(log, "unlock")
    assert (record["user_id"], record["unlocked_username"], record["unlocked_address"]) == (
        admin_user.pk,
        "amy",
        ADDRESS,
    )


def test_a_sign_out_is_recorded(client, amy, log):
    client.force_login(amy)
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    record = _one(log, "logout")
    assert (record["user_id"], record["address"], record["reason"]) == (amy.pk, ADDRESS, "user")


def test_a_session_timeout_is_a_logout_with_its_reason(client, amy, log, settings):
    client.force_login(amy)
    session = client.session
    session[SEEN_AT] = int(time.time()) - (settings.PORTAL_SESSION_IDLE_MINUTES + 1) * 60
    session.save()
    client.get(reverse("ventures:venture_list"))
    record = _one(log, "logout")
    assert (record["user_id"], record["reason"]) == (amy.pk, "session_timeout")


def test_a_password_change_is_recorded(client, amy, log):
    client.force_login(amy)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "N3w-passphrase!", "new_password2": "N3w-passphrase!"},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    record = _one(log, "password_changed")
    assert (record["user_id"], record["target_user_id"], record["address"]) == (amy.pk, amy.pk, ADDRESS)


def test_a_refused_password_change_is_not_recorded(client, amy, log):
    client.force_login(amy)
    client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "N3w-passphrase!", "new_password2": "N3w-passphrase!"},
    )
    assert not log("password_changed")


def test_a_password_set_in_the_admin_is_recorded(admin_client, admin_user, amy, log):
    url = reverse("admin:auth_user_password_change", args=[amy.pk])
    response = admin_client.post(
        url,
        {"password1": "Adm1n-set-passphrase", "password2": "Adm1n-set-passphrase", "usable_password": "true"},
    )
    assert response.status_code == 302
    record = _one(log, "password_changed")
    assert (record["user_id"], record["target_user_id"], record["target_username"]) == (
        admin_user.pk,
        amy.pk,
        "amy",
    )


def test_a_404_of_the_access_layer_is_an_access_denial(portfolio, client, log):
    """A representative guessing another JV's address gets 404 from the scoped selector."""
    client.force_login(portfolio["rep"])
    url = reverse("ventures:venture_detail", args=[portfolio["other"].pk])
    response = client.get(url, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 404
    record = _one(log, "access_denied")
    assert (record["status"], record["user_id"], record["path"], record["address"]) == (
        404,
        portfolio["rep"].pk,
        url,
        ADDRESS,
    )
    assert record["request_id"] == response["X-Request-ID"]
    # The own JV is no denial.
    assert client.get(reverse("ventures:venture_detail", args=[portfolio["own"].pk])).status_code == 200
    assert len(log("access_denied")) == 1


def test_a_403_is_an_access_denial(portfolio, client, log):
    client.force_login(portfolio["rep"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # not staff: the admin sends to its login, no denial
    assert not log("access_denied")
    hq = f.make_user(None, username="staffer", is_staff=True)
    client.force_login(hq)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403
    record = _one(log, "access_denied")
    assert (record["status"], record["user_id"]) == (403, hq.pk)


def test_a_csrf_failure_is_an_access_denial(amy, log):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(amy)
    assert client.post(reverse("logout")).status_code == 403
    assert _one(log, "access_denied")["status"] == 403


def test_unknown_addresses_and_anonymous_404s_are_not_denials(portfolio, client, log):
    client.force_login(portfolio["rep"])
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/static/no-such-file.css").status_code == 404
    client.logout()
    client.get(reverse("ventures:venture_detail", args=[portfolio["other"].pk]))
    assert not log("access_denied")


# --- The client address behind a proxy ----------------------------------------------------------


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # an untrusted peer's header is ignored
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),  # the proxy appended the client
        ("10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged entry on the left
        ("10.0.0.5", "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # two proxies of the network
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "6.6.6.6, not-an-address", "10.0.0.5"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(remote, forwarded, expected, rf, settings):
    from core.security_log import client_address

    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_by_default_no_forwarded_header_is_believed(rf, settings):
    from core.security_log import client_address

    settings.PORTAL_TRUSTED_PROXIES = []
    assert (
        client_address(rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")) == "10.0.0.5"
    )


def test_behind_a_trusted_proxy_the_lock_out_and_the_log_use_the_clients_address(client, amy, log, settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.5"]
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "amy", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}
    assert {r["address"] for r in log("login_failed")} == {"198.51.100.1"}

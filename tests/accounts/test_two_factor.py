"""Two-factor sign-in: enrolment, the code at sign-in, recovery codes, throttling, turning it off,
the staff rule on the portal and the admin, the admin's reset, and the security log's records."""

import datetime
import json
import logging
import re
from base64 import b32encode

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.admin_site import PortalAdminSite
from tests import factories as f
from tests.core.test_settings import _run as run_settings_probe
from tests.helpers import totp_code as code_of
from tests.helpers import two_factor_enrol as enrol

PASSWORD = "old-secret-123"


@pytest.fixture
def user(db):
    return f.make_user("hq_staff", username="amy", password=PASSWORD)


@pytest.fixture
def staff(db):
    return f.make_user(None, username="root", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def security_log(caplog):
    """The security log's records, as the JSON objects they are."""
    caplog.set_level(logging.INFO, logger="jvportal.security")

    def records(event=None):
        found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "jvportal.security"]
        return [r for r in found if event is None or r["event"] == event]

    return records


def wrong_code(device) -> str:
    """A six-digit code that is none of the three the device accepts now."""
    accepted = {
        totp(device.bin_key, step=device.step, t0=device.t0 + shift * device.step) for shift in (-1, 0, 1)
    }
    return next(f"{n:06d}" for n in range(1000000) if n not in accepted)


def unthrottle(device) -> None:
    """Let the throttle's delay pass (as if the user waited)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )
    StaticDevice.objects.filter(user=device.user).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )


def log_in(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- Enrolment --------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_and_activates_only_with_the_right_code(
    client, user, security_log
):
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    # The QR code is inline SVG drawn on the server, with no style attribute (the CSP holds).
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert "<path" in svg and "style=" not in svg
    secret = page.context["secret"].replace(" ", "")
    assert secret == b32encode(device.bin_key).decode()
    # A second visit shows the same secret: reloading does not break a half-done set-up.
    assert client.get(reverse("accounts:two_factor_enrol")).context["secret"] == page.context["secret"]
    assert TOTPDevice.objects.filter(user=user).count() == 1

    refused = client.post(reverse("accounts:two_factor_enrol"), {"code": wrong_code(device)})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"] == [
        "This code is not valid. Check it, or wait for the next one (each code works once), and try again."
    ]
    device.refresh_from_db()
    assert not device.confirmed and not StaticDevice.objects.filter(user=user).exists()
    assert not verified(client)
    assert security_log("otp_failed")[-1]["stage"] == "enrol"

    unthrottle(device)
    session_key = client.session.session_key
    done = client.post(reverse("accounts:two_factor_enrol"), {"code": code_of(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert all(code in done.content.decode() for code in codes)
    # The session counts as verified, under a new key.
    assert verified(client) and client.session.session_key != session_key
    assert security_log("otp_enrolled")[-1]["user_id"] == user.pk
    # Enrolled: the set-up page leads back to the overview, which says it is on.
    assert client.get(reverse("accounts:two_factor_enrol")).url == reverse("accounts:two_factor")
    overview = client.get(reverse("accounts:two_factor"))
    assert overview.context["enabled"] and overview.context["recovery_left"] == 10


def test_the_manual_key_and_the_qr_code_name_the_portal_and_the_user(client, user):
    client.force_login(user)
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=user)
    assert device.config_url.startswith("otpauth://totp/JV%20Portal%3Aamy?")
    assert "issuer=JV%20Portal" in device.config_url


# --- Signing in -------------------------------------------------------------------------------------


def test_signing_in_with_a_device_asks_for_the_code_and_keeps_next(client, user, security_log):
    device, _codes = enrol(user)
    response = log_in(client, user, next_url="/demands/?status=open")
    assert response.status_code == 302 and response.url == "/demands/?status=open"
    assert client.session[SESSION_KEY] == str(user.pk) and not verified(client)
    # Every page, the one asked for included, leads to the code page first.
    gated = client.get("/demands/?status=open")
    verify_url = reverse("accounts:two_factor_verify")
    assert gated.status_code == 302
    assert gated.url == f"{verify_url}?next=%2Fdemands%2F%3Fstatus%3Dopen"
    assert client.get(reverse("home")).url.startswith(verify_url)
    assert client.get(reverse("ventures:venture_list")).url.startswith(verify_url)
    page = client.get(gated.url)
    assert page.status_code == 200
    # The page owes its code: it offers no way round it.
    assert reverse("ventures:venture_list") not in page.content.decode()

    refused = client.post(gated.url, {"code": wrong_code(device), "next": "/demands/?status=open"})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert not verified(client)
    record = security_log("otp_failed")[-1]
    assert {
        k: record[k]
        for k in ("user_id", "username", "address", "method", "path", "stage", "factor", "reason")
    } == {
        "user_id": user.pk,
        "username": "amy",
        "address": "127.0.0.1",
        "method": "POST",
        "path": verify_url,
        "stage": "sign_in",
        "factor": "totp",
        "reason": "wrong",
    }
    assert record["request_id"] and record["at"]

    unthrottle(device)
    session_key = client.session.session_key
    done = client.post(gated.url, {"code": code_of(device), "next": "/demands/?status=open"})
    assert done.status_code == 302 and done.url == "/demands/?status=open"
    assert verified(client) and client.session.session_key != session_key
    assert client.get("/demands/?status=open").status_code == 200
    record = security_log("otp_verified")[-1]
    assert record["user_id"] == user.pk and record["path"] == verify_url and record["request_id"]
    assert record["factor"] == "totp"


def test_the_code_page_never_redirects_off_the_site(client, user):
    device, _codes = enrol(user)
    log_in(client, user)
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": code_of(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_user_without_a_device_signs_in_with_the_password_alone(client, user):
    assert log_in(client, user).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    # The code page has nothing to ask: it moves on.
    assert client.get(reverse("accounts:two_factor_verify")).url == reverse("home")


def test_a_recovery_code_signs_in_once(client, user, security_log):
    _device, codes = enrol(user)
    log_in(client, user)
    # Typed with its dash, in capitals: accepted all the same.
    first = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0].upper()})
    assert first.status_code == 302 and verified(client)
    record = security_log("otp_recovery_used")[-1]
    assert record["user_id"] == user.pk and record["recovery_codes_left"] == 9
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post(reverse("logout"))
    log_in(client, user)
    again = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 200 and not verified(client)
    assert again.context["form"].errors["code"]
    assert security_log("otp_failed")[-1]["factor"] == "recovery"
    unthrottle(_device)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[1]}).status_code == 302


def test_wrong_codes_are_throttled(client, user, security_log):
    device, _codes = enrol(user)
    log_in(client, user)
    url = reverse("accounts:two_factor_verify")
    client.post(url, {"code": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Straight after a wrong code even the right one is refused: a guesser gets 1, 2, 4 ... seconds apart.
    refused = client.post(url, {"code": code_of(device)})
    assert refused.status_code == 200 and not verified(client)
    (message,) = refused.context["form"].errors["code"]
    assert message.startswith("Too many wrong codes. Try again in ")
    assert security_log("otp_failed")[-1]["reason"] == "throttled"
    # A second wrong code doubles the wait.
    unthrottle(device)
    client.post(url, {"code": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    assert device.verify_is_allowed()[1]["locked_until"] == device.throttling_failure_timestamp + (
        datetime.timedelta(seconds=2)
    )
    # Once the wait is over the right code works, and the count starts again.
    unthrottle(device)
    assert client.post(url, {"code": code_of(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


# --- Recovery codes and turning it off --------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones_after_a_code(client, user, security_log):
    device, old = enrol(user)
    client.force_login(user)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    url = reverse("accounts:two_factor_recovery")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"code": wrong_code(device)})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
        c.replace("-", "") for c in old
    )
    unthrottle(device)
    made = client.post(url, {"code": code_of(device)})
    assert made.status_code == 200
    new = made.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert security_log("otp_recovery_regenerated")[-1]["user_id"] == user.pk


def test_turning_it_off_takes_the_password_and_a_code(client, user, security_log):
    device, _codes = enrol(user)
    client.force_login(user)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    url = reverse("accounts:two_factor_disable")
    assert client.get(url).status_code == 200
    wrong_password = client.post(url, {"password": "nope", "code": code_of(device)})
    assert wrong_password.context["form"].errors["password"]
    wrong = client.post(url, {"password": PASSWORD, "code": wrong_code(device)})
    assert wrong.context["form"].errors["code"]
    assert TOTPDevice.objects.filter(user=user).exists() and StaticDevice.objects.filter(user=user).exists()
    unthrottle(device)
    done = client.post(url, {"password": PASSWORD, "code": code_of(device)})
    assert done.status_code == 302 and done.url == reverse("accounts:two_factor")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert security_log("otp_disabled")[-1]["user_id"] == user.pk
    # The next sign-in takes the password alone.
    client.post(reverse("logout"))
    log_in(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_staff_cannot_turn_it_off_where_it_is_required(client, staff, settings):
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = True
    device, _codes = enrol(staff)
    client.force_login(staff)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    response = client.post(
        reverse("accounts:two_factor_disable"), {"password": PASSWORD, "code": code_of(device)}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Two-factor sign-in is required for staff accounts and cannot be turned off."
    ]
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


# --- Required for staff -----------------------------------------------------------------------------


def test_staff_must_enrol_before_reaching_anything_when_required(client, staff, settings, security_log):
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = True
    assert log_in(client, staff, next_url="/admin/").url == "/admin/"
    enrol_url = reverse("accounts:two_factor_enrol")
    for url in ["/admin/", reverse("home"), reverse("ventures:venture_list"), reverse("accounts:two_factor")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(f"{enrol_url}?next="), url
    page = client.get(f"{enrol_url}?next=/admin/")
    assert page.status_code == 200 and page.context["required"]
    # Nothing to reach but the set-up and signing out.
    html = page.content.decode()
    assert reverse("ventures:venture_list") not in html and f'action="{reverse("logout")}"' in html
    device = TOTPDevice.objects.get(user=staff)
    done = client.post(enrol_url, {"code": code_of(device), "next": "/admin/"})
    assert done.status_code == 200 and done.context["next_url"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert security_log("otp_enrolled")[-1]["user_id"] == staff.pk


def test_the_admin_asks_staff_for_the_code_when_required(client, staff, settings):
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = True
    device, _codes = enrol(staff)
    log_in(client, staff, next_url="/admin/")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:two_factor_verify')}?next=%2Fadmin%2F"
    assert client.post(response.url, {"code": code_of(device), "next": "/admin/"}).url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_refuses_an_unverified_staff_session_when_required(staff, settings):
    """The admin's own check, beneath the middleware: a staff session without its second factor
    has no admin permission while the setting is on."""
    request = RequestFactory().get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    site = PortalAdminSite()
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = True
    assert not site.has_permission(request)
    staff.is_verified = lambda: True
    assert site.has_permission(request)
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = False
    staff.is_verified = lambda: False
    assert site.has_permission(request)


def test_staff_sign_in_with_the_password_alone_when_not_required(client, staff, settings):
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = False
    log_in(client, staff)
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_leads_to_the_code_page(client, staff, settings):
    settings.PORTAL_2FA_REQUIRED_FOR_STAFF = True
    enrol(staff)
    login = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert login.status_code == 302 and login.url == "/admin/"
    assert client.get("/admin/").url.startswith(reverse("accounts:two_factor_verify"))


def test_required_is_on_in_production_and_off_elsewhere_unless_set(tmp_path):
    probe = "import django; from django.conf import settings; django.setup(); print(settings.PORTAL_2FA_REQUIRED_FOR_STAFF)"
    production = {
        "DJANGO_SECRET_KEY": "k3y-" + "a9F!x2#Lq" * 7,
        "DJANGO_ALLOWED_HOSTS": "jv.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    }
    cases = [
        ("jvportal.settings.production", {}, "True"),
        ("jvportal.settings.production", {"PORTAL_2FA_REQUIRED_FOR_STAFF": "False"}, "False"),
        ("jvportal.settings.local", {}, "False"),
        ("jvportal.settings.local", {"PORTAL_2FA_REQUIRED_FOR_STAFF": "True"}, "True"),
        ("jvportal.settings.test", {}, "False"),
    ]
    for module, extra, expected in cases:
        result = run_settings_probe(probe, {**production, **extra}, module)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected, (module, extra)


# --- The admin ----------------------------------------------------------------------------------


def test_an_admin_resets_a_users_two_factor(client, user, staff, security_log):
    device, _codes = enrol(user)
    # The user's verified session stops counting as verified once the device is gone.
    other = Client()
    log_in(other, user)
    other.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert other.get(reverse("home")).status_code == 200

    client.force_login(staff)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert changelist.status_code == 200
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [str(user.pk)]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    record = security_log("otp_reset_by_admin")[-1]
    assert record["user_id"] == staff.pk and record["target_user_id"] == user.pk
    assert record["target_username"] == "amy"
    # Nothing is left to ask for: the code page lets the session on (password alone, as now for the user).
    after = other.get(reverse("home"), follow=True)
    assert after.status_code == 200 and after.redirect_chain[-1][0] == reverse("home")
    assert not verified(other)


def test_only_an_admin_may_reset(user, db):
    enrol(user)
    with pytest.raises(PermissionDenied):
        services.two_factor_reset(user=user, actor=user)
    assert TOTPDevice.objects.filter(user=user).exists()


def test_the_admin_shows_no_secret(client, user, staff):
    device, codes = enrol(user)
    client.force_login(staff)
    pages = [
        reverse("admin:accounts_authenticator_changelist"),
        reverse("admin:accounts_authenticator_change", args=[device.pk]),
        reverse("admin:accounts_recoverycodes_changelist"),
        reverse("admin:accounts_recoverycodes_change", args=[StaticDevice.objects.get(user=user).pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert device.key not in html and codes[0].replace("-", "") not in html, url
    # django-otp's own pages (which would show the key) are not registered.
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice) and not admin.site.is_registered(StaticDevice)


# --- What it costs a page -----------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_page_costs_one_query_more_with_two_factor_and_none_without(client, user):
    """Without a device the gate reads only the session (the device check happened at sign-in); a
    verified session costs django-otp's one load of the device that verified it."""
    url = reverse("notifications:preferences")
    client.force_login(user)
    client.get(url)
    without = _queries(client, url)
    device, _codes = enrol(user)
    client.force_login(user)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    client.get(url)
    assert _queries(client, url) == without + 1

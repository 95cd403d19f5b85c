"""Headers and sessions: the Content-Security-Policy, no caching of what a signed-in person reads,
and sessions that end after inactivity or a fixed lifetime."""

import re
import time

import pytest
from django.urls import reverse

from core.middleware import LOGIN_AT, SEEN_AT

POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-hashes' 'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def test_the_policy_is_the_documented_one_on_the_login_page_too(client):
    response = client.get(reverse("login"))
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)


def test_the_admin_answers_under_the_policy(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
    assert "no-store" in response["Cache-Control"]


def test_signed_in_pages_and_downloads_are_never_stored(hq_client):
    page = hq_client.get(reverse("ventures:venture_list"))
    export = hq_client.get(reverse("ventures:venture_list_export", args=["csv"]))
    for response in (page, export):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def _age(client, **seconds):
    session = client.session
    for key, ago in seconds.items():
        session[key] = int(time.time()) - ago
    session.save()


def test_a_session_idle_for_longer_than_the_limit_ends(hq_client, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    _age(hq_client, portal_seen_at=29 * 60, portal_login_at=29 * 60)
    assert hq_client.get(reverse("ventures:venture_list")).status_code == 200
    _age(hq_client, portal_seen_at=31 * 60)
    response = hq_client.get(reverse("ventures:venture_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert hq_client.get(reverse("ventures:venture_list")).status_code == 302


def test_activity_does_not_stretch_a_session_past_its_lifetime(hq_client, settings):
    settings.PORTAL_SESSION_MAX_HOURS = 12
    _age(hq_client, portal_login_at=11 * 3600, portal_seen_at=5)
    assert hq_client.get(reverse("ventures:venture_list")).status_code == 200
    _age(hq_client, portal_login_at=12 * 3600 + 60, portal_seen_at=5)
    response = hq_client.get(reverse("ventures:venture_list"), follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "Your session ended. Please sign in again." in response.content.decode()


def test_last_seen_is_written_at_most_once_a_minute(hq_client):
    before = hq_client.session[SEEN_AT]
    hq_client.get(reverse("ventures:venture_list"))
    assert hq_client.session[SEEN_AT] == before  # just signed in: not written again
    _age(hq_client, portal_seen_at=61)
    hq_client.get(reverse("ventures:venture_list"))
    assert abs(hq_client.session[SEEN_AT] - int(time.time())) <= 2


@pytest.mark.parametrize("key", [LOGIN_AT, SEEN_AT])
def test_signing_in_starts_both_clocks(hq_client, key):
    assert abs(hq_client.session[key] - int(time.time())) <= 2


@pytest.mark.parametrize(
    "given, kept",
    [("proxy-3f2a.77", True), ("", False), ("x" * 65, False), ("id\nforged: yes", False), ("a b", False)],
)
def test_each_response_carries_a_request_id_the_proxys_when_it_is_sane(client, db, given, kept):
    headers = {"HTTP_X_REQUEST_ID": given} if given else {}
    first = client.get(reverse("login"), **headers)["X-Request-ID"]
    second = client.get(reverse("login"), **headers)["X-Request-ID"]
    if kept:
        assert first == second == given
    else:
        # A fresh id each time, never the client's text (it would reach the security log).
        assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second

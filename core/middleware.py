"""Request-wide rules of the portal: nothing a signed-in person reads is kept by a cache, and a
session ends after a spell of inactivity or a fixed lifetime, whichever comes first."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# Session keys: when the person signed in and when they were last seen (epoch seconds).
LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"
# How stale "last seen" may grow before it is written again: one write a minute at most, so that a
# page does not cost a session write per request.
SEEN_RESOLUTION = 60


def session_started(request) -> None:
    """Start the clocks of a new sign-in (``user_logged_in``)."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Sign out after ``PORTAL_SESSION_IDLE_MINUTES`` without a request or
    ``PORTAL_SESSION_MAX_HOURS`` after signing in; the next page then asks to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session, now = request.session, int(time.time())
        started, seen = session.get(LOGIN_AT), session.get(SEEN_AT)
        if started is None or seen is None:
            # A session from before the clocks existed: they start now.
            session_started(request)
            return
        idle = settings.PORTAL_SESSION_IDLE_MINUTES * 60
        lifetime = settings.PORTAL_SESSION_MAX_HOURS * 3600
        if now - seen > idle or now - started > lifetime:
            # The security log's ``logout`` record says why (accounts.security.LOGOUT_REASON).
            request.portal_logout_reason = "session_timeout"
            logout(request)
            messages.info(request, _("Your session ended. Please sign in again."))
        elif now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person and on every download,
    so that neither a shared proxy nor the browser's cache keeps a page or a file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            patch_cache_control(response, no_store=True, private=True)
        return response

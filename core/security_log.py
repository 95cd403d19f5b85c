"""The security log: one structured record per security event (sign-in, failed sign-in, lock-out,
sign-out, password change, two-factor events, access denials) on the ``jvportal.security`` logger.

Every record is one JSON object with the event's name, the time, the user, the client's address,
the path and the request's id (``RequestIdMiddleware``), so that an operator can ship the logger to
its own file or collector and follow one request across the web server's and the portal's logs.

The events (``EVENTS``; the README's Security section lists them for the operator):

- ``login``: a sign-in (``user_logged_in``).
- ``login_failed``: a refused sign-in, ``username`` as typed; ``locked_out`` is true when the
  username or address is locked out with it (refused for that, or this failure reached the limit).
- ``lockout``: a username or address reached its limit of failed sign-ins (axes' ``user_locked_out``).
- ``unlock``: an admin lifted a lock-out (``unlocked_username``, ``unlocked_address``).
- ``logout``: a sign-out; ``reason`` is ``user`` or ``session_timeout``.
- ``password_changed``: a password set on the portal's page or in the admin; ``target_user_id``
  and ``target_username`` name the account changed.
- ``access_denied``: a 403, or a 404 a view raised for a signed-in person (the access layer answers
  404 for what the user may not see); ``status``, and for a 404 the view's ``reason``.
- Two-factor sign-in (accounts.services): ``otp_enrolled``, ``otp_verified``, ``otp_failed``,
  ``otp_recovery_used``, ``otp_recovery_regenerated``, ``otp_disabled``, ``otp_reset_by_admin``.
"""

import functools
import ipaddress
import json
import logging
import re
import uuid

from django.conf import settings
from django.http import Http404
from django.utils import timezone

logger = logging.getLogger("jvportal.security")

EVENTS = frozenset(
    {
        "login",
        "login_failed",
        "lockout",
        "unlock",
        "logout",
        "password_changed",
        "access_denied",
        "otp_enrolled",
        "otp_verified",
        "otp_failed",
        "otp_recovery_used",
        "otp_recovery_regenerated",
        "otp_disabled",
        "otp_reset_by_admin",
    }
)

# A request id passed in by the proxy is kept when it looks like one (letters, digits, dashes, at
# most 64 characters); anything else is replaced, so that a client cannot write into the log.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, unless that is one of ``PORTAL_TRUSTED_PROXIES``;
    then the right-most address of ``X-Forwarded-For`` that is not a trusted proxy (the one the
    proxy itself appended: a client can forge what is left of it, never that). Login throttling
    (``AXES_CLIENT_IP_CALLABLE``) counts by this address too."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = _trusted_proxies(tuple(settings.PORTAL_TRUSTED_PROXIES))
    if not proxies or not _is_in(remote, proxies):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if _parse(address) is None:
            break  # garbage: trust nothing further left
        if not _is_in(address, proxies):
            return address
    return remote


@functools.lru_cache(maxsize=8)
def _trusted_proxies(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(address: str):
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _is_in(address: str, networks: tuple) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def security_event(event: str, *, request=None, user=None, username: str = "", **fields) -> None:
    """Write one security record. ``user`` defaults to the request's signed-in user; ``username``
    names the account tried when nobody is signed in (a failed sign-in)."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    record = {
        "event": event,
        "at": timezone.now().isoformat(),
        "user_id": user.pk if user is not None else None,
        "username": user.get_username() if user is not None else username,
        "address": client_address(request),
        "method": request.method if request is not None else "",
        "path": request.path if request is not None else "",
        "request_id": getattr(request, "request_id", "") if request is not None else "",
        **fields,
    }
    logger.info(json.dumps(record, ensure_ascii=False, default=str, sort_keys=True))


class RequestIdMiddleware:
    """Give each request an id (the proxy's ``X-Request-ID`` when sane, else a new one), keep it
    on ``request.request_id`` and send it back in the response's ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class AccessDeniedLogMiddleware:
    """Record every 403 response and every 404 a view raises for a signed-in person as
    ``access_denied``. A 404 of the URL map itself (an unknown address: a probe, a typo) and of
    the static and media files is not the access layer's and is not recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            security_event("access_denied", request=request, status=403, reason="")
        elif getattr(request, "_security_view_404", None) is not None and response.status_code == 404:
            security_event("access_denied", request=request, status=404, reason=request._security_view_404)
        return response

    def process_exception(self, request, exception):
        # Only exceptions raised by a view arrive here (a URL that matches nothing does not).
        if not isinstance(exception, Http404):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.path.startswith(_file_prefixes()):
            return None
        request._security_view_404 = str(exception)[:200]
        return None


def _file_prefixes() -> tuple[str, ...]:
    return tuple("/" + prefix.lstrip("/") for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix)

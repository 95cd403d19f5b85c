"""The security log: one structured record per security event (sign-in, failed sign-in, lock-out,
sign-out, password change, two-factor events, access denials) on the ``jvportal.security`` logger.

Every record is one JSON object with the event's name, the time, the user, the client's address,
the path and the request's id (``RequestIdMiddleware``), so that an operator can ship the logger to
its own file or collector and follow one request across the web server's and the portal's logs.
"""

import json
import logging
import re
import uuid

from django.utils import timezone

logger = logging.getLogger("jvportal.security")

# A request id passed in by the proxy is kept when it looks like one (letters, digits, dashes, at
# most 64 characters); anything else is replaced, so that a client cannot write into the log.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


def client_address(request) -> str:
    """The client's address as the portal sees it (``REMOTE_ADDR``; the proxy must set it right,
    see the README's Security section)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


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

"""Login throttling (django-axes): by username and by client address, with a cool-off.

``settings.AXES_*`` (jvportal/settings/base.py) wires axes in; this module holds the portal's
parts of it: the separate limits for a username and for an address, the lock-out message in the
user's language on the sign-in form, and which attempts are locked out now (the admin's list).
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext


def cool_off() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PORTAL_LOGIN_COOLOFF_MINUTES)


def lockout_message() -> str:
    minutes = settings.PORTAL_LOGIN_COOLOFF_MINUTES
    return ngettext(
        "Too many failed sign-ins. Signing in is paused for %(minutes)d minute; try again then.",
        "Too many failed sign-ins. Signing in is paused for %(minutes)d minutes; try again then.",
        minutes,
    ) % {"minutes": minutes}


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for an address.

    Axes compares one number with one limit; this handler answers with the username's failures, or
    the address's scaled to the username's limit when that is higher: ``a * L // A >= L`` exactly
    when ``a >= A``, so a username locks at ``PORTAL_LOGIN_FAILURE_LIMIT`` failures and an address
    at ``PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT``.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        since = (request.axes_attempt_time or timezone.now()) - cool_off()
        recent = AccessAttempt.objects.filter(attempt_time__gte=since)
        username = get_client_username(request, credentials)
        by_username = _failures(recent.filter(username=username)) if username else 0
        address = request.axes_ip_address
        by_address = _failures(recent.filter(ip_address=address)) if address else 0
        limit = get_failure_limit(request, credentials)
        return max(by_username, by_address * limit // settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page as the view rendered it (its form says why: accounts.forms), with
    status 429 Too Many Requests."""
    if original_response is None:
        return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response


def locked_out(attempts: QuerySet | None = None) -> QuerySet:
    """The attempts that hold a lock now: within the cool-off, of a username or an address whose
    failures reached its limit."""
    attempts = AccessAttempt.objects.all() if attempts is None else attempts
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off()).order_by()
    usernames = (
        recent.exclude(username=None)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.PORTAL_LOGIN_FAILURE_LIMIT)
        .values("username")
    )
    addresses = (
        recent.exclude(ip_address=None)
        .values("ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT)
        .values("ip_address")
    )
    return attempts.filter(attempt_time__gte=timezone.now() - cool_off()).filter(
        Q(username__in=usernames) | Q(ip_address__in=addresses)
    )

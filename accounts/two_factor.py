"""Two-factor sign-in: who owes a second factor, and the session's part in it.

A user who enrolled (a confirmed TOTP device, django-otp) signs in with the password and then a
code from the authenticator app or one of the one-time recovery codes; until then the session is
signed in but not verified (``request.user.is_verified()``, django-otp's ``OTPMiddleware``) and
``accounts.middleware.TwoFactorMiddleware`` lets it reach nothing but the code page. With
``PORTAL_2FA_REQUIRED_FOR_STAFF`` on, staff and superusers without a device are sent to enrolment
the same way, and the admin refuses their unverified sessions (``accounts.admin_site``).

Whether the user has a device is looked up once, at sign-in, and kept in the session
(``PENDING``), so that the pages of users without two-factor sign-in cost no extra query.
"""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.middleware.csrf import rotate_token
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from .selectors import has_two_factor

# Session key: the signed-in user has a confirmed device, so the session owes its second factor.
PENDING = "portal_2fa_pending"
# What a session owes: a code (VERIFY) or an enrolment (ENROL).
VERIFY = "verify"
ENROL = "enrol"


def required_for(user) -> bool:
    """Whether ``user`` must sign in with a second factor (staff and superusers, when the setting is on)."""
    return bool(
        settings.PORTAL_2FA_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and (user.is_staff or user.is_superuser)
    )


def is_verified(user) -> bool:
    """Whether ``user``'s session passed its second factor (False outside ``OTPMiddleware``)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def session_signed_in(request, user) -> None:
    """At sign-in (``user_logged_in``): remember whether this session owes a code."""
    request.session[PENDING] = has_two_factor(user=user)


def owed(request) -> str | None:
    """What the signed-in session owes before it may reach a page: ``VERIFY``, ``ENROL`` or None."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return None
    session = request.session
    if required_for(user):
        # Looked up afresh: the user may have enrolled in another session since this one began.
        session[PENDING] = has_two_factor(user=user)
        return VERIFY if session[PENDING] else ENROL
    if PENDING not in session:
        # A session from before two-factor sign-in existed.
        session[PENDING] = has_two_factor(user=user)
    return VERIFY if session[PENDING] else None


def session_verified(request, device) -> None:
    """The session passed its second factor: mark it verified and give it a new key and CSRF
    token, as at any change of privilege."""
    otp_login(request, device)
    request.session[PENDING] = True
    request.session.cycle_key()
    rotate_token(request)


def safe_next(request, default=None) -> str:
    """The ``next`` address of the request (POST, then GET) if it stays on this site, else ``default``
    (the sign-in's landing page)."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)

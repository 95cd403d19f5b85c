"""The sign-in events of the security log (core.security_log): receivers of Django's and axes'
signals, connected in ``AccountsConfig.ready``."""

from core.security_log import security_event

# Set on the request by whoever signs a person out for a reason of its own (the session timeout).
LOGOUT_REASON = "portal_logout_reason"


def on_logged_in(sender, request, user, **kwargs):
    security_event("login", request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    security_event(
        "login_failed",
        request=request,
        username=str(credentials.get("username") or ""),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


def on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    security_event("logout", request=request, user=user, reason=getattr(request, LOGOUT_REASON, "user"))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    # Axes sends this again for each attempt refused while locked out; those are ``login_failed``
    # records with ``locked_out`` true. A fresh lock is the attempt axes has just counted (axes
    # sets the count only then).
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    security_event(
        "lockout", request=request, username=str(username or ""), failures=request.axes_failures_since_start
    )


def password_changed(*, request, user) -> None:
    """Record a password set for ``user`` by the person signed in on ``request``."""
    security_event(
        "password_changed", request=request, target_user_id=user.pk, target_username=user.get_username()
    )

"""Request-wide rules of the accounts app: the user's language, and the second factor a signed-in
session still owes."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

from . import two_factor


class UserLanguageMiddleware:
    """Activate the language a logged-in user chose, over the browser's.

    Run after LocaleMiddleware and AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class TwoFactorMiddleware:
    """A signed-in session that owes its second factor (``accounts.two_factor.owed``) reaches only
    the page that takes it, signing out and the language switch; every other request, the admin's
    included, is sent there, with the page it asked for as ``next``.

    Run after OTPMiddleware and the session checks (SessionTimeoutMiddleware)."""

    OPEN = {
        two_factor.VERIFY: {"accounts:two_factor_verify", "logout", "accounts:language"},
        two_factor.ENROL: {"accounts:two_factor_enrol", "logout", "accounts:language"},
    }
    TARGET = {
        two_factor.VERIFY: "accounts:two_factor_verify",
        two_factor.ENROL: "accounts:two_factor_enrol",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        owes = two_factor.owed(request)
        if owes is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN[owes]:
            return None
        target = reverse(self.TARGET[owes])
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)

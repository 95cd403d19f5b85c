"""Language switching (remembered per user, and in a cookie for the login page) and the password
change page."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from .forms import LanguageForm
from .security import password_changed
from .services import user_set_language


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change page; each change is a ``password_changed`` security record.
    Django keeps this session (``update_session_auth_hash``) and ends the user's other ones."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(request=self.request, user=form.user)
        return response


class LanguageSwitchView(View):
    """POST a language; logged-in users keep it on their account."""

    http_method_names = ["post"]

    def post(self, request):
        form = LanguageForm(request.POST)
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        if form.is_valid():
            language = form.cleaned_data["language"]
            if request.user.is_authenticated:
                user_set_language(user=request.user, language=language)
            translation.activate(language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        return response

"""Language switching (remembered per user, and in a cookie for the login page) and the pages of
two-factor sign-in: the overview, enrolment, the code at sign-in, recovery codes, turning it off."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor
from .forms import LanguageForm, TwoFactorCodeForm, TwoFactorDisableForm, TwoFactorEnrolForm
from .selectors import has_two_factor, recovery_codes_left, totp_device_get
from .services import (
    two_factor_disable,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_recovery_regenerate,
    two_factor_verify,
    user_set_language,
)


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


# --- Two-factor sign-in (accounts/two_factor.py) ------------------------------------------------


def _qr_svg(device) -> str:
    """The device's ``otpauth://`` address as an inline SVG QR code, drawn here (no script, no
    style attribute: the Content-Security-Policy holds)."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(
        qr.svg_inline(
            scale=4, border=4, dark="#000", light="#fff", svgclass="two-factor-qr", title=_("QR code")
        )
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _codes_page(request, codes, *, next_url):
    """The recovery codes, shown once: in the answer to the POST that made them, never stored."""
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": [f"{code[:4]}-{code[4:]}" for code in codes], "next_url": next_url},
    )


class TwoFactorView(LoginRequiredMixin, TemplateView):
    """The user's two-factor sign-in: on or off, the recovery codes left, what to do next."""

    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enabled = has_two_factor(user=user)
        return super().get_context_data(
            enabled=enabled,
            device=totp_device_get(user=user) if enabled else None,
            recovery_left=recovery_codes_left(user=user) if enabled else 0,
            required=two_factor.required_for(user),
            **kwargs,
        )


class TwoFactorEnrolView(LoginRequiredMixin, FormView):
    """Set up an authenticator: scan the QR code (or type the secret), confirm with its first code."""

    template_name = "accounts/two_factor_enrol.html"
    form_class = TwoFactorEnrolForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if has_two_factor(user=request.user):
            if not two_factor.is_verified(request.user):
                return redirect(reverse("accounts:two_factor_verify"))
            messages.info(request, _("Two-factor sign-in is already on."))
            return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"next": self.request.GET.get(REDIRECT_FIELD_NAME, "")}

    def get_context_data(self, **kwargs):
        device = two_factor_enrol_start(user=self.request.user)
        return super().get_context_data(
            qr_svg=_qr_svg(device),
            secret=_grouped(b32encode(device.bin_key).decode()),
            required=two_factor.required_for(self.request.user),
            two_factor_owed=two_factor.owed(self.request) is not None,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            device, codes = two_factor_enrol_confirm(
                user=self.request.user, code=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        two_factor.session_verified(self.request, device)
        messages.success(self.request, _("Two-factor sign-in is on."))
        return _codes_page(
            self.request, codes, next_url=two_factor.safe_next(self.request, "accounts:two_factor")
        )


class TwoFactorVerifyView(LoginRequiredMixin, FormView):
    """The second step of signing in: a code from the app, or a recovery code."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if two_factor.is_verified(request.user) or not has_two_factor(user=request.user):
            # Nothing owed (verified already, or the devices were removed since sign-in).
            request.session[two_factor.PENDING] = two_factor.is_verified(request.user)
            return redirect(two_factor.safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"next": self.request.GET.get(REDIRECT_FIELD_NAME, "")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(two_factor_owed=True, **kwargs)

    def form_valid(self, form):
        try:
            device = two_factor_verify(
                user=self.request.user, code=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        two_factor.session_verified(self.request, device)
        if isinstance(device, StaticDevice):
            left = recovery_codes_left(user=self.request.user)
            messages.warning(
                self.request,
                ngettext(
                    "You signed in with a recovery code: %(count)d is left. Make new ones on the two-factor page.",
                    "You signed in with a recovery code: %(count)d are left. Make new ones on the two-factor page.",
                    left,
                )
                % {"count": left},
            )
        return redirect(two_factor.safe_next(self.request))


class _TwoFactorOnMixin(LoginRequiredMixin):
    """Pages about a two-factor sign-in that is on; without one they lead to the overview."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_two_factor(user=request.user):
            return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)


class TwoFactorRecoveryView(_TwoFactorOnMixin, FormView):
    """New recovery codes (the old ones stop working), confirmed by a current code."""

    template_name = "accounts/two_factor_recovery.html"
    form_class = TwoFactorCodeForm

    def form_valid(self, form):
        try:
            codes = two_factor_recovery_regenerate(
                user=self.request.user, code=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        messages.success(self.request, _("New recovery codes were made; the old ones no longer work."))
        return _codes_page(self.request, codes, next_url=reverse("accounts:two_factor"))


class TwoFactorDisableView(_TwoFactorOnMixin, FormView):
    """Turn two-factor sign-in off, with the password and a current code."""

    template_name = "accounts/two_factor_disable.html"
    form_class = TwoFactorDisableForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(required=two_factor.required_for(self.request.user), **kwargs)

    def form_valid(self, form):
        try:
            two_factor_disable(user=self.request.user, code=form.cleaned_data["code"], request=self.request)
        except ValidationError as error:
            form.add_error(None if error.code == "required" else "code", error)
            return self.form_invalid(form)
        messages.success(self.request, _("Two-factor sign-in is off."))
        return redirect("accounts:two_factor")

"""Forms for logging in (the password, then the second factor) and choosing a language."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .throttling import lockout_message


class LockoutMessageMixin:
    """For an ``AuthenticationForm``: a sign-in refused while locked out says so, not "wrong
    password" (axes flags the request in its backend or in its failure handler)."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


class PortalAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    """Django's login form with the portal's labels and the lock-out message."""

    username = forms.CharField(label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True}))


class PortalAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin's login form with the lock-out message."""


class LanguageForm(forms.Form):
    """The language switcher in the top bar."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app or, where the form allows, a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TwoFactorEnrolForm(forms.Form):
    """The first code from the app being set up."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        help_text=_("Enter the 6-digit code the app shows for JV Portal, to prove the set-up worked."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TwoFactorDisableForm(TwoFactorCodeForm):
    """Turning two-factor sign-in off: the password and a current code."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "code"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["code"].widget.attrs.pop("autofocus", None)
        self.fields["password"].widget.attrs["autofocus"] = True

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("Your password was entered incorrectly."), code="password_incorrect"
            )
        return password

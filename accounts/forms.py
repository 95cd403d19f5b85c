"""Forms for logging in (the password, then the second factor) and choosing a language."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form with the portal's labels."""

    username = forms.CharField(label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True}))


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

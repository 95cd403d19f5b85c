"""Forms for logging in and choosing a language."""

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

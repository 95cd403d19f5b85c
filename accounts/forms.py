"""Forms for logging in and choosing a language."""

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

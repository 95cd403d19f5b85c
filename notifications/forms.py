"""The per-kind delivery choices."""

from django import forms

from . import kinds
from .models import Delivery


class PreferencesForm(forms.Form):
    """One choice per kind of notification: email at once, daily digest, or portal only."""

    def __init__(self, *args, current: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for code, label in kinds.choices():
            self.fields[code] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=current.get(code, Delivery.IMMEDIATE),
                widget=forms.RadioSelect,
            )

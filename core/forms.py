"""Form building blocks: optimistic-locking version field and service data."""

import html

from django import forms
from django.db import transaction
from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.services import ConcurrentEditError


class DateInput(forms.DateInput):
    """A browser date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class VersionField(forms.IntegerField):
    """The hidden version a form was rendered with. A missing or garbled value cleans to None, which
    the form treats as stale (refused with the usual message, never an invisible field error)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None

    def validate(self, value):
        pass

    def run_validators(self, value):
        pass


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the row's version, so a stale edit is refused, not saved.

    Used by the portal's forms and the admin's, so both refuse the same way.
    """

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        submitted = cleaned.get("version")
        if self.instance.pk and submitted is not None:
            current = self.current_version()
            if current is not None and current != submitted:
                self.adopt_version(current)
                raise ConcurrentEditError()
        elif self.instance.pk:
            # No version came back (an old page, a hand-made request): nobody can tell what the
            # person saw, so refuse as stale rather than overwrite.
            self.adopt_version()
            raise ConcurrentEditError()
        return cleaned

    def adopt_version(self, current: int | None = None) -> None:
        """After a refusal, carry the row's current version so that saving again (having
        reviewed the other person's change) goes through; the person's input stays as typed."""
        if current is None:
            current = self.current_version()
        if current is None or not self.is_bound:
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current

    def current_version(self) -> int | None:
        """The row's version now. Inside a transaction (the admin's change page runs in one) the row
        stays locked until it commits, so the check and the save cannot be overtaken by a second
        save: two people saving at once never both win. Outside one, the service re-checks under
        its own lock."""
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk).order_by()
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update(of=("self",))
        return rows.values_list("version", flat=True).first()

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def service_data(self) -> dict:
        """The cleaned values of the model fields this form edits."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class ListSelect(forms.Select):
    """A single-choice select whose options are written in Python, not one template each.

    The stock widget renders a template per option (about 0.1 ms each): a list filter naming a
    thousand JVs spent more time on its dropdown than on the page's queries. The options of a
    model's rows whose name is bilingual (``CHOICE_LABEL_FIELDS``, ``choice_label``) are read as
    plain values, not a model instance each (a thousand JVs: 17 ms of a 34 ms page). The markup
    is the stock widget's.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        parts = []
        for option_value, label in self._pairs():
            if isinstance(label, (list, tuple)):
                html = "".join(self._option(v, sub, selected) for v, sub in label)
                parts.append(f'<optgroup label="{escape(option_value)}">{html}</optgroup>')
            else:
                parts.append(self._option(option_value, label, selected))
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{"".join(parts)}</select>')

    @staticmethod
    def _option(value, label, selected: set[str]) -> str:
        value = "" if value is None else str(value)
        # A Select's options inherit no attributes: "selected" is the only one.
        mark = " selected" if value in selected else ""
        return f'<option value="{html.escape(value)}"{mark}>{html.escape(str(label))}</option>'

    def _pairs(self):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            field, model = choices.field, choices.queryset.model
            fields = getattr(model, "CHOICE_LABEL_FIELDS", None)
            plain = (
                fields
                and field.to_field_name is None
                # django-filter's "none" option (``null_label``) comes from its own iterator.
                and getattr(field, "null_label", None) is None
                and type(field).label_from_instance is ModelChoiceField.label_from_instance
            )
            if plain:
                if field.empty_label is not None:
                    yield "", field.empty_label
                english = translation.get_language() == "en"
                for pk, *names in choices.queryset.values_list("pk", *fields):
                    yield pk, model.choice_label(*names, english=english)
                return
        yield from choices


def add_bootstrap_classes(form) -> None:
    """Give a plain form's widgets Bootstrap 5 classes (filter forms are not rendered by crispy);
    their single-choice selects become ``ListSelect``s."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            fast = ListSelect(attrs=widget.attrs)
            fast.choices, fast.is_required = widget.choices, widget.is_required
            field.widget = widget = fast
        css = (
            "form-select form-select-sm"
            if isinstance(widget, forms.Select)
            else "form-control form-control-sm"
        )
        widget.attrs.setdefault("class", css)


class ObjectVersionForm(forms.Form):
    """An action form on one record (``obj``): it carries the version the page showed, and after a
    refusal adopts the current one, so submitting again (having looked at the change) goes through.
    As ``VersionedModelForm`` does for editing forms; a missing version is refused as stale."""

    version = VersionField()

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        if not self.is_bound:
            self.fields["version"].initial = obj.version

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            self.adopt_version()
            raise ConcurrentEditError()
        return cleaned

    def adopt_version(self) -> None:
        if not self.is_bound:
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = (
            type(self.obj)._default_manager.filter(pk=self.obj.pk).values_list("version", flat=True).get()
        )

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class NoFormTagMixin:
    """A crispy form rendered inside a template's own <form> (with its buttons)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from crispy_forms.helper import FormHelper

        self.helper = FormHelper()
        self.helper.form_tag = False

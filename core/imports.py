"""Bulk import building blocks (django-import-export) that read the spreadsheets people have.

A choice column takes the code or the label in either language; a lookup column takes any of the
natural keys it names; a header may be the column's name or its label. Each row is validated like
a form, and a file with any bad row saves nothing. The admin's import page and its template file
describe every column from the same ``column_help``.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import NOT_PROVIDED, Q
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from import_export import resources, widgets

# A column with more accepted values than this points to the template file instead of listing them.
LIST_LIMIT = 12

_BRACKETED_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
# Separators in a multiple-choice cell. A label may contain one ("合并、分立或解散"), so parts are
# joined back whenever together they spell a label.
_LIST_SEPARATORS = re.compile(r"([,;、\n])")


def normalize(value) -> str:
    """The form in which spellings are compared: full-width as half-width, no spaces, any case."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def join_values(values) -> str:
    """``values`` as one list in the reader's language."""
    return pgettext("list separator", ", ").join(str(v) for v in values)


def sentences(*parts) -> str:
    """Sentences run together as the reader's language does (Chinese puts no space between them)."""
    text = ""
    for part in (str(part) for part in parts if part):
        text = (
            pgettext("two sentences in a row", "%(first)s %(second)s") % {"first": text, "second": part}
            if text
            else part
        )
    return text


def file_row(number: int) -> int:
    """The spreadsheet row of import-export's data row ``number``: the header is row 1."""
    return number + 1


def _is_blank(value) -> bool:
    return value is None or str(value).strip() == ""


class ImportFileError(Exception):
    """The file as a whole is refused: its headers, or rows that contradict each other."""

    # The import page shows the message alone: there is no bug to trace.
    expected = True


def spelling_lookup(*tiers) -> dict[str, str]:
    """``{normalized spelling: meaning}`` from tiers of ``(spelling, meaning)`` pairs. An earlier
    tier wins; a spelling with two meanings means neither, in its tier and below."""
    lookup: dict[str, str | None] = {}
    for tier in tiers:
        meanings: dict[str, set[str]] = {}
        for spelling, meaning in tier:
            if not _is_blank(spelling):
                meanings.setdefault(normalize(spelling), set()).add(meaning)
        for key, found in meanings.items():
            if key not in lookup:
                lookup[key] = found.pop() if len(found) == 1 else None
    return {key: meaning for key, meaning in lookup.items() if meaning is not None}


@dataclass
class AcceptedValue:
    """One value a column accepts: what an export writes, every spelling read, the reader's label."""

    code: str
    spellings: list[str]
    label: str

    def __str__(self) -> str:
        if not self.label or self.label == self.code:
            return self.code
        return pgettext("a code and its label", "%(code)s (%(label)s)") % {
            "code": self.code,
            "label": self.label,
        }


# --- Widgets ------------------------------------------------------------------------------------


class ChoiceWidget(widgets.Widget):
    """A choice column: the code, or the label in any of the portal's languages, case and spaces aside.

    A label ending in brackets is read without them too ("US dollar (USD)" as "US dollar").
    ``choices`` is read again in each language, so lazy labels and django-countries' names both
    work. Exports write the code.
    """

    def __init__(self, choices, *, label, **kwargs):
        self.choices = choices
        self.label = label
        super().__init__(**kwargs)

    def _labels(self) -> dict[str, dict[str, str]]:
        """``{code: {language: label}}`` in the choices' order."""
        labels: dict[str, dict[str, str]] = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for code, label in self.choices:
                    if not _is_blank(code):
                        labels.setdefault(str(code), {})[language] = str(label)
        return labels

    def accepted(self) -> list[AcceptedValue]:
        current = translation.get_language()
        return [
            AcceptedValue(
                code=code,
                spellings=list(dict.fromkeys(by_language.values())),
                label=by_language.get(current, next(iter(by_language.values()))),
            )
            for code, by_language in self._labels().items()
        ]

    @cached_property
    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (normalized) to its code: codes first, then labels, then labels
        without their brackets."""
        labels = [
            (code, label) for code, by_language in self._labels().items() for label in by_language.values()
        ]
        return spelling_lookup(
            [(code, code) for code in dict.fromkeys(code for code, _label in labels)],
            [(label, code) for code, label in labels],
            [(_BRACKETED_TAIL.sub("", unicodedata.normalize("NFKC", label)), code) for code, label in labels],
        )

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return ""
        code = self.lookup.get(normalize(value))
        if code is None:
            raise ValueError(self.unknown_message([value]))
        return code

    def unknown_message(self, values) -> str:
        accepted = self.accepted()
        params = {"label": self.label, "value": join_values(str(v).strip() for v in values)}
        if len(accepted) > LIST_LIMIT:
            params["count"] = len(accepted)
            return (
                gettext(
                    "Unknown %(label)s “%(value)s”: give the code or the English or Chinese name (the "
                    "import page's template file lists all %(count)s)."
                )
                % params
            )
        params["values"] = join_values(accepted)
        return (
            gettext(
                "Unknown %(label)s “%(value)s”. Accepted: %(values)s (the code or the English or Chinese "
                "label)."
            )
            % params
        )

    def describe(self) -> str:
        """What the column takes, in a sentence."""
        count = len(self._labels())
        if count > LIST_LIMIT:
            return gettext(
                "The code or the English or Chinese name: %(count)s values, listed in the template file."
            ) % {"count": count}
        return gettext("The code or the English or Chinese label.")


class ChoiceListWidget(ChoiceWidget):
    """Several choices in one cell, separated by commas, semicolons, 、 or line breaks."""

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return []
        # Words at even indices, the separators between them at odd ones.
        parts = _LIST_SEPARATORS.split(unicodedata.normalize("NFKC", str(value)))
        count = (len(parts) + 1) // 2
        codes, unknown, start = [], [], 0
        while start < count:
            if _is_blank(parts[2 * start]):
                start += 1
                continue
            # The longest run of words from ``start`` that spells a choice.
            for end in range(count, start, -1):
                code = self.lookup.get(normalize("".join(parts[2 * start : 2 * end - 1])))
                if code is not None:
                    if code not in codes:
                        codes.append(code)
                    break
            else:
                end = start + 1
                unknown.append(parts[2 * start])
            start = end
        if unknown:
            raise ValueError(self.unknown_message(unknown))
        return codes

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])

    def describe(self) -> str:
        return sentences(gettext("One or more, separated by commas."), super().describe())


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key, or by any of ``aliases`` in any case; a miss is a clear error.

    ``field`` is what an export writes. ``listed``: the import page and the errors list the rows
    (for a small table such as the departments).
    """

    def __init__(self, model, field, *, aliases=(), listed=False, **kwargs):
        self.aliases = tuple(aliases)
        self.listed = listed
        super().__init__(model, field=field, **kwargs)

    def _names(self) -> list[str]:
        return [str(self.model._meta.get_field(name).verbose_name) for name in (self.field, *self.aliases)]

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        text = str(value).strip()
        queryset = self.get_queryset(value, row, **kwargs)
        exact = queryset.filter(**{self.field: text}).first()
        if exact is not None:
            return exact
        any_spelling = Q()
        for name in (self.field, *self.aliases):
            any_spelling |= Q(**{f"{name}__iexact": text})
        found = list(queryset.filter(any_spelling)[:2])
        if len(found) == 1:
            return found[0]
        params = {"model": self.model._meta.verbose_name, "value": text}
        if found:
            raise ValueError(gettext("“%(value)s” matches more than one %(model)s.") % params)
        if self.aliases:
            params["fields"] = join_values(self._names())
            message = gettext("No %(model)s matches “%(value)s” (give its %(fields)s).") % params
        else:
            params["field"] = self._names()[0]
            message = gettext("No %(model)s with %(field)s “%(value)s”.") % params
        accepted = self.accepted()
        if accepted:
            message = sentences(message, gettext("Accepted: %(values)s.") % {"values": join_values(accepted)})
        raise ValueError(message)

    def accepted(self) -> list[AcceptedValue]:
        if not self.listed:
            return []
        rows = list(self.get_queryset(None, None)[: LIST_LIMIT + 1])
        if len(rows) > LIST_LIMIT:
            return []
        return [
            AcceptedValue(
                code=str(getattr(row, self.field)),
                spellings=[str(getattr(row, name)) for name in self.aliases if getattr(row, name)],
                label=str(row),
            )
            for row in rows
        ]

    def describe(self) -> str:
        return gettext("An existing %(model)s, by %(fields)s.") % {
            "model": self.model._meta.verbose_name,
            "fields": join_values(self._names()),
        }


# --- Resources ----------------------------------------------------------------------------------


class VersionBumpMixin:
    """An import is all or nothing, and updating a row counts as an edit (stale forms are refused)."""

    def import_data(self, dataset, **kwargs):
        # import-export keeps valid rows beside invalid ones unless told otherwise.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk:
            instance.version += 1


class ImportResource(VersionBumpMixin, resources.ModelResource):
    """A model's import as people fill it in: choice columns by code or label, headers by column
    name or label, unknown headers refused, and each row's errors under the column they belong to.

    ``column_notes`` adds a sentence to a column's help on the import page (``{column: text}``).
    """

    column_notes: dict = {}

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.choices:
            field.widget = ChoiceWidget(django_field.choices, label=django_field.verbose_name)
        return field

    def match_columns(self) -> list[str]:
        """The columns on which a row finds the existing row it updates."""
        return [self.fields[name].column_name for name in self.get_import_id_fields() if name in self.fields]

    def check_match_columns(self, headers) -> None:
        missing = [column for column in self.match_columns() if column not in headers]
        if missing:
            raise ImportFileError(
                gettext("The file has no %(columns)s column: rows are matched on it.")
                % {"columns": join_values(f"“{column}”" for column in missing)}
            )

    def field_label(self, field) -> str:
        return capfirst(
            str(getattr(_model_field(self._meta.model, field.attribute), "verbose_name", field.column_name))
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Spreadsheets often carry formatted but empty rows below the data.
        while len(dataset) and all(_is_blank(value) for value in dataset[-1]):
            del dataset[-1]
        if not dataset.headers:
            return
        headers, problems = self._read_headers(dataset)
        # Renamed even when refused, so that the rows' own errors name the right columns.
        dataset.headers = headers
        if problems:
            raise ImportFileError(sentences(*problems))
        self.check_match_columns(headers)

    def _read_headers(self, dataset) -> tuple[list, list[str]]:
        """The file's headers as column names (a header may be a column's label in either language),
        and what is wrong with them."""
        fields = [field for field in self.get_import_fields() if not field.readonly]
        labels = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                labels += [(self.field_label(field), field.column_name) for field in fields]
        spellings = spelling_lookup([(field.column_name, field.column_name) for field in fields], labels)
        headers, unknown, twice = [], [], []
        for index, header in enumerate(dataset.headers):
            column = None if _is_blank(header) else spellings.get(normalize(header))
            if column is None:
                if not _is_blank(header):
                    unknown.append(f"“{header}”")
                elif any(not _is_blank(value) for value in dataset.get_col(index)):
                    unknown.append(gettext("(no header, column %(number)s)") % {"number": index + 1})
            elif column in headers:
                twice.append(column)
            headers.append(column or header)
        problems = []
        if unknown:
            problems.append(
                gettext("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
                % {"unknown": join_values(unknown), "columns": join_values(f.column_name for f in fields)}
            )
        problems += [gettext("Column “%(column)s” appears twice.") % {"column": column} for column in twice]
        return headers, problems

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            # Errors come keyed by model field; the reader knows the file's columns.
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            raise ValidationError(
                {columns.get(key, key): errors for key, errors in exc.error_dict.items()}
            ) from exc


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# --- What each column takes: the import page and the template file -----------------------------


@dataclass
class ColumnHelp:
    column: str
    label: str
    accepts: str
    values: list[AcceptedValue]

    @property
    def listed(self) -> bool:
        """Short lists are shown on the page; long ones only in the template file."""
        return 0 < len(self.values) <= LIST_LIMIT


def _widget_text(widget) -> str:
    if isinstance(widget, widgets.DateWidget):
        return gettext("A date, such as 2024-06-30.")
    if isinstance(widget, widgets.NumberWidget):
        return gettext("A number.")
    return ""


def column_help(resource) -> list[ColumnHelp]:
    """Every import column of ``resource``: its label, what it takes, the values it accepts."""
    keys = resource.match_columns()
    help_rows = []
    for field in resource.get_import_fields():
        if field.readonly:
            continue
        model_field = _model_field(resource._meta.model, field.attribute)
        parts = []
        if field.column_name in resource.column_notes:
            parts.append(str(resource.column_notes[field.column_name]))
        elif field.column_name in keys:
            parts.append(gettext("Rows are matched on this column: a row whose value exists updates it."))
        elif model_field is not None and not model_field.blank and model_field.default is NOT_PROVIDED:
            parts.append(gettext("Required."))
        describe = getattr(field.widget, "describe", None)
        parts.append(describe() if describe else _widget_text(field.widget))
        accepted = getattr(field.widget, "accepted", None)
        help_rows.append(
            ColumnHelp(
                column=field.column_name,
                label=resource.field_label(field),
                accepts=sentences(*parts),
                values=accepted() if accepted else [],
            )
        )
    return help_rows


def _sheet_title(text) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", " ", str(text))[:31]


def import_template(resource) -> bytes:
    """An XLSX to fill in: the header row on the first sheet, what each column accepts on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    columns = column_help(resource)
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(capfirst(resource._meta.model._meta.verbose_name_plural))
    sheet.append([column.column for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 4)
    sheet.freeze_panes = "A2"

    values = book.create_sheet(_sheet_title(gettext("Accepted values")))
    values.append(
        [
            gettext("Column"),
            gettext("Meaning"),
            gettext("Accepts"),
            gettext("Value"),
            gettext("Also accepted"),
        ]
    )
    for column in columns:
        values.append([column.column, column.label, column.accepts])
        for value in column.values:
            values.append([column.column, "", "", value.code, " / ".join(value.spellings)])
    for cell in values[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (22, 24, 60, 24, 50), strict=True):
        values.column_dimensions[letter].width = width
    for row in values.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    values.freeze_panes = "A2"

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Errors as the reader needs them: row, column, message --------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str


def row_errors(result) -> list[RowError]:
    """Every row's errors, in file order, one per line: the file's row, its column ("" for the whole
    row) and the message."""
    order = {column: index for index, column in enumerate(result.diff_headers)}
    found = []
    for invalid in result.invalid_rows:
        by_column = sorted(
            invalid.field_specific_errors.items(), key=lambda item: order.get(item[0], len(order))
        )
        for column, messages in by_column:
            found += [RowError(file_row(invalid.number), column, message) for message in messages]
        found += [
            RowError(file_row(invalid.number), "", message) for message in invalid.non_field_specific_errors
        ]
    for number, errors in result.row_errors():
        found += [RowError(file_row(number), "", str(error.error)) for error in errors]
    return sorted(found, key=lambda error: error.row)

"""Tables as CSV or XLSX downloads, the one way every export of the portal is written.

Headers are the caller's, in the reader's language; every text cell that starts like a formula is
neutralised (CSV/formula injection); CSV carries a BOM so that Excel reads Chinese correctly.

Rows are consumed one at a time, so an export of 100,000 rows never holds them all: CSV is
streamed to the client as it is written; XLSX is written by openpyxl's write-only workbook to a
temporary file (a zip needs its whole body before it can be sent) and streamed from there. A list
page exports what it shows through ``ListExport`` (``core.views.ScopedFilterView``); a workbook of
several sheets is ``workbook_response``.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from operator import attrgetter

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone

from core.models import choice_labels

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched from the database per round trip while an export is written.
CHUNK_SIZE = 2000


def spreadsheet_safe(value):
    """Keep a text that starts like a formula from running as one in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _cell(value):
    """A value as a spreadsheet cell: numbers and dates stay typed, the rest becomes safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal, datetime.date)):
        if isinstance(value, datetime.datetime):
            # Spreadsheets know no time zones: the local (Beijing) wall time, as the pages show it.
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return value
    return spreadsheet_safe(str(value))


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer to stream."""

    def write(self, value):
        return value


def _csv_stream(headers: list[str], rows: Iterable[Iterable]):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_csv_text(_cell(v)) for v in row])


def _csv_text(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _sheet_title(title) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    text = "".join(c for c in str(title) if c not in "[]:*?/\\")
    return text[:31] or "Sheet"


def _write_sheet(workbook, title, headers, rows):
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])


def _xlsx_file(sheets: list[tuple[object, list, Iterable]]):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        _write_sheet(workbook, title, headers, rows)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    return handle


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(*, headers: list, rows: Iterable, fmt: str, filename: str, title: str = ""):
    """A download of ``rows`` (iterables of cells) under ``headers`` as ``fmt`` (csv or xlsx)."""
    if fmt not in FORMATS:
        raise Http404
    headers = [str(h) for h in headers]
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = FileResponse(_xlsx_file([(title, headers, rows)]), content_type=XLSX_TYPE)
    return _attachment(response, f"{filename}.{fmt}")


def workbook_response(*, sheets: list[tuple[object, list, Iterable]], filename: str):
    """An XLSX workbook of several sheets, each ``(title, headers, rows)``."""
    return _attachment(FileResponse(_xlsx_file(sheets), content_type=XLSX_TYPE), f"{filename}.xlsx")


@dataclass(frozen=True)
class Column:
    """One column of a list's export: its header (a lazy translation) and how a row gives its cell.
    With ``choices`` (a choice field) the cell is the label of the value."""

    header: object
    value: Callable
    choices: object = None
    # A related model: the cell is ``str()`` of its row whose id ``value`` gives, "" for none
    # (for an export of ``values`` rows: ``ListExport`` loads the names a chunk needs).
    names: type | None = None

    def cell(self, names: dict | None = None) -> Callable:
        """How a row gives its cell, made once per export (in the reader's language)."""
        if self.names is not None:
            value = self.value
            return lambda row: "" if (key := value(row)) is None else names[key]
        if self.choices is None:
            return self.value
        labels = choice_labels(self.choices)
        value = self.value
        return lambda row: labels.get(key := value(row), key)


def choice_column(header, model, name: str) -> Column:
    """A column of the label of ``model``'s choice field ``name`` (what ``get_<name>_display``
    gives), from ``core.models.choice_labels``."""
    return Column(header, _field(name), choices=model._meta.get_field(name))


def _field(name: str) -> Callable:
    """A row's ``name``: a model instance's attribute or a ``values()`` dict's key."""
    attribute = attrgetter(name)
    return lambda row: row[name] if isinstance(row, dict) else attribute(row)


class ListExport:
    """What a list page writes when it is exported: its columns, in the order the table shows
    them, and the file's name and sheet title. ``rows`` walks the filtered, sorted queryset in
    chunks (prefetches included), never the page alone and never all at once."""

    def __init__(self, *, columns: list[Column], filename: str, title, values: tuple[str, ...] | None = None):
        self.columns = columns
        self.filename = filename
        self.title = title
        # The fields the columns read, for a list that may run to 100,000 rows: the export then
        # reads dicts (``queryset.values(*values)``) instead of model instances and their related
        # rows (two thirds of the time of the demands' export went to building those), and each
        # ``names`` column's names in one query per model and chunk, for the ids not yet seen.
        self.values = values

    def rows(self, queryset):
        if self.values is None:
            cells = [column.cell() for column in self.columns]
            for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
                yield [cell(obj) for cell in cells]
            return
        names = {column.names: {} for column in self.columns if column.names is not None}
        cells = [column.cell(names.get(column.names)) for column in self.columns]
        named = [(column.value, names[column.names]) for column in self.columns if column.names is not None]
        rows = queryset.values(*self.values).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            for model, known in names.items():
                wanted = {value(row) for value, into in named if into is known for row in chunk}
                wanted -= known.keys() | {None}
                if wanted:
                    known.update((pk, str(obj)) for pk, obj in model._default_manager.in_bulk(wanted).items())
            for row in chunk:
                yield [cell(row) for cell in cells]

    def response(self, queryset, fmt: str, *, columns: list[Column] | None = None):
        columns = self.columns if columns is None else columns
        export = ListExport(columns=columns, filename=self.filename, title=self.title, values=self.values)
        stamp = timezone.localdate().isoformat()
        return table_response(
            headers=[c.header for c in columns],
            rows=export.rows(queryset),
            fmt=fmt,
            filename=f"{self.filename}-{stamp}",
            title=self.title,
        )

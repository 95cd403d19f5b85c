"""Tables as CSV or XLSX downloads, the one way every export of the portal is written.

Headers are the caller's, in the reader's language; every text cell that starts like a formula is
neutralised (CSV/formula injection); CSV carries a BOM so that Excel reads Chinese correctly.
"""

import csv

from django.http import Http404, HttpResponse

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    """Keep a text that starts like a formula from running as one in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def table_response(*, headers: list, rows, fmt: str, filename: str, title: str = "") -> HttpResponse:
    """A download of ``rows`` (lists of cells) under ``headers`` as ``fmt`` (csv or xlsx)."""
    if fmt not in FORMATS:
        raise Http404
    headers = [str(h) for h in headers]
    cells = [[spreadsheet_safe("" if v is None else v) for v in row] for row in rows]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(headers)
        writer.writerows(cells)
    else:
        import tablib

        dataset = tablib.Dataset(*cells, headers=headers, title=str(title)[:31])
        response = HttpResponse(dataset.export("xlsx"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

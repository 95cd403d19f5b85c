"""Reading the portal's downloads in tests: exports stream (CSV) or come from a file (XLSX), so
their body is joined from the stream rather than read from ``response.content``."""

import csv
import io

import openpyxl


def body(response) -> bytes:
    """The whole body; a stream is read once and kept, so it may be asked for again."""
    if getattr(response, "streaming", False):
        if not hasattr(response, "downloaded_body"):
            response.downloaded_body = b"".join(response.streaming_content)
        return response.downloaded_body
    return response.content


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV export, header first; it must be UTF-8 with the BOM Excel needs."""
    assert response["Content-Type"] == "text/csv; charset=utf-8", response["Content-Type"]
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_workbook(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def xlsx_rows(response, sheet: str | None = None) -> list[list]:
    """The rows of an XLSX export's first (or named) sheet, header first."""
    workbook = xlsx_workbook(response)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return [list(row) for row in worksheet.iter_rows(values_only=True)]

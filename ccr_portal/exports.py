"""CSV and XLSX exports, streamed in constant memory, with their cells made harmless.

Every export of the portal (dossiers today; committee, financing and scheme ones as
they land) declares its ``Column``s and hands an iterable of rows (a queryset's
``.iterator()``) to ``csv_response`` or ``xlsx_response``:

- the CSV is written row by row into a ``StreamingHttpResponse``: semicolons, UTF-8
  with a BOM, decimal comma, so that it opens as is in a French spreadsheet;
- the XLSX is written by openpyxl's write-only mode into a temporary file, then
  streamed from it: memory does not grow with the number of rows;
- a text cell that a spreadsheet would read as a formula (beginning with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe, in
  both formats (OWASP's "CSV injection"); numbers, dates and amounts stay what they
  are, negative ones included;
- control characters that XML forbids (a name pasted with a vertical tab) are dropped
  from XLSX text cells: openpyxl would refuse the whole file.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"date": "DD/MM/YYYY", "euros": '#,##0.00 "€"', "number": "0", "days": "0.0#"}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    kind: str = "text"  # text | date | number | days (decimals) | euros


def neutralise(value):
    """Text that a spreadsheet would evaluate becomes plain text; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_value(column: Column, value) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "date":
        return f"{value:%d/%m/%Y}"
    if column.kind == "euros":
        return f"{Decimal(value):.2f}".replace(".", ",")
    if column.kind == "number":
        return str(value)
    if column.kind == "days":
        return str(value).replace(".", ",")
    return neutralise(str(value))


def xlsx_value(column: Column, value):
    if column.kind == "text":
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


class _Line:
    """The file-like object ``csv.writer`` writes one line into, handed back at once."""

    def write(self, line: str) -> str:
        return line


def csv_lines(columns: list[Column], rows: Iterable) -> Iterator[bytes]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow([column.header for column in columns])).encode("utf-8")
    for row in rows:
        line = writer.writerow([csv_value(column, column.value(row)) for column in columns])
        yield line.encode("utf-8")


def csv_response(*, filename: str, columns: list[Column], rows: Iterable) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    return _private_attachment(response, filename)


def xlsx_file(*, columns: list[Column], rows: Iterable, title: str):
    """The workbook in a temporary file (write-only: one row in memory at a time)."""
    return xlsx_workbook_file(sheets=[(title, columns, rows)])


def xlsx_workbook_file(*, sheets: Iterable[tuple[str, list[Column], Iterable]]):
    """A workbook of several sheets, each ``(title, columns, rows)``, in a temporary file."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        _write_sheet(workbook.create_sheet(title[:31]), columns, rows)
    # Closed by the response once streamed (``FileResponse`` closes its file).
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def _write_sheet(sheet, columns: list[Column], rows: Iterable) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.header) + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [NUMBER_FORMATS.get(column.kind) for column in columns]
    for row in rows:
        cells = []
        for column, number_format in zip(columns, formats, strict=True):
            value = xlsx_value(column, column.value(row))
            if number_format is None:
                cells.append(value)  # a plain value: no cell object, no style
                continue
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)


def xlsx_response(
    *, filename: str, columns: list[Column], rows: Iterable, title: str
) -> FileResponse:
    response = FileResponse(
        xlsx_file(columns=columns, rows=rows, title=title), content_type=XLSX_CONTENT_TYPE
    )
    return _private_attachment(response, filename)


def xlsx_workbook_response(
    *, filename: str, sheets: Iterable[tuple[str, list[Column], Iterable]]
) -> FileResponse:
    response = FileResponse(xlsx_workbook_file(sheets=sheets), content_type=XLSX_CONTENT_TYPE)
    return _private_attachment(response, filename)


def _private_attachment(response, filename: str):
    """An export is a download like any other: attachment, sandboxed, not sniffed, not
    cached (``ccr_portal.downloads``)."""
    from ccr_portal.downloads import FILE_SECURITY_HEADERS

    response["Content-Disposition"] = content_disposition_header(True, filename)
    for header, value in FILE_SECURITY_HEADERS.items():
        response[header] = value
    return response

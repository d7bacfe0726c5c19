"""The kinds of export the portal produces (CSV, XLSX), each registered by the app that owns it.

An export kind says which rows a viewer's filters select (``rows``, scoped by the
viewer: the same code for the inline download and the background file), how many
they are (``count``), the ``rules`` permissions the export asks, and how the file is
written (``ccr_portal.exports``' columns). A small selection is streamed in the request
(``response``); a large one is built by a task into a ``BackgroundExport``
(``write``), from the same rows and the same writers.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.http import QueryDict

from ccr_portal.exports import (
    XLSX_CONTENT_TYPE,
    Column,
    csv_lines,
    csv_response,
    xlsx_file,
    xlsx_response,
)

# Rows fetched from the database at a time, and between two progress updates.
CHUNK_SIZE = 500

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}


@dataclass(frozen=True)
class ExportKind:
    code: str
    # French, as the status page and the notification name it: « Dossiers (XLSX) ».
    label: str
    # Every ``rules`` permission the inline export asks (no object).
    permissions: tuple[str, ...]
    file_format: str  # csv | xlsx
    columns: list[Column]
    # The filtered rows ``user`` may see, for the query string ``params``: annotated with
    # what the columns read, ordered.
    rows: Callable[[QueryDict, object], models.QuerySet]
    # How many rows the same filters select (cheaper than the annotated rows).
    count: Callable[[QueryDict, object], int]
    get_filename: Callable[[], str]
    # The XLSX sheet's title.
    title: str = ""
    # The URL (name) of the list the export comes from: the status page links back to it.
    list_url_name: str = ""

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]

    def allowed(self, user) -> bool:
        return user is not None and user.is_active and user.has_perms(self.permissions)

    def _iterate(self, params: QueryDict, user) -> Iterator:
        return self.rows(params, user).iterator(chunk_size=CHUNK_SIZE)

    def response(self, params: QueryDict, user):
        """The export streamed in the request (a small selection)."""
        rows = self._iterate(params, user)
        if self.file_format == "csv":
            return csv_response(filename=self.get_filename(), columns=self.columns, rows=rows)
        return xlsx_response(
            filename=self.get_filename(), columns=self.columns, rows=rows, title=self.title
        )

    def write(self, output, params: QueryDict, user, *, progress: Callable[[int], None]) -> int:
        """Write the export into the binary file ``output``; ``progress(rows written)`` is
        called every ``CHUNK_SIZE`` rows. Returns the number of rows written."""
        counted = _Counted(self._iterate(params, user), progress)
        if self.file_format == "csv":
            for line in csv_lines(self.columns, counted):
                output.write(line)
        else:
            with xlsx_file(columns=self.columns, rows=counted, title=self.title) as workbook:
                while block := workbook.read(1 << 20):
                    output.write(block)
        return counted.done


class _Counted:
    """The rows, counted as the writer takes them."""

    def __init__(self, rows: Iterable, progress: Callable[[int], None]):
        self.rows = rows
        self.progress = progress
        self.done = 0

    def __iter__(self):
        for row in self.rows:
            yield row
            self.done += 1
            if self.done % CHUNK_SIZE == 0:
                self.progress(self.done)


_kinds: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    _kinds[kind.code] = kind
    return kind


def get_export_kind(code: str) -> ExportKind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"Unknown export kind {code!r}") from None


def all_export_kinds() -> list[ExportKind]:
    return list(_kinds.values())

"""CSV and XLSX exports of the lists, with the filters the user applied.

Each stage registers an export for each of its lists (``register``): who may
use it, the rows (the list's own selector and filters, so the file holds
exactly what the page lists, every page of it) and the columns. The core
does the rest:

* ``/exports/<list>.<csv|xlsx>?<the list's filters>``: up to
  ``TCP_EXPORT_INLINE_ROWS`` rows, the file is the answer (a CSV streamed);
  past that, the export becomes a ``Report`` of kind ``export`` that a worker
  writes with its progress, stored and downloaded like a PDF report, its
  requester told when it is ready.
* the worker reads the rows as the requester sees them when it runs; the
  download asks the export's permission again.
* a column names a related record only if the requester may open it (the
  ``context`` hook reads, per chunk of rows, which of them they may open).
* a cell a spreadsheet would run as a formula stays text: in CSV behind a
  ``'``, in XLSX as a string cell.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tcp import access_log
from tcp.history import acting_as
from tcp.models import Report

logger = logging.getLogger(__name__)

R = Report.Status
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Rows read per query (their prefetches take one more query each per chunk).
CHUNK = 2000
# A cell a spreadsheet would read as a formula (or a command) starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a list page is (a page number, or a keyset cursor): not a filter.
PAGING = ("page", "before", "after")


@dataclass(frozen=True)
class ExportColumn:
    header: Any
    # The cell of one row: text, a number, a date or None. ``context`` is what
    # the export's ``context`` hook read for the row's chunk.
    value: Callable[[Any, dict], Any]
    # Width of the XLSX column, in characters.
    width: int = 16


@dataclass(frozen=True)
class ListExport:
    code: str
    title: Any
    # May ``user`` export this list at all (the list page's own test)?
    allowed: Callable[[Any], bool]
    # The rows as the list shows them to ``user`` for these filters, sorted as on the page.
    rows: Callable[[Any, QueryDict], QuerySet]
    columns: Callable[[Any], Sequence[ExportColumn]]
    # For one chunk of rows: what their columns need beyond the rows (which
    # related records the user may open). One or two queries, never one per row.
    context: Callable[[Any, list], dict] | None = None
    # The list page (a URL name), linked from a background export's page.
    list_url_name: str = ""

    def filename(self, fmt: str) -> str:
        return f"{self.code}-{timezone.localdate().isoformat()}.{fmt}"


_exports: dict[str, ListExport] = {}


def register(export: ListExport) -> None:
    _exports[export.code] = export


def get(code: str) -> ListExport:
    try:
        return _exports[code]
    except KeyError:
        raise Http404 from None


def links(request: HttpRequest, code: str) -> list[tuple[str, str]]:
    """The list's export links, keeping the filters the user applied (not the page)."""
    params = request.GET.copy()
    for name in PAGING:
        params.pop(name, None)
    query = f"?{params.urlencode()}" if params else ""
    return [
        (label, reverse("export", kwargs={"code": code, "fmt": fmt}) + query)
        for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"))
    ]


# --- cells ---


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def csv_cell(value: Any) -> str:
    """A spreadsheet never runs what someone typed as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    cell = WriteOnlyCell(sheet, value=str(value))
    # openpyxl reads a string starting with "=" as a formula: this one is text.
    cell.data_type = "s"
    return cell


# --- rows ---


def _chunks(export: ListExport, user: Any, queryset: QuerySet) -> Iterator[tuple[list, dict]]:
    chunk: list = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield chunk, export.context(user, chunk) if export.context else {}
            chunk = []
    if chunk:
        yield chunk, export.context(user, chunk) if export.context else {}


def values(
    export: ListExport, user: Any, queryset: QuerySet, done: Callable[[int], None] | None = None
) -> Iterator[list[Any]]:
    """The header, then each row's cells; ``done`` hears how many rows are written."""
    columns = export.columns(user)
    yield [str(c.header) for c in columns]
    written = 0
    for chunk, context in _chunks(export, user, queryset):
        for obj in chunk:
            yield [c.value(obj, context) for c in columns]
        written += len(chunk)
        if done is not None:
            done(written)


def write_csv(rows: Iterator[list[Any]]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def write_xlsx(export: ListExport, user: Any, rows: Iterator[list[Any]], out: Any) -> None:
    """An XLSX workbook of ``rows`` into the binary file ``out``, written as it streams."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(export.title)[:31])
    columns = export.columns(user)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = next(rows)
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    book.save(out)


# --- the page ---


def inline_limit() -> int:
    return settings.TCP_EXPORT_INLINE_ROWS


@login_required
def export_view(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The filtered list as a file now, or, past ``TCP_EXPORT_INLINE_ROWS``, as a
    background export whose page shows its progress."""
    export = get(code)
    if fmt not in FORMATS:
        raise Http404
    if not export.allowed(request.user):
        raise PermissionDenied
    queryset = export.rows(request.user, request.GET)
    if queryset.order_by()[: inline_limit() + 1].count() > inline_limit():
        report = request_export(user=request.user, code=code, fmt=fmt, query=request.GET)
        return HttpResponseRedirect(report.get_absolute_url())
    filename = export.filename(fmt)
    if fmt == "csv":
        response: HttpResponse = StreamingHttpResponse(
            write_csv(values(export, request.user, queryset)), content_type=FORMATS[fmt]
        )
    else:
        out = io.BytesIO()
        write_xlsx(export, request.user, values(export, request.user, queryset), out)
        response = HttpResponse(out.getvalue(), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    query = _without_page(request.GET)
    access_log.download(request, f"Export {code}.{fmt}{'?' if query else ''}{query}", code)
    return response


# --- in the background ---


def request_export(*, user: Any, code: str, fmt: str, query: QueryDict) -> Report:
    """Queue an export of list ``code`` with the filters of ``query`` for ``user``;
    a second ask while the same one is on its way returns that one."""
    from tcp import reports

    export = get(code)
    params = {"format": fmt, "query": _without_page(query)}
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic(), acting_as(user):
        waiting = (
            Report.objects.select_for_update()
            .filter(
                requested_by=user,
                kind=Report.Kind.EXPORT,
                reference=code,
                params=params,
                language=language,
                status__in=(R.QUEUED, R.RENDERING),
            )
            .first()
        )
        if waiting is not None:
            return waiting
        filtered = _(" (filtered)") if params["query"] else ""
        report = Report.objects.create(
            kind=Report.Kind.EXPORT,
            reference=code,
            params=params,
            language=language,
            requested_by=user,
            title=f"{export.title}{filtered} · {fmt.upper()}"[:300],
        )
        transaction.on_commit(lambda: reports.queue(report.pk))
    return report


def _without_page(query: QueryDict) -> str:
    params = query.copy()
    for name in PAGING:
        params.pop(name, None)
    return params.urlencode()


def render(report: Report) -> Report:
    """Write one queued export as its requester sees the list now."""
    from tcp import reports

    export = get(report.reference)
    user = report.requested_by
    fmt = report.params.get("format", "csv")
    with translation.override(report.language):
        if not export.allowed(user):
            raise PermissionDenied(_("You may no longer export this list."))
        queryset = export.rows(user, QueryDict(report.params.get("query", "")))
        total = queryset.order_by().count()
        step = max(total // 20, CHUNK)
        last = [0]

        def done(written: int) -> None:
            # About twenty progress saves, whatever the size.
            if written - last[0] >= step or written == total:
                last[0] = written
                reports.progress(report, 5 + int(90 * written / max(total, 1)))

        rows = values(export, user, queryset, done)
        with tempfile.TemporaryFile() as out:
            if fmt == "xlsx":
                write_xlsx(export, user, rows, out)
            else:
                for line in write_csv(rows):
                    out.write(line.encode())
            size = out.tell()
            out.seek(0)
            report.file.save(export.filename(fmt), File(out), save=False)
    reports.progress(
        report,
        100,
        status=R.READY,
        file=report.file.name,
        rows=total,
        size=size,
        finished_at=timezone.now(),
    )
    return report

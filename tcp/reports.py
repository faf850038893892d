"""PDF reports: asked for on a page, rendered by a worker, stored, served to the requester.

Each stage registers its kinds of report (``register``): how to find the
record through the requester's own selector (``subject``, raising
``Http404`` for what they may not open), what the template needs
(``context``), and the template. The core does the rest:

* ``request_report`` checks the subject and queues the rendering; the page
  answers at once, and a second ask for the same report while one is on its
  way returns that one.
* ``render`` builds the HTML in the report's language, as its requester sees
  the record, and hashes it: a ready report with the same hash shares its
  file (unchanged data is not rendered twice); otherwise WeasyPrint renders
  the PDF in a child process with a memory cap and a time limit, through a
  fetcher that serves only the product's own static files.
* the download (``tcp.report_views``) serves a report to its requester only,
  after asking the subject's selector again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tcp.history import acting_as
from tcp.models import Report

logger = logging.getLogger(__name__)

R = Report.Status

# The scheme of the product's static files in report templates
# (``tcp-static:{% static 'css/report.css' %}``): the only URLs the fetcher serves.
BASE_URL = "tcp-static:/"
STYLESHEET = "tcp-static:/static/css/report.css"
# The kind of the requester's in-app notice that a report is ready (or failed).
READY_NOTICE = "report.ready"


@dataclass(frozen=True)
class ReportKind:
    code: str
    # The record it covers, as ``user`` may open it (``Http404`` otherwise).
    subject: Callable[[Any, str], Any]
    # What the template needs, read through ``user``'s selectors.
    context: Callable[[Any, Any, dict], dict]
    template: str
    title: Callable[[Any, dict], str] = str


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> None:
    _kinds[kind.code] = kind


def kind(code: str) -> ReportKind | None:
    return _kinds.get(code)


# --- asking ---


def request_report(
    *, user: Any, kind_code: str, reference: str, params: dict | None = None, language: str = ""
) -> Report:
    """Queue a report of ``reference`` for ``user`` (``Http404`` if they may not open it)."""
    report_kind = _kinds.get(kind_code)
    if report_kind is None:
        from django.http import Http404

        raise Http404
    params = params or {}
    subject = report_kind.subject(user, reference)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic(), acting_as(user):
        waiting = (
            Report.objects.select_for_update()
            .filter(
                requested_by=user,
                kind=kind_code,
                reference=reference,
                params=params,
                language=language,
                status__in=(R.QUEUED, R.RENDERING),
            )
            .first()
        )
        if waiting is not None:
            return waiting
        report = Report.objects.create(
            kind=kind_code,
            subject_id=getattr(subject, "pk", None),
            reference=reference,
            params=params,
            language=language,
            requested_by=user,
            title=str(report_kind.title(subject, params))[:300],
        )
        transaction.on_commit(lambda: queue(report.pk))
    return report


def queue(report_id: int) -> None:
    from tcp.tasks import render_report

    try:
        render_report.delay(report_id)
    except Exception:
        # Eager mode runs it here; its failure is recorded on the report.
        logger.exception("Report %s could not be queued", report_id)


# --- rendering ---


def html_for(report: Report) -> str:
    """The report's HTML, in its language, as its requester sees the record now."""
    report_kind = _kinds[report.kind]
    user = report.requested_by
    with translation.override(report.language):
        subject = report_kind.subject(user, report.reference)
        context = report_kind.context(user, subject, report.params)
        return render_to_string(
            report_kind.template,
            {**context, "report": report, "subject": subject, "user": user},
        )


def progress(report: Report, value: int, **fields: Any) -> None:
    report.progress = value
    for name, v in fields.items():
        setattr(report, name, v)
    with acting_as(report.requested_by):
        report.save(update_fields=["progress", *fields])


def render(report_id: int) -> Report:
    """Render one queued report; a failure is recorded on it with the reason."""
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    if report.status == R.RENDERING:
        # Delivered again after its worker stopped mid-way: not tried forever.
        fail(report_id, _("The rendering was interrupted; ask for the report again."))
        return report
    if report.status != R.QUEUED:
        return report
    progress(report, 5, status=R.RENDERING, started_at=timezone.now())
    try:
        if report.kind == Report.Kind.EXPORT:
            from tcp import exports

            exports.render(report)
            _tell(report)
            return report
        html = html_for(report)
        # The data as its requester sees it, and the stylesheet it is laid out with.
        fingerprint = hashlib.sha256(
            f"{report.kind}|{report.language}|".encode()
            + static_file(STYLESHEET)[0]
            + html.encode()
        ).hexdigest()
        progress(report, 30, fingerprint=fingerprint)
        same = (
            Report.objects.filter(fingerprint=fingerprint, status=R.READY)
            .exclude(file="")
            .exclude(pk=report.pk)
            .first()
        )
        if same is not None:
            progress(
                report,
                100,
                status=R.READY,
                file=same.file.name,
                pages=same.pages,
                size=same.size,
                finished_at=timezone.now(),
            )
            _tell(report)
            return report
        pdf, pages = pdf_from_html(html)
        progress(report, 90)
        report.file.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
        progress(
            report,
            100,
            status=R.READY,
            file=report.file.name,
            pages=pages,
            size=len(pdf),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("Report %s failed", report_id)
        progress(
            report,
            report.progress,
            status=R.FAILED,
            error=_failure_reason(exc),
            finished_at=timezone.now(),
        )
    _tell(report)
    return report


def fail(report_id: int, reason: str) -> None:
    """Mark a report failed (the worker's time limit stopped it)."""
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    if report.status in (R.QUEUED, R.RENDERING):
        progress(report, report.progress, status=R.FAILED, error=reason, finished_at=timezone.now())
        _tell(report)


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, RenderLimit | PermissionDenied):
        return str(exc)
    return _("The report could not be rendered (%(error)s).") % {"error": type(exc).__name__}


def _tell(report: Report) -> None:
    """The requester's in-app notification that the report is ready (or failed)."""
    from django.contrib.contenttypes.models import ContentType

    from tcp.models import Dispatch, Email

    with translation.override(report.language):
        if report.status == R.READY:
            subject = _("Your report is ready: %(title)s") % {"title": report}
        else:
            subject = _("Your report could not be made: %(title)s") % {"title": report}
    Dispatch.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Report),
        object_id=report.pk,
        kind=READY_NOTICE,
        due_on=timezone.localdate(),
        recipient=report.requested_by,
        escalation=False,
        defaults={
            "status": Dispatch.Status.SENT,
            "email": Email.NONE,
            "subject": subject[:300],
            "url": report.get_absolute_url(),
            "sent_at": timezone.now(),
        },
    )


# --- the PDF, safely ---


class RenderLimit(Exception):
    """Rendering went past the time or memory it may use."""


def pdf_from_html(html: str) -> tuple[bytes, int]:
    """The PDF of ``html`` and its page count, rendered in a child process that may use
    ``TCP_REPORT_MAX_MEMORY_MB`` more than its worker and ``TCP_REPORT_TIMEOUT_SECONDS``."""
    import weasyprint  # noqa: F401 - loaded here once, so the child's memory goes to rendering

    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(
        target=_render_in_child, args=(html, child, settings.TCP_REPORT_MAX_MEMORY_MB)
    )
    process.start()
    child.close()
    try:
        if not parent.poll(settings.TCP_REPORT_TIMEOUT_SECONDS):
            raise RenderLimit(
                ngettext(
                    "The report took longer than %(s)s second to render and was stopped.",
                    "The report took longer than %(s)s seconds to render and was stopped.",
                    settings.TCP_REPORT_TIMEOUT_SECONDS,
                )
                % {"s": settings.TCP_REPORT_TIMEOUT_SECONDS}
            )
        try:
            outcome = parent.recv()
        except EOFError:
            outcome = ("error", "MemoryError")
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    status, value, *rest = outcome
    if status == "ok":
        return value, rest[0]
    if value == "MemoryError":
        raise RenderLimit(
            _("The report needed more than %(mb)s MB of memory to render and was stopped.")
            % {"mb": settings.TCP_REPORT_MAX_MEMORY_MB}
        )
    raise RuntimeError(value)


def _address_space() -> int:
    """This process's address space in bytes (what a fork inherits from its worker)."""
    with open("/proc/self/status") as f:
        size = next(line for line in f if line.startswith("VmSize:"))
    return int(size.split()[1]) * 1024


def _render_in_child(html: str, conn: Any, max_memory_mb: int) -> None:
    try:
        # What rendering may add to what the child inherited from its worker.
        limit = _address_space() + max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        import weasyprint

        document = weasyprint.HTML(
            string=html, base_url=BASE_URL, url_fetcher=safe_fetcher()
        ).render()
        out = io.BytesIO()
        document.write_pdf(out)
        conn.send(("ok", out.getvalue(), len(document.pages)))
    except MemoryError:
        conn.send(("error", "MemoryError"))
    except BaseException as exc:
        # Out of address space, a library fails to map memory rather than raise MemoryError.
        out_of_memory = "failed to map" in str(exc) or "Cannot allocate memory" in str(exc)
        conn.send(("error", "MemoryError" if out_of_memory else f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def safe_fetcher() -> Any:
    """A fetcher that serves the product's own static files, and nothing else: no
    ``file:``, no network address, no redirect (user text is escaped and never
    becomes a URL). WeasyPrint is imported only where PDFs are made."""
    import weasyprint
    from weasyprint.urls import URLFetcherResponse

    class SafeFetcher(weasyprint.URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"tcp-static"}, allow_redirects=False, timeout=1)

        def fetch(self, url: str, headers: Any = None) -> Any:
            body, mime = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime}, 200)

    return SafeFetcher()


def static_file(url: str) -> tuple[bytes, str]:
    """The bytes and type of one of the product's static files named by ``url``
    (``tcp-static:/static/css/report.css``); ``ValueError`` for anything else."""
    if not url.startswith(BASE_URL):
        raise ValueError(f"Refused: {url[:80]}")
    path = url[len(BASE_URL) :].split("?", 1)[0].split("#", 1)[0]
    path = path.removeprefix("/").removeprefix(settings.STATIC_URL.strip("/") + "/")
    if not path or ".." in path.split("/") or path.startswith("/") or "\\" in path:
        raise ValueError(f"Refused: {url[:80]}")
    found = finders.find(path)
    if not found:
        raise ValueError(f"Not a static file: {path[:80]}")
    with open(found, "rb") as f:
        body = f.read()
    return body, mimetypes.guess_type(path)[0] or "application/octet-stream"

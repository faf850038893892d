"""The pages of PDF reports: ask for one, watch it render, download it.

A report is its requester's: every other user gets 404 for it, and the
download asks the record's selector again, so a report made before someone
lost access to the record is not served to them either.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tcp import access_log, exports, reports
from tcp.models import Region, Report
from tcp.views import PAGE_SIZE

# A report still on its way: the page reloads itself every few seconds.
REFRESH_SECONDS = 2


def _own(user: Any, pk: int) -> Report:
    return get_object_or_404(Report.objects.filter(requested_by=user), pk=pk)


@login_required
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    reference = request.POST.get("reference", "").strip()[:40]
    params: dict[str, str] = {}
    region = request.POST.get("region", "")
    if region:
        if region not in Region.values:
            raise Http404
        params["region"] = region
    report = reports.request_report(
        user=request.user, kind_code=kind, reference=reference, params=params
    )
    return redirect(report)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        Report.objects.filter(requested_by=request.user).order_by("-created_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "reports/list.html", {"page": page})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own(request.user, pk)
    waiting = report.status in (Report.Status.QUEUED, Report.Status.RENDERING)
    context: dict[str, Any] = {"report": report, "waiting": waiting, "refresh": REFRESH_SECONDS}
    if report.kind == Report.Kind.EXPORT:
        export = exports.get(report.reference)
        query = report.params.get("query", "")
        context["export"] = export
        context["list_url"] = (
            f"{reverse(export.list_url_name)}{'?' if query else ''}{query}"
            if export.list_url_name
            else ""
        )
    response = render(request, "reports/detail.html", context)
    if waiting:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own(request.user, pk)
    if report.status != Report.Status.READY or not report.file:
        raise Http404
    if report.kind == Report.Kind.EXPORT:
        export = exports.get(report.reference)
        if not export.allowed(request.user):
            raise Http404
        fmt = report.params.get("format", "csv")
        name = f"{report.reference}-{report.created_at:%Y-%m-%d}.{fmt}"
        content_type = exports.FORMATS.get(fmt, "application/octet-stream")
    else:
        kind = reports.kind(report.kind)
        if kind is None:
            raise Http404
        kind.subject(request.user, report.reference)  # Http404 if no longer theirs to open
        name = f"{report.kind}-{report.reference}-{report.language}.pdf".replace("/", "-")
        content_type = "application/pdf"
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        messages.error(request, _("The file of this report is gone; ask for it again."))
        return redirect(report)
    # The access log keeps its texts in English, whatever the reader's language.
    with translation.override(settings.LANGUAGE_CODE):
        what = f"{report.get_kind_display()}: {report}"
    access_log.download(request, what, report.reference)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)

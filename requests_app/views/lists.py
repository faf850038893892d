"""The request list (filters, search, sort, pages) and its CSV export.

Both read ``visible_requests`` through the same filter set, so the export
holds exactly the rows the page lists.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from requests_app.filters import RequestFilter, desk_officer_grants
from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from requests_app.services import creation_refusal
from tcp.models import Region
from tcp.scoping import scope_for
from tcp.views import PAGE_SIZE, Column, sort_headers

VIEW = "requests_app.view_assistancerequest"

COLUMNS = (
    Column(gettext_lazy("Reference"), "reference"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Country"), "country"),
    Column(gettext_lazy("Status"), "status"),
    Column(gettext_lazy("Submitted"), "submitted", css="num"),
    Column(gettext_lazy("Created"), "created", css="num"),
)


def _filtered(request: HttpRequest) -> RequestFilter:
    return RequestFilter(request.GET, queryset=visible_requests(request.user), user=request.user)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_list(request: HttpRequest) -> HttpResponse:
    """Two queries for the rows (a count and a page), whatever their number."""
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "requests_app/request_list.html",
        {
            "filterset": filterset,
            "filter_form": filterset.form,
            "page_obj": page,
            "headers": sort_headers(request, COLUMNS, filterset.sort_key),
            "is_filtered": filterset.is_filtered,
            "export_url": f"{reverse('requests_app:export')}?{params.urlencode()}",
            "can_create": creation_refusal(user=request.user) is None,
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for a streamed csv.writer."""

    def write(self, value: str) -> str:
        return value


EXPORT_HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Country"),
    gettext_lazy("Region"),
    gettext_lazy("Title"),
    gettext_lazy("Status"),
    gettext_lazy("Submitted"),
    gettext_lazy("Decided"),
    gettext_lazy("Thematic areas"),
    gettext_lazy("Forms of assistance"),
    gettext_lazy("Desk officer"),
)
# Rows fetched per query (with their thematic areas and forms in two more).
EXPORT_CHUNK = 2000


def _cell(value: Any) -> str:
    """A spreadsheet never runs what a government typed as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _desk_officers_by_country() -> dict[int, str]:
    names: dict[int, list[str]] = {}
    for grant in desk_officer_grants().select_related("user").order_by("user__last_name"):
        names.setdefault(grant.content_object_id, []).append(str(grant.user))
    return {country: "; ".join(people) for country, people in names.items()}


def _export_rows(queryset: QuerySet[AssistanceRequest], with_desk: bool) -> Iterator[list[str]]:
    yield [str(h) for h in (EXPORT_HEADER if with_desk else EXPORT_HEADER[:-1])]
    officers = _desk_officers_by_country() if with_desk else {}
    regions = dict(Region.choices)
    for req in queryset.iterator(chunk_size=EXPORT_CHUNK):
        row = [
            req.reference,
            req.country.name,
            regions.get(req.country.region, req.country.region),
            req.title,
            req.get_status_display(),
            req.submitted_at and timezone.localtime(req.submitted_at).date().isoformat(),
            req.decided_at and timezone.localtime(req.decided_at).date().isoformat(),
            "; ".join(t.name for t in req.thematic_areas.all()),
            "; ".join(f.name for f in req.forms_of_assistance.all()),
        ]
        if with_desk:
            row.append(officers.get(req.country_id, ""))
        yield [_cell(v) for v in row]


@login_required
@permission_required(VIEW, raise_exception=True)
def request_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed: the same selector and filters as the page."""
    queryset = _filtered(request).qs.prefetch_related("thematic_areas", "forms_of_assistance")
    scope = scope_for(request.user)
    # Who holds a portfolio is OHCHR's business; a government's export leaves it out.
    with_desk = scope.all_countries or bool(scope.ohchr)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        for row in _export_rows(queryset, with_desk):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"requests-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""The request list (filters, search, sort, pages); its exports are in
``requests_app.exports``, through the same filter set."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from requests_app.filters import RequestFilter
from requests_app.selectors import visible_requests
from requests_app.services import creation_refusal
from tcp import exports
from tcp.views import PAGE_SIZE, Column, sort_headers

VIEW = "requests_app.view_assistancerequest"

COLUMNS = (
    Column(gettext_lazy("Reference"), "reference"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Country"), "country"),
    Column(gettext_lazy("Status"), "status"),
    Column(gettext_lazy("First submitted"), "submitted", css="num"),
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
    return render(
        request,
        "requests_app/request_list.html",
        {
            "filterset": filterset,
            "filter_form": filterset.form,
            "page_obj": page,
            "headers": sort_headers(request, COLUMNS, filterset.sort_key),
            "is_filtered": filterset.is_filtered,
            "export_links": exports.links(request, "requests"),
            "can_create": creation_refusal(user=request.user) is None,
        },
    )


@login_required
def request_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (the address the list linked to before XLSX came)."""
    return exports.export_view(request, code="requests", fmt="csv")

"""Pages for recommendations of the human rights mechanisms (list, detail, CSV import).

Every recommendation comes through ``visible_recommendations`` (outside
scope: 404); the import goes through ``requests_app.recommendations``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_app.recommendation_forms import RecommendationFilterForm, RecommendationImportForm
from requests_app.recommendations import (
    COLUMNS,
    EXAMPLE_CSV,
    can_import,
    import_recommendations,
)
from requests_app.selectors import visible_recommendations, visible_requests
from tcp import exports
from tcp.lifecycle import TransitionRefused
from tcp.views import Column, ListSpec, list_page

VIEW = "requests_app.view_recommendation"
IMPORT = ("requests_app.add_recommendation", "requests_app.change_recommendation")

LIST = ListSpec(
    # The implementation status is one of the extra filters, not list_page's.
    statuses=(),
    search=("text", "document_symbol", "uhri_id"),
    sorts={
        "text": ("text",),
        "country": ("country__name",),
        "mechanism": ("mechanism__name",),
        "symbol": ("document_symbol",),
        "date": ("date",),
        "implementation": ("implementation_status",),
    },
    default_sort="-date",
    columns=(
        Column(gettext_lazy("Recommendation"), "text"),
        Column(gettext_lazy("Country"), "country"),
        Column(gettext_lazy("Mechanism"), "mechanism"),
        Column(gettext_lazy("Symbol"), "symbol"),
        Column(gettext_lazy("Date"), "date", css="num"),
        Column(gettext_lazy("UPR position")),
        Column(gettext_lazy("Implementation"), "implementation"),
    ),
)


@login_required
@permission_required(VIEW, raise_exception=True)
def recommendation_list(request: HttpRequest) -> HttpResponse:
    filters = RecommendationFilterForm(request.GET or None)
    context = list_page(request, filters.apply(visible_recommendations(request.user)), LIST)
    form = context["filter_form"]
    del form.fields["status"]
    form.fields["q"].help_text = _("Text, document symbol or UHRI ID")
    context.update(
        extra_filters=filters,
        is_filtered=context["is_filtered"] or bool(filters.filters()),
        can_import=can_import(request.user),
        export_links=exports.links(request, "recommendations"),
    )
    return render(request, "requests_app/recommendation_list.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(
        visible_recommendations(request.user).prefetch_related("thematic_areas", "sdgs"), pk=pk
    )
    citing = None
    if request.user.has_perm("requests_app.view_assistancerequest"):
        citing = visible_requests(request.user).filter(recommendations=rec).order_by("reference")
    return render(
        request,
        "requests_app/recommendation_detail.html",
        {"rec": rec, "citing_requests": citing},
    )


@login_required
@permission_required(IMPORT, raise_exception=True)
def recommendation_import(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = RecommendationImportForm(*((request.POST, request.FILES) if posted else ()))
    errors: list[Any] = []
    if posted and form.is_valid():
        try:
            report = import_recommendations(file=form.cleaned_data["file"], by=request.user)
        except TransitionRefused as exc:
            form.add_error("file", exc.message)
        else:
            if report.ok:
                messages.success(request, _summary(report))
                return redirect("requests_app:recommendation_list")
            errors = report.errors
    return render(
        request,
        "requests_app/recommendation_import.html",
        {"form": form, "row_errors": errors, "columns": COLUMNS},
    )


@login_required
@permission_required(IMPORT, raise_exception=True)
def recommendation_import_example(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(EXAMPLE_CSV.encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="uhri-recommendations-example.csv"'
    return response


def _summary(report: Any) -> str:
    text = _("%(created)d created, %(updated)d updated") % {
        "created": report.created,
        "updated": report.updated,
    }
    if report.unchanged:
        text += _(", %d already up to date") % report.unchanged
    return text + "."


# Included by requests_app/urls.py.
recommendation_urlpatterns: list[URLPattern] = [
    path("recommendations/", recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", recommendation_detail, name="recommendation_detail"),
    path("recommendations/import/", recommendation_import, name="recommendation_import"),
    path(
        "recommendations/import/example.csv",
        recommendation_import_example,
        name="recommendation_import_example",
    ),
]

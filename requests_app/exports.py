"""The exports of the request list and the recommendation list (CSV and XLSX).

Each reads the rows through the list page's own selector and filters, so a
file holds exactly what the list shows, every page of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.filters import RequestFilter, desk_officer_grants
from requests_app.models import AssistanceRequest, Recommendation
from requests_app.recommendation_forms import RecommendationFilterForm
from requests_app.selectors import visible_recommendations, visible_requests
from tcp import exports
from tcp.exports import ExportColumn as C
from tcp.models import Region
from tcp.scoping import scope_for
from tcp.views import filter_list

VIEW_REQUEST = "requests_app.view_assistancerequest"
VIEW_RECOMMENDATION = "requests_app.view_recommendation"
REGIONS = dict(Region.choices)


def request_rows(user: Any, params: QueryDict) -> QuerySet[AssistanceRequest]:
    return (
        RequestFilter(params, queryset=visible_requests(user), user=user)
        .qs.select_related("country")
        .prefetch_related("thematic_areas", "forms_of_assistance")
    )


def _sees_portfolios(user: Any) -> bool:
    # Who holds a portfolio is OHCHR's business; a government's export leaves it out.
    scope = scope_for(user)
    return scope.all_countries or bool(scope.ohchr)


def _day(moment: Any) -> Any:
    return moment and timezone.localtime(moment).date()


def _names(related: Any) -> str:
    return "; ".join(item.translated_name for item in related.all())


def request_columns(user: Any) -> list[C]:
    columns = [
        C(_("Reference"), lambda r, c: r.reference, 20),
        C(_("Country"), lambda r, c: r.country.translated_name, 20),
        C(_("Region"), lambda r, c: REGIONS.get(r.country.region, r.country.region), 24),
        C(_("Title"), lambda r, c: r.title, 50),
        C(_("Status"), lambda r, c: r.get_status_display(), 16),
        C(_("First submitted"), lambda r, c: _day(r.submitted_at), 12),
        C(_("Resubmitted"), lambda r, c: _day(r.resubmitted_at), 12),
        C(_("Decided"), lambda r, c: _day(r.decided_at), 12),
        C(_("Thematic areas"), lambda r, c: _names(r.thematic_areas), 40),
        C(_("Forms of assistance"), lambda r, c: _names(r.forms_of_assistance), 40),
    ]
    if _sees_portfolios(user):
        columns.append(C(_("Desk officer"), lambda r, c: c["officers"].get(r.country_id, ""), 24))
    return columns


def request_context(user: Any, chunk: list[AssistanceRequest]) -> dict[str, Any]:
    if not _sees_portfolios(user):
        return {}
    names: dict[int, list[str]] = {}
    countries = sorted({r.country_id for r in chunk})
    grants = desk_officer_grants(countries).select_related("user").order_by("user__last_name")
    for grant in grants:
        names.setdefault(grant.content_object_id, []).append(str(grant.user))
    return {"officers": {country: "; ".join(people) for country, people in names.items()}}


def recommendation_rows(user: Any, params: QueryDict) -> QuerySet[Recommendation]:
    from requests_app.views.recommendations import LIST

    queryset = RecommendationFilterForm(params or None).apply(visible_recommendations(user))
    return (
        filter_list(user, params, queryset, LIST)
        .queryset.select_related("country", "mechanism")
        .prefetch_related("thematic_areas")
    )


RECOMMENDATION_COLUMNS = (
    C(_("UHRI ID"), lambda r, c: r.uhri_id, 14),
    C(_("Country"), lambda r, c: r.country.translated_name, 20),
    C(_("Mechanism"), lambda r, c: r.mechanism.translated_name, 30),
    C(_("Session or cycle"), lambda r, c: r.session_or_cycle, 16),
    C(_("Symbol"), lambda r, c: r.document_symbol, 20),
    C(_("Date"), lambda r, c: r.date, 12),
    C(_("Recommendation"), lambda r, c: r.text, 80),
    C(_("Thematic areas"), lambda r, c: _names(r.thematic_areas), 40),
    C(_("UPR position"), lambda r, c: r.get_upr_position_display(), 16),
    C(_("Implementation"), lambda r, c: r.get_implementation_status_display(), 18),
)


def register() -> None:
    exports.register(
        exports.ListExport(
            code="requests",
            title=_("Requests"),
            allowed=lambda user: user.has_perm(VIEW_REQUEST),
            rows=request_rows,
            columns=request_columns,
            context=request_context,
            list_url_name="requests_app:list",
        )
    )
    exports.register(
        exports.ListExport(
            code="recommendations",
            title=_("Recommendations"),
            allowed=lambda user: user.has_perm(VIEW_RECOMMENDATION),
            rows=recommendation_rows,
            columns=lambda user: RECOMMENDATION_COLUMNS,
            list_url_name="requests_app:recommendation_list",
        )
    )

"""The IATI 2.03 activity file of the programmes (``programmes.iati``), for OHCHR to
publish.

Publication is OHCHR's act: the file is for OHCHR staff who may view
programmes (desk officers, programme approvers, field presence officers,
auditors, administrators), never for a government's focal point (403), who
holds the view permission but works for a State. The programmes are those of
the list page with its filters (``status``, ``country``, ``q``), narrowed to
a chosen set when ``programme`` ids are given (``?programme=3&programme=7``),
and always to what ``programmes.iati`` may publish of what the user may open.
When nothing is left the file holds no activity (IATI wants at least one to
publish it: the person publishing sees that at once).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from programmes.iati import activities_xml, publishable_programmes
from programmes.models import Programme
from programmes.views.programme import LIST
from tcp import access_log
from tcp.scoping import scope_for
from tcp.views import filter_list

VIEW = "programmes.view_programme"
# A chosen set is at most this long (a page of checkboxes is far shorter).
MAX_CHOSEN = 500


def may_publish(user: Any) -> bool:
    """OHCHR staff: the view permission and a scope on OHCHR's side (all countries,
    a portfolio, a field presence). A government's focal point has neither side."""
    scope = scope_for(user)
    return user.has_perm(VIEW) and (scope.all_countries or bool(scope.ohchr))


def _filtered(request: HttpRequest, queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """The list page's filters (``tcp.views.filter_list``), narrowed to the chosen set."""
    queryset = filter_list(request.user, request.GET, queryset, LIST).queryset
    chosen = _chosen(request)
    if chosen is not None:
        queryset = queryset.filter(pk__in=chosen)
    return queryset


def _chosen(request: HttpRequest) -> list[int] | None:
    """The ids of ``?programme=`` (unreadable ones ignored); None when none is given."""
    values = request.GET.getlist("programme")
    if not values:
        return None
    return sorted({int(v) for v in values[:MAX_CHOSEN] if v.isascii() and v.isdigit()})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def iati_activities(request: HttpRequest) -> HttpResponse:
    if not may_publish(request.user):
        raise PermissionDenied
    programmes = _filtered(request, publishable_programmes(request.user))
    response = HttpResponse(activities_xml(programmes), content_type="application/xml")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="iati-activities-{day}.xml"'
    query = request.GET.urlencode()
    access_log.download(request, f"IATI activity file{'?' if query else ''}{query}")
    return response


urlpatterns = [
    path("iati.xml", iati_activities, name="iati"),
]

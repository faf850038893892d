"""Programmes: the list, the programme page, and acceptance by each State.

Every object comes through ``visible_programmes`` / ``visible_components``
(outside scope: 404); every write goes through ``programmes.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.selectors import visible_assessments
from programmes import services
from programmes.models import Programme
from programmes.selectors import (
    audience,
    visible_acceptances,
    visible_components,
    visible_programmes,
)
from programmes.views import money, parts
from tcp.lifecycle import TransitionRefused
from tcp.related import related_links
from tcp.views import (
    Column,
    ListSpec,
    actions_for,
    list_page,
    timeline,
)

VIEW = "programmes.view_programme"
S = Programme.Status

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "title"),
    sorts={
        "reference": ("reference",),
        "title": ("title",),
        "scope": ("scope",),
        "status": ("status",),
        "start": ("start_date",),
        "end": ("end_date",),
        "created": ("created_at",),
    },
    default_sort="-created",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Countries")),
        Column(gettext_lazy("Scope"), "scope"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Start"), "start", css="num"),
        Column(gettext_lazy("End"), "end", css="num"),
    ),
    country_lookup="countries",
)


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_list(request: HttpRequest) -> HttpResponse:
    queryset = visible_programmes(request.user).prefetch_related("countries")
    return render(request, "programmes/programme_list.html", list_page(request, queryset, LIST))


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    programme = get_object_or_404(
        visible_programmes(user).prefetch_related("countries", "board_components", "sdgs"),
        pk=pk,
    )
    # Review comments are OHCHR's; a government reads the programme document.
    internal = audience(programme, user).internal
    components = [
        (component, actions_for(component, services.COMPONENT_LIFECYCLE, user))
        for component in visible_components(user).filter(programme=programme)
    ]
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            # The assessment it answers, only if the user may open it.
            "assessment_link": visible_assessments(user).filter(pk=programme.assessment_id).first(),
            "related": related_links(programme, user),
            "components": components,
            **parts.context(programme, user),
            **money.context(programme, user),
            "acceptances": list(visible_acceptances(programme, user)),
            "can_accept": services.acceptance_refusal(programme=programme, user=user) is None,
            "actions": actions_for(programme, services.LIFECYCLE, user),
            "timeline": timeline(programme, services.LIFECYCLE, show_notes=internal),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def programme_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """A covered State's focal point accepts the approved programme for that State."""
    programme = get_object_or_404(visible_programmes(request.user), pk=pk)
    try:
        accepted = services.accept_programme(programme=programme, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        states = ", ".join(a.country.name for a in accepted)
        messages.success(request, _("Accepted for %s.") % states)
    return redirect(programme)


urlpatterns = [
    path("", programme_list, name="list"),
    path("<int:pk>/", programme_detail, name="detail"),
    path("<int:pk>/accept/", programme_accept, name="accept"),
]

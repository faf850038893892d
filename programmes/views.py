"""Programmes: list, detail with components, and the transition views.

Every object comes through ``visible_programmes`` / ``visible_components``
(outside scope: 404); every write goes through ``programmes.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.selectors import visible_assessments
from programmes import services
from programmes.models import Component, Programme
from programmes.selectors import (
    audience,
    visible_acceptances,
    visible_components,
    visible_programmes,
)
from tcp.lifecycle import TransitionRefused
from tcp.related import related_links
from tcp.roles import Role
from tcp.views import (
    Block,
    Column,
    HistorySource,
    ListSpec,
    Row,
    action_labels,
    actions_for,
    block,
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


# --- what the shell shows of programmes ---


def _row(p: Programme) -> Row:
    return Row(
        f"{p.reference} · {p.title}",
        reverse("programmes:detail", args=[p.pk]),
        p.get_status_display(),
        p.get_scope_display(),
        status_value=p.status,
    )


def _list_url(status: str) -> str:
    return f"{reverse('programmes:list')}?status={status}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_programmes(user)
    blocks = []
    if Role.FOCAL_POINT in roles:
        blocks.append(
            block(
                _("Programmes awaiting your acceptance"),
                visible.filter(status=S.APPROVED).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.APPROVED),
            )
        )
    if Role.DESK_OFFICER in roles:
        blocks.append(
            block(
                _("Programmes in drafting"),
                visible.filter(status=S.DRAFTING).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.DRAFTING),
            )
        )
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Programmes under review"),
                visible.filter(status=S.UNDER_REVIEW).order_by("updated_at"),
                _row,
                more_url=_list_url(S.UNDER_REVIEW),
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="programme",
        label=gettext_lazy("Programmes"),
        model=Programme,
        visible=visible_programmes,
        url_name="programmes:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    ),
    HistorySource(
        key="component",
        label=gettext_lazy("Programme components"),
        model=Component,
        visible=visible_components,
        url_name="programmes:detail",
        view_permission=VIEW,
        label_field="title",
        parent_field="programme",
        action_labels=action_labels(services.COMPONENT_LIFECYCLE),
    ),
]

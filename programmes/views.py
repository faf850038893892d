"""Programmes: list, detail with components, and the transition views.

Every object comes through ``visible_programmes`` / ``visible_components``
(outside scope: 404); every write goes through ``programmes.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programmes import services
from programmes.models import Component, Programme
from programmes.selectors import visible_components, visible_programmes
from tcp.roles import Role
from tcp.scoping import scope_for
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
    run_transition,
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
        visible_programmes(user)
        .select_related("assessment")
        .prefetch_related("countries", "board_components", "sdgs"),
        pk=pk,
    )
    scope = scope_for(user)
    # Review comments are OHCHR's; a government reads the programme document.
    ohchr = any(scope.is_ohchr_for(c.pk) for c in programme.countries.all())
    components = [
        (component, actions_for(component, services.COMPONENT_LIFECYCLE, user))
        for component in visible_components(user).filter(programme=programme)
    ]
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "components": components,
            "actions": actions_for(programme, services.LIFECYCLE, user),
            "timeline": timeline(programme, services.LIFECYCLE, show_notes=ohchr),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def programme_transition(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(visible_programmes(request.user), pk=pk)
    action = request.POST.get("action", "")
    return run_transition(
        request,
        services.LIFECYCLE,
        action,
        lambda note: services.transition_programme(
            programme=programme, action=action, by=request.user, note=note
        ),
        redirect_to=reverse("programmes:detail", args=[programme.pk]),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def component_transition(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_object_or_404(visible_components(request.user), pk=pk)
    action = request.POST.get("action", "")
    return run_transition(
        request,
        services.COMPONENT_LIFECYCLE,
        action,
        lambda note: services.transition_component(
            component=component, action=action, by=request.user, note=note
        ),
        redirect_to=reverse("programmes:detail", args=[component.programme_id])
        + f"#component-{component.pk}",
    )


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

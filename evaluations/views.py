"""Evaluations and follow-up actions: lists, details and the transition views.

Every object comes through ``visible_evaluations`` /
``visible_follow_up_actions`` (outside scope: 404); every write goes
through ``evaluations.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import services
from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import audience, visible_evaluations, visible_follow_up_actions
from programmes.selectors import visible_programmes
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
    openable,
    timeline,
)

VIEW = "evaluations.view_evaluation"
VIEW_FOLLOW_UP = "evaluations.view_followupaction"
S = Evaluation.Status
F = FollowUpAction.Status

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "programme__title", "programme__reference"),
    sorts={
        "reference": ("reference",),
        "programme": ("programme__reference",),
        "kind": ("kind",),
        "status": ("status",),
        "due": ("due_date",),
    },
    default_sort="due",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Programme"), "programme"),
        Column(gettext_lazy("Kind"), "kind"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Due"), "due", css="num"),
    ),
    country_lookup="programme__countries",
)

FOLLOW_UP_LIST = ListSpec(
    statuses=F.choices,
    search=("description", "owner", "evaluation__reference"),
    sorts={
        "evaluation": ("evaluation__reference",),
        "owner": ("owner",),
        "status": ("status",),
        "due": ("due_date",),
    },
    default_sort="due",
    columns=(
        Column(gettext_lazy("Action")),
        Column(gettext_lazy("Evaluation"), "evaluation"),
        Column(gettext_lazy("Owner"), "owner"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Due"), "due", css="num"),
    ),
    country_lookup="evaluation__programme__countries",
)


@login_required
@permission_required(VIEW, raise_exception=True)
def evaluation_list(request: HttpRequest) -> HttpResponse:
    context = list_page(request, visible_evaluations(request.user), LIST)
    # A programme is named only if the reader may open it: one query for the page.
    context["programme_ids"] = openable(
        visible_programmes(request.user), (e.programme_id for e in context["page_obj"])
    )
    return render(request, "evaluations/evaluation_list.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = get_object_or_404(visible_evaluations(user), pk=pk)
    follow_ups = [
        (action, actions_for(action, services.FOLLOW_UP_LIFECYCLE, user))
        for action in visible_follow_up_actions(user)
        .filter(evaluation=evaluation)
        .select_related("responsible_state")
    ]
    internal = audience(evaluation, user).internal
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "programme_link": visible_programmes(user).filter(pk=evaluation.programme_id).first(),
            "shared_with": list(evaluation.shared_with.all()) if internal else [],
            "internal": internal,
            "follow_ups": follow_ups,
            "actions": actions_for(evaluation, services.LIFECYCLE, user),
            "timeline": timeline(evaluation, services.LIFECYCLE, show_notes=internal),
        },
    )


@login_required
@permission_required(VIEW_FOLLOW_UP, raise_exception=True)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    queryset = visible_follow_up_actions(request.user).select_related("responsible_state")
    context = list_page(request, queryset, FOLLOW_UP_LIST)
    context["evaluation_ids"] = openable(
        visible_evaluations(request.user), (a.evaluation_id for a in context["page_obj"])
    )
    return render(request, "evaluations/follow_up_list.html", context)


@login_required
@permission_required(VIEW_FOLLOW_UP, raise_exception=True)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    action = get_object_or_404(
        visible_follow_up_actions(user).select_related("responsible_state"), pk=pk
    )
    evaluation = visible_evaluations(user).filter(pk=action.evaluation_id).first()
    programme = None
    if evaluation is not None:
        programme = visible_programmes(user).filter(pk=evaluation.programme_id).first()
    internal = audience(action.evaluation, user).internal
    return render(
        request,
        "evaluations/follow_up_detail.html",
        {
            "action": action,
            # Each related record only if the reader may open it through its selector.
            "evaluation_link": evaluation,
            "programme_link": programme,
            "actions": actions_for(action, services.FOLLOW_UP_LIFECYCLE, user),
            "timeline": timeline(action, services.FOLLOW_UP_LIFECYCLE, show_notes=internal),
        },
    )


# --- what the shell shows of evaluations ---


def _row(e: Evaluation) -> Row:
    # Shown to OHCHR staff of the programme only (see dashboard_blocks).
    return Row(
        f"{e.reference} · {e.programme.title}",
        reverse("evaluations:detail", args=[e.pk]),
        e.get_status_display(),
        _("%(kind)s, due %(due)s") % {"kind": e.get_kind_display(), "due": e.due_date},
        status_value=e.status,
    )


def _follow_up_row(a: FollowUpAction) -> Row:
    return Row(
        a.description[:100],
        reverse("evaluations:follow_up_detail", args=[a.pk]),
        a.get_status_display(),
        _("%(owner)s, due %(due)s") % {"owner": a.owner, "due": a.due_date},
        status_value=a.status,
    )


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    blocks = []
    if Role.FOCAL_POINT in roles and user.has_perm(VIEW_FOLLOW_UP):
        blocks.append(
            block(
                _("Follow-up actions assigned to your government"),
                visible_follow_up_actions(user)
                .filter(responsible_state__isnull=False, status__in=(F.OPEN, F.IN_PROGRESS))
                .order_by("due_date"),
                _follow_up_row,
                more_url=reverse("evaluations:follow_up_list"),
            )
        )
    if not user.has_perm(VIEW):
        return blocks
    visible = visible_evaluations(user)
    list_url = reverse("evaluations:list")
    if Role.FIELD_OFFICER in roles:
        blocks.append(
            block(
                _("Evaluations in progress"),
                visible.filter(status=S.IN_PROGRESS).order_by("due_date"),
                _row,
                more_url=f"{list_url}?status={S.IN_PROGRESS}",
            )
        )
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Evaluation reports to accept"),
                visible.filter(status=S.SUBMITTED).order_by("due_date"),
                _row,
                more_url=f"{list_url}?status={S.SUBMITTED}",
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="evaluation",
        label=gettext_lazy("Evaluations"),
        model=Evaluation,
        visible=visible_evaluations,
        url_name="evaluations:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    ),
    HistorySource(
        key="follow_up",
        label=gettext_lazy("Follow-up actions"),
        model=FollowUpAction,
        visible=visible_follow_up_actions,
        url_name="evaluations:follow_up_detail",
        view_permission=VIEW_FOLLOW_UP,
        label_field="description",
        action_labels=action_labels(services.FOLLOW_UP_LIFECYCLE),
    ),
]

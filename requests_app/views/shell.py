"""What the dashboard and the history browser show of requests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_app import services
from requests_app.models import AssistanceRequest, Recommendation
from requests_app.selectors import visible_recommendations, visible_requests
from tcp import l10n
from tcp.roles import Role
from tcp.views import Block, HistorySource, Row, action_labels, block

VIEW = "requests_app.view_assistancerequest"
S = AssistanceRequest.Status


def _row(req: AssistanceRequest) -> Row:
    return Row(
        f"{l10n.isolate(req.reference)} · {req.title}",
        reverse("requests_app:detail", args=[req.pk]),
        req.get_status_display(),
        req.country.name,
        status_value=req.status,
    )


def _list_url(status: str) -> str:
    return f"{reverse('requests_app:list')}?status={status}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_requests(user)
    blocks = []
    if Role.FOCAL_POINT in roles:
        blocks += [
            block(
                _("Your drafts"),
                visible.filter(status=S.DRAFT).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.DRAFT),
            ),
            block(
                _("Requests awaiting your answer"),
                visible.filter(status=S.INFORMATION_REQUESTED).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.INFORMATION_REQUESTED),
            ),
        ]
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Submitted requests to acknowledge"),
                visible.filter(status=S.SUBMITTED).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.SUBMITTED),
            ),
            block(
                _("Requests under assessment"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
            ),
        ]
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Requests to decide"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="request",
        label=gettext_lazy("Requests"),
        model=AssistanceRequest,
        visible=visible_requests,
        url_name="requests_app:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    ),
    HistorySource(
        key="recommendation",
        label=gettext_lazy("Recommendations"),
        model=Recommendation,
        visible=visible_recommendations,
        url_name="requests_app:recommendation_detail",
        view_permission="requests_app.view_recommendation",
        label_field="text",
    ),
]

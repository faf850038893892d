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
from tcp.views import OHCHR_STAFF, Block, HistorySource, Row, Section, action_labels, block

VIEW = "requests_app.view_assistancerequest"
S = AssistanceRequest.Status


def _row(req: AssistanceRequest) -> Row:
    return Row(
        l10n.titled(req.reference, req.title),
        reverse("requests_app:detail", args=[req.pk]),
        req.get_status_display(),
        req.country.translated_name,
        status_value=req.status,
    )


def _list_url(status: str) -> str:
    return f"{reverse('requests_app:list')}?status={status}"


# Not with OHCHR: the State's own (drafts, questions to answer: waiting on the
# focal point, in their own blocks) or closed (declined, withdrawn).
NOT_WITH_OHCHR = (S.DRAFT, S.INFORMATION_REQUESTED, S.DECLINED, S.WITHDRAWN)
# The later stage's status at which an accepted request's story continues on
# its assessment's page (a reverse relation: this stage never imports that one).
_ASSESSMENT_SHARED = "shared_with_government"


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
                age=True,
            ),
            block(
                _("Requests awaiting your answer"),
                visible.filter(status=S.INFORMATION_REQUESTED).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.INFORMATION_REQUESTED),
                age=True,
            ),
            block(
                _("Your requests with OHCHR"),
                # With the two blocks above, every open request, each once: those on
                # their way at OHCHR, an accepted one until its needs assessment is
                # shared (the assessment carries it on from there).
                visible.exclude(status__in=NOT_WITH_OHCHR)
                .exclude(status=S.ACCEPTED, needs_assessment__status=_ASSESSMENT_SHARED)
                .order_by("-updated_at"),
                _row,
                more_url=reverse("requests_app:list"),
                section=Section.STATE,
            ),
        ]
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Submitted requests to acknowledge"),
                visible.filter(status=S.SUBMITTED).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.SUBMITTED),
                age=True,
            ),
            block(
                _("Requests being screened"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
                age=True,
            ),
        ]
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Requests to decide"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
                age=True,
            )
        )
    if roles & OHCHR_STAFF:
        blocks.append(
            block(
                _("Questions awaiting the government's answer"),
                visible.filter(status=S.INFORMATION_REQUESTED).order_by("updated_at"),
                _row,
                more_url=_list_url(S.INFORMATION_REQUESTED),
                section=Section.GOVERNMENT,
                age=True,
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

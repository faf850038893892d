"""What the dashboard and the history browser show of needs assessments."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import services
from assessments.models import NeedsAssessment
from assessments.selectors import VIEW, awaiting_assessment, visible_assessments
from assessments.views.lists import OPEN
from requests_app.models import AssistanceRequest
from tcp import l10n
from tcp.roles import Role
from tcp.views import Block, HistorySource, Row, Section, action_labels, block

S = NeedsAssessment.Status


def _row(a: NeedsAssessment) -> Row:
    return Row(
        l10n.titled(a.reference, a.title),
        reverse("assessments:detail", args=[a.pk]),
        a.get_status_display(),
        _("%(country)s, findings due %(due)s")
        % {"country": a.country.translated_name, "due": a.due_date},
        status_value=a.status,
    )


def _list_url(query: str) -> str:
    return f"{reverse('assessments:list')}?{query}"


def _request_row(req: AssistanceRequest) -> Row:
    return Row(
        l10n.titled(req.reference, req.title),
        reverse("requests_app:detail", args=[req.pk]),
        req.get_status_display(),
        req.country.translated_name,
        status_value=req.status,
    )


def _shared_row(a: NeedsAssessment) -> Row:
    return Row(
        l10n.titled(a.reference, a.title),
        reverse("assessments:detail", args=[a.pk]),
        a.get_status_display(),
        a.country.translated_name,
        status_value=a.status,
    )


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_assessments(user)
    today = timezone.now().date()
    blocks = []
    if Role.FOCAL_POINT in roles:
        blocks.append(
            block(
                _("Needs assessments shared with your State"),
                # The selector gives a government the shared ones only.
                visible.filter(status=S.SHARED).order_by("-updated_at", "-id"),
                _shared_row,
                more_url=_list_url(f"status={S.SHARED}"),
                section=Section.STATE,
            )
        )
    if Role.DESK_OFFICER in roles and user.has_perm(services.PLAN):
        blocks.append(
            block(
                _("Accepted requests awaiting a needs assessment"),
                awaiting_assessment(user).order_by("decided_at", "id"),
                _request_row,
                more_url=reverse("assessments:list"),
                age="decided_at",
            )
        )
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Findings to validate"),
                visible.filter(status=S.FINDINGS_SUBMITTED).order_by("due_date"),
                _row,
                more_url=_list_url(f"status={S.FINDINGS_SUBMITTED}"),
                age=True,
            ),
            block(
                _("Overdue assessments"),
                visible.filter(status__in=OPEN, due_date__lt=today).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
                age=True,
            ),
        ]
    if Role.FIELD_OFFICER in roles:
        blocks.append(
            block(
                _("Assessments of your countries"),
                visible.filter(status__in=OPEN).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
                age=True,
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="assessment",
        label=gettext_lazy("Needs assessments"),
        model=NeedsAssessment,
        visible=visible_assessments,
        url_name="assessments:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    )
]

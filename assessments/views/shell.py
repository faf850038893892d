"""What the dashboard and the history browser show of needs assessments."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import services
from assessments.models import NeedsAssessment
from assessments.selectors import VIEW, visible_assessments
from assessments.views.lists import OPEN
from tcp import l10n
from tcp.roles import Role
from tcp.views import Block, HistorySource, Row, action_labels, block

S = NeedsAssessment.Status


def _row(a: NeedsAssessment) -> Row:
    return Row(
        f"{l10n.isolate(a.reference)} · {a.title}",
        reverse("assessments:detail", args=[a.pk]),
        a.get_status_display(),
        _("%(country)s, findings due %(due)s") % {"country": a.country.name, "due": a.due_date},
        status_value=a.status,
    )


def _list_url(query: str) -> str:
    return f"{reverse('assessments:list')}?{query}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_assessments(user)
    today = timezone.now().date()
    blocks = []
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Findings to validate"),
                visible.filter(status=S.FINDINGS_SUBMITTED).order_by("due_date"),
                _row,
                more_url=_list_url(f"status={S.FINDINGS_SUBMITTED}"),
            ),
            block(
                _("Overdue assessments"),
                visible.filter(status__in=OPEN, due_date__lt=today).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
            ),
        ]
    if Role.FIELD_OFFICER in roles:
        blocks.append(
            block(
                _("Assessments of your countries"),
                visible.filter(status__in=OPEN).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
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

"""What the dashboard and the history browser show of evaluations: for each role,
what it must do next, overdue work marked."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import follow_up, services
from evaluations.models import Evaluation, EvaluationRecommendation, FollowUpAction
from evaluations.selectors import (
    OPEN,
    OPEN_ACTIONS,
    invited_to,
    visible_evaluations,
    visible_follow_up_actions,
)
from evaluations.views.common import VIEW, VIEW_FOLLOW_UP, list_url
from tcp import l10n
from tcp.roles import Role
from tcp.views import OHCHR_STAFF, Block, HistorySource, Row, Section, action_labels, block

S = Evaluation.Status
F = FollowUpAction.Status
# An evaluation comes to its team's dashboard this long before it is due.
CONDUCT_HORIZON = datetime.timedelta(days=90)


def _due(due: Any, overdue: bool) -> str:
    text = _("due %s") % due
    return _("%s · overdue") % text if overdue else text


def _row(e: Evaluation) -> Row:
    # Shown to OHCHR staff of the programme only (see dashboard_blocks).
    today = timezone.now().date()
    return Row(
        l10n.titled(e.reference, e.programme.title),
        e.get_absolute_url(),
        e.get_status_display(),
        f"{e.get_kind_display()}, {_due(e.due_date, e.status in OPEN and e.due_date < today)}",
        status_value=e.status,
    )


def _invited_row(e: Evaluation) -> Row:
    # An invited evaluator may not open the programme: the evaluation names itself only.
    return Row(
        e.reference,
        e.get_absolute_url(),
        e.get_status_display(),
        f"{e.get_kind_display()}, {_due(e.due_date, False)}",
        status_value=e.status,
    )


def _follow_up_row(a: FollowUpAction) -> Row:
    today = timezone.now().date()
    overdue = a.status in OPEN_ACTIONS and a.due_date < today
    return Row(
        a.description[:100],
        a.get_absolute_url(),
        a.get_status_display(),
        f"{a.responsible}, {_due(a.due_date, overdue)}",
        status_value=a.status,
    )


def _recommendation_row(r: EvaluationRecommendation) -> Row:
    return Row(
        l10n.titled(r.evaluation.reference, f"{r.number}. {r.text[:90]}"),
        f"{r.evaluation.get_absolute_url()}#recommendation-{r.pk}",
        "",
        _("Awaiting OHCHR's management response"),
    )


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    blocks = []
    today = timezone.now().date()
    actions = visible_follow_up_actions(user)
    if Role.FOCAL_POINT in roles and user.has_perm(VIEW_FOLLOW_UP):
        blocks.append(
            block(
                _("Follow-up actions assigned to your government"),
                actions.filter(responsible_state__isnull=False, status__in=OPEN_ACTIONS).order_by(
                    "due_date", "id"
                ),
                _follow_up_row,
                more_url=list_url("evaluations:follow_up_list"),
                age=True,
            )
        )
    invited = invited_to(user)
    if invited and not user.has_perm(VIEW):
        blocks.append(
            block(
                _("Evaluations you are invited to carry out"),
                visible_evaluations(user).filter(pk__in=sorted(invited), status__in=OPEN),
                _invited_row,
                age=True,
            )
        )
    if not user.has_perm(VIEW):
        return blocks
    visible = visible_evaluations(user)
    if roles & {Role.FIELD_OFFICER, Role.DESK_OFFICER} and user.has_perm(services.CONDUCT):
        blocks.append(
            block(
                _("Evaluations to conduct"),
                # Under way, or due within the horizon: not every slot of the schedule.
                visible.filter(
                    Q(status=S.IN_PROGRESS)
                    | Q(status__in=OPEN, due_date__lte=timezone.now().date() + CONDUCT_HORIZON)
                ).order_by("due_date", "id"),
                _row,
                more_url=list_url("evaluations:list", "sort=due"),
                age=True,
            )
        )
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Evaluation reports to accept"),
                visible.filter(status=S.SUBMITTED).order_by("due_date", "id"),
                _row,
                more_url=list_url("evaluations:list", f"status={S.SUBMITTED}"),
                age=True,
            )
        )
    if roles & {Role.DESK_OFFICER, Role.PROGRAMME_APPROVER} and user.has_perm(services.RESPOND):
        final = visible.filter(status__in=services.FINAL).order_by().values("pk")
        blocks.append(
            block(
                _("Recommendations awaiting a management response"),
                EvaluationRecommendation.objects.filter(evaluation__in=final, response="")
                .select_related("evaluation")
                .order_by("evaluation__due_date", "number"),
                _recommendation_row,
                # Awaiting a response since the report was submitted.
                age="evaluation__submitted_at",
            )
        )
    if Role.DESK_OFFICER in roles and user.has_perm(follow_up.VERIFY):
        blocks += [
            block(
                _("Follow-up actions to verify"),
                actions.filter(status=F.DONE).order_by("due_date", "id"),
                _follow_up_row,
                more_url=list_url("evaluations:follow_up_list", f"status={F.DONE}"),
                age=True,
            ),
            block(
                _("Overdue follow-up actions"),
                actions.filter(status__in=OPEN_ACTIONS, due_date__lt=today).order_by(
                    "due_date", "id"
                ),
                _follow_up_row,
                more_url=list_url("evaluations:follow_up_list", "sort=due"),
                age=True,
            ),
        ]
    if roles & OHCHR_STAFF and user.has_perm(VIEW_FOLLOW_UP):
        blocks.append(
            block(
                _("Follow-up actions with governments"),
                actions.filter(responsible_state__isnull=False, status__in=OPEN_ACTIONS).order_by(
                    "due_date", "id"
                ),
                _follow_up_row,
                more_url=list_url("evaluations:follow_up_list", "sort=due"),
                section=Section.GOVERNMENT,
                age=True,
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
        action_labels=action_labels(follow_up.FOLLOW_UP_LIFECYCLE),
    ),
]

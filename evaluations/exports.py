"""The exports of the evaluation list and the follow-up action list (CSV and
XLSX), through each list's own selector and filters.

A row names its programme or evaluation only if the user may open it, as the
lists do.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import (
    OPEN,
    OPEN_ACTIONS,
    may_view,
    visible_evaluations,
    visible_follow_up_actions,
)
from programmes.selectors import visible_programmes
from tcp import exports
from tcp.exports import ExportColumn as C
from tcp.views import filter_list, openable

VIEW_FOLLOW_UP = "evaluations.view_followupaction"


def evaluation_rows(user: Any, params: QueryDict) -> QuerySet[Evaluation]:
    from evaluations.views.lists import LIST

    queryset = visible_evaluations(user).select_related("programme")
    return filter_list(user, params, queryset, LIST).queryset


def _programme(e: Evaluation, context: dict) -> str:
    if e.programme_id not in context["programmes"]:
        return ""
    return f"{e.programme.reference} {e.programme.title}"


EVALUATION_COLUMNS = (
    C(_("Reference"), lambda e, c: e.reference, 20),
    C(_("Programme"), _programme, 50),
    C(_("Kind"), lambda e, c: e.get_kind_display(), 24),
    C(_("Status"), lambda e, c: e.get_status_display(), 16),
    C(_("Due"), lambda e, c: e.due_date, 12),
    C(_("Overdue"), lambda e, c: e.status in OPEN and e.due_date < c["today"], 10),
)


def _evaluation_context(user: Any, chunk: list[Evaluation]) -> dict[str, Any]:
    ids = (e.programme_id for e in chunk)
    return {"programmes": openable(visible_programmes(user), ids), "today": timezone.localdate()}


def follow_up_rows(user: Any, params: QueryDict) -> QuerySet[FollowUpAction]:
    from evaluations.views.lists import FOLLOW_UP_LIST

    queryset = visible_follow_up_actions(user).select_related(
        "evaluation", "responsible_state", "owner_user"
    )
    return filter_list(user, params, queryset, FOLLOW_UP_LIST).queryset


def _evaluation(a: FollowUpAction, context: dict) -> str:
    return a.evaluation.reference if a.evaluation_id in context["evaluations"] else ""


FOLLOW_UP_COLUMNS = (
    C(_("Action"), lambda a, c: a.description, 60),
    C(_("Evaluation"), _evaluation, 20),
    C(_("Responsible"), lambda a, c: a.responsible, 30),
    C(_("Status"), lambda a, c: a.get_status_display(), 14),
    C(_("Due"), lambda a, c: a.due_date, 12),
    C(_("Done"), lambda a, c: a.done_at, 18),
    C(_("Overdue"), lambda a, c: a.status in OPEN_ACTIONS and a.due_date < c["today"], 10),
)


def _follow_up_context(user: Any, chunk: list[FollowUpAction]) -> dict[str, Any]:
    ids = (a.evaluation_id for a in chunk)
    return {
        "evaluations": openable(visible_evaluations(user), ids),
        "today": timezone.localdate(),
    }


def register() -> None:
    exports.register(
        exports.ListExport(
            code="evaluations",
            title=_("Evaluations"),
            allowed=may_view,
            rows=evaluation_rows,
            columns=lambda user: EVALUATION_COLUMNS,
            context=_evaluation_context,
            list_url_name="evaluations:list",
        )
    )
    exports.register(
        exports.ListExport(
            code="follow-up-actions",
            title=_("Follow-up actions"),
            allowed=lambda user: user.has_perm(VIEW_FOLLOW_UP),
            rows=follow_up_rows,
            columns=lambda user: FOLLOW_UP_COLUMNS,
            context=_follow_up_context,
            list_url_name="evaluations:follow_up_list",
        )
    )

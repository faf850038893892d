from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from evaluations.models import Evaluation, FollowUpAction
from tcp.selectors import scoped


def visible_evaluations(user: Any) -> QuerySet[Evaluation]:
    return scoped(
        Evaluation.objects.select_related("programme"),
        user,
        country_path="programme__countries",
        # Governments see accepted evaluations (their summaries).
        shared_with_government=Q(status=Evaluation.Status.ACCEPTED),
    )


def evaluation_in_scope(evaluation: Evaluation, user: Any) -> bool:
    return visible_evaluations(user).filter(pk=evaluation.pk).exists()


def visible_follow_up_actions(user: Any) -> QuerySet[FollowUpAction]:
    return scoped(
        FollowUpAction.objects.select_related("evaluation", "evaluation__programme"),
        user,
        country_path="evaluation__programme__countries",
        # Governments see the actions assigned to them, whatever the evaluation's state.
        shared_with_government=Q(assigned_to_government=True),
    )


def follow_up_action_in_scope(action: FollowUpAction, user: Any) -> bool:
    return visible_follow_up_actions(user).filter(pk=action.pk).exists()

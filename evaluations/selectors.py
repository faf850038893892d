from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from evaluations.models import Evaluation, FollowUpAction
from programmes.selectors import SHARED_STATUSES, country_ids
from tcp.audience import Audience, audience_of
from tcp.selectors import scoped

_SharedWith = Evaluation.shared_with.through


def visible_evaluations(user: Any) -> QuerySet[Evaluation]:
    """OHCHR staff see the evaluations of their programmes; a government sees an
    accepted one once it is shared with its own State (and its programme with it)."""
    return scoped(
        Evaluation.objects.select_related("programme"),
        user,
        country_path="programme__countries",
        government_path="shared_with",
        shared_with_government=Q(status=Evaluation.Status.ACCEPTED)
        & Q(programme__status__in=SHARED_STATUSES),
    )


def evaluation_in_scope(evaluation: Evaluation, user: Any) -> bool:
    return visible_evaluations(user).filter(pk=evaluation.pk).exists()


def audience(evaluation: Evaluation, user: Any) -> Audience:
    return audience_of(user, country_ids(evaluation.programme))


def visible_follow_up_actions(user: Any) -> QuerySet[FollowUpAction]:
    """A government sees only the actions assigned to its own State, and only once
    their evaluation is accepted and shared with that State: a child reaches a
    government only through its shared parent."""
    shared_with_their_state = Exists(
        _SharedWith.objects.filter(
            evaluation=OuterRef("evaluation"), country=OuterRef("responsible_state")
        )
    )
    return scoped(
        FollowUpAction.objects.select_related("evaluation"),
        user,
        country_path="evaluation__programme__countries",
        government_path="responsible_state",
        shared_with_government=Q(evaluation__status=Evaluation.Status.ACCEPTED)
        & Q(evaluation__programme__status__in=SHARED_STATUSES)
        & Q(shared_with_their_state),
    )


def follow_up_action_in_scope(action: FollowUpAction, user: Any) -> bool:
    return visible_follow_up_actions(user).filter(pk=action.pk).exists()

"""Every write to evaluations and follow-up actions, and their lifecycles."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import evaluation_in_scope, follow_up_action_in_scope
from programmes.models import Programme
from programmes.selectors import programme_in_scope
from programmes.services import reference_code
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused
from tcp.references import next_reference
from tcp.scoping import scope_for

S = Evaluation.Status
CONDUCT = "evaluations.conduct_evaluation"
ACCEPT = "evaluations.accept_evaluation"


def _has_summary(evaluation: Evaluation) -> list[str]:
    return [] if evaluation.summary.strip() else [_("a summary of the findings")]


LIFECYCLE = Lifecycle(
    model=Evaluation,
    in_scope=lambda e, user: evaluation_in_scope(e, user),
    countries_of=lambda e: list(e.programme.countries.values_list("pk", flat=True)),
    transitions=[
        Transition("start", _l("Start"), (S.SCHEDULED,), S.IN_PROGRESS, CONDUCT),
        Transition(
            "submit",
            _l("Submit the report"),
            (S.IN_PROGRESS,),
            S.SUBMITTED,
            CONDUCT,
            preconditions=(_has_summary,),
        ),
        Transition(
            "return",
            _l("Return for more work"),
            (S.SUBMITTED,),
            S.IN_PROGRESS,
            ACCEPT,
            note_required=True,
            note_label=_l("what needs more work"),
        ),
        Transition(
            "accept",
            _l("Accept the report"),
            (S.SUBMITTED,),
            S.ACCEPTED,
            ACCEPT,
            inform_government=True,
        ),
    ],
)

F = FollowUpAction.Status


def _follow_up_in_scope(action: FollowUpAction, user: Any) -> bool:
    if not follow_up_action_in_scope(action, user):
        return False
    # A government updates only the actions assigned to it; OHCHR updates all in scope.
    scope = scope_for(user)
    countries = action.evaluation.programme.countries.values_list("pk", flat=True)
    return action.assigned_to_government or any(scope.is_ohchr_for(c) for c in countries)


FOLLOW_UP_LIFECYCLE = Lifecycle(
    model=FollowUpAction,
    in_scope=_follow_up_in_scope,
    countries_of=lambda a: list(a.evaluation.programme.countries.values_list("pk", flat=True)),
    transitions=[
        Transition(
            "start", _l("Start"), (F.OPEN,), F.IN_PROGRESS, "evaluations.change_followupaction"
        ),
        Transition(
            "verify_done",
            _l("Verify as done"),
            (F.IN_PROGRESS,),
            F.DONE,
            "evaluations.verify_followupaction",
        ),
        Transition(
            "drop",
            _l("Drop"),
            (F.OPEN, F.IN_PROGRESS),
            F.DROPPED,
            "evaluations.verify_followupaction",
            note_required=True,
            note_label=_l("why the action is dropped"),
            dangerous=True,
        ),
    ],
)


def schedule_evaluation(
    *, programme: Programme, kind: str, due_date: datetime.date, by: Any, **fields: Any
) -> Evaluation:
    if not by.has_perm("evaluations.schedule_evaluation") or not programme_in_scope(programme, by):
        raise TransitionRefused(
            _("Scheduling an evaluation needs the desk officer of the programme.")
        )
    if programme.status in (Programme.Status.DRAFTING, Programme.Status.CANCELLED):
        raise TransitionRefused(_("Only an approved programme is evaluated."))
    countries = list(programme.countries.all())
    with transaction.atomic(), acting_as(by):
        evaluation = Evaluation(
            reference=next_reference(
                "TCE", reference_code(programme.scope, countries, programme.region)
            ),
            programme=programme,
            kind=kind,
            due_date=due_date,
            **fields,
        )
        evaluation.full_clean()
        evaluation.save()
    return evaluation


def update_evaluation(*, evaluation: Evaluation, by: Any, **fields: Any) -> Evaluation:
    if evaluation.status not in (S.SCHEDULED, S.IN_PROGRESS):
        raise TransitionRefused(_("A submitted evaluation can no longer be edited."))
    if not by.has_perm(CONDUCT) or not evaluation_in_scope(evaluation, by):
        raise TransitionRefused(_("Only the evaluation team can edit it."))
    with transaction.atomic(), acting_as(by):
        for name, value in fields.items():
            setattr(evaluation, name, value)
        evaluation.full_clean()
        evaluation.save(update_fields=[*fields, "updated_at"])
    return evaluation


def add_follow_up_action(*, evaluation: Evaluation, by: Any, **fields: Any) -> FollowUpAction:
    if not by.has_perm("evaluations.add_followupaction") or not evaluation_in_scope(evaluation, by):
        raise TransitionRefused(_("Adding a follow-up action needs the desk officer."))
    with transaction.atomic(), acting_as(by):
        action = FollowUpAction(evaluation=evaluation, **fields)
        action.full_clean()
        action.save()
    return action


def transition_evaluation(*, evaluation: Evaluation, action: str, by: Any, note: str = ""):
    return LIFECYCLE.apply(evaluation, action, by=by, note=note)


def transition_follow_up(*, action: FollowUpAction, name: str, by: Any, note: str = ""):
    return FOLLOW_UP_LIFECYCLE.apply(action, name, by=by, note=note)

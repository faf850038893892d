"""Every write to evaluations and follow-up actions, and their lifecycles."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import audience, evaluation_in_scope, follow_up_action_in_scope
from programmes.models import Programme
from programmes.selectors import audience as programme_audience
from programmes.selectors import country_ids, programme_in_scope
from programmes.services import reference_code
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import Country
from tcp.references import next_reference

S = Evaluation.Status
CONDUCT = "evaluations.conduct_evaluation"
ACCEPT = "evaluations.accept_evaluation"


def _has_summary(evaluation: Evaluation) -> list[str]:
    return [] if evaluation.summary.strip() else [_("a summary of the findings")]


LIFECYCLE = Lifecycle(
    model=Evaluation,
    in_scope=lambda e, user: evaluation_in_scope(e, user),
    countries_of=lambda e: country_ids(e.programme),
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


FOLLOW_UP_LIFECYCLE = Lifecycle(
    model=FollowUpAction,
    # A government reaches only the actions assigned to its own State, once shared.
    in_scope=lambda action, user: follow_up_action_in_scope(action, user),
    countries_of=lambda a: country_ids(a.evaluation.programme),
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

# A programme is evaluated once approved, and for as long as it runs or ran.
EVALUATED_STATUSES = (
    Programme.Status.APPROVED,
    Programme.Status.ACCEPTED,
    Programme.Status.IN_IMPLEMENTATION,
    Programme.Status.SUSPENDED,
    Programme.Status.COMPLETED,
    Programme.Status.CLOSED,
)


def schedule_refusal(*, programme: Programme, user: Any) -> str | None:
    if not user.has_perm("evaluations.schedule_evaluation") or not programme_in_scope(
        programme, user
    ):
        return _("Scheduling an evaluation needs the desk officer of the programme.")
    if not programme_audience(programme, user).internal:
        return _("Scheduling an evaluation needs the desk officer of the programme.")
    if programme.status not in EVALUATED_STATUSES:
        return _("Only an approved programme is evaluated; it is %s.") % (
            programme.get_status_display()
        )
    return None


def schedule_evaluation(
    *, programme: Programme, kind: str, due_date: datetime.date, by: Any, **fields: Any
) -> Evaluation:
    check = schedule_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        countries = list(locked.countries.all())
        evaluation = Evaluation(
            reference=next_reference("TCE", reference_code(locked.scope, countries, locked.region)),
            programme=locked,
            kind=kind,
            due_date=due_date,
            **fields,
        )
        evaluation.full_clean()
        evaluation.save()
    return evaluation


def edit_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    if not user.has_perm(CONDUCT) or not evaluation_in_scope(evaluation, user):
        return _("Only the evaluation team can edit it.")
    if not audience(evaluation, user).internal:
        return _("Only the evaluation team can edit it.")
    if evaluation.status not in (S.SCHEDULED, S.IN_PROGRESS):
        return _("A submitted evaluation can no longer be edited.")
    return None


def update_evaluation(*, evaluation: Evaluation, by: Any, **fields: Any) -> Evaluation:
    check = edit_refusal
    with editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by)) as locked:
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


def sharing_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """Who decides which covered States read the evaluation: OHCHR's desk officer
    or approver of the programme."""
    may = user.has_perm("evaluations.schedule_evaluation") or user.has_perm(ACCEPT)
    if not may or not audience(evaluation, user).internal:
        return _("The desk officer or the approver decides with whom an evaluation is shared.")
    return None


def share_evaluation(*, evaluation: Evaluation, states: list[Country], by: Any) -> Evaluation:
    """Name the covered States whose governments read the evaluation once accepted."""
    check = sharing_refusal
    with editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by)) as locked:
        covered = set(country_ids(locked.programme))
        foreign = [s for s in states if s.pk not in covered]
        if foreign:
            raise TransitionRefused(
                _("An evaluation is shared only with States its programme covers, not: %s.")
                % ", ".join(s.name for s in foreign)
            )
        locked.shared_with.set(states)
    return locked


def follow_up_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    if not user.has_perm("evaluations.add_followupaction") or not evaluation_in_scope(
        evaluation, user
    ):
        return _("Adding a follow-up action needs the desk officer.")
    if not audience(evaluation, user).internal:
        return _("Adding a follow-up action needs the desk officer.")
    return None


def add_follow_up_action(*, evaluation: Evaluation, by: Any, **fields: Any) -> FollowUpAction:
    check = follow_up_refusal
    with editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by)) as locked:
        state = fields.get("responsible_state")
        if state is not None and state.pk not in country_ids(locked.programme):
            raise TransitionRefused(
                _("The government responsible is that of a State the programme covers.")
            )
        action = FollowUpAction(evaluation=locked, **fields)
        action.full_clean()
        action.save()
    return action


def perform(evaluation: Evaluation, action: str, *, by: Any, note: str = ""):
    """Any transition of the evaluation by name (the transition view's entry).

    Accepting shares the evaluation with every covered State unless OHCHR
    named some before; the sharing is written first, in the same
    transaction, so the governments it concerns are told.
    """
    if action != "accept":
        return LIFECYCLE.apply(evaluation, action, by=by, note=note)
    with transaction.atomic(), acting_as(by):
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.status == S.SUBMITTED and not locked.shared_with.exists():
            locked.shared_with.set(country_ids(locked.programme))
        return LIFECYCLE.apply(evaluation, action, by=by, note=note)


def perform_follow_up(action: FollowUpAction, name: str, *, by: Any, note: str = ""):
    return FOLLOW_UP_LIFECYCLE.apply(action, name, by=by, note=note)


def transition_evaluation(*, evaluation: Evaluation, action: str, by: Any, note: str = ""):
    return perform(evaluation, action, by=by, note=note)


def transition_follow_up(*, action: FollowUpAction, name: str, by: Any, note: str = ""):
    return perform_follow_up(action, name, by=by, note=note)

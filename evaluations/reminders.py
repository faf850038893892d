"""The evaluation stage's reminders (registered with ``tcp.reminders`` when the app is ready).

* ``evaluation.due_soon``: an evaluation not yet submitted (scheduled or in
  progress) due within ``EVALUATION_SOON_DAYS`` days;
* ``evaluation.overdue``: from the day after its due date; escalated to the
  approvers once long overdue. Both to the desk officers of the programme's
  countries and the staff member evaluating it.
* ``action.due_soon``: a follow-up action open or in progress, due within
  ``ACTION_SOON_DAYS`` days;
* ``action.overdue``: from the day after; escalated; a government cannot mute it.

An action goes to its responsible party: the staff member named on it, else
for a government the focal points of that State only, else (a unit named in
words) the desk officers of the programme. The plan is carried out once the
evaluation is accepted, so no action is reminded before; a government's
action only once the evaluation is shared with that State and the programme
shown to it (``visible_follow_up_actions``, the same condition).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation, FollowUpAction
from programmes.selectors import SHARED_STATUSES, country_ids
from tcp import reminders
from tcp.reminders import Reminder
from tcp.roles import Role
from tcp.scoping import people_working_on

S = Evaluation.Status
F = FollowUpAction.Status
# Work still to do: an evaluation not submitted yet, an action not done yet.
OPEN = (S.SCHEDULED, S.IN_PROGRESS)
OPEN_ACTIONS = (F.OPEN, F.IN_PROGRESS)
_SharedWith = Evaluation.shared_with.through


def _soon(setting: str, today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=reminders.threshold(setting))


# --- evaluations ---


def _evaluations() -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(status__in=OPEN).select_related("programme").order_by("pk")


def evaluation_due_soon(today: datetime.date) -> QuerySet[Evaluation]:
    soon = _soon("EVALUATION_SOON_DAYS", today)
    return _evaluations().filter(due_date__gte=today, due_date__lte=soon)


def evaluation_overdue(today: datetime.date) -> QuerySet[Evaluation]:
    return _evaluations().filter(due_date__lt=today)


def evaluation_team(evaluation: Evaluation) -> QuerySet:
    """The desk officers of the programme's countries and the staff evaluator: one query."""
    wanted = Q(groups__name=Role.DESK_OFFICER.value)
    if evaluation.evaluator_user_id is not None:
        wanted |= Q(pk=evaluation.evaluator_user_id)
    return people_working_on(country_ids(evaluation.programme)).filter(wanted).order_by("pk")


# --- follow-up actions ---


def _actions() -> QuerySet[FollowUpAction]:
    shared_with_their_state = Exists(
        _SharedWith.objects.filter(
            evaluation=OuterRef("evaluation"), country=OuterRef("responsible_state")
        )
    )
    government_reads_it = Q(shared_with_their_state) & Q(
        evaluation__programme__status__in=SHARED_STATUSES
    )
    return (
        FollowUpAction.objects.filter(status__in=OPEN_ACTIONS, evaluation__status=S.ACCEPTED)
        .filter(Q(responsible_state__isnull=True) | government_reads_it)
        .select_related("evaluation__programme")
        .order_by("pk")
    )


def action_due_soon(today: datetime.date) -> QuerySet[FollowUpAction]:
    soon = _soon("ACTION_SOON_DAYS", today)
    return _actions().filter(due_date__gte=today, due_date__lte=soon)


def action_overdue(today: datetime.date) -> QuerySet[FollowUpAction]:
    return _actions().filter(due_date__lt=today)


def responsible_party(action: FollowUpAction) -> QuerySet:
    """Who carries the action out, among those who may open it: one query."""
    if action.responsible_state_id is not None:
        # The focal points of that State only; a regional programme's other
        # States never hear of it.
        return (
            people_working_on([action.responsible_state_id])
            .filter(groups__name=Role.FOCAL_POINT.value)
            .order_by("pk")
        )
    people = people_working_on(country_ids(action.evaluation.programme))
    if action.owner_user_id is not None:
        return people.filter(pk=action.owner_user_id)
    # A unit named in words: the desk officers see that it is done.
    return people.filter(groups__name=Role.DESK_OFFICER.value).order_by("pk")


def _due_date(record: Evaluation | FollowUpAction) -> datetime.date:
    return record.due_date


STAFF = frozenset({Role.DESK_OFFICER, Role.FIELD_OFFICER})
PARTIES = frozenset({Role.DESK_OFFICER, Role.FIELD_OFFICER, Role.FOCAL_POINT})


def _action_reference(action: FollowUpAction) -> str:
    # Its evaluation, which everyone reminded of the action may open (a
    # government only once the evaluation is accepted and shared with it).
    return action.evaluation.reference


EVALUATION_DUE_SOON = Reminder(
    code="evaluation.due_soon",
    label=_("Evaluation due soon"),
    pending=evaluation_due_soon,
    due_on=_due_date,
    recipients=evaluation_team,
    roles=STAFF,
)
EVALUATION_OVERDUE = Reminder(
    code="evaluation.overdue",
    label=_("Evaluation overdue"),
    pending=evaluation_overdue,
    due_on=_due_date,
    recipients=evaluation_team,
    roles=STAFF,
    escalates=True,
)
ACTION_DUE_SOON = Reminder(
    code="action.due_soon",
    label=_("Follow-up action due soon"),
    pending=action_due_soon,
    due_on=_due_date,
    recipients=responsible_party,
    roles=PARTIES,
    reference=_action_reference,
)
ACTION_OVERDUE = Reminder(
    code="action.overdue",
    label=_("Follow-up action overdue"),
    pending=action_overdue,
    due_on=_due_date,
    recipients=responsible_party,
    roles=PARTIES,
    reference=_action_reference,
    escalates=True,
    compulsory_for_government=True,
)

KINDS = (EVALUATION_DUE_SOON, EVALUATION_OVERDUE, ACTION_DUE_SOON, ACTION_OVERDUE)


def register() -> None:
    for kind in KINDS:
        reminders.register(kind)

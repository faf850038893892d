"""The evaluation stage's reminders: evaluations due soon and overdue, and follow-up
actions due soon and overdue to their responsible party (a government only for its
own State's actions, once the evaluation is accepted and shared with it)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Programme
from tcp import reminders
from tests.factories import EvaluationFactory, FollowUpActionFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
S = Evaluation.Status
F = FollowUpAction.Status


def days(setting: str) -> datetime.timedelta:
    return datetime.timedelta(days=reminders.threshold(setting))


def recipients() -> set[str]:
    return {address for m in mail.outbox for address in m.to}


def _programme(*countries) -> Programme:
    # Ends far from the fixed day: only the kind under test is due.
    return ProgrammeFactory(
        countries=list(countries),
        status=Programme.Status.IN_IMPLEMENTATION,
        scope="regional" if len(countries) > 1 else "national",
        end_date=datetime.date(2028, 12, 31),
    )


# --- evaluations ---


@pytest.fixture
def evaluation_at(cast, kenya):
    def make(due: datetime.date, status: str = S.SCHEDULED, **fields) -> Evaluation:
        return EvaluationFactory(programme=_programme(kenya), due_date=due, status=status, **fields)

    return make


def test_an_evaluation_due_soon_reminds_the_desk_officer_and_the_evaluator(cast, evaluation_at):
    field = cast["field_officer_east_africa"]
    evaluation = evaluation_at(
        TODAY + days("EVALUATION_SOON_DAYS"), evaluator_kind="staff", evaluator_user=field
    )

    result = reminders.sweep(NOW)

    assert result.delivered == {("evaluation.due_soon", "sent"): 2}
    assert recipients() == {cast["desk_officer"].email, field.email}
    assert all(evaluation.reference in m.subject for m in mail.outbox)


def test_an_evaluation_due_the_day_after_the_threshold_reminds_nobody(cast, evaluation_at):
    evaluation_at(TODAY + days("EVALUATION_SOON_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {}


def test_an_evaluation_is_overdue_from_the_day_after_its_due_date(cast, evaluation_at):
    evaluation = evaluation_at(TODAY - DAY, S.IN_PROGRESS)

    result = reminders.sweep(NOW)

    assert result.delivered == {("evaluation.overdue", "sent"): 1}
    [message] = mail.outbox
    assert message.to == [cast["desk_officer"].email]
    assert evaluation.reference in message.subject


def test_an_evaluation_due_today_is_due_soon_not_overdue(cast, evaluation_at):
    evaluation_at(TODAY)

    assert reminders.sweep(NOW).delivered == {("evaluation.due_soon", "sent"): 1}


def test_an_evaluation_submitted_or_dropped_is_not_reminded(cast, evaluation_at):
    evaluation_at(TODAY - DAY, S.SUBMITTED)
    evaluation_at(TODAY + DAY, S.DROPPED)

    assert reminders.sweep(NOW).delivered == {}


def test_an_evaluation_submitted_after_the_reminder_was_written_is_not_reminded(
    cast, evaluation_at
):
    evaluation = evaluation_at(TODAY - DAY, S.IN_PROGRESS)
    reminders.write(reminders.due_today(TODAY))
    token, [pk] = reminders.claim(NOW)

    Evaluation.objects.filter(pk=evaluation.pk).update(status=S.SUBMITTED)

    assert reminders.deliver(pk, token, NOW) == "cleared"
    assert mail.outbox == []


def test_a_long_overdue_evaluation_is_escalated_to_the_approver_once(cast, evaluation_at):
    evaluation_at(TODAY - days("ESCALATE_AFTER_DAYS"))

    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW + DAY)

    assert first.delivered == {("evaluation.overdue", "sent"): 2}
    assert second.delivered == {}
    assert recipients() == {cast["desk_officer"].email, cast["approver"].email}


# --- follow-up actions ---


def _accepted(programme: Programme, **fields) -> Evaluation:
    """An accepted post-implementation evaluation (due long ago: it is done)."""
    values = {
        "programme": programme,
        "kind": Evaluation.Kind.POST_IMPLEMENTATION,
        "status": S.ACCEPTED,
        "due_date": TODAY - 100 * DAY,
    }
    return EvaluationFactory(**(values | fields))


def _action(evaluation: Evaluation, due: datetime.date, **fields) -> FollowUpAction:
    return FollowUpActionFactory(evaluation=evaluation, due_date=due, **fields)


def test_an_action_due_soon_reminds_the_staff_member_responsible(cast, kenya):
    field = cast["field_officer_east_africa"]
    action = _action(
        _accepted(_programme(kenya)), TODAY + days("ACTION_SOON_DAYS"), owner="", owner_user=field
    )

    result = reminders.sweep(NOW)

    assert result.delivered == {("action.due_soon", "sent"): 1}
    [message] = mail.outbox
    assert message.to == [field.email]
    assert action.evaluation.reference in message.subject
    assert action.get_absolute_url() in message.body


def test_an_action_due_the_day_after_the_threshold_reminds_nobody(cast, kenya):
    _action(_accepted(_programme(kenya)), TODAY + days("ACTION_SOON_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {}


def test_an_action_of_a_unit_named_in_words_reminds_the_desk_officer(cast, kenya):
    _action(_accepted(_programme(kenya)), TODAY - DAY, owner="OHCHR Africa Section")

    assert reminders.sweep(NOW).delivered == {("action.overdue", "sent"): 1}
    assert recipients() == {cast["desk_officer"].email}


def test_an_action_due_today_is_due_soon_and_overdue_from_the_day_after(cast, kenya):
    _action(_accepted(_programme(kenya)), TODAY)

    assert reminders.sweep(NOW).delivered == {("action.due_soon", "sent"): 1}
    assert reminders.sweep(NOW + DAY).delivered == {("action.overdue", "sent"): 1}


def test_a_governments_action_reminds_its_own_focal_point_only(cast, kenya, peru):
    """A regional programme: the action is Peru's, Kenya's government never hears of it."""
    _action(_accepted(_programme(kenya, peru)), TODAY - DAY, responsible_state=peru)

    assert reminders.sweep(NOW).delivered == {("action.overdue", "sent"): 1}
    assert recipients() == {cast["focal_point_peru"].email}


def test_a_governments_action_is_not_reminded_before_the_evaluation_is_accepted(cast, kenya):
    evaluation = _accepted(_programme(kenya), status=S.SUBMITTED)
    _action(evaluation, TODAY - DAY, responsible_state=kenya)
    _action(evaluation, TODAY + DAY, responsible_state=kenya)

    assert reminders.sweep(NOW).delivered == {}
    assert mail.outbox == []


def test_a_governments_action_is_not_reminded_unless_shared_with_its_state(cast, kenya, peru):
    evaluation = _accepted(_programme(kenya, peru), shared_with=[kenya])
    _action(evaluation, TODAY - DAY, responsible_state=peru)

    assert reminders.sweep(NOW).delivered == {}


def test_a_government_cannot_mute_its_overdue_action(cast, kenya):
    government = cast["focal_point_kenya"]
    government.muted_kinds = ["action.overdue", "action.due_soon"]
    government.save(update_fields=["muted_kinds"])
    evaluation = _accepted(_programme(kenya))
    _action(evaluation, TODAY - DAY, responsible_state=kenya)
    _action(evaluation, TODAY + DAY, responsible_state=kenya)

    result = reminders.sweep(NOW)

    assert result.delivered == {("action.overdue", "sent"): 1, ("action.due_soon", "none"): 1}
    assert [m.to for m in mail.outbox] == [[government.email]]


def test_an_action_done_after_the_reminder_was_written_is_not_reminded(cast, kenya):
    action = _action(_accepted(_programme(kenya)), TODAY - DAY, responsible_state=kenya)
    reminders.write(reminders.due_today(TODAY))
    token, [pk] = reminders.claim(NOW)

    FollowUpAction.objects.filter(pk=action.pk).update(status=F.DONE)

    assert reminders.deliver(pk, token, NOW) == "cleared"
    assert mail.outbox == []


def test_a_long_overdue_action_is_escalated_to_the_approver_once(cast, kenya):
    _action(
        _accepted(_programme(kenya)),
        TODAY - days("ESCALATE_AFTER_DAYS"),
        responsible_state=kenya,
    )

    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW + DAY)

    assert first.delivered == {("action.overdue", "sent"): 2}
    assert second.delivered == {}
    assert recipients() == {cast["focal_point_kenya"].email, cast["approver"].email}

"""The schedule drawn from a programme's dates: on approval, after an amendment that
moves the dates, and when the programme is cancelled."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from evaluations import scheduling, services
from evaluations.models import Evaluation
from evaluations.scheduling import add_months, planned_slots
from programmes import amendments
from programmes import services as programme_services
from programmes.models import Amendment, Programme
from tcp.lifecycle import TransitionRefused, status_changes
from tests.factories import EvaluationFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
S = Evaluation.Status
K = Evaluation.Kind


def _periods(programme: Programme) -> list[tuple]:
    return [
        (e.kind, e.sequence, e.period_start, e.period_end, e.due_date, e.status)
        for e in programme.evaluations.order_by("kind", "sequence", "id")
    ]


def _due(programme: Programme, **filters) -> list[D]:
    return list(
        programme.evaluations.exclude(status=S.DROPPED)
        .filter(**filters)
        .order_by("due_date")
        .values_list("due_date", flat=True)
    )


# --- month arithmetic ---


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2027, 8, 31), 12, D(2028, 8, 31)),  # counted from the start: no drift
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2028, 2, 29), 6, D(2028, 8, 29)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 10, 15), 3, D(2027, 1, 15)),  # across the year
        (D(2026, 12, 31), 0, D(2026, 12, 31)),
    ],
)
def test_months_are_added_clamped_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


# --- the slots ---


def test_periodic_evaluations_every_six_months_before_the_end_and_one_after():
    slots = planned_slots(D(2026, 1, 1), D(2027, 12, 31))
    assert [(s.kind, s.sequence, s.period_start, s.period_end, s.due_date) for s in slots] == [
        (K.PERIODIC, 1, D(2026, 1, 1), D(2026, 6, 30), D(2026, 7, 1)),
        (K.PERIODIC, 2, D(2026, 7, 1), D(2026, 12, 31), D(2027, 1, 1)),
        (K.PERIODIC, 3, D(2027, 1, 1), D(2027, 6, 30), D(2027, 7, 1)),
        # Post-implementation: three months after the end, covering the whole programme.
        (K.POST_IMPLEMENTATION, 0, D(2026, 1, 1), D(2027, 12, 31), D(2028, 3, 31)),
    ]


def test_a_month_end_start_keeps_to_month_ends_through_a_leap_february():
    slots = planned_slots(D(2027, 8, 31), D(2029, 3, 1))
    periodic = [(s.period_start, s.period_end, s.due_date) for s in slots if s.kind == K.PERIODIC]
    assert periodic == [
        (D(2027, 8, 31), D(2028, 2, 28), D(2028, 2, 29)),
        (D(2028, 2, 29), D(2028, 8, 30), D(2028, 8, 31)),
        (D(2028, 8, 31), D(2029, 2, 27), D(2029, 2, 28)),
    ]


def test_a_programme_starting_on_29_february():
    slots = planned_slots(D(2028, 2, 29), D(2029, 6, 30))
    assert [s.due_date for s in slots] == [
        D(2028, 8, 29),
        D(2029, 2, 28),
        D(2029, 9, 30),  # the post-implementation one: 30 June + 3 months
    ]


def test_a_programme_shorter_than_one_interval_gets_no_periodic_evaluation():
    slots = planned_slots(D(2026, 1, 1), D(2026, 6, 30))
    assert [(s.kind, s.due_date) for s in slots] == [(K.POST_IMPLEMENTATION, D(2026, 9, 30))]


def test_no_periodic_evaluation_falls_on_the_end_date_itself():
    # Exactly one interval long: the first due date would be the end, which is the
    # post-implementation evaluation's business.
    slots = planned_slots(D(2026, 1, 1), D(2026, 7, 1))
    assert [s.kind for s in slots] == [K.POST_IMPLEMENTATION]


def test_the_post_implementation_delay_clamps_to_the_month_end():
    [post] = planned_slots(D(2026, 1, 1), D(2026, 5, 31))
    assert post.due_date == D(2026, 8, 31)
    post = planned_slots(D(2026, 1, 1), D(2027, 11, 30))[-1]
    assert post.due_date == D(2028, 2, 29)


@override_settings(TCP_EVALUATION_INTERVAL_MONTHS=12, TCP_POST_EVALUATION_DELAY_MONTHS=6)
def test_the_interval_and_the_delay_are_settings():
    slots = planned_slots(D(2026, 1, 1), D(2028, 6, 30))
    assert [(s.kind, s.due_date) for s in slots] == [
        (K.PERIODIC, D(2027, 1, 1)),
        (K.PERIODIC, D(2028, 1, 1)),
        (K.POST_IMPLEMENTATION, D(2028, 12, 30)),
    ]


def test_a_programme_without_dates_calls_for_no_evaluation():
    assert planned_slots(None, D(2027, 1, 1)) == []


# --- approval schedules them ---


def _under_review(kenya, **fields) -> Programme:
    fields.setdefault("created_by", UserFactory())
    fields.setdefault("start_date", D(2026, 1, 1))
    fields.setdefault("end_date", D(2027, 12, 31))
    return ProgrammeFactory(countries=[kenya], status=Programme.Status.UNDER_REVIEW, **fields)


def _approve(programme: Programme, approver) -> None:
    programme_services.transition_programme(programme=programme, action="approve", by=approver)


def test_approving_a_programme_schedules_its_evaluations(kenya, approver):
    programme = _under_review(kenya)
    _approve(programme, approver)
    assert _due(programme, kind=K.PERIODIC) == [D(2026, 7, 1), D(2027, 1, 1), D(2027, 7, 1)]
    assert _due(programme, kind=K.POST_IMPLEMENTATION) == [D(2028, 3, 31)]
    evaluation = programme.evaluations.get(kind=K.POST_IMPLEMENTATION)
    assert evaluation.status == S.SCHEDULED
    assert evaluation.reference.startswith("TCE-")
    assert "-KEN-" in evaluation.reference
    # Recorded as the approver who approved.
    assert evaluation.history.earliest().history_user == approver


def test_approving_a_short_programme_schedules_only_the_post_implementation_evaluation(
    kenya, approver
):
    programme = _under_review(kenya, start_date=D(2026, 1, 1), end_date=D(2026, 5, 31))
    _approve(programme, approver)
    assert [(e.kind, e.due_date) for e in programme.evaluations.all()] == [
        (K.POST_IMPLEMENTATION, D(2026, 8, 31))
    ]


def test_scheduling_twice_adds_nothing(kenya, approver):
    programme = _under_review(kenya)
    _approve(programme, approver)
    before = _periods(programme)
    assert scheduling.reschedule(programme, by=approver) == []
    assert _periods(programme) == before


def test_a_regional_programme_is_scheduled_under_its_region(kenya, peru, approver):
    programme = ProgrammeFactory(
        countries=[kenya, peru],
        scope=Programme.Scope.REGIONAL,
        region="americas",
        status=Programme.Status.UNDER_REVIEW,
    )
    _approve(programme, approver)
    assert all("-AME-" in e.reference for e in programme.evaluations.all())


# --- an amendment that moves the dates reschedules what has not started ---


def _move_end(programme: Programme, end: D, desk_officer, approver) -> None:
    amendment = amendments.propose_amendment(
        programme=programme,
        by=desk_officer,
        kind=Amendment.Kind.NO_COST_EXTENSION
        if end > programme.end_date
        else Amendment.Kind.CORRECTION,
        justification="The dates move.",
        proposal={"programme": {"end_date": end.isoformat()}},
    )
    amendments.perform(amendment, "submit", by=desk_officer)
    amendments.perform(amendment, "approve", by=approver)
    programme.refresh_from_db()


def test_an_extension_adds_and_moves_the_evaluations_not_started(
    kenya, desk_officer, approver, field_officer_east_africa
):
    programme = _under_review(kenya)
    _approve(programme, approver)
    first = programme.evaluations.get(kind=K.PERIODIC, sequence=1)
    services.transition_evaluation(evaluation=first, action="start", by=field_officer_east_africa)
    post = programme.evaluations.get(kind=K.POST_IMPLEMENTATION)

    _move_end(programme, D(2028, 12, 31), desk_officer, approver)

    # One periodic evaluation more, the post-implementation one moved; the started one as it was.
    assert _due(programme, kind=K.PERIODIC) == [
        D(2026, 7, 1),
        D(2027, 1, 1),
        D(2027, 7, 1),
        D(2028, 1, 1),
        D(2028, 7, 1),
    ]
    post.refresh_from_db()
    assert (post.pk, post.due_date, post.period_end) == (post.pk, D(2029, 3, 31), D(2028, 12, 31))
    first.refresh_from_db()
    assert (first.status, first.due_date) == (S.IN_PROGRESS, D(2026, 7, 1))
    assert post.history.latest().history_change_reason == "Rescheduled: the programme's dates moved"


def test_moving_the_start_moves_the_scheduled_ones_and_leaves_the_started_one(
    kenya, desk_officer, approver, field_officer_east_africa
):
    programme = _under_review(kenya)
    _approve(programme, approver)
    first = programme.evaluations.get(kind=K.PERIODIC, sequence=1)
    services.transition_evaluation(evaluation=first, action="start", by=field_officer_east_africa)
    amendment = amendments.propose_amendment(
        programme=programme,
        by=desk_officer,
        kind=Amendment.Kind.CORRECTION,
        justification="The programme started a month later.",
        proposal={"programme": {"start_date": "2026-02-01"}},
    )
    amendments.perform(amendment, "submit", by=desk_officer)
    amendments.perform(amendment, "approve", by=approver)
    first.refresh_from_db()
    assert first.due_date == D(2026, 7, 1)  # started: not moved
    second = programme.evaluations.get(kind=K.PERIODIC, sequence=2)
    assert (second.period_start, second.due_date) == (D(2026, 8, 1), D(2027, 2, 1))


def test_shortening_the_programme_drops_the_evaluations_no_longer_needed(
    kenya, desk_officer, approver
):
    programme = _under_review(kenya)
    _approve(programme, approver)
    third = programme.evaluations.get(kind=K.PERIODIC, sequence=3)

    _move_end(programme, D(2027, 3, 31), desk_officer, approver)

    assert _due(programme, kind=K.PERIODIC) == [D(2026, 7, 1), D(2027, 1, 1)]
    third.refresh_from_db()
    assert third.status == S.DROPPED
    [drop] = status_changes(third)
    assert (drop.action, drop.by) == ("drop", approver)
    assert "now runs from 2026-01-01 to 2027-03-31" in drop.note


def test_an_extension_brings_a_dropped_slot_back_as_a_new_evaluation(kenya, desk_officer, approver):
    programme = _under_review(kenya)
    _approve(programme, approver)
    _move_end(programme, D(2027, 3, 31), desk_officer, approver)
    _move_end(programme, D(2027, 12, 31), desk_officer, approver)
    thirds = programme.evaluations.filter(kind=K.PERIODIC, sequence=3)
    assert sorted(thirds.values_list("status", flat=True)) == [S.DROPPED, S.SCHEDULED]


def test_evaluations_added_by_hand_are_never_rescheduled(kenya, desk_officer, approver):
    programme = _under_review(kenya)
    _approve(programme, approver)
    by_hand = services.schedule_evaluation(
        programme=programme, kind=K.PERIODIC, due_date=D(2026, 4, 15), by=desk_officer
    )
    _move_end(programme, D(2026, 12, 31), desk_officer, approver)
    by_hand.refresh_from_db()
    assert (by_hand.status, by_hand.due_date, by_hand.sequence) == (
        S.SCHEDULED,
        D(2026, 4, 15),
        None,
    )


# --- a cancelled programme drops what has not started ---


def test_cancelling_the_programme_drops_the_evaluations_not_started(
    kenya, approver, desk_officer, field_officer_east_africa
):
    programme = _under_review(kenya)
    _approve(programme, approver)
    started = programme.evaluations.get(kind=K.PERIODIC, sequence=1)
    services.transition_evaluation(evaluation=started, action="start", by=field_officer_east_africa)
    by_hand = services.schedule_evaluation(
        programme=programme, kind=K.PERIODIC, due_date=D(2026, 4, 15), by=desk_officer
    )
    programme_services.transition_programme(
        programme=programme, action="cancel", by=approver, note="The government withdrew."
    )
    statuses = dict(programme.evaluations.values_list("pk", "status"))
    assert statuses.pop(started.pk) == S.IN_PROGRESS
    assert set(statuses.values()) == {S.DROPPED}
    [drop] = status_changes(by_hand)
    assert drop.note == "The programme was cancelled. The government withdrew."
    assert (drop.from_status, drop.to_status) == (S.SCHEDULED, S.DROPPED)


def test_the_automatic_drop_is_no_button(client, desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SCHEDULED)
    assert "drop" not in [t.action for t in services.LIFECYCLE.available(evaluation, desk_officer)]
    with pytest.raises(TransitionRefused, match="taken by the system"):
        services.perform(evaluation, "drop", by=desk_officer, note="By hand?")
    evaluation.refresh_from_db()
    assert evaluation.status == S.SCHEDULED


def test_a_desk_officer_drops_a_scheduled_evaluation_with_a_reason(desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SCHEDULED)
    with pytest.raises(TransitionRefused, match="why it will not be carried out"):
        services.perform(evaluation, "cancel", by=desk_officer)
    services.perform(evaluation, "cancel", by=desk_officer, note="Merged with the next one.")
    evaluation.refresh_from_db()
    assert evaluation.status == S.DROPPED


# --- scheduling by hand ---


def test_only_an_approved_programme_is_evaluated(kenya, desk_officer):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.DRAFTING)
    assert "Only an approved programme" in services.schedule_refusal(
        programme=programme, user=desk_officer
    )
    with pytest.raises(TransitionRefused, match="Only an approved programme"):
        services.schedule_evaluation(
            programme=programme, kind=K.PERIODIC, due_date=D(2026, 4, 1), by=desk_officer
        )


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("desk_officer", True),
        ("desk_officer_peru", False),
        ("field_officer_east_africa", False),
        ("approver", False),
        ("focal_point_kenya", False),
        ("auditor", False),
    ],
)
def test_who_schedules_by_hand(cast, kenya, user, allowed):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.IN_IMPLEMENTATION)
    assert (services.schedule_refusal(programme=programme, user=cast[user]) is None) is allowed

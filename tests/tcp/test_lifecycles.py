"""Every lifecycle, every state, every action, every role.

For each transition table the tests build a record in each state and try
each action: it succeeds exactly where the table allows it, for exactly the
roles that hold its permission in the record's country, and a refusal
changes nothing.
"""

from __future__ import annotations

import pytest

from assessments.models import NeedsAssessment
from assessments.services import LIFECYCLE as ASSESSMENT
from evaluations.models import Evaluation, FollowUpAction
from evaluations.services import FOLLOW_UP_LIFECYCLE as FOLLOW_UP
from evaluations.services import LIFECYCLE as EVALUATION
from programmes.models import Component, Programme, ProgrammeAcceptance
from programmes.services import COMPONENT_LIFECYCLE as COMPONENT
from programmes.services import LIFECYCLE as PROGRAMME
from requests_app.models import AssistanceRequest
from requests_app.services import LIFECYCLE as REQUEST
from tcp.lifecycle import Lifecycle, TransitionRefused, status_changes
from tests.factories import (
    AssistanceRequestFactory,
    ComponentFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    FollowUpProgressFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Who, in the Kenya cast, may take actions needing each permission.
ACTORS = {
    "requests_app.submit_assistancerequest": {"focal_point_kenya"},
    "requests_app.triage_assistancerequest": {"desk_officer"},
    "requests_app.decide_assistancerequest": {"approver"},
    "assessments.conduct_needsassessment": {"field_officer_east_africa"},
    "assessments.validate_needsassessment": {"desk_officer"},
    "programmes.draft_programme": {"desk_officer"},
    "programmes.approve_programme": {"approver"},
    "programmes.accept_programme": {"focal_point_kenya"},
    "evaluations.schedule_evaluation": {"desk_officer"},
    "evaluations.conduct_evaluation": {"desk_officer", "field_officer_east_africa"},
    "evaluations.accept_evaluation": {"approver"},
    # The automatic drop, taken as the approver who cancelled the programme or moved its dates.
    "evaluations.drop_evaluation": {"approver"},
    "evaluations.change_followupaction": {"desk_officer", "field_officer_east_africa"},
    "evaluations.verify_followupaction": {"desk_officer"},
}


def _request(status):
    return AssistanceRequestFactory(status=status, screened=True)


def _assessment(status):
    return NeedsAssessmentFactory(status=status, summary="Findings per thematic area.")


def _programme(status):
    programme = ProgrammeFactory(status=status)
    ComponentFactory(programme=programme)
    if status == Programme.Status.APPROVED:
        # The government accepted for its State: the programme may move to accepted.
        for country in programme.countries.all():
            ProgrammeAcceptance.objects.create(
                programme=programme, country=country, accepted_by=UserFactory()
            )
    return programme


def _component(status):
    return ComponentFactory(status=status, programme__status=Programme.Status.IN_IMPLEMENTATION)


def _evaluation(status):
    return EvaluationFactory(status=status, summary="Relevant and effective.")


def _follow_up(status):
    # The plan is carried out once the evaluation is accepted; done needs a progress report.
    action = FollowUpActionFactory(status=status, evaluation__status=Evaluation.Status.ACCEPTED)
    FollowUpProgressFactory(action=action)
    return action


LIFECYCLES: list[tuple[str, Lifecycle, object]] = [
    ("request", REQUEST, _request),
    ("assessment", ASSESSMENT, _assessment),
    ("programme", PROGRAMME, _programme),
    ("component", COMPONENT, _component),
    ("evaluation", EVALUATION, _evaluation),
    ("follow_up", FOLLOW_UP, _follow_up),
]

CASES = [
    pytest.param(lifecycle, make, transition, status, id=f"{name}-{transition.action}-{status}")
    for name, lifecycle, make in LIFECYCLES
    for transition in lifecycle.transitions
    for status, _label in lifecycle.model._meta.get_field("status").choices
]


@pytest.mark.parametrize(("lifecycle", "make", "transition", "status"), CASES)
def test_transition_table(cast, lifecycle, make, transition, status):
    obj = make(status)
    actor = cast[sorted(ACTORS[transition.permission])[0]]
    note = "Because the table says so."
    if status in transition.sources:
        event = lifecycle.apply(obj, transition.action, by=actor, note=note)
        obj.refresh_from_db()
        assert obj.status == transition.target
        assert (event.from_status, event.to_status, event.by) == (status, transition.target, actor)
    else:
        with pytest.raises(TransitionRefused, match="not possible while"):
            lifecycle.apply(obj, transition.action, by=actor, note=note)
        obj.refresh_from_db()
        assert obj.status == status
        assert not status_changes(obj).exists()


ROLE_CASES = [
    pytest.param(lifecycle, make, transition, id=f"{name}-{transition.action}")
    for name, lifecycle, make in LIFECYCLES
    for transition in lifecycle.transitions
]


@pytest.mark.parametrize(("lifecycle", "make", "transition"), ROLE_CASES)
def test_only_the_right_roles_in_scope_may_act(cast, lifecycle, make, transition):
    obj = make(transition.sources[0])
    allowed = ACTORS[transition.permission]
    for name, user in cast.items():
        refusal = lifecycle.refusal(obj, transition.action, user)
        if name in allowed:
            assert refusal is None, f"{name} should be allowed: {refusal}"
        else:
            assert refusal is not None, f"{name} must not {transition.action}"
            with pytest.raises(TransitionRefused):
                lifecycle.apply(obj, transition.action, by=user, note="x")
    obj.refresh_from_db()
    assert obj.status == transition.sources[0]


def test_available_lists_exactly_what_would_succeed(desk_officer, approver, focal_point_kenya):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.ACKNOWLEDGED)
    assert [t.action for t in REQUEST.available(req, desk_officer)] == [
        "request_information",
        "start_assessment",
    ]
    assert [t.action for t in REQUEST.available(req, focal_point_kenya)] == ["withdraw"]
    assert REQUEST.available(req, approver) == []


def test_refused_submission_names_the_missing_fields(focal_point_kenya):
    req = AssistanceRequestFactory(justification="", requesting_authority="", complete=False)
    with pytest.raises(TransitionRefused) as refused:
        REQUEST.apply(req, "submit", by=focal_point_kenya)
    assert refused.value.missing == [
        "requesting authority",
        "justification",
        "at least one thematic area",
        "at least one form of assistance",
        "the official letter, attached",
    ]
    assert "Missing" in refused.value.message
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.DRAFT


def test_decline_without_reason_is_refused(approver):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.UNDER_ASSESSMENT, screened=True)
    with pytest.raises(TransitionRefused, match="reason"):
        REQUEST.apply(req, "decline", by=approver, note="   ")
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.UNDER_ASSESSMENT


def test_wrong_role_refusal_names_the_permission_needed(desk_officer):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.UNDER_ASSESSMENT)
    with pytest.raises(TransitionRefused, match="Accept or decline requests"):
        REQUEST.apply(req, "accept", by=desk_officer)


def test_programme_review_needs_objective_dates_and_a_component(desk_officer):
    programme = ProgrammeFactory(objective="", start_date=None)
    with pytest.raises(TransitionRefused) as refused:
        PROGRAMME.apply(programme, "submit_for_review", by=desk_officer)
    assert refused.value.missing == [
        "an objective",
        "start and end dates",
        "at least one component",
    ]


def test_cancelled_components_do_not_count_for_review(desk_officer):
    programme = ProgrammeFactory()
    ComponentFactory(programme=programme, status=Component.Status.CANCELLED)
    with pytest.raises(TransitionRefused, match="at least one component"):
        PROGRAMME.apply(programme, "submit_for_review", by=desk_officer)


def test_assessment_and_evaluation_need_a_summary(field_officer_east_africa):
    assessment = NeedsAssessmentFactory(status=NeedsAssessment.Status.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="summary"):
        ASSESSMENT.apply(assessment, "submit_findings", by=field_officer_east_africa)
    evaluation = EvaluationFactory(status=Evaluation.Status.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="summary"):
        EVALUATION.apply(evaluation, "submit", by=field_officer_east_africa)


def test_government_updates_only_actions_assigned_to_it(focal_point_kenya, kenya):
    # A focal point holds change_followupaction, but only for actions assigned to its
    # State once the evaluation is accepted; others are out of its sight entirely.
    accepted = Evaluation.Status.ACCEPTED
    ours = FollowUpActionFactory(responsible_state=kenya, evaluation__status=accepted)
    theirs = FollowUpActionFactory(responsible_state=None, evaluation__status=accepted)
    FOLLOW_UP.apply(ours, "start", by=focal_point_kenya)
    assert ours.status == FollowUpAction.Status.IN_PROGRESS
    with pytest.raises(TransitionRefused):
        FOLLOW_UP.apply(theirs, "start", by=focal_point_kenya)


def test_unknown_action_is_refused(desk_officer):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.SUBMITTED)
    with pytest.raises(TransitionRefused, match="Unknown action"):
        REQUEST.apply(req, "approve_everything", by=desk_officer)


def test_every_status_is_reachable_from_the_initial_state():
    for _name, lifecycle, _make in LIFECYCLES:
        choices = [value for value, _ in lifecycle.model._meta.get_field("status").choices]
        reached, frontier = {choices[0]}, [choices[0]]
        while frontier:
            state = frontier.pop()
            for t in lifecycle.transitions:
                if state in t.sources and t.target not in reached:
                    reached.add(t.target)
                    frontier.append(t.target)
        assert reached == set(choices), lifecycle.model.__name__


def test_programme_statuses_match_the_design():
    assert [s for s, _ in Programme.Status.choices] == [
        "drafting",
        "under_review",
        "approved",
        "accepted",
        "in_implementation",
        "suspended",
        "completed",
        "closed",
        "cancelled",
    ]

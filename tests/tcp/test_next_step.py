"""A record's page says who takes the next step when the reader cannot.

The sentence comes from the lifecycle table (the steps a state waits on, the
roles holding their permission), never from the page; a government reads only
that OHCHR takes the next step, never which internal step or role.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tcp.lifecycle import _REGISTRY
from tcp.next_step import _WAITING, awaited_steps, roles_holding, takers, waiting_on
from tcp.roles import Role
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
R = AssistanceRequest.Status

OHCHR = "Waiting for OHCHR."
ACKNOWLEDGE = "Waiting for the desk officer: “Acknowledge”."
DECIDE = "Waiting for a programme approver: “Accept” or “Decline”."
ANSWER = "Waiting for the government: “Answer and resubmit”."


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            R.SUBMITTED,
            {
                "focal_point_kenya": [OHCHR],
                "desk_officer": [],
                "approver": [ACKNOWLEDGE],
                "auditor": [ACKNOWLEDGE],
            },
        ),
        (
            R.ACKNOWLEDGED,
            {
                "focal_point_kenya": [OHCHR],
                "desk_officer": [],
                "approver": ["Waiting for the desk officer: “Start screening”."],
            },
        ),
        (
            R.UNDER_ASSESSMENT,
            {
                "focal_point_kenya": [OHCHR],
                "desk_officer": [DECIDE],
                "approver": [],
                "field_officer_east_africa": [DECIDE],
                "auditor": [DECIDE],
            },
        ),
        (
            R.INFORMATION_REQUESTED,
            {"focal_point_kenya": [], "desk_officer": [ANSWER], "approver": [ANSWER]},
        ),
        (R.ACCEPTED, {"focal_point_kenya": [], "desk_officer": [], "approver": []}),
        (R.WITHDRAWN, {"focal_point_kenya": [], "desk_officer": [], "auditor": []}),
    ],
)
def test_who_takes_a_requests_next_step(cast, kenya, status, expected):
    req = AssistanceRequestFactory(country=kenya, status=status, screened=True)
    for name, sentences in expected.items():
        assert waiting_on(req, cast[name]) == sentences, name


def test_the_sentence_is_on_the_page_beside_the_status(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=R.UNDER_ASSESSMENT, screened=True)
    url = reverse("requests_app:detail", args=[req.pk])
    client.force_login(cast["desk_officer"])
    page = client.get(url).content.decode()
    assert f'<div class="next-step"><p>{DECIDE}</p></div>' in page
    client.force_login(cast["focal_point_kenya"])
    page = client.get(url).content.decode()
    assert f'<div class="next-step"><p>{OHCHR}</p></div>' in page
    # A government reads neither OHCHR's roles nor its internal steps.
    assert "programme approver" not in page
    client.force_login(cast["approver"])
    assert 'class="next-step"' not in client.get(url).content.decode()


def test_what_the_awaited_step_still_needs_is_said_with_who_provides_it(cast, kenya):
    """The approver decides, but only on a screening: the desk officer reads that the
    record waits on their screening first; the government reads none of it."""
    req = AssistanceRequestFactory(country=kenya, status=R.UNDER_ASSESSMENT)
    assert waiting_on(req, cast["desk_officer"]) == [
        DECIDE,
        "It still needs: a screening against the criteria, which the desk officer records.",
    ]
    assert waiting_on(req, cast["focal_point_kenya"]) == [OHCHR]


def test_assessment_and_programme_pages_name_the_role_that_acts(cast, kenya):
    request = AssistanceRequestFactory(country=kenya, status=R.ACCEPTED)
    assessment = NeedsAssessmentFactory(request=request, status=NeedsAssessment.Status.IN_PROGRESS)
    assert waiting_on(assessment, cast["desk_officer"]) == [
        "Waiting for the field presence: “Submit findings”.",
        "It still needs: a summary of the findings.",
    ]
    assert waiting_on(assessment, cast["field_officer_east_africa"]) == []
    assessment.status = NeedsAssessment.Status.FINDINGS_SUBMITTED
    assert waiting_on(assessment, cast["field_officer_east_africa"]) == [
        "Waiting for the desk officer: “Return for more work” or “Validate findings”."
    ]

    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.UNDER_REVIEW)
    assert waiting_on(programme, cast["desk_officer"]) == [
        "Waiting for a programme approver: “Return to drafting” or “Approve”."
    ]
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED)
    # The governments accept through the programme's own form, not a button.
    assert waiting_on(programme, cast["approver"]) == [
        "Waiting for the government: “Accept the programme”.",
        "It still needs: the acceptance of Kenya.",
    ]
    assert waiting_on(programme, cast["focal_point_kenya"]) == []


def test_a_follow_up_action_waits_on_its_responsible_party(cast, kenya):
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        status=Evaluation.Status.ACCEPTED,
        kind=Evaluation.Kind.POST_IMPLEMENTATION,
    )
    government = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    assert waiting_on(government, cast["approver"]) == ["Waiting for the government: “Start”."]
    assert waiting_on(government, cast["focal_point_kenya"]) == []
    ohchr = FollowUpActionFactory(evaluation=evaluation)
    assert waiting_on(ohchr, cast["approver"]) == [
        "Waiting for the desk officer or the field presence: “Start”."
    ]
    ohchr.status = FollowUpAction.Status.DONE
    assert waiting_on(ohchr, cast["approver"]) == [
        "Waiting for the desk officer: “Verify as adequate” or “Reopen”."
    ]


def test_roles_come_from_the_role_table():
    assert roles_holding("requests_app.decide_assistancerequest") == {Role.PROGRAMME_APPROVER}
    assert roles_holding("requests_app.triage_assistancerequest") == {Role.DESK_OFFICER}
    assert roles_holding("programmes.report_programme") == {Role.DESK_OFFICER, Role.FIELD_OFFICER}


def test_every_state_that_waits_names_someone_in_a_written_sentence():
    """For every lifecycle and state: the awaited steps' roles have a sentence, so
    no record waits silently on a step nobody is named for."""
    for label, lifecycle in _REGISTRY.items():
        model = lifecycle.model
        statuses = [value for value, _ in model._meta.get_field(lifecycle.status_field).choices]
        for status in statuses:
            record = model(**{lifecycle.status_field: status})
            for t in awaited_steps(record, lifecycle):
                if lifecycle.takers is not None:
                    continue  # narrowed per record: covered above
                roles = takers(record, lifecycle, t)
                assert roles, f"{label}.{t.action}: no role holds {t.permission}"
                assert roles in _WAITING or all(frozenset({r}) in _WAITING for r in roles), (
                    f"{label}.{t.action}: no sentence for {roles}"
                )


def test_a_running_programme_waits_on_nobody(cast, kenya):
    """In implementation, ongoing: the work goes on; completing it is no step awaited."""
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.IN_IMPLEMENTATION)
    for name in ("approver", "focal_point_kenya", "auditor"):
        assert waiting_on(programme, cast[name]) == [], name
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.COMPLETED)
    assert waiting_on(programme, cast["desk_officer"]) == [
        "Waiting for a programme approver: “Close”."
    ]
    assert waiting_on(programme, cast["focal_point_kenya"]) == [OHCHR]

"""The cycle strip of every record page: the stage before, the record, the stage after.

Each link is to a record its own selector lets the reader open (a government
never sees a link to an internal assessment, nor OHCHR to a State's draft);
the next step is offered to whoever the service lets take it, and the others
read who takes it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import NeedsAssessment
from evaluations import follow_up
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tests.conftest import make_user
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
R = AssistanceRequest.Status
A = NeedsAssessment.Status
P = Programme.Status
E = Evaluation.Status


def _cycle(client, user, url: str):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.context["cycle"], response.content.decode()


def _urls(links) -> list[str]:
    return [link.url for link in links if link.url]


def _notes(links) -> list[str]:
    return [link.note for link in links if link.note and not link.url]


# --- request → needs assessment ---


@pytest.fixture
def accepted(kenya) -> AssistanceRequest:
    return AssistanceRequestFactory(country=kenya, status=R.ACCEPTED)


def test_an_accepted_request_offers_its_desk_officer_to_plan_the_assessment(
    client, desk_officer, accepted
):
    cycle, page = _cycle(client, desk_officer, accepted.get_absolute_url())
    plan = reverse("assessments:plan", args=[accepted.pk])
    [step] = cycle.next
    assert (step.label, step.text, step.url, step.step) == (
        "Needs assessment",
        "Plan the needs assessment",
        plan,
        True,
    )
    assert f'href="{plan}"' in page
    assert client.get(plan).status_code == 200
    assert cycle.stage == "request" and cycle.previous == []
    assert "The cycle starts with the government" in page


@pytest.mark.parametrize("role", ["approver", "field_officer_east_africa", "auditor"])
def test_who_may_not_plan_reads_who_plans_instead_of_a_button(client, cast, accepted, role):
    cycle, page = _cycle(client, cast[role], accepted.get_absolute_url())
    assert _urls(cycle.next) == []
    assert _notes(cycle.next) == ["The desk officer plans the needs assessment."]
    assert reverse("assessments:plan", args=[accepted.pk]) not in page


def test_the_planned_assessment_replaces_the_button_for_ohchr_only(
    client, desk_officer, focal_point_kenya, accepted
):
    assessment = NeedsAssessmentFactory(request=accepted, country=accepted.country)
    cycle, page = _cycle(client, desk_officer, accepted.get_absolute_url())
    assert _urls(cycle.next) == [assessment.get_absolute_url()]
    assert "Plan the needs assessment" not in page
    # The government: the assessment is OHCHR's until shared, and the sentence is the
    # one it read before the assessment was planned (nothing to tell them apart).
    cycle, page = _cycle(client, focal_point_kenya, accepted.get_absolute_url())
    assert _urls(cycle.next) == []
    assert _notes(cycle.next) == ["OHCHR shares the needs assessment once it is validated."]
    assert assessment.reference not in page
    assert assessment.get_absolute_url() not in page
    NeedsAssessment.objects.filter(pk=assessment.pk).update(status=A.SHARED)
    cycle, page = _cycle(client, focal_point_kenya, accepted.get_absolute_url())
    assert _urls(cycle.next) == [assessment.get_absolute_url()]


def test_the_government_reads_the_same_sentence_before_any_assessment(
    client, focal_point_kenya, accepted
):
    cycle, _page = _cycle(client, focal_point_kenya, accepted.get_absolute_url())
    assert _urls(cycle.next) == []
    assert _notes(cycle.next) == ["OHCHR shares the needs assessment once it is validated."]


@pytest.mark.parametrize(
    ("status", "notes"),
    [
        (R.SUBMITTED, ["A needs assessment follows once OHCHR accepts the request."]),
        (R.UNDER_ASSESSMENT, ["A needs assessment follows once OHCHR accepts the request."]),
        (R.DECLINED, []),
    ],
)
def test_a_request_not_accepted_says_when_the_assessment_comes(
    client, desk_officer, kenya, status, notes
):
    req = AssistanceRequestFactory(country=kenya, status=status)
    cycle, page = _cycle(client, desk_officer, req.get_absolute_url())
    assert _urls(cycle.next) == []
    assert _notes(cycle.next) == notes
    if not notes:
        assert "Nothing follows." in page


# --- assessment → request before it, programme after it ---


def test_an_assessment_links_back_to_its_request_and_the_expert_does_not(
    client, cast, desk_officer, kenya
):
    from tcp import scoping

    assessment = NeedsAssessmentFactory(request__country=kenya, status=A.IN_PROGRESS)
    cycle, _page = _cycle(client, desk_officer, assessment.get_absolute_url())
    assert cycle.stage == "assessment"
    assert _urls(cycle.previous) == [assessment.request.get_absolute_url()]
    expert = make_user("roster-expert", None)
    scoping.grant_exception(
        user=expert,
        perm="assessments.view_needsassessment",
        obj=assessment,
        by=cast["administrator"],
    )
    cycle, page = _cycle(client, expert, assessment.get_absolute_url())
    assert cycle.previous == []
    assert assessment.request.get_absolute_url() not in page


def test_a_shared_assessment_tells_the_government_when_the_programme_comes(
    client, focal_point_kenya, desk_officer, kenya
):
    assessment = NeedsAssessmentFactory(request__country=kenya, status=A.SHARED)
    cycle, _page = _cycle(client, focal_point_kenya, assessment.get_absolute_url())
    # Its own request, back; no button to draft, the sentence instead.
    assert _urls(cycle.previous) == [assessment.request.get_absolute_url()]
    assert _urls(cycle.next) == []
    assert _notes(cycle.next) == ["OHCHR shares the programme once it is approved."]
    cycle, _page = _cycle(client, desk_officer, assessment.get_absolute_url())
    assert [link.text for link in cycle.next if link.step] == [
        "Draft a programme from this assessment"
    ]


# --- programme → assessment and request before it, evaluations after it ---


def test_a_programme_links_back_to_what_each_reader_may_open(
    client, desk_officer, focal_point_kenya, kenya
):
    assessment = NeedsAssessmentFactory(request__country=kenya, status=A.VALIDATED)
    programme = ProgrammeFactory(countries=[kenya], assessment=assessment, status=P.APPROVED)
    request_url = assessment.request.get_absolute_url()
    cycle, _page = _cycle(client, desk_officer, programme.get_absolute_url())
    assert cycle.stage == "programme"
    assert _urls(cycle.previous) == [assessment.get_absolute_url(), request_url]
    # The government reads its own request, not the assessment OHCHR has not shared.
    cycle, page = _cycle(client, focal_point_kenya, programme.get_absolute_url())
    assert _urls(cycle.previous) == [request_url]
    assert assessment.get_absolute_url() not in page


def test_a_programme_drawn_up_directly_says_so(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    cycle, _page = _cycle(client, desk_officer, programme.get_absolute_url())
    assert _notes(cycle.previous) == ["Drawn up without a needs assessment."]
    assert _notes(cycle.next) == ["Evaluations are scheduled when the programme is approved."]


def test_a_programme_links_forward_to_its_evaluations_and_the_schedule(
    client, desk_officer, approver, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=E.SCHEDULED)
    programme = evaluation.programme
    schedule = f"{reverse('evaluations:schedule')}?programme={programme.pk}"
    cycle, _page = _cycle(client, desk_officer, programme.get_absolute_url())
    assert _urls(cycle.next) == [evaluation.get_absolute_url(), schedule]
    cycle, _page = _cycle(client, approver, programme.get_absolute_url())
    assert _urls(cycle.next) == [evaluation.get_absolute_url()]


# --- evaluation → programme before it, follow-up actions after it ---


def test_an_evaluation_links_to_its_programme_and_its_follow_up_actions(
    client, desk_officer, focal_point_kenya, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=E.ACCEPTED)
    FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    FollowUpActionFactory(evaluation=evaluation, status=FollowUpAction.Status.VERIFIED)
    listed = f"{reverse('evaluations:follow_up_list')}?q={evaluation.reference}"
    cycle, _page = _cycle(client, desk_officer, evaluation.get_absolute_url())
    assert cycle.stage == "evaluation"
    assert _urls(cycle.previous) == [evaluation.programme.get_absolute_url()]
    [actions] = cycle.next
    assert (actions.url, actions.text) == (listed, "2 follow-up actions, 1 open")
    # The government counts the action assigned to its State only.
    cycle, _page = _cycle(client, focal_point_kenya, evaluation.get_absolute_url())
    [actions] = cycle.next
    assert actions.text == "1 follow-up action, 1 open"
    client.force_login(focal_point_kenya)
    assert len(client.get(listed).context["page_obj"]) == 1


def test_an_evaluation_under_way_says_its_actions_come_with_the_report(client, desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=E.IN_PROGRESS)
    cycle, _page = _cycle(client, desk_officer, evaluation.get_absolute_url())
    assert _notes(cycle.next) == ["The report's recommendations come with their follow-up actions."]


# --- follow-up action → evaluation before it, the new request after it ---


@pytest.fixture
def action(kenya) -> FollowUpAction:
    return FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__programme__status=P.COMPLETED,
        evaluation__status=E.ACCEPTED,
        responsible_state=kenya,
    )


def test_an_action_leads_to_the_new_request_and_back(
    client, desk_officer, focal_point_kenya, action
):
    evaluation = action.evaluation
    cycle, _page = _cycle(client, desk_officer, action.get_absolute_url())
    assert cycle.stage == "follow_up"
    assert _urls(cycle.previous) == [
        evaluation.get_absolute_url(),
        evaluation.programme.get_absolute_url(),
    ]
    # OHCHR does not start it: who does.
    no_request = ["The government's focal point may start a new request from this action."]
    assert _notes(cycle.next) == no_request
    cycle, page = _cycle(client, focal_point_kenya, action.get_absolute_url())
    [step] = cycle.next
    assert (step.step, step.post) == (True, True)
    assert f'action="{step.url}"' in page
    req = follow_up.start_request(action=action, by=focal_point_kenya)
    cycle, _page = _cycle(client, focal_point_kenya, action.get_absolute_url())
    assert _urls(cycle.next) == [req.get_absolute_url()]
    # The draft is the State's own: OHCHR reads the very sentence it read before.
    cycle, page = _cycle(client, desk_officer, action.get_absolute_url())
    assert _notes(cycle.next) == no_request
    assert req.reference not in page
    # The new request links back to the action it answers.
    cycle, _page = _cycle(client, focal_point_kenya, req.get_absolute_url())
    assert _urls(cycle.previous) == [action.get_absolute_url()]
    assert [link.label for link in cycle.previous] == ["Follow-up action it answers"]
    AssistanceRequest.objects.filter(pk=req.pk).update(status=R.SUBMITTED)
    cycle, _page = _cycle(client, desk_officer, action.get_absolute_url())
    assert _urls(cycle.next) == [req.get_absolute_url()]
    cycle, _page = _cycle(client, desk_officer, req.get_absolute_url())
    assert _urls(cycle.previous) == [action.get_absolute_url()]


def test_an_ohchr_action_starts_no_request(client, desk_officer, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya], evaluation__status=E.ACCEPTED
    )
    cycle, page = _cycle(client, desk_officer, action.get_absolute_url())
    assert cycle.next == []
    assert "Nothing follows." in page


def test_the_strip_is_on_every_record_page(client, desk_officer, kenya):
    """One include, the same landmark, on the five pages."""
    assessment = NeedsAssessmentFactory(request__country=kenya)
    action = FollowUpActionFactory(evaluation__programme__countries=[kenya])
    pages = [
        assessment.request.get_absolute_url(),
        assessment.get_absolute_url(),
        action.evaluation.programme.get_absolute_url(),
        action.evaluation.get_absolute_url(),
        action.get_absolute_url(),
    ]
    client.force_login(desk_officer)
    for number, url in enumerate(pages, start=1):
        page = client.get(url).content.decode()
        assert page.count('<nav class="cycle"') == 1, url
        assert f"Stage {number} of 5 of the cycle" in page, url


def test_planning_from_the_strip_then_shows_the_assessment(client, desk_officer, accepted):
    assessment_services.plan_assessment(
        request=accepted,
        mode=NeedsAssessment.Mode.MISSION,
        due_date=accepted.created_at.date(),
        by=desk_officer,
    )
    cycle, _page = _cycle(client, desk_officer, accepted.get_absolute_url())
    assert [link.step for link in cycle.next] == [False]


def test_the_request_pdf_names_records_not_the_steps_of_the_page(desk_officer, accepted):
    from requests_app import reports

    assert reports.context(desk_officer, accepted, {})["related"] == []
    assessment = NeedsAssessmentFactory(request=accepted, country=accepted.country)
    related = reports.context(desk_officer, accepted, {})["related"]
    assert [link.url for link in related] == [assessment.get_absolute_url()]


def test_a_cancelled_programme_with_no_evaluation_has_nothing_next(client, approver, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=P.CANCELLED)
    cycle, page = _cycle(client, approver, programme.get_absolute_url())
    assert cycle.next == []
    assert "Nothing follows." in page

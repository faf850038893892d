"""Evaluation and follow-up pages: lists, the evaluation page for the team and for a
government, the forms (kept as typed, every error shown), the dashboard, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationRecommendation,
    FollowUpAction,
)
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tests.factories import (
    EvaluationFactory,
    EvaluationRecommendationFactory,
    FollowUpActionFactory,
    FollowUpProgressFactory,
    rating_level,
)
from tests.files import ELF_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db
S = Evaluation.Status
F = FollowUpAction.Status
R = EvaluationRecommendation.Response
TODAY = datetime.date.today()


def _refs(response) -> list[str]:
    return [e.reference for e in response.context["page_obj"].object_list]


# --- lists ---


def test_list_filters_sorts_and_marks_the_overdue(client, desk_officer, kenya):
    first = EvaluationFactory(
        programme__countries=[kenya], due_date=TODAY - datetime.timedelta(days=3)
    )
    second = EvaluationFactory(
        programme__countries=[kenya],
        due_date=TODAY + datetime.timedelta(days=30),
        status=S.SUBMITTED,
        programme__title="Justice reform",
    )
    client.force_login(desk_officer)
    url = reverse("evaluations:list")
    response = client.get(url)
    assert _refs(response) == [first.reference, second.reference]
    assert [e.is_overdue for e in response.context["page_obj"]] == [True, False]
    assert "overdue" in response.content.decode()
    assert _refs(client.get(url, {"sort": "-due"})) == [second.reference, first.reference]
    assert _refs(client.get(url, {"status": S.SUBMITTED})) == [second.reference]
    assert _refs(client.get(url, {"q": "justice"})) == [second.reference]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _make_plan(kenya, n: int) -> None:
    for _ in range(n):
        recommendation = EvaluationRecommendationFactory(
            evaluation__programme__countries=[kenya],
            evaluation__status=S.ACCEPTED,
            response=R.AGREE,
        )
        FollowUpActionFactory(
            evaluation=recommendation.evaluation,
            recommendation=recommendation,
            responsible_state=kenya,
            due_date=TODAY - datetime.timedelta(days=1),
        )


@pytest.mark.parametrize(
    ("user", "url_name"),
    [
        (user, url_name)
        for user in ["desk_officer", "focal_point_kenya", "approver"]
        for url_name in [
            "evaluations:list",
            "evaluations:follow_up_list",
            "evaluations:overview",
            "dashboard",
        ]
        # The overview is OHCHR's; the access matrix checks a government cannot open it.
        if not (user == "focal_point_kenya" and url_name == "evaluations:overview")
    ],
)
def test_list_query_count_does_not_grow_with_rows(client, cast, kenya, user, url_name):
    client.force_login(cast[user])
    url = reverse(url_name)
    _make_plan(kenya, 3)
    # Warm the per-process caches (content types, permission names) with rows on the page.
    client.get(url)
    few = _queries(client, url)
    _make_plan(kenya, 30)
    assert _queries(client, url) == few


def test_the_evaluation_page_costs_the_same_with_more_recommendations(client, desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED)
    client.force_login(desk_officer)

    def grow(n: int) -> None:
        for _ in range(n):
            recommendation = EvaluationRecommendationFactory(
                evaluation=evaluation, response=R.AGREE
            )
            for _ in range(2):
                FollowUpActionFactory(evaluation=evaluation, recommendation=recommendation)

    client.get(evaluation.get_absolute_url())
    grow(2)
    few = _queries(client, evaluation.get_absolute_url())
    grow(20)
    assert _queries(client, evaluation.get_absolute_url()) == few


# --- the evaluation page ---


def test_the_team_sees_the_whole_report_with_its_forms(client, desk_officer, kenya):
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        status=S.IN_PROGRESS,
        findings="Training reached the regions.",
        terms_of_reference="Assess the police training.",
    )
    client.force_login(desk_officer)
    response = client.get(evaluation.get_absolute_url())
    page = response.content.decode()
    assert "Training reached the regions." in page
    assert "Assess the police training." in page
    for name in ("plan", "report", "ratings", "snapshot", "recommendation_add"):
        assert reverse(f"evaluations:{name}", args=[evaluation.pk]) in page, name
    assert response.context["upload_form"] is not None
    assert [row.criterion.code for row in response.context["ratings"]] == [
        "relevance",
        "coherence",
        "effectiveness",
        "efficiency",
        "impact",
        "sustainability",
    ]


def test_the_government_reads_the_summary_its_actions_and_nothing_internal(
    client, focal_point_kenya, kenya
):
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        status=S.ACCEPTED,
        summary="A summary for the government.",
        findings="Internal findings.",
        terms_of_reference="Internal terms.",
    )
    theirs = EvaluationRecommendationFactory(
        evaluation=evaluation, text="Adopt the action plan.", response=R.AGREE
    )
    internal = EvaluationRecommendationFactory(
        evaluation=evaluation, text="Restructure the OHCHR unit.", response=R.AGREE
    )
    mine = FollowUpActionFactory(
        evaluation=evaluation, recommendation=theirs, responsible_state=kenya
    )
    FollowUpActionFactory(evaluation=evaluation, recommendation=internal, owner="OHCHR unit")
    evaluation.ratings.create(
        criterion=EvaluationCriterion.objects.get(code="relevance"),
        level=rating_level("relevance", "satisfactory"),
        justification="Internal justification.",
        rated_by=focal_point_kenya,
    )
    client.force_login(focal_point_kenya)
    response = client.get(evaluation.get_absolute_url())
    page = response.content.decode()
    assert "A summary for the government." in page
    assert "Adopt the action plan." in page
    assert response.context["government_actions"] == [mine]
    for internal_text in (
        "Internal findings.",
        "Internal terms.",
        "Restructure the OHCHR unit.",
        "Internal justification.",
        "Satisfactory",
    ):
        assert internal_text not in page, internal_text


def test_the_page_offers_a_response_and_actions_only_where_the_services_accept_them(
    client, desk_officer, field_officer_east_africa, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SUBMITTED)
    unanswered = EvaluationRecommendationFactory(evaluation=evaluation, number=1)
    agreed = EvaluationRecommendationFactory(evaluation=evaluation, number=2, response=R.AGREE)
    client.force_login(desk_officer)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert reverse("evaluations:response", args=[evaluation.pk, unanswered.pk]) in page
    assert reverse("evaluations:action_add", args=[evaluation.pk, agreed.pk]) in page
    assert reverse("evaluations:action_add", args=[evaluation.pk, unanswered.pk]) not in page
    client.force_login(field_officer_east_africa)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert reverse("evaluations:response", args=[evaluation.pk, unanswered.pk]) not in page
    assert reverse("evaluations:action_add", args=[evaluation.pk, agreed.pk]) not in page


# --- forms keep what was typed and show every error ---


def test_the_ratings_form_shows_every_error_and_keeps_what_was_typed(client, desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.IN_PROGRESS)
    relevance = EvaluationCriterion.objects.get(code="relevance")
    impact = EvaluationCriterion.objects.get(code="impact")
    level = rating_level("relevance", "satisfactory")
    client.force_login(desk_officer)
    url = reverse("evaluations:ratings", args=[evaluation.pk])
    response = client.post(
        url,
        {
            f"level_{relevance.pk}": str(level.pk),
            f"justification_{relevance.pk}": "",
            f"justification_{impact.pk}": "Typed, but no level chosen.",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {f"justification_{relevance.pk}", f"level_{impact.pk}"}
    assert "Typed, but no level chosen." in response.content.decode()
    assert not evaluation.ratings.exists()
    response = client.post(
        url,
        {
            f"level_{relevance.pk}": str(level.pk),
            f"justification_{relevance.pk}": "Answers the UPR recommendations.",
        },
    )
    assert response.status_code == 302
    assert evaluation.ratings.get().level == level


def test_the_report_is_saved_and_stays_open(client, field_officer_east_africa, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.IN_PROGRESS)
    client.force_login(field_officer_east_africa)
    response = client.post(
        reverse("evaluations:report", args=[evaluation.pk]),
        {
            "methodology": "Interviews and document review.",
            "findings": "Most targets met.",
            "conclusions": "Relevant and effective.",
            "lessons_learned": "Start the monitoring earlier.",
            "summary": "For the government.",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.summary, evaluation.status) == ("For the government.", S.IN_PROGRESS)


def test_a_response_without_a_reason_comes_back_with_the_choice_kept(client, approver, kenya):
    recommendation = EvaluationRecommendationFactory(evaluation__programme__countries=[kenya])
    client.force_login(approver)
    url = reverse("evaluations:response", args=[recommendation.evaluation_id, recommendation.pk])
    response = client.post(url, {"response": R.DISAGREE, "reason": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert 'value="disagree" checked' in response.content.decode().replace("\n", " ") or (
        response.context["form"]["response"].value() == R.DISAGREE
    )
    response = client.post(url, {"response": R.DISAGREE, "reason": "Outside the mandate."})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.response == R.DISAGREE


def test_the_action_form_names_the_party_and_keeps_what_was_typed(client, desk_officer, kenya):
    recommendation = EvaluationRecommendationFactory(
        evaluation__programme__countries=[kenya], response=R.AGREE
    )
    client.force_login(desk_officer)
    url = reverse("evaluations:action_add", args=[recommendation.evaluation_id, recommendation.pk])
    page = client.get(url)
    # Only the programme's own State is offered.
    assert list(page.context["form"].fields["responsible_state"].queryset) == [kenya]
    response = client.post(
        url, {"description": "Adopt the curriculum.", "party": "government", "due_date": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"due_date", "responsible_state"}
    assert "Adopt the curriculum." in response.content.decode()
    response = client.post(
        url,
        {
            "description": "Adopt the curriculum.",
            "party": "government",
            "responsible_state": kenya.pk,
            "owner": "Ministry of Interior",
            "owner_user": desk_officer.pk,  # ignored: the government is responsible
            "due_date": "2027-06-30",
        },
    )
    assert response.status_code == 302
    action = recommendation.actions.get()
    assert (action.responsible_state, action.owner, action.owner_user) == (
        kenya,
        "Ministry of Interior",
        None,
    )


def test_a_refused_evidence_file_keeps_the_progress_text(client, focal_point_kenya, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__status=S.ACCEPTED,
        responsible_state=kenya,
    )
    client.force_login(focal_point_kenya)
    url = reverse("evaluations:progress_add", args=[action.pk])
    response = client.post(
        url,
        {
            "progress-date": TODAY.isoformat(),
            "progress-text": "The board adopted the curriculum.",
            "progress-evidence": upload("minutes.pdf", ELF_BYTES),
        },
    )
    assert response.status_code == 200
    form = response.context["progress_form"]
    assert "not one of the accepted types" in str(form.errors["evidence"])
    assert "The board adopted the curriculum." in response.content.decode()
    assert not action.progress_updates.exists()
    response = client.post(
        url,
        {
            "progress-date": TODAY.isoformat(),
            "progress-text": "The board adopted the curriculum.",
            "progress-evidence": upload("minutes.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    [progress] = action.progress_updates.all()
    [evidence] = progress.evidence.all()
    download = client.get(reverse("evaluations:evidence", args=[action.pk, evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_a_focal_point_starts_a_request_and_lands_on_its_form(client, focal_point_kenya, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__programme__status=Programme.Status.COMPLETED,
        evaluation__status=S.ACCEPTED,
        responsible_state=kenya,
    )
    client.force_login(focal_point_kenya)
    page = client.get(action.get_absolute_url())
    start = reverse("evaluations:request_start", args=[action.pk])
    [step] = page.context["cycle"].next
    assert (step.url, step.post) == (start, True)
    response = client.post(start)
    req = AssistanceRequest.objects.get()
    assert response["Location"] == reverse("requests_app:edit", args=[req.pk])
    page = client.get(action.get_absolute_url())
    # The step gives way to the request it started.
    assert [link.url for link in page.context["cycle"].next] == [req.get_absolute_url()]
    assert start not in page.content.decode()


# --- the dashboard ---


def _blocks(response) -> dict[str, int]:
    return {b.title: b.count for b in response.context["blocks"]}


def test_each_role_sees_what_it_must_do_next(client, cast, kenya):
    EvaluationFactory(
        programme__countries=[kenya], status=S.SCHEDULED, due_date=TODAY - datetime.timedelta(1)
    )
    submitted = EvaluationFactory(programme__countries=[kenya], status=S.SUBMITTED)
    EvaluationRecommendationFactory(evaluation=submitted)
    accepted = EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED)
    FollowUpActionFactory(evaluation=accepted, responsible_state=kenya, status=F.DONE)
    FollowUpActionFactory(
        evaluation=accepted, responsible_state=kenya, due_date=TODAY - datetime.timedelta(1)
    )
    client.force_login(cast["desk_officer"])
    blocks = _blocks(client.get(reverse("dashboard")))
    assert blocks["Evaluations to conduct"] == 1
    assert blocks["Recommendations awaiting a management response"] == 1
    assert blocks["Follow-up actions to verify"] == 1
    assert blocks["Overdue follow-up actions"] == 1
    client.force_login(cast["approver"])
    blocks = _blocks(client.get(reverse("dashboard")))
    assert blocks["Evaluation reports to accept"] == 1
    assert blocks["Recommendations awaiting a management response"] == 1
    client.force_login(cast["focal_point_kenya"])
    response = client.get(reverse("dashboard"))
    assert _blocks(response)["Follow-up actions assigned to your government"] == 1
    [block] = [
        b
        for b in response.context["blocks"]
        if b.title == "Follow-up actions assigned to your government"
    ]
    assert "overdue" in block.rows[0].meta
    client.force_login(cast["focal_point_peru"])
    assert (
        _blocks(client.get(reverse("dashboard")))["Follow-up actions assigned to your government"]
        == 0
    )


def test_the_programme_page_links_to_its_evaluations(
    client, desk_officer, focal_point_kenya, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SCHEDULED)
    from tcp.related import related_links

    links = related_links(evaluation.programme, desk_officer)
    assert [link.url for link in links] == [
        evaluation.get_absolute_url(),
        f"{reverse('evaluations:schedule')}?programme={evaluation.programme_id}",
    ]
    # The government opens neither a scheduled evaluation nor the scheduling page:
    # it reads when the evaluations reach it.
    assert [
        (link.url, link.note) for link in related_links(evaluation.programme, focal_point_kenya)
    ] == [("", "OHCHR shares the summary of each evaluation once it is accepted.")]


def test_the_progress_of_an_action_is_listed_with_its_evidence(client, desk_officer, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya], evaluation__status=S.ACCEPTED
    )
    FollowUpProgressFactory(action=action, text="First workshop held.")
    client.force_login(desk_officer)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "First workshop held." in page

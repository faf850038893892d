"""Who may do what on an evaluation and its follow-up plan, at each state: rate,
respond, update and verify; the follow-up plan's rules; the evaluator invited from
the roster; the new request an action starts; documents and evidence uploaded
through the checked path."""

from __future__ import annotations

import datetime

import pytest

from evaluations import follow_up, services
from evaluations.models import (
    Evaluation,
    EvaluationDocument,
    EvaluationRecommendation,
    FollowUpAction,
    FollowUpEvidence,
)
from evaluations.selectors import (
    evaluation_documents,
    evaluation_in_scope,
    visible_evaluations,
    visible_follow_up_actions,
)
from programmes.models import Programme
from requests_app.models import AssistanceRequest, Recommendation
from tcp.documents import Visibility
from tcp.lifecycle import TransitionRefused, status_changes
from tcp.models import Mechanism, RosterExpert, ThematicArea
from tcp.related import related_links
from tcp.views import timeline
from tests.conftest import make_user
from tests.factories import (
    ComponentFactory,
    EvaluationFactory,
    EvaluationRecommendationFactory,
    FollowUpActionFactory,
    FollowUpProgressFactory,
    ProgrammeFactory,
    rating_level,
)
from tests.files import ELF_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db
S = Evaluation.Status
F = FollowUpAction.Status
R = EvaluationRecommendation.Response
CAST = (
    "focal_point_kenya",
    "focal_point_peru",
    "field_officer_east_africa",
    "field_officer_south_america",
    "desk_officer",
    "desk_officer_peru",
    "approver",
    "auditor",
    "administrator",
    "outsider",
)


def _allowed(cast, check) -> set[str]:
    return {name for name in CAST if check(cast[name]) is None}


# --- who may rate (write the report), by evaluation status ---

TEAM = {"desk_officer", "field_officer_east_africa"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.SCHEDULED, TEAM),
        (S.IN_PROGRESS, TEAM),
        (S.SUBMITTED, set()),
        (S.ACCEPTED, set()),
        (S.DROPPED, set()),
    ],
)
def test_who_may_rate_at_each_status(cast, kenya, status, expected):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=status)
    assert _allowed(cast, lambda u: services.edit_refusal(evaluation=evaluation, user=u)) == (
        expected
    )


def test_the_team_rates_each_criterion_on_its_scale_with_a_justification(desk_officer, kenya):
    from evaluations.models import EvaluationCriterion

    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.IN_PROGRESS)
    relevance = EvaluationCriterion.objects.get(code="relevance")
    sustainability = EvaluationCriterion.objects.get(code="sustainability")
    good = rating_level("relevance", "satisfactory")
    likely = rating_level("sustainability", "likely")
    with pytest.raises(TransitionRefused, match="needs a justification"):
        services.rate_evaluation(
            evaluation=evaluation,
            by=desk_officer,
            ratings=[services.Rating(relevance, good, " ")],
        )
    with pytest.raises(TransitionRefused, match="on its own scale"):
        services.rate_evaluation(
            evaluation=evaluation,
            by=desk_officer,
            ratings=[services.Rating(sustainability, good, "Likely to last.")],
        )
    services.rate_evaluation(
        evaluation=evaluation,
        by=desk_officer,
        ratings=[
            services.Rating(relevance, good, "Answers the UPR recommendations."),
            services.Rating(sustainability, likely, "The academy owns the curriculum."),
        ],
    )
    assert {(r.criterion.code, r.level.code) for r in evaluation.ratings.all()} == {
        ("relevance", "satisfactory"),
        ("sustainability", "likely"),
    }
    # A criterion left without a level loses its rating.
    services.rate_evaluation(
        evaluation=evaluation, by=desk_officer, ratings=[services.Rating(relevance, None, "")]
    )
    assert [r.criterion.code for r in evaluation.ratings.all()] == ["sustainability"]


def test_the_scales_are_reference_data():
    from evaluations.models import EvaluationCriterion

    assert list(
        EvaluationCriterion.objects.values_list("code", "scale__code").order_by("sort_order")
    ) == [
        ("relevance", "satisfaction"),
        ("coherence", "satisfaction"),
        ("effectiveness", "satisfaction"),
        ("efficiency", "satisfaction"),
        ("impact", "satisfaction"),
        ("sustainability", "likelihood"),
    ]
    six = EvaluationCriterion.objects.get(code="impact").scale
    assert list(six.levels.values_list("label", flat=True)) == [
        "Highly satisfactory",
        "Satisfactory",
        "Moderately satisfactory",
        "Moderately unsatisfactory",
        "Unsatisfactory",
        "Highly unsatisfactory",
    ]
    four = EvaluationCriterion.objects.get(code="sustainability").scale
    assert list(four.levels.values_list("label", flat=True)) == [
        "Likely",
        "Moderately likely",
        "Moderately unlikely",
        "Unlikely",
    ]


def test_a_post_implementation_evaluation_is_submitted_rated_on_every_criterion(
    desk_officer, kenya
):
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        kind=Evaluation.Kind.POST_IMPLEMENTATION,
        status=S.IN_PROGRESS,
        summary="Done.",
    )
    with pytest.raises(TransitionRefused) as refused:
        services.perform(evaluation, "submit", by=desk_officer)
    assert "a rating on Relevance" in refused.value.missing
    assert "a rating on Sustainability" in refused.value.missing


# --- who may respond, by evaluation status ---

RESPONDERS = {"desk_officer", "approver"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.SCHEDULED, set()),
        (S.IN_PROGRESS, set()),
        (S.SUBMITTED, RESPONDERS),
        (S.ACCEPTED, RESPONDERS),
        (S.DROPPED, set()),
    ],
)
def test_who_may_respond_at_each_status(cast, kenya, status, expected):
    recommendation = EvaluationRecommendationFactory(
        evaluation__programme__countries=[kenya], evaluation__status=status
    )
    assert (
        _allowed(
            cast,
            lambda u: services.response_refusal(recommendation=recommendation, user=u),
        )
        == expected
    )


def test_a_response_needs_a_reason_unless_agreeing(desk_officer, kenya):
    recommendation = EvaluationRecommendationFactory(evaluation__programme__countries=[kenya])
    for response in (R.PARTIALLY_AGREE, R.DISAGREE):
        with pytest.raises(TransitionRefused, match="Say why"):
            services.respond_to_recommendation(
                recommendation=recommendation, by=desk_officer, response=response, reason=" "
            )
    services.respond_to_recommendation(
        recommendation=recommendation, by=desk_officer, response=R.AGREE
    )
    recommendation.refresh_from_db()
    assert (recommendation.response, recommendation.responded_by) == (R.AGREE, desk_officer)


def test_the_report_is_accepted_once_every_recommendation_has_a_response(
    approver, desk_officer, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SUBMITTED, summary="ok")
    first = EvaluationRecommendationFactory(evaluation=evaluation, number=1)
    EvaluationRecommendationFactory(evaluation=evaluation, number=2, response=R.AGREE)
    with pytest.raises(TransitionRefused) as refused:
        services.perform(evaluation, "accept", by=approver)
    assert refused.value.missing == ["a management response to recommendation 1"]
    services.respond_to_recommendation(
        recommendation=first, by=desk_officer, response=R.DISAGREE, reason="Outside the mandate."
    )
    services.perform(evaluation, "accept", by=approver)
    evaluation.refresh_from_db()
    assert evaluation.status == S.ACCEPTED
    assert list(evaluation.shared_with.all()) == [kenya]


# --- the follow-up plan: actions follow agreed recommendations ---


def test_actions_follow_a_recommendation_ohchr_agreed_with(desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SUBMITTED)
    unanswered = EvaluationRecommendationFactory(evaluation=evaluation, number=1)
    disagreed = EvaluationRecommendationFactory(
        evaluation=evaluation, number=2, response=R.DISAGREE
    )
    partly = EvaluationRecommendationFactory(
        evaluation=evaluation, number=3, response=R.PARTIALLY_AGREE
    )
    fields = {
        "description": "Adopt the curriculum.",
        "owner": "Ministry of Interior",
        "responsible_state": kenya,
        "due_date": datetime.date(2027, 6, 30),
    }
    for recommendation, reason in ((unanswered, "management response"), (disagreed, "disagreed")):
        with pytest.raises(TransitionRefused, match=reason):
            follow_up.add_follow_up_action(recommendation=recommendation, by=desk_officer, **fields)
    action = follow_up.add_follow_up_action(recommendation=partly, by=desk_officer, **fields)
    assert (action.evaluation, action.recommendation) == (evaluation, partly)
    # Disagreeing afterwards is refused while the action stands.
    with pytest.raises(TransitionRefused, match="drop them"):
        services.respond_to_recommendation(
            recommendation=partly, by=desk_officer, response=R.DISAGREE, reason="Changed our mind."
        )


def test_the_government_responsible_is_one_of_the_programmes_states(desk_officer, kenya, peru):
    recommendation = EvaluationRecommendationFactory(
        evaluation__programme__countries=[kenya], response=R.AGREE
    )
    with pytest.raises(TransitionRefused, match="a State the programme covers"):
        follow_up.add_follow_up_action(
            recommendation=recommendation,
            by=desk_officer,
            description="Adopt the curriculum.",
            responsible_state=peru,
            due_date=datetime.date(2027, 6, 30),
        )


def test_the_staff_member_responsible_works_on_the_programme(
    desk_officer, desk_officer_peru, field_officer_east_africa, kenya
):
    recommendation = EvaluationRecommendationFactory(
        evaluation__programme__countries=[kenya], response=R.AGREE
    )
    fields = {"description": "Brief the academy.", "due_date": datetime.date(2027, 6, 30)}
    with pytest.raises(TransitionRefused, match="works on the programme"):
        follow_up.add_follow_up_action(
            recommendation=recommendation, by=desk_officer, owner_user=desk_officer_peru, **fields
        )
    action = follow_up.add_follow_up_action(
        recommendation=recommendation,
        by=desk_officer,
        owner_user=field_officer_east_africa,
        **fields,
    )
    assert action.responsible == str(field_officer_east_africa)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [("desk_officer", True), ("field_officer_east_africa", False), ("approver", False)],
)
def test_the_desk_officer_adds_the_actions(cast, kenya, user, allowed):
    recommendation = EvaluationRecommendationFactory(
        evaluation__programme__countries=[kenya], response=R.AGREE
    )
    assert (follow_up.action_refusal(recommendation=recommendation, user=cast[user]) is None) is (
        allowed
    )


# --- who may update (report progress, start, report done), by action status ---


def _government_action(kenya, status: str, **kwargs) -> FollowUpAction:
    return FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__status=S.ACCEPTED,
        responsible_state=kenya,
        status=status,
        **kwargs,
    )


UPDATERS = {"focal_point_kenya", "field_officer_east_africa", "desk_officer"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (F.OPEN, UPDATERS),
        (F.IN_PROGRESS, UPDATERS),
        (F.DONE, set()),
        (F.VERIFIED, set()),
        (F.DROPPED, set()),
    ],
)
def test_who_may_report_progress_at_each_status(cast, kenya, status, expected):
    action = _government_action(kenya, status)
    assert _allowed(cast, lambda u: follow_up.progress_refusal(action=action, user=u)) == expected


@pytest.mark.parametrize(
    ("status", "action_name", "expected"),
    [
        (F.OPEN, "start", UPDATERS),
        (F.IN_PROGRESS, "report_done", UPDATERS),
        (F.DONE, "verify_done", {"desk_officer"}),
        (F.DONE, "reopen", {"desk_officer"}),
        (F.IN_PROGRESS, "drop", {"desk_officer"}),
    ],
)
def test_who_may_update_and_verify(cast, kenya, status, action_name, expected):
    action = _government_action(kenya, status)
    FollowUpProgressFactory(action=action)
    lifecycle = follow_up.FOLLOW_UP_LIFECYCLE
    assert _allowed(cast, lambda u: lifecycle.refusal(action, action_name, u)) == expected


def test_an_internal_action_is_updated_by_ohchr_only(cast, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya], evaluation__status=S.ACCEPTED
    )
    assert _allowed(cast, lambda u: follow_up.progress_refusal(action=action, user=u)) == {
        "field_officer_east_africa",
        "desk_officer",
    }


def test_nothing_is_updated_before_the_evaluation_is_accepted(cast, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__status=S.SUBMITTED,
        responsible_state=kenya,
    )
    assert _allowed(cast, lambda u: follow_up.progress_refusal(action=action, user=u)) == set()
    refusal = follow_up.FOLLOW_UP_LIFECYCLE.refusal(action, "start", cast["desk_officer"])
    assert refusal.missing == ["the evaluation accepted"]


def test_progress_with_evidence_starts_the_action_then_it_is_reported_done_and_verified(
    kenya, focal_point_kenya, desk_officer
):
    action = _government_action(kenya, F.IN_PROGRESS)
    with pytest.raises(TransitionRefused) as refused:
        follow_up.FOLLOW_UP_LIFECYCLE.apply(action, "report_done", by=focal_point_kenya)
    assert refused.value.missing == ["a progress update saying what was done"]
    FollowUpAction.objects.filter(pk=action.pk).update(status=F.OPEN)
    action.refresh_from_db()
    progress = follow_up.record_progress(
        action=action,
        by=focal_point_kenya,
        date=datetime.date.today(),
        text="The curriculum was adopted by the academy board.",
        evidence=upload("board-minutes.pdf", PDF_BYTES),
    )
    action.refresh_from_db()
    assert action.status == F.IN_PROGRESS
    [evidence] = progress.evidence.all()
    assert (evidence.original_name, evidence.visibility) == ("board-minutes.pdf", "shared")
    assert evidence.uploaded_by == focal_point_kenya
    follow_up.perform_follow_up(action, "report_done", by=focal_point_kenya)
    action.refresh_from_db()
    assert action.status == F.DONE and action.done_at is not None
    follow_up.perform_follow_up(action, "verify_done", by=desk_officer)
    action.refresh_from_db()
    assert action.status == F.VERIFIED and action.verified_at is not None


def test_a_reopened_action_carries_a_comment_the_government_reads(
    kenya, focal_point_kenya, desk_officer
):
    action = _government_action(kenya, F.IN_PROGRESS)
    FollowUpProgressFactory(action=action, recorded_by=focal_point_kenya)
    follow_up.perform_follow_up(action, "report_done", by=focal_point_kenya)
    with pytest.raises(TransitionRefused, match="what is still missing"):
        follow_up.perform_follow_up(action, "reopen", by=desk_officer)
    follow_up.perform_follow_up(
        action, "reopen", by=desk_officer, note="The regional academies are not covered yet."
    )
    action.refresh_from_db()
    assert (action.status, action.done_at) == (F.IN_PROGRESS, None)
    seen = timeline(action, follow_up.FOLLOW_UP_LIFECYCLE, internal=False)
    assert seen[-1].note == "The regional academies are not covered yet."


def test_a_dropped_action_says_why(kenya, desk_officer):
    action = _government_action(kenya, F.OPEN)
    with pytest.raises(TransitionRefused, match="why the action is dropped"):
        follow_up.perform_follow_up(action, "drop", by=desk_officer)
    follow_up.perform_follow_up(action, "drop", by=desk_officer, note="Overtaken by the new law.")
    [event] = status_changes(action)
    assert (event.to_status, event.note) == (F.DROPPED, "Overtaken by the new law.")


# --- a State on a regional programme never sees another State's actions ---


@pytest.fixture
def regional_evaluation(kenya, peru) -> Evaluation:
    return EvaluationFactory(
        programme__countries=[kenya, peru],
        programme__scope=Programme.Scope.REGIONAL,
        status=S.ACCEPTED,
    )


def test_each_state_sees_and_updates_only_its_own_actions(
    regional_evaluation, kenya, peru, focal_point_kenya, focal_point_peru
):
    kenyan = FollowUpActionFactory(evaluation=regional_evaluation, responsible_state=kenya)
    peruvian = FollowUpActionFactory(evaluation=regional_evaluation, responsible_state=peru)
    ohchr = FollowUpActionFactory(evaluation=regional_evaluation)
    assert list(visible_follow_up_actions(focal_point_kenya)) == [kenyan]
    assert list(visible_follow_up_actions(focal_point_peru)) == [peruvian]
    assert follow_up.progress_refusal(action=peruvian, user=focal_point_kenya) is not None
    assert follow_up.progress_refusal(action=ohchr, user=focal_point_kenya) is not None
    with pytest.raises(TransitionRefused):
        follow_up.record_progress(
            action=peruvian, by=focal_point_kenya, date=datetime.date.today(), text="Done."
        )
    assert not peruvian.progress_updates.exists()


def test_a_state_the_evaluation_is_not_shared_with_sees_none_of_it(
    regional_evaluation, kenya, peru, focal_point_peru
):
    regional_evaluation.shared_with.set([kenya])
    FollowUpActionFactory(evaluation=regional_evaluation, responsible_state=peru)
    assert not visible_evaluations(focal_point_peru).exists()
    assert not visible_follow_up_actions(focal_point_peru).exists()


def test_sharing_names_only_states_the_programme_covers(regional_evaluation, desk_officer, kenya):
    from tcp.models import Country

    uganda = Country.objects.get(iso3="UGA")
    with pytest.raises(TransitionRefused, match="Uganda"):
        services.share_evaluation(evaluation=regional_evaluation, states=[uganda], by=desk_officer)
    services.share_evaluation(evaluation=regional_evaluation, states=[kenya], by=desk_officer)
    assert list(regional_evaluation.shared_with.all()) == [kenya]


# --- the cycle closes: an action starts a new request ---


def test_a_focal_point_starts_a_new_request_from_its_states_action(
    kenya, peru, focal_point_kenya, focal_point_peru, desk_officer
):
    programme = ProgrammeFactory(
        countries=[kenya, peru],
        scope=Programme.Scope.REGIONAL,
        status=Programme.Status.COMPLETED,
        title="Justice for all",
    )
    area = ThematicArea.objects.order_by("pk")[1]
    ComponentFactory(programme=programme, thematic_area=area)
    mechanism = Mechanism.objects.first()
    for_kenya = Recommendation.objects.create(country=kenya, mechanism=mechanism, text="Train.")
    for_peru = Recommendation.objects.create(country=peru, mechanism=mechanism, text="Legislate.")
    programme.recommendations.set([for_kenya, for_peru])
    evaluation = EvaluationFactory(programme=programme, status=S.ACCEPTED)
    recommendation = EvaluationRecommendationFactory(
        evaluation=evaluation, text="Extend the training to the regions.", response=R.AGREE
    )
    action = FollowUpActionFactory(
        evaluation=evaluation,
        recommendation=recommendation,
        responsible_state=kenya,
        description="Train the regional police academies.",
    )
    assert "focal point" in follow_up.request_refusal(action=action, user=desk_officer)
    assert follow_up.request_refusal(action=action, user=focal_point_peru) is not None

    req = follow_up.start_request(action=action, by=focal_point_kenya)

    assert (req.country, req.status, req.created_by) == (
        kenya,
        AssistanceRequest.Status.DRAFT,
        focal_point_kenya,
    )
    assert req.title.startswith(f"Follow-up to {evaluation.reference}:")
    assert "Extend the training to the regions." in req.justification
    assert evaluation.reference in req.justification
    assert "Justice for all" in req.description
    assert list(req.thematic_areas.all()) == [area]
    assert list(req.recommendations.all()) == [for_kenya]
    action.refresh_from_db()
    assert action.request == req
    # Linked both ways: the request page names the action it answers.
    [link] = [link for link in related_links(req, focal_point_kenya) if link.previous]
    assert link.url == action.get_absolute_url()
    assert [link.url for link in related_links(req, desk_officer) if link.previous] == [
        action.get_absolute_url()
    ]
    # Once only.
    assert "already" in follow_up.request_refusal(action=action, user=focal_point_kenya)
    with pytest.raises(TransitionRefused):
        follow_up.start_request(action=action, by=focal_point_kenya)


def test_an_ohchr_action_starts_no_request(kenya, focal_point_kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya], evaluation__status=S.ACCEPTED
    )
    assert follow_up.request_refusal(action=action, user=focal_point_kenya) is not None


# --- the evaluator: staff, a roster expert invited to this one evaluation, or a firm ---


def test_an_expert_from_the_roster_is_invited_to_this_evaluation_only(
    client, kenya, desk_officer, field_officer_east_africa
):
    account = make_user("expert", None)
    expert = RosterExpert.objects.create(name="Dr. Amina Diallo", languages="French", user=account)
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SCHEDULED)
    other = EvaluationFactory(programme=evaluation.programme, status=S.SCHEDULED)
    services.update_plan(
        evaluation=evaluation,
        by=desk_officer,
        evaluator_kind=Evaluation.EvaluatorKind.ROSTER,
        evaluator_expert=expert,
        evaluator_firm="ignored",
    )
    evaluation.refresh_from_db()
    assert (evaluation.evaluator, evaluation.evaluator_firm) == ("Dr. Amina Diallo", "")
    assert list(visible_evaluations(account)) == [evaluation]
    assert not evaluation_in_scope(other, account)
    # The team: starts, writes, submits; nothing else of the programme.
    assert services.edit_refusal(evaluation=evaluation, user=account) is None
    services.perform(evaluation, "start", by=account)
    services.update_report(evaluation=evaluation, by=account, summary="Written by the expert.")
    services.perform(evaluation, "submit", by=account)
    client.force_login(account)
    page = client.get(evaluation.get_absolute_url())
    assert page.status_code == 200
    # The expert may not open the programme: the page does not link to it.
    assert page.context["cycle"].previous == []
    assert client.get(other.get_absolute_url()).status_code == 404
    # Replaced by staff: the invitation goes.
    Evaluation.objects.filter(pk=evaluation.pk).update(status=S.IN_PROGRESS)
    evaluation.refresh_from_db()
    services.update_plan(
        evaluation=evaluation,
        by=desk_officer,
        evaluator_kind=Evaluation.EvaluatorKind.STAFF,
        evaluator_user=field_officer_east_africa,
    )
    account = type(account).objects.get(pk=account.pk)
    assert not visible_evaluations(account).exists()


def test_the_staff_evaluator_works_on_the_programmes_countries(
    desk_officer, desk_officer_peru, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SCHEDULED)
    with pytest.raises(TransitionRefused, match="works on the programme's countries"):
        services.update_plan(
            evaluation=evaluation,
            by=desk_officer,
            evaluator_kind=Evaluation.EvaluatorKind.STAFF,
            evaluator_user=desk_officer_peru,
        )


def test_an_inactive_expert_is_not_invited(desk_officer, kenya):
    expert = RosterExpert.objects.create(name="Retired", is_active=False)
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SCHEDULED)
    with pytest.raises(TransitionRefused, match="active roster"):
        services.update_plan(
            evaluation=evaluation,
            by=desk_officer,
            evaluator_kind=Evaluation.EvaluatorKind.ROSTER,
            evaluator_expert=expert,
        )


# --- documents and evidence: the checked path of every stage ---


def test_evaluation_documents_are_checked_and_shared_only_when_accepted(
    kenya, desk_officer, focal_point_kenya, approver
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.IN_PROGRESS, summary="ok")
    with pytest.raises(TransitionRefused, match="not one of the accepted types"):
        services.attach_evaluation_document(
            evaluation=evaluation, file=upload("report.pdf", ELF_BYTES), by=desk_officer
        )
    with pytest.raises(TransitionRefused, match="is empty"):
        services.attach_evaluation_document(
            evaluation=evaluation, file=upload("report.pdf", b""), by=desk_officer
        )
    shared = services.attach_evaluation_document(
        evaluation=evaluation,
        file=upload("report.pdf", PDF_BYTES),
        by=desk_officer,
        kind=EvaluationDocument.Kind.REPORT,
        visibility=Visibility.SHARED,
    )
    with pytest.raises(TransitionRefused, match="already attached"):
        services.attach_evaluation_document(
            evaluation=evaluation, file=upload("copy.pdf", PDF_BYTES), by=desk_officer
        )
    services.attach_evaluation_document(
        evaluation=evaluation, file=upload("notes.png", PNG_BYTES), by=desk_officer
    )
    assert evaluation.documents.count() == 2
    services.perform(evaluation, "submit", by=desk_officer)
    services.perform(evaluation, "accept", by=approver)
    assert list(evaluation_documents(evaluation, focal_point_kenya)) == [shared]
    # A submitted evaluation takes no more documents.
    with pytest.raises(TransitionRefused, match="can no longer be edited"):
        services.attach_evaluation_document(
            evaluation=evaluation, file=upload("late.png", PNG_BYTES + b"x"), by=desk_officer
        )


def test_a_refused_evidence_file_refuses_the_whole_progress_update(kenya, focal_point_kenya):
    action = _government_action(kenya, F.OPEN)
    with pytest.raises(TransitionRefused, match="not one of the accepted types"):
        follow_up.record_progress(
            action=action,
            by=focal_point_kenya,
            date=datetime.date.today(),
            text="Adopted.",
            evidence=upload("minutes.pdf", ELF_BYTES),
        )
    action.refresh_from_db()
    assert action.status == F.OPEN
    assert not action.progress_updates.exists()
    assert not FollowUpEvidence.objects.exists()


def test_progress_is_not_reported_in_the_future(kenya, focal_point_kenya):
    action = _government_action(kenya, F.OPEN)
    with pytest.raises(TransitionRefused, match="future"):
        follow_up.record_progress(
            action=action,
            by=focal_point_kenya,
            date=datetime.date.today() + datetime.timedelta(days=2),
            text="Will be done.",
        )

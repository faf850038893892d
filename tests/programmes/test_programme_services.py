"""The services behind drafting, review and acceptance: who may draft from an
assessment and when, the findings as components, reviewers named from outside
the programme's countries, and the draft fixed once approved."""

from __future__ import annotations

import datetime

import pytest

from assessments.models import Finding, NeedsAssessment
from programmes import services
from programmes.models import Component, Programme
from programmes.selectors import programme_in_scope, visible_programmes
from requests_app.models import Recommendation
from tcp import scoping
from tcp.lifecycle import TransitionRefused
from tcp.models import Country, FormOfAssistance, Mechanism, ThematicArea
from tests.factories import ComponentFactory, NeedsAssessmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
S = Programme.Status
A = NeedsAssessment.Status


def recommendation(country: Country, text: str = "Train the police.") -> Recommendation:
    return Recommendation.objects.create(
        country=country, mechanism=Mechanism.objects.first(), text=text
    )


def finding(assessment: NeedsAssessment, area: ThematicArea, **kwargs) -> Finding:
    defaults = {
        "need": f"{area.name}: no trained staff.",
        "priority": Finding.Priority.HIGH,
        "recommended_assistance": FormOfAssistance.objects.get(code="training-courses"),
        "recorded_by": assessment.request.created_by,
        "visibility": "internal",
    }
    return Finding.objects.create(
        assessment=assessment, thematic_area=area, **{**defaults, **kwargs}
    )


@pytest.fixture
def validated(kenya) -> NeedsAssessment:
    return NeedsAssessmentFactory(request__country=kenya, status=A.VALIDATED)


def test_every_finding_drafted_becomes_a_component_with_its_recommendations(
    desk_officer, kenya, validated
):
    areas = list(ThematicArea.objects.all()[:3])
    found = [finding(validated, area) for area in areas]
    on_request = recommendation(kenya, "Ratify the optional protocol.")
    validated.request.recommendations.add(on_request)
    on_finding = recommendation(kenya, "Train the judiciary.")
    found[0].recommendations.add(on_finding)

    programme = services.draft_from_assessment(
        assessment=validated, by=desk_officer, findings=found, objective="Better justice."
    )

    assert programme.scope == Programme.Scope.NATIONAL
    assert list(programme.countries.all()) == [kenya]
    assert programme.title == validated.title
    components = list(programme.components.order_by("id"))
    assert [c.finding for c in components] == found
    assert [c.thematic_area for c in components] == areas
    assert components[0].objective == found[0].need
    assert set(programme.recommendations.all()) == {on_request, on_finding}


def test_one_programme_per_assessment_unless_cancelled(desk_officer, validated):
    first = services.draft_from_assessment(assessment=validated, by=desk_officer, findings=[])
    refusal = services.assessment_draft_refusal(assessment=validated, user=desk_officer)
    assert first.reference in refusal
    with pytest.raises(TransitionRefused, match="already drafted"):
        services.draft_from_assessment(assessment=validated, by=desk_officer, findings=[])
    Programme.objects.filter(pk=first.pk).update(status=S.CANCELLED)
    assert services.assessment_draft_refusal(assessment=validated, user=desk_officer) is None


@pytest.mark.parametrize("status", [A.PLANNED, A.IN_PROGRESS, A.FINDINGS_SUBMITTED])
def test_an_unvalidated_assessment_is_not_drafted_from(desk_officer, kenya, status):
    assessment = NeedsAssessmentFactory(request__country=kenya, status=status)
    assert "validated" in services.assessment_draft_refusal(
        assessment=assessment, user=desk_officer
    )
    with pytest.raises(TransitionRefused):
        services.draft_from_assessment(assessment=assessment, by=desk_officer, findings=[])
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    "role", ["desk_officer_peru", "field_officer_east_africa", "approver", "focal_point_kenya"]
)
def test_only_the_countrys_desk_officer_drafts_from_its_assessment(cast, validated, role):
    assert services.assessment_draft_refusal(assessment=validated, user=cast[role])
    with pytest.raises(TransitionRefused):
        services.draft_from_assessment(assessment=validated, by=cast[role], findings=[])


def test_a_finding_of_another_assessment_is_refused(desk_officer, kenya, validated):
    other = NeedsAssessmentFactory(request__country=kenya, status=A.VALIDATED)
    foreign = finding(other, ThematicArea.objects.first())
    with pytest.raises(TransitionRefused, match="assessment"):
        services.draft_from_assessment(assessment=validated, by=desk_officer, findings=[foreign])
    assert not Programme.objects.exists()


def test_creation_needs_a_drafting_role_and_a_country(cast, kenya):
    assert list(services.drafting_countries(cast["desk_officer"])) == [kenya]
    assert services.programme_creation_refusal(user=cast["desk_officer"]) is None
    for role in ("approver", "auditor", "administrator", "field_officer_east_africa", "outsider"):
        assert services.programme_creation_refusal(user=cast[role]), role
    # The drafting role without a portfolio drafts nothing.
    scoping.set_desk_officer(country=kenya, user=None, by=cast["administrator"])
    assert services.programme_creation_refusal(user=cast["desk_officer"])


def test_regional_programme_needs_the_desk_officer_of_every_country(cast, kenya, peru):
    with pytest.raises(TransitionRefused, match="every country"):
        services.create_programme(
            title="Andes and Horn",
            countries=[kenya, peru],
            scope=Programme.Scope.REGIONAL,
            region="africa",
            by=cast["desk_officer"],
        )
    uganda = Country.objects.get(iso3="UGA")
    scoping.set_desk_officer(country=uganda, user=cast["desk_officer"], by=cast["administrator"])
    programme = services.create_programme(
        title="East African NHRI network",
        countries=[kenya, uganda],
        scope=Programme.Scope.REGIONAL,
        region="africa",
        by=cast["desk_officer"],
    )
    assert programme.reference.startswith("TCP-") and "-AFR-" in programme.reference


def test_an_approved_programme_changes_only_through_an_amendment(desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.APPROVED)
    refusal = services.drafting_refusal(programme=programme, user=desk_officer)
    assert "amendment" in refusal
    with pytest.raises(TransitionRefused, match="amendment"):
        services.update_programme(programme=programme, by=desk_officer, title="Renamed")
    programme.refresh_from_db()
    assert programme.title != "Renamed"


def test_update_writes_every_field_and_tag(desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], created_by=desk_officer)
    rec = recommendation(kenya)
    services.update_programme(
        programme=programme,
        by=desk_officer,
        title="Justice for all",
        end_date=datetime.date(2028, 6, 30),
        implementing_modality=Programme.Modality.JOINT_UNDP,
        gender_marker=2,
        gender_marker_justification="Women's access to justice is a main output.",
        board_components=list(programme.board_components.model.objects.all()[:2]),
        recommendations=[rec],
    )
    programme.refresh_from_db()
    assert programme.title == "Justice for all"
    assert programme.gender_marker == 2
    assert programme.board_components.count() == 2
    assert list(programme.recommendations.all()) == [rec]
    assert programme.history.count() >= 2


def test_recommendations_of_an_uncovered_state_are_refused(desk_officer, kenya, peru):
    programme = ProgrammeFactory(countries=[kenya], created_by=desk_officer)
    with pytest.raises(TransitionRefused, match="States it covers"):
        services.update_programme(
            programme=programme, by=desk_officer, recommendations=[recommendation(peru)]
        )


def test_a_reviewer_from_elsewhere_reads_and_reviews_this_programme_only(cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    other = ProgrammeFactory(countries=[kenya])
    ComponentFactory(programme=programme)
    reviewer = cast["field_officer_south_america"]
    assert not programme_in_scope(programme, reviewer)

    services.set_reviewers(programme=programme, reviewers=[reviewer], by=cast["desk_officer"])
    assert list(visible_programmes(reviewer)) == [programme]
    assert not programme_in_scope(other, reviewer)
    # Named while drafting; reviews while under review.
    assert "under review" in services.review_refusal(programme=programme, user=reviewer)
    services.perform(programme, "submit_for_review", by=cast["desk_officer"])
    assert services.review_refusal(programme=programme, user=reviewer) is None
    review = services.record_review(
        programme=programme, by=reviewer, verdict="changes", comment="Add a gender output."
    )
    assert review.reviewer == reviewer
    # Someone not named may not, even in scope.
    assert services.review_refusal(programme=programme, user=cast["field_officer_east_africa"])
    with pytest.raises(TransitionRefused):
        services.record_review(
            programme=programme,
            by=cast["field_officer_east_africa"],
            verdict="recommend",
            comment="Fine.",
        )

    # Taken off, the invitation ends; the review stays.
    services.set_reviewers(programme=programme, reviewers=[], by=cast["desk_officer"])
    assert not programme_in_scope(programme, reviewer)
    assert programme.reviews.count() == 1


def test_reviewers_are_named_by_the_desk_officer_until_approval(cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    assert services.reviewers_refusal(programme=programme, user=cast["desk_officer"]) is None
    for role in ("approver", "field_officer_east_africa", "desk_officer_peru"):
        assert services.reviewers_refusal(programme=programme, user=cast[role]), role
    programme.status = S.UNDER_REVIEW
    assert services.reviewers_refusal(programme=programme, user=cast["desk_officer"]) is None
    programme.status = S.APPROVED
    assert services.reviewers_refusal(programme=programme, user=cast["desk_officer"])
    with pytest.raises(TransitionRefused, match="OHCHR staff"):
        services.set_reviewers(
            programme=programme, reviewers=[cast["focal_point_kenya"]], by=cast["desk_officer"]
        )


def test_components_of_a_cancelled_programme_stay(desk_officer, validated):
    """Drafting again after cancelling keeps the first programme's components as they were."""
    area = ThematicArea.objects.first()
    f = finding(validated, area)
    first = services.draft_from_assessment(assessment=validated, by=desk_officer, findings=[f])
    Programme.objects.filter(pk=first.pk).update(status=S.CANCELLED)
    second = services.draft_from_assessment(assessment=validated, by=desk_officer, findings=[f])
    assert Component.objects.filter(finding=f).count() == 2
    assert second.components.get().finding == f

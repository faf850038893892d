"""The leaks a review of the scoping found, each guarded by a test that fails
if its protection is removed (the access matrix covers the same ground URL by
URL; these name the rule)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import NeedsAssessment
from evaluations.models import Evaluation
from evaluations.selectors import visible_evaluations, visible_follow_up_actions
from programmes.models import Programme
from requests_app import services as request_services
from requests_app.models import AssistanceRequest, RequestDocument
from tcp.documents import Visibility
from tcp.models import RosterExpert
from tests.conftest import make_user
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)
from tests.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
E = Evaluation.Status


@pytest.fixture
def regional(kenya, peru) -> Programme:
    return ProgrammeFactory(
        countries=[kenya, peru],
        scope=Programme.Scope.REGIONAL,
        status=Programme.Status.IN_IMPLEMENTATION,
    )


# 1. A State sees another State's follow-up actions on a regional programme.


def test_a_state_never_sees_another_states_actions_on_a_regional_programme(
    client, regional, kenya, peru, focal_point_kenya, focal_point_peru
):
    evaluation = EvaluationFactory(programme=regional, status=E.ACCEPTED)
    kenyan = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    peruvian = FollowUpActionFactory(evaluation=evaluation, responsible_state=peru)
    assert list(visible_follow_up_actions(focal_point_kenya)) == [kenyan]
    assert list(visible_follow_up_actions(focal_point_peru)) == [peruvian]
    client.force_login(focal_point_kenya)
    page = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert page.context["government_actions"] == [kenyan]
    assert (
        client.get(reverse("evaluations:follow_up_detail", args=[peruvian.pk])).status_code == 404
    )


def test_an_evaluation_shared_with_one_state_is_not_read_by_the_other(
    regional, kenya, focal_point_kenya, focal_point_peru
):
    evaluation = EvaluationFactory(programme=regional, status=E.ACCEPTED, shared_with=[kenya])
    assert list(visible_evaluations(focal_point_kenya)) == [evaluation]
    assert list(visible_evaluations(focal_point_peru)) == []


# 2. Actions reach the government before OHCHR accepted the evaluation.


@pytest.mark.parametrize("status", [E.SCHEDULED, E.IN_PROGRESS, E.SUBMITTED])
def test_actions_wait_for_the_evaluation_to_be_accepted(kenya, focal_point_kenya, status):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=status)
    FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    assert not visible_follow_up_actions(focal_point_kenya).exists()


def test_accepting_the_evaluation_shares_it_and_its_actions_with_the_state(
    kenya, approver, focal_point_kenya
):
    from evaluations import services

    evaluation = EvaluationFactory(programme__countries=[kenya], status=E.SUBMITTED, summary="ok")
    action = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    services.transition_evaluation(evaluation=evaluation, action="accept", by=approver)
    assert list(evaluation.shared_with.all()) == [kenya]
    assert list(visible_follow_up_actions(focal_point_kenya)) == [action]


# 3. The programme page prints the reference of an assessment the government cannot open.


def test_the_programme_page_names_no_assessment_the_government_cannot_open(
    client, kenya, focal_point_kenya
):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.VALIDATED
    )
    programme = ProgrammeFactory(
        countries=[kenya], assessment=assessment, status=Programme.Status.APPROVED
    )
    client.force_login(focal_point_kenya)
    page = client.get(reverse("programmes:detail", args=[programme.pk]))
    assert page.status_code == 200
    assert assessment.reference not in page.content.decode()
    # Once shared with the government, the link appears.
    assessment.status = NeedsAssessment.Status.SHARED
    assessment.save()
    page = client.get(reverse("programmes:detail", args=[programme.pk]))
    assert assessment.reference in page.content.decode()


# 4. A government sees the assessment's internal planning.


def test_the_government_reads_no_terms_of_reference_nor_the_team(
    client, kenya, desk_officer, focal_point_kenya
):
    expert = RosterExpert.objects.create(name="Dr. Roster Expert", languages="English")
    assessment = NeedsAssessmentFactory(
        request__country=kenya,
        status=NeedsAssessment.Status.SHARED,
        terms_of_reference="Interview the minister off the record.",
    )
    assessment.team_staff.set([desk_officer])
    assessment.team_experts.set([expert])
    client.force_login(focal_point_kenya)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Interview the minister off the record." not in page
    assert "Dr. Roster Expert" not in page
    assert desk_officer.username not in page
    assert str(desk_officer) not in page
    client.force_login(desk_officer)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Interview the minister off the record." in page
    assert "Dr. Roster Expert" in page


# 5. The duplicate check tells a focal point that an internal file exists.


def test_the_duplicate_check_looks_only_at_what_the_uploader_can_read(
    kenya, desk_officer, focal_point_kenya
):
    req = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.ACKNOWLEDGED, created_by=focal_point_kenya
    )
    same = PDF_BYTES + b"%the same bytes"
    request_services.attach_document(
        req=req, file=upload("note.pdf", same), by=desk_officer, visibility=Visibility.INTERNAL
    )
    req.status = AssistanceRequest.Status.INFORMATION_REQUESTED
    req.save()
    document = request_services.attach_document(
        req=req, file=upload("annex.pdf", same), by=focal_point_kenya
    )
    assert document.visibility == Visibility.SHARED
    assert RequestDocument.objects.filter(request=req, sha256=document.sha256).count() == 2
    # Among what the focal point can read, a duplicate is still refused.
    with pytest.raises(request_services.TransitionRefused, match="already attached"):
        request_services.attach_document(
            req=req, file=upload("again.pdf", same), by=focal_point_kenya
        )


# 7. The planning form offers staff of every country; a roster expert gets no access.


def test_the_planning_form_offers_only_staff_who_work_on_the_country(
    client,
    kenya,
    desk_officer,
    desk_officer_peru,
    field_officer_east_africa,
    field_officer_south_america,
):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    client.force_login(desk_officer)
    form = client.get(reverse("assessments:plan", args=[req.pk])).context["form"]
    offered = set(form.fields["team_staff"].queryset)
    assert offered == {desk_officer, field_officer_east_africa}


def test_the_service_refuses_staff_from_elsewhere(kenya, desk_officer, desk_officer_peru):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    with pytest.raises(assessment_services.TransitionRefused, match="work on the country"):
        assessment_services.plan_assessment(
            request=req,
            mode=NeedsAssessment.Mode.MISSION,
            due_date=req.created_at.date(),
            team_staff=[desk_officer_peru],
            by=desk_officer,
        )


def test_a_roster_expert_on_the_team_opens_that_assessment_only_while_on_it(
    client, kenya, desk_officer
):
    account = make_user("expert", None)
    expert = RosterExpert.objects.create(name="Dr. Wanjiku", user=account)
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    other = NeedsAssessmentFactory(request__country=kenya)
    assessment = assessment_services.plan_assessment(
        request=req,
        mode=NeedsAssessment.Mode.MISSION,
        due_date=req.created_at.date(),
        team_experts=[expert],
        terms_of_reference="Meet the police academy.",
        by=desk_officer,
    )
    client.force_login(account)
    page = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert page.status_code == 200
    # Part of the team: the internal planning too; but not the request, which is not theirs.
    assert "Meet the police academy." in page.content.decode()
    assert req.reference not in page.content.decode()
    assert client.get(reverse("requests_app:detail", args=[req.pk])).status_code == 403
    assert client.get(reverse("assessments:detail", args=[other.pk])).status_code == 404
    assessment_services.update_assessment(assessment=assessment, team_experts=[], by=desk_officer)
    assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 403

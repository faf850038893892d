"""Rules the lifecycles did not check before, and writes that are not transitions
racing against transitions (PostgreSQL row locks)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction

from assessments.models import NeedsAssessment
from evaluations import services as evaluation_services
from evaluations.models import Evaluation
from programmes import services as programme_services
from programmes.models import Component, Programme
from requests_app import services as request_services
from requests_app.models import AssistanceRequest, RequestDocument, Screening
from tcp.documents import Visibility
from tcp.lifecycle import TransitionRefused
from tcp.models import ScreeningCriterion
from tests.factories import (
    AssistanceRequestFactory,
    ComponentFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
    RequestDocumentFactory,
)

P = Programme.Status


@pytest.mark.django_db
@pytest.mark.parametrize("status", [P.DRAFTING, P.UNDER_REVIEW, P.CANCELLED])
def test_an_evaluation_needs_an_approved_programme(desk_officer, kenya, status):
    programme = ProgrammeFactory(countries=[kenya], status=status)
    with pytest.raises(TransitionRefused, match="Only an approved programme is evaluated"):
        evaluation_services.schedule_evaluation(
            programme=programme,
            kind=Evaluation.Kind.PERIODIC,
            due_date=datetime.date(2027, 1, 1),
            by=desk_officer,
        )
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [P.APPROVED, P.IN_IMPLEMENTATION, P.COMPLETED])
def test_an_approved_programme_is_evaluated(desk_officer, kenya, status):
    programme = ProgrammeFactory(countries=[kenya], status=status)
    evaluation = evaluation_services.schedule_evaluation(
        programme=programme,
        kind=Evaluation.Kind.PERIODIC,
        due_date=datetime.date(2027, 1, 1),
        by=desk_officer,
    )
    assert evaluation.programme == programme


@pytest.mark.django_db
@pytest.mark.parametrize("status", [P.DRAFTING, P.APPROVED, P.ACCEPTED, P.SUSPENDED])
def test_a_component_starts_only_while_its_programme_runs(desk_officer, kenya, status):
    component = ComponentFactory(programme=ProgrammeFactory(countries=[kenya], status=status))
    with pytest.raises(TransitionRefused, match="the programme in implementation"):
        programme_services.transition_component(
            component=component, action="start", by=desk_officer
        )
    component.programme.status = P.IN_IMPLEMENTATION
    component.programme.save()
    programme_services.transition_component(component=component, action="start", by=desk_officer)
    assert component.status == Component.Status.ONGOING


@pytest.mark.django_db
def test_each_state_of_a_regional_programme_accepts_it_for_itself(
    kenya, peru, focal_point_kenya, focal_point_peru, desk_officer
):
    programme = ProgrammeFactory(countries=[kenya, peru], scope="regional", status=P.APPROVED)
    [acceptance] = programme_services.accept_programme(programme=programme, by=focal_point_kenya)
    assert acceptance.country == kenya
    programme.refresh_from_db()
    assert programme.status == P.APPROVED
    # Kenya has spoken for itself and may not speak again, nor for Peru.
    with pytest.raises(TransitionRefused, match="already accepted"):
        programme_services.accept_programme(programme=programme, by=focal_point_kenya)
    assert programme_services.acceptance_refusal(programme=programme, user=desk_officer)
    programme_services.accept_programme(programme=programme, by=focal_point_peru)
    programme.refresh_from_db()
    assert programme.status == P.ACCEPTED
    assert {a.country for a in programme.acceptances.all()} == {kenya, peru}


@pytest.mark.django_db
def test_a_programme_drawn_from_an_assessment_covers_its_country(desk_officer, kenya, peru):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.VALIDATED
    )
    with pytest.raises(TransitionRefused, match="covers that country"):
        programme_services.create_programme(
            title="Elsewhere", countries=[peru], assessment=assessment, by=desk_officer
        )
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_a_rescreening_drops_the_scores_of_retired_criteria(desk_officer, kenya):
    req = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.UNDER_ASSESSMENT, screened=True
    )
    screening = Screening.objects.get(request=req)
    before_total, _max = request_services.screening_total(screening)
    retired = ScreeningCriterion.objects.filter(is_active=True).first()
    retired.is_active = False
    retired.save()
    scores = {c.pk: (3, "Partly met.") for c in ScreeningCriterion.objects.filter(is_active=True)}
    request_services.record_screening(req=req, by=desk_officer, scores=scores)
    assert not screening.scores.filter(criterion=retired).exists()
    total, maximum = request_services.screening_total(screening)
    assert total == before_total - retired.weight * 3
    assert maximum == sum(c.weight * 5 for c in ScreeningCriterion.objects.filter(is_active=True))


@pytest.mark.django_db
def test_only_a_shared_official_letter_counts_for_submission(focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, complete=False)
    req.thematic_areas.set(req.thematic_areas.model.objects.all()[:1])
    req.forms_of_assistance.set(req.forms_of_assistance.model.objects.all()[:1])
    RequestDocumentFactory(
        request=req, kind=RequestDocument.Kind.OFFICIAL_LETTER, visibility=Visibility.INTERNAL
    )
    assert "the official letter, attached" in request_services.missing_for_submission(req)
    RequestDocumentFactory(request=req, kind=RequestDocument.Kind.OFFICIAL_LETTER)
    assert request_services.missing_for_submission(req) == []


# --- a write that is not a transition, racing a transition ---


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent connections need PostgreSQL (CI runs on it)",
)
def test_an_edit_racing_a_submission_is_refused(cast, kenya):
    """The focal point submits in one browser tab and, a moment later, saves an
    edit in another: the edit waits for the submission's lock, then finds the
    request submitted and is refused; nothing of it is written."""
    focal_point = cast["focal_point_kenya"]
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point)
    locked, outcome = threading.Event(), {}

    def submit() -> None:
        try:
            with transaction.atomic():
                request_services.submit_request(req=req, by=focal_point)
                locked.set()
                time.sleep(0.5)  # the edit arrives while the submission is uncommitted
        finally:
            connections.close_all()

    def edit() -> None:
        try:
            locked.wait(5)
            stale = AssistanceRequest.objects.get(pk=req.pk)  # read before the commit: a draft
            assert stale.status == AssistanceRequest.Status.DRAFT
            request_services.update_draft(req=stale, by=focal_point, title="Edited too late")
            outcome["result"] = "written"
        except TransitionRefused as exc:
            outcome["result"] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit), threading.Thread(target=edit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "can no longer be edited" in outcome["result"]
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.SUBMITTED
    assert req.title != "Edited too late"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent connections need PostgreSQL (CI runs on it)",
)
def test_a_finding_racing_the_submission_of_findings_is_refused(cast, kenya):
    from assessments import services as assessment_services
    from tcp.models import FormOfAssistance, ThematicArea

    officer = cast["field_officer_east_africa"]
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS, summary="Done."
    )
    locked, outcome = threading.Event(), {}

    def submit() -> None:
        try:
            with transaction.atomic():
                assessment_services.submit_findings(assessment=assessment, by=officer)
                locked.set()
                time.sleep(0.5)
        finally:
            connections.close_all()

    def record() -> None:
        try:
            locked.wait(5)
            stale = NeedsAssessment.objects.get(pk=assessment.pk)
            assessment_services.record_finding(
                assessment=stale,
                by=officer,
                thematic_area=ThematicArea.objects.first(),
                need="Late need",
                priority="high",
                recommended_assistance=FormOfAssistance.objects.first(),
            )
            outcome["result"] = "written"
        except TransitionRefused as exc:
            outcome["result"] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit), threading.Thread(target=record)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "can no longer change" in outcome["result"]
    assert not assessment.findings.exists()

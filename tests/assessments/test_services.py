"""Needs assessments: consultations, findings, uploads, and what the government sees."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from assessments import services
from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from assessments.selectors import (
    visible_assessment_documents,
    visible_assessments,
    visible_consultations,
    visible_findings,
)
from requests_app.models import Recommendation
from tcp import scoping
from tcp.lifecycle import TransitionRefused
from tcp.models import FieldPresence, FormOfAssistance, Mechanism, ThematicArea
from tests.conftest import make_user
from tests.factories import NeedsAssessmentFactory
from tests.files import CSV_BYTES, ELF_BYTES, GOOD, HTML_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db
S = NeedsAssessment.Status
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def assessment(kenya, east_africa):
    return NeedsAssessmentFactory(
        request__country=kenya,
        mode=NeedsAssessment.Mode.FIELD_PRESENCE,
        field_presence=east_africa,
        status=S.IN_PROGRESS,
    )


def stored_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def consult(assessment, by, **extra):
    fields = {
        "date": TODAY,
        "place": "Nairobi",
        "party": Consultation.Party.NHRI,
        "organisation": "Kenya National Commission on Human Rights",
        "participants_women": 4,
        "participants_men": 3,
        "summary": "Complaints handling is slow in the regions.",
        **extra,
    }
    return services.record_consultation(assessment=assessment, by=by, **fields)


def find(assessment, by, **extra):
    fields = {
        "thematic_area": ThematicArea.objects.first(),
        "need": "Regional complaints offices lack trained staff.",
        "priority": Finding.Priority.HIGH,
        "existing_capacity": "Two regional offices out of eight are staffed.",
        "recommended_assistance": FormOfAssistance.objects.get(code="training-courses"),
        **extra,
    }
    return services.record_finding(assessment=assessment, by=by, **fields)


def test_field_officer_of_the_covering_presence_records_the_work(
    assessment, field_officer_east_africa
):
    consultation = consult(assessment, field_officer_east_africa)
    finding = find(assessment, field_officer_east_africa)
    document = services.attach_assessment_document(
        assessment=assessment,
        file=upload("minutes.docx", GOOD["minutes.docx"]),
        by=field_officer_east_africa,
        kind=AssessmentDocument.Kind.MINUTES,
    )
    for record in (consultation, finding, document):
        assert record.history.latest().history_user == field_officer_east_africa
    assert consultation.participants == 7
    assert document.visibility == "internal"


def test_changes_and_deletions_are_in_history(assessment, field_officer_east_africa):
    consultation = consult(assessment, field_officer_east_africa)
    consult(assessment, field_officer_east_africa, consultation=consultation, place="Kisumu")
    pk = consultation.pk
    services.delete_consultation(consultation=consultation, by=field_officer_east_africa)
    kinds = [
        (h.history_type, h.place, h.history_user)
        for h in Consultation.history.filter(id=pk).order_by("history_id")
    ]
    assert kinds == [
        ("+", "Nairobi", field_officer_east_africa),
        ("~", "Kisumu", field_officer_east_africa),
        ("-", "Kisumu", field_officer_east_africa),
    ]


def test_another_presence_and_other_states_can_do_nothing(
    assessment, field_officer_south_america, focal_point_peru, focal_point_kenya, auditor
):
    for user in (field_officer_south_america, focal_point_peru):
        assert not visible_assessments(user).filter(pk=assessment.pk).exists()
    for user in (field_officer_south_america, focal_point_peru, focal_point_kenya, auditor):
        with pytest.raises(TransitionRefused, match="team"):
            consult(assessment, user)
        with pytest.raises(TransitionRefused, match="team"):
            find(assessment, user)
    assert not Consultation.objects.exists() and not Finding.objects.exists()


def test_nothing_changes_once_findings_are_submitted(assessment, field_officer_east_africa):
    consultation = consult(assessment, field_officer_east_africa)
    assessment.status = S.FINDINGS_SUBMITTED
    assessment.save()
    with pytest.raises(TransitionRefused, match="can no longer change"):
        consult(assessment, field_officer_east_africa, consultation=consultation, place="X")
    with pytest.raises(TransitionRefused, match="can no longer change"):
        services.attach_assessment_document(
            assessment=assessment, file=upload("r.pdf", PDF_BYTES), by=field_officer_east_africa
        )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", ELF_BYTES, "not one of the accepted types"),  # renamed executable
        ("report.pdf", HTML_BYTES, "not one of the accepted types"),  # HTML named .pdf
        ("report.pdf", b"", "is empty"),
        ("../report.pdf", PDF_BYTES, "may not contain"),
        ("report\x07.pdf", PDF_BYTES, "control characters"),
    ],
)
def test_every_refused_upload_says_why_and_writes_nothing(
    assessment, field_officer_east_africa, name, data, message
):
    before = stored_files()
    file = upload("report.pdf", data)
    file.raw_name = name  # as the browser sent it (kept by tcp.uploads)
    with pytest.raises(TransitionRefused, match=message):
        services.attach_assessment_document(
            assessment=assessment, file=file, by=field_officer_east_africa
        )
    assert not AssessmentDocument.objects.exists()
    assert not AssessmentDocument.history.exists()
    assert stored_files() == before


def test_an_oversized_upload_is_refused(assessment, field_officer_east_africa, settings):
    settings.TCP_MAX_UPLOAD_BYTES = 100
    with pytest.raises(TransitionRefused, match="the limit is"):
        services.attach_assessment_document(
            assessment=assessment, file=upload("r.pdf", PDF_BYTES * 2), by=field_officer_east_africa
        )
    assert not AssessmentDocument.objects.exists()


def test_a_duplicate_upload_is_refused(assessment, field_officer_east_africa):
    services.attach_assessment_document(
        assessment=assessment, file=upload("a.png", PNG_BYTES), by=field_officer_east_africa
    )
    before = stored_files()
    with pytest.raises(TransitionRefused, match="already attached"):
        services.attach_assessment_document(
            assessment=assessment, file=upload("b.png", PNG_BYTES), by=field_officer_east_africa
        )
    assert assessment.documents.count() == 1
    assert stored_files() == before


def test_every_accepted_type_is_stored_under_a_random_name(assessment, field_officer_east_africa):
    for name, data in GOOD.items():
        document = services.attach_assessment_document(
            assessment=assessment, file=upload(name, data), by=field_officer_east_africa
        )
        assert Path(document.file.name).name != name
        assert not Path(document.file.path).is_relative_to(Path(settings.STATIC_ROOT))
        assert document.is_intact()
    assert assessment.documents.count() == len(GOOD)


def test_the_government_sees_shared_findings_and_documents_and_nothing_internal(
    assessment, field_officer_east_africa, desk_officer, focal_point_kenya
):
    consult(assessment, field_officer_east_africa)
    shared = find(assessment, field_officer_east_africa)
    internal = find(assessment, field_officer_east_africa, visibility="internal")
    report = services.attach_assessment_document(
        assessment=assessment,
        file=upload("report.pdf", PDF_BYTES),
        by=field_officer_east_africa,
        kind=AssessmentDocument.Kind.REPORT,
    )
    minutes = services.attach_assessment_document(
        assessment=assessment, file=upload("m.csv", CSV_BYTES), by=field_officer_east_africa
    )
    services.set_document_visibility(document=report, visibility="shared", by=desk_officer)
    assessment.summary = "Findings."
    assessment.save()
    services.submit_findings(assessment=assessment, by=field_officer_east_africa)
    services.validate_findings(assessment=assessment, by=desk_officer)
    assert not visible_assessments(focal_point_kenya).filter(pk=assessment.pk).exists()

    services.share_with_government(assessment=assessment, by=desk_officer)

    seen = visible_assessments(focal_point_kenya).get(pk=assessment.pk)
    assert list(visible_findings(seen, focal_point_kenya)) == [shared]
    assert list(visible_assessment_documents(seen, focal_point_kenya)) == [report]
    assert not visible_consultations(seen, focal_point_kenya).exists()
    assert set(visible_findings(seen, desk_officer)) == {shared, internal}
    assert set(visible_assessment_documents(seen, desk_officer)) == {report, minutes}


def test_the_breadth_of_consultation_counts_each_kind_of_party(
    assessment, field_officer_east_africa
):
    consult(assessment, field_officer_east_africa)
    consult(assessment, field_officer_east_africa, participants_women=10, participants_men=0)
    consult(assessment, field_officer_east_africa, party=Consultation.Party.NGO)
    breadth = {
        party: (meetings, people)
        for party, _l, meetings, people in services.consultation_breadth(assessment)
    }
    assert breadth["nhri"] == (2, 17)
    assert breadth["ngo"] == (1, 7)
    assert breadth["donor"] == (0, 0)
    assert len(breadth) == len(Consultation.Party.choices)


def test_a_finding_answers_recommendations_to_the_state_assessed(
    assessment, field_officer_east_africa, kenya, peru
):
    upr = Mechanism.objects.get(kind=Mechanism.Kind.UPR)
    ours = Recommendation.objects.create(country=kenya, mechanism=upr, text="Fund the NHRI.")
    theirs = Recommendation.objects.create(country=peru, mechanism=upr, text="Other State.")
    finding = find(assessment, field_officer_east_africa, recommendations=[ours])
    assert list(finding.recommendations.all()) == [ours]
    with pytest.raises(TransitionRefused, match="State assessed"):
        find(assessment, field_officer_east_africa, recommendations=[theirs])


def test_a_roster_expert_invited_to_one_assessment_sees_its_internal_work(
    assessment, field_officer_east_africa, administrator
):
    consult(assessment, field_officer_east_africa)
    expert = make_user("roster-expert", None)
    scoping.grant_exception(
        user=expert, perm="assessments.view_needsassessment", obj=assessment, by=administrator
    )
    seen = visible_assessments(expert).get()
    assert seen == assessment
    assert visible_consultations(seen, expert).count() == 1
    other = NeedsAssessmentFactory()
    assert not visible_assessments(expert).filter(pk=other.pk).exists()


def test_a_country_moving_to_another_presence_takes_its_assessments_along(
    assessment, field_officer_east_africa, east_africa, kenya, administrator
):
    other = FieldPresence.objects.get(code="southern-africa-regional-office")
    scoping.move_country(
        country=kenya, from_presence=east_africa, to_presence=other, by=administrator
    )
    with pytest.raises(TransitionRefused):
        consult(assessment, field_officer_east_africa)

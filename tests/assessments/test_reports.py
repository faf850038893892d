"""The needs assessment report PDF: OHCHR's full copy, and the government's shared one."""

from __future__ import annotations

import unicodedata
from io import BytesIO

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.http import Http404

from assessments import reports as assessment_reports
from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from tcp import reports
from tcp.documents import Visibility
from tcp.models import FormOfAssistance, Report, RosterExpert, ThematicArea
from tests.factories import NeedsAssessmentFactory
from tests.files import PDF_BYTES

pytestmark = pytest.mark.django_db
A = NeedsAssessment.Status

TERMS = "Interview the minister off the record."
SHARED_NEED = "The police academy lacks a human rights curriculum."
INTERNAL_NEED = "The ministry resists any outside review of detention."


def _document(assessment, name: str, visibility: str, by) -> AssessmentDocument:
    return AssessmentDocument.objects.create(
        assessment=assessment,
        kind=AssessmentDocument.Kind.REPORT,
        visibility=visibility,
        file=ContentFile(PDF_BYTES, name=name),
        original_name=name,
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=name.encode().hex()[:64].ljust(64, "0"),
        uploaded_by=by,
    )


def _finding(assessment, need: str, visibility: str, priority: str, by) -> Finding:
    return Finding.objects.create(
        assessment=assessment,
        thematic_area=ThematicArea.objects.first(),
        need=need,
        priority=priority,
        existing_capacity="Two trainers.",
        recommended_assistance=FormOfAssistance.objects.get(code="training-courses"),
        visibility=visibility,
        recorded_by=by,
    )


@pytest.fixture
def assessment(kenya, desk_officer) -> NeedsAssessment:
    """A Kenyan assessment shared with the government, with internal work on it."""
    assessment = NeedsAssessmentFactory(
        request__country=kenya,
        status=A.SHARED,
        terms_of_reference=TERMS,
        summary="The police need training on the use of force.",
    )
    assessment.team_staff.set([desk_officer])
    assessment.team_experts.set([RosterExpert.objects.create(name="Dr. Roster Expert")])
    for party, women, men in (("ngo", 6, 4), ("ngo", 3, 3), ("nhri", 2, 1)):
        Consultation.objects.create(
            assessment=assessment,
            date="2026-03-02",
            place="Nairobi",
            party=party,
            organisation="Kituo cha Sheria",
            participants_women=women,
            participants_men=men,
            summary="Met the legal aid network about police custody.",
            recorded_by=desk_officer,
        )
    _finding(assessment, SHARED_NEED, Visibility.SHARED, Finding.Priority.HIGH, desk_officer)
    _finding(assessment, INTERNAL_NEED, Visibility.INTERNAL, Finding.Priority.MEDIUM, desk_officer)
    _document(assessment, "assessment-report.pdf", Visibility.SHARED, desk_officer)
    _document(assessment, "internal-minutes.pdf", Visibility.INTERNAL, desk_officer)
    return assessment


def _render(user, reference: str, language: str = "en") -> Report:
    report = Report.objects.create(
        kind="assessment", reference=reference, language=language, requested_by=user
    )
    return reports.render(report.pk)


def _text(report: Report) -> tuple[str, int]:
    assert report.status == Report.Status.READY, report.error
    with report.file.open("rb") as f:
        reader = pypdf.PdfReader(BytesIO(f.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    return _squash(text), len(reader.pages)


def _squash(text: str) -> str:
    """Text without any space: lines wrap where the page ends them, and the extractor
    may split a word where glyphs are kerned. Shaped Arabic comes back as presentation
    forms: NFKC gives the letters back."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_desk_officer_reads_the_team_terms_consultations_and_every_finding(
    assessment, desk_officer
):
    text, pages = _text(_render(desk_officer, assessment.reference))
    assert pages > 1  # the cover, then the report
    for expected in (
        assessment.reference,
        "Contents",
        "By a mission to the State",
        TERMS,
        "Dr. Roster Expert",
        str(desk_officer),
        "Consultations by party",
        "3 meetings, 19 participants.",
        SHARED_NEED,
        INTERNAL_NEED,
        "Priority: High",
        "assessment-report.pdf",
        "internal-minutes.pdf",
    ):
        assert _squash(expected) in text, expected


def test_the_government_reads_only_the_shared_report(assessment, focal_point_kenya, desk_officer):
    text, pages = _text(_render(focal_point_kenya, assessment.reference))
    assert pages > 1
    assert _squash(assessment.reference) in text
    assert _squash("The police need training on the use of force.") in text
    assert _squash(SHARED_NEED) in text
    assert _squash("assessment-report.pdf") in text
    # Nothing of OHCHR's internal planning or working record.
    for absent in (
        TERMS,
        "Dr. Roster Expert",
        str(desk_officer),
        "Consultations",
        "Kituo cha Sheria",
        INTERNAL_NEED,
        "internal-minutes.pdf",
        "Internal",
    ):
        assert _squash(absent) not in text, absent


def test_the_government_context_holds_nothing_internal(assessment, focal_point_kenya):
    context = assessment_reports.context(focal_point_kenya, assessment, {})
    assert context["terms_of_reference"] == ""
    assert context["team_staff"] == context["team_experts"] == []
    assert context["consultations"] == []
    assert "party_bars" not in context
    assert [f.need for f in context["findings"]] == [SHARED_NEED]
    assert [d.original_name for d in context["documents"]] == ["assessment-report.pdf"]


def test_outside_scope_or_not_yet_shared_answers_404(
    assessment, kenya, focal_point_kenya, focal_point_peru, outsider
):
    for user in (focal_point_peru, outsider):
        with pytest.raises(Http404):
            assessment_reports.subject(user, assessment.reference)
    in_progress = NeedsAssessmentFactory(request__country=kenya, status=A.IN_PROGRESS)
    with pytest.raises(Http404):
        assessment_reports.subject(focal_point_kenya, in_progress.reference)


def test_renders_in_arabic(kenya, focal_point_kenya):
    assessment = NeedsAssessmentFactory(
        request__country=kenya,
        status=A.SHARED,
        title="تقييم احتياجات الشرطة الوطنية",
        summary="تحتاج الشرطة إلى تدريب",
    )
    report = _render(focal_point_kenya, assessment.reference, language="ar")
    assert 'dir="rtl"' in reports.html_for(report)
    text, pages = _text(report)
    assert pages > 1
    assert _squash("الشرطة") in text

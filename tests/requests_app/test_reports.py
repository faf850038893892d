"""The request summary PDF: what OHCHR reads in it, and what never reaches a government."""

from __future__ import annotations

import unicodedata
from io import BytesIO

import pypdf
import pytest
from django.http import Http404

from requests_app import reports as request_reports
from requests_app import services
from requests_app.models import AssistanceRequest, RequestDocument
from tcp import reports
from tcp.documents import Visibility
from tcp.models import Report
from tests.factories import AssistanceRequestFactory, RequestDocumentFactory

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status

INTERNAL_NOTE = "The minister's office is slow to answer; chase in May."
TRIAGE_NOTE = "Check the overlap with the UNDP justice project."
QUESTION = "Please send the budget of the human rights commission."


@pytest.fixture
def req(kenya, focal_point_kenya, desk_officer) -> AssistanceRequest:
    """A Kenyan request OHCHR has worked on: a shared question, an internal note, an
    internal document, a screening."""
    req = AssistanceRequestFactory(
        country=kenya,
        status=S.SUBMITTED,
        created_by=focal_point_kenya,
        requesting_authority="Kenya National Commission on Human Rights",
        screened=True,
    )
    services.perform(req, "acknowledge", by=desk_officer, note=TRIAGE_NOTE)
    services.request_information(req=req, by=desk_officer, question=QUESTION)
    services.post_message(req=req, by=focal_point_kenya, body="The budget follows next week.")
    services.post_message(
        req=req, by=desk_officer, body=INTERNAL_NOTE, visibility=Visibility.INTERNAL
    )
    RequestDocumentFactory(
        request=req,
        visibility=Visibility.INTERNAL,
        original_name="desk-assessment-memo.pdf",
        uploaded_by=desk_officer,
    )
    req.screening.summary = "A strong link to the UPR recommendations."
    req.screening.save()
    return req


def _render(user, reference: str, language: str = "en") -> Report:
    report = Report.objects.create(
        kind="request", reference=reference, language=language, requested_by=user
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


def test_desk_officer_reads_the_whole_request_with_its_internal_material(req, desk_officer):
    text, pages = _text(_render(desk_officer, req.reference))
    assert pages > 1  # the cover, then the summary
    for expected in (
        req.reference,
        "Kenya",
        "Kenya National Commission on Human Rights",
        "Information requested",
        QUESTION,
        "The budget follows next week.",
        INTERNAL_NOTE,
        TRIAGE_NOTE,
        "desk-assessment-memo.pdf",
        "letter.pdf",
        "Screening",
        "A strong link to the UPR recommendations.",
    ):
        assert _squash(expected) in text, expected


def test_focal_point_reads_no_internal_note_document_or_screening(
    req, focal_point_kenya, desk_officer
):
    text, pages = _text(_render(focal_point_kenya, req.reference))
    assert pages > 1
    # What is shared with the government is there ...
    assert _squash(req.reference) in text
    assert _squash(QUESTION) in text
    assert _squash("The budget follows next week.") in text
    assert _squash("letter.pdf") in text
    # ... and nothing internal: not the note, not the transition's internal note,
    # not the internal document, not the screening.
    assert _squash(INTERNAL_NOTE) not in text
    assert _squash(TRIAGE_NOTE) not in text
    assert _squash("desk-assessment-memo.pdf") not in text
    assert _squash("A strong link to the UPR recommendations.") not in text
    assert _squash("Screening") not in text
    assert _squash("Internal") not in text


def test_the_government_copy_lists_only_shared_documents(req, focal_point_kenya):
    context = request_reports.context(focal_point_kenya, req, {})
    assert {d.visibility for d in context["documents"]} == {Visibility.SHARED}
    assert context["screening"] is None
    assert all(m.visibility == Visibility.SHARED for m in context["thread"])
    assert {d.kind for d in context["documents"]} == {RequestDocument.Kind.OFFICIAL_LETTER}


def test_another_states_focal_point_may_not_ask_for_it(req, focal_point_peru, outsider):
    with pytest.raises(Http404):
        request_reports.subject(focal_point_peru, req.reference)
    with pytest.raises(Http404):
        request_reports.subject(outsider, req.reference)
    with pytest.raises(Http404):
        reports.request_report(user=focal_point_peru, kind_code="request", reference=req.reference)


def test_asking_renders_the_report_once_committed(
    req, focal_point_kenya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.request_report(
            user=focal_point_kenya, kind_code="request", reference=req.reference, language="en"
        )
    report.refresh_from_db()
    text, pages = _text(report)
    assert report.pages == pages
    assert report.title == f"Request summary {req.reference}"
    assert _squash(req.reference) in text


def test_renders_in_arabic_right_to_left(kenya, focal_point_kenya):
    req = AssistanceRequestFactory(
        country=kenya,
        status=S.SUBMITTED,
        created_by=focal_point_kenya,
        title="دعم اللجنة الوطنية لحقوق الإنسان",
        description="تعزيز قدرات اللجنة الوطنية",
    )
    report = _render(focal_point_kenya, req.reference, language="ar")
    html = reports.html_for(report)
    assert 'dir="rtl"' in html
    text, pages = _text(report)
    assert pages > 1
    assert _squash("الوطنية") in text

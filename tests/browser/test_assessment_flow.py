"""A field officer's assessment in a real browser: consultations, findings, uploads,
and a refused upload that keeps everything else, with no console error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from tests.factories import NeedsAssessmentFactory
from tests.files import ELF_BYTES, PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def assessment(kenya, east_africa) -> NeedsAssessment:
    return NeedsAssessmentFactory(
        request__country=kenya,
        request__title="Support to the Kenya National Commission on Human Rights",
        mode=NeedsAssessment.Mode.FIELD_PRESENCE,
        field_presence=east_africa,
        status=NeedsAssessment.Status.IN_PROGRESS,
    )


def _log_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def _open_assessment(page: Page, assessment: NeedsAssessment) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assessments").click()
    page.get_by_role("link", name=assessment.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(assessment.request.title)


def test_field_officer_records_consultations_findings_and_documents(
    page: Page, live_server, field_officer_east_africa, assessment, password, console_errors
):
    _log_in(page, live_server.url, field_officer_east_africa.username, password)
    _open_assessment(page, assessment)

    # A consultation.
    consultations = page.locator("#consultations")
    consultations.get_by_text("Record a consultation").click()
    form = consultations.locator("form")
    form.get_by_label("Date").fill("2026-11-02")
    form.get_by_label("Place").fill("Nairobi")
    form.get_by_label("Party consulted").select_option(label="National human rights institution")
    form.get_by_label("Organisation").fill("Kenya National Commission on Human Rights")
    form.get_by_label("Women").fill("4")
    form.get_by_label(re.compile(r"^Men")).fill("3")
    form.get_by_label("Summary").fill("Complaints handling is slow in the regions.")
    form.get_by_role("button", name="Record the consultation").click()
    expect(page.get_by_role("status").first).to_contain_text("Consultation recorded.")
    table = page.locator("#consultations table")
    expect(table).to_contain_text("Kenya National Commission on Human Rights")
    expect(table).to_contain_text("4 women / 3 men / 0 other")
    # The chart counts it at once.
    nhri = page.locator("#breadth tr", has_text="National human rights institution")
    expect(nhri.locator(".bar-value").first).to_have_text("1")

    # A finding.
    findings = page.locator("#findings")
    findings.get_by_text("Enter a finding").click()
    form = findings.locator("form")
    form.get_by_label("Thematic area").select_option(index=1)
    form.get_by_label("The need").fill("Regional offices lack trained complaints staff.")
    form.get_by_label("Priority").select_option("high")
    form.get_by_label("Existing national capacity").fill("Two of eight offices staffed.")
    form.get_by_label("Recommended form of assistance").select_option(index=1)
    form.get_by_role("button", name="Save the finding").click()
    expect(page.get_by_role("status").first).to_contain_text("Finding saved.")
    expect(page.locator("#findings .finding")).to_contain_text(
        "Regional offices lack trained complaints staff."
    )

    # A PDF, uploaded in the background.
    upload = page.locator("form.upload-form")
    upload.get_by_label("Kind of document").select_option("report")
    upload.get_by_label("File").set_input_files(
        {"name": "mission-report.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    upload.get_by_role("button", name="Upload").click()
    documents = page.locator("#documents table")
    expect(documents).to_contain_text("mission-report.pdf")
    expect(documents).to_contain_text("Assessment report")
    expect(page.locator(".upload-status")).to_have_text("“mission-report.pdf” uploaded.")

    # Something typed elsewhere, not yet saved, survives the next upload.
    page.locator("#id_summary").fill("Draft summary typed on a slow connection.")

    # An executable renamed .pdf: refused, with the reason next to the file field,
    # and the kind and visibility as chosen.
    upload = page.locator("form.upload-form")
    upload.get_by_label("Kind of document").select_option("minutes")
    upload.get_by_label("Shared with the government").check()
    upload.get_by_label("File").set_input_files(
        {"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": ELF_BYTES}
    )
    upload.get_by_role("button", name="Upload").click()
    upload = page.locator("form.upload-form")
    error = upload.locator(".field-file .errorlist")
    expect(error).to_contain_text("“minutes.pdf” is not one of the accepted types")
    expect(upload.get_by_label("File")).to_have_attribute("aria-invalid", "true")
    expect(upload.get_by_label("File")).to_be_focused()
    expect(upload.get_by_label("Kind of document")).to_have_value("minutes")
    expect(upload.get_by_label("Shared with the government")).to_be_checked()
    expect(page.locator("#id_summary")).to_have_value("Draft summary typed on a slow connection.")
    expect(page.locator("#documents tbody tr")).to_have_count(1)

    assert Consultation.objects.filter(assessment=assessment).count() == 1
    assert Finding.objects.filter(assessment=assessment).count() == 1
    assert list(AssessmentDocument.objects.values_list("original_name", flat=True)) == [
        "mission-report.pdf"
    ]
    assert console_errors == []


def test_without_javascript_a_refused_upload_still_keeps_the_form(
    browser: Browser, live_server, field_officer_east_africa, assessment, password
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server.url, field_officer_east_africa.username, password)
        page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
        upload = page.locator("form.upload-form")
        upload.get_by_label("Kind of document").select_option("photo")
        upload.get_by_label("File").set_input_files(
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b""}
        )
        upload.get_by_role("button", name="Upload").click()
        expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/documents/$"))
        upload = page.locator("form.upload-form")
        expect(upload.locator(".field-file .errorlist")).to_contain_text(
            "The file “photo.jpg” is empty."
        )
        expect(upload.get_by_label("Kind of document")).to_have_value("photo")
        assert not AssessmentDocument.objects.exists()
    finally:
        context.close()


def test_an_upload_cut_off_by_the_connection_is_retried_alone(
    page: Page, live_server, field_officer_east_africa, assessment, password, console_errors
):
    _log_in(page, live_server.url, field_officer_east_africa.username, password)
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    page.locator("#id_summary").fill("Notes not yet saved.")
    upload = page.locator("form.upload-form")
    upload.get_by_label("Kind of document").select_option("minutes")
    upload.get_by_label("File").set_input_files(
        {"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    # The first attempt never reaches the server.
    attempts: list[str] = []

    def drop_first(route):
        attempts.append(route.request.url)
        if len(attempts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/assessments/\d+/documents/$"), drop_first)
    upload.get_by_role("button", name="Upload").click()
    expect(upload.locator(".upload-status")).to_contain_text("did not reach the server")
    assert not AssessmentDocument.objects.exists()
    # Nothing to choose again: the same file, kind and the other forms are as they were.
    expect(upload.get_by_label("Kind of document")).to_have_value("minutes")
    expect(page.locator("#id_summary")).to_have_value("Notes not yet saved.")
    upload.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents table")).to_contain_text("minutes.pdf")
    assert len(attempts) == 2
    assert AssessmentDocument.objects.get().kind == "minutes"
    # The failed request itself is the only console error: the browser reports it.
    assert all("ERR_CONNECTION_RESET" in e or "Failed to load" in e for e in console_errors)

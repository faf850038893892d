"""Needs assessment pages: list, planning, the assessment page and the team's work
on it (consultations, findings, uploads), downloads, and what a government may read."""

from __future__ import annotations

import datetime
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.client import BOUNDARY, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from requests_app.models import AssistanceRequest, Recommendation
from tcp.models import FormOfAssistance, Mechanism, RosterExpert, ThematicArea
from tests.factories import AssistanceRequestFactory, NeedsAssessmentFactory
from tests.files import CSV_BYTES, ELF_BYTES, HTML_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db
S = NeedsAssessment.Status


def _refs(response) -> list[str]:
    return [a.reference for a in response.context["page_obj"].object_list]


def test_list_filters_searches_and_sorts(client, desk_officer, kenya):
    later = NeedsAssessmentFactory(
        request__country=kenya,
        request__title="Prison monitoring",
        due_date=datetime.date(2027, 5, 1),
    )
    sooner = NeedsAssessmentFactory(
        request__country=kenya,
        request__title="Police training",
        status=S.IN_PROGRESS,
        due_date=datetime.date(2027, 1, 1),
    )
    client.force_login(desk_officer)
    url = reverse("assessments:list")
    assert _refs(client.get(url)) == [sooner.reference, later.reference]  # by due date
    assert _refs(client.get(url, {"sort": "-due"})) == [later.reference, sooner.reference]
    assert _refs(client.get(url, {"status": S.IN_PROGRESS})) == [sooner.reference]
    assert _refs(client.get(url, {"q": "prison"})) == [later.reference]


def test_list_marks_overdue_assessments(client, desk_officer, kenya):
    NeedsAssessmentFactory(request__country=kenya, due_date=datetime.date(2020, 1, 1))
    client.force_login(desk_officer)
    response = client.get(reverse("assessments:list"))
    assert response.context["page_obj"].object_list[0].is_overdue
    assert "overdue" in response.content.decode()


def test_focal_point_lists_only_shared_assessments(client, focal_point_kenya, kenya):
    NeedsAssessmentFactory(request__country=kenya, status=S.VALIDATED)
    shared = NeedsAssessmentFactory(request__country=kenya, status=S.SHARED)
    client.force_login(focal_point_kenya)
    assert _refs(client.get(reverse("assessments:list"))) == [shared.reference]


def test_field_officer_runs_the_assessment_through_the_web(client, cast, kenya):
    assessment = NeedsAssessmentFactory(request__country=kenya)
    url = reverse("assessments:transition", args=[assessment.pk])
    client.force_login(cast["field_officer_east_africa"])
    client.post(url, {"action": "start"})
    assessment.refresh_from_db()
    assert assessment.status == S.IN_PROGRESS

    # No summary yet: refused, with what is missing.
    response = client.post(url, {"action": "submit_findings"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Done: Start the assessment. {assessment.reference} is now: In progress.",
        "“Submit findings” cannot be done yet. Missing: a summary of the findings.",
    ]
    assessment.refresh_from_db()
    assert assessment.status == S.IN_PROGRESS

    services.update_assessment(
        assessment=assessment, by=cast["field_officer_east_africa"], summary="Needs found."
    )
    client.post(url, {"action": "submit_findings"})
    assessment.refresh_from_db()
    assert assessment.status == S.FINDINGS_SUBMITTED


def test_government_never_reads_internal_review_notes(client, cast, kenya):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=S.FINDINGS_SUBMITTED, summary="Findings."
    )
    desk_officer = cast["desk_officer"]
    services.return_findings(assessment=assessment, by=desk_officer, note="INTERNAL: redo part 2")
    services.submit_findings(assessment=assessment, by=cast["field_officer_east_africa"])
    services.validate_findings(assessment=assessment, by=desk_officer)
    services.share_with_government(assessment=assessment, by=desk_officer)
    url = reverse("assessments:detail", args=[assessment.pk])

    client.force_login(desk_officer)
    assert "INTERNAL: redo part 2" in client.get(url).content.decode()
    client.force_login(cast["focal_point_kenya"])
    response = client.get(url)
    assert response.status_code == 200
    assert "INTERNAL: redo part 2" not in response.content.decode()
    # Nor the review itself: returned, resubmitted and validated inside OHCHR; the
    # government reads that the assessment was shared with it.
    assert [e.action for e in response.context["timeline"]] == ["Share with the government"]


def test_detail_offers_validation_to_the_desk_officer(client, desk_officer, kenya):
    assessment = NeedsAssessmentFactory(request__country=kenya, status=S.FINDINGS_SUBMITTED)
    client.force_login(desk_officer)
    response = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert [t.action for t in response.context["actions"].available] == [
        "return_findings",
        "validate",
    ]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("user", ["desk_officer", "focal_point_kenya", "auditor"])
def test_list_query_count_does_not_grow_with_rows(client, cast, kenya, user):
    status = S.SHARED if user == "focal_point_kenya" else S.PLANNED
    client.force_login(cast[user])
    url = reverse("assessments:list")
    client.get(url)
    for _ in range(5):
        NeedsAssessmentFactory(request__country=kenya, status=status)
    few = _queries(client, url)
    for _ in range(45):
        NeedsAssessmentFactory(request__country=kenya, status=status)
    assert _queries(client, url) == few


# --- fixtures and helpers for the team's work ---

M = NeedsAssessment.Mode


@pytest.fixture
def assessment(kenya, east_africa) -> NeedsAssessment:
    """In progress, conducted by the East Africa office, which covers Kenya."""
    return NeedsAssessmentFactory(
        request__country=kenya,
        mode=M.FIELD_PRESENCE,
        field_presence=east_africa,
        status=S.IN_PROGRESS,
    )


def _url(name: str, *args: int) -> str:
    return reverse(f"assessments:{name}", args=args)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def post_file(client, url: str, *, name: str, data: bytes, fields: dict | None = None):
    """POST one file under exactly the name a browser could send.

    The test client would clean the name the way Django does; here the body
    is encoded once and the name put back as sent, so the product's own
    checks (tcp.uploads keeps the raw name) are the ones that answer.
    """
    placeholder = "placeholder-name.bin"
    body = encode_multipart(
        BOUNDARY, {**(fields or {}), "document-file": upload(placeholder, data)}
    )
    body = body.replace(f'filename="{placeholder}"'.encode(), f'filename="{name}"'.encode())
    # Not the identical MULTIPART_CONTENT object: the client then sends the bytes as they are.
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def _consultation_data(**extra) -> dict[str, str]:
    return {
        "consultation-date": "2026-11-02",
        "consultation-place": "Nairobi",
        "consultation-party": Consultation.Party.NHRI,
        "consultation-organisation": "Kenya National Commission on Human Rights",
        "consultation-participants_women": "4",
        "consultation-participants_men": "3",
        "consultation-participants_other": "1",
        "consultation-summary": "Complaints handling is slow in the regions.",
        **extra,
    }


def _finding_data(prefix: str = "finding-", **extra) -> dict:
    return {
        f"{prefix}thematic_area": str(ThematicArea.objects.filter(is_active=True).first().pk),
        f"{prefix}need": "Regional complaints offices lack trained staff.",
        f"{prefix}priority": Finding.Priority.HIGH,
        f"{prefix}existing_capacity": "Two regional offices out of eight are staffed.",
        f"{prefix}recommended_assistance": str(
            FormOfAssistance.objects.get(code="training-courses").pk
        ),
        f"{prefix}visibility": "shared",
        **extra,
    }


def _recommendation(country, text: str = "Fund the national human rights institution."):
    upr = Mechanism.objects.get(kind=Mechanism.Kind.UPR)
    return Recommendation.objects.create(country=country, mechanism=upr, text=text)


# --- the list: requests waiting to be planned ---


def test_desk_officer_is_offered_to_plan_each_accepted_request_without_assessment(
    client, desk_officer, kenya, peru
):
    waiting = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    NeedsAssessmentFactory(request__country=kenya)  # accepted, already planned
    AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.UNDER_ASSESSMENT)
    AssistanceRequestFactory(country=peru, status=AssistanceRequest.Status.ACCEPTED)
    client.force_login(desk_officer)
    response = client.get(_url("list"))
    assert response.context["awaiting"] == [waiting]
    assert _url("plan", waiting.pk) in response.content.decode()


def test_only_planners_see_the_requests_waiting(client, field_officer_east_africa, kenya):
    AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    client.force_login(field_officer_east_africa)
    response = client.get(_url("list"))
    assert "awaiting" not in response.context
    assert "Plan needs assessment" not in response.content.decode()


# --- planning ---


@pytest.fixture
def accepted(kenya) -> AssistanceRequest:
    return AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)


def test_planning_offers_only_the_presences_covering_the_state(
    client, desk_officer, accepted, east_africa, south_america
):
    client.force_login(desk_officer)
    response = client.get(_url("plan", accepted.pk))
    assert response.status_code == 200
    offered = set(response.context["form"].fields["field_presence"].queryset)
    assert east_africa in offered and south_america not in offered


def test_desk_officer_plans_a_field_presence_assessment(
    client, desk_officer, accepted, east_africa
):
    client.force_login(desk_officer)
    response = client.post(
        _url("plan", accepted.pk),
        {
            "mode": M.FIELD_PRESENCE,
            "field_presence": east_africa.pk,
            # Typed before switching mode: a presence assessment has no mission.
            "mission_start": "2027-01-10",
            "team_staff": [desk_officer.pk],
            "terms_of_reference": "Assess the Commission's complaints handling.",
            "due_date": "2027-03-01",
        },
    )
    assessment = NeedsAssessment.objects.get(request=accepted)
    assert response.status_code == 302
    assert response["Location"] == assessment.get_absolute_url()
    assert (assessment.mode, assessment.field_presence, assessment.status) == (
        M.FIELD_PRESENCE,
        east_africa,
        S.PLANNED,
    )
    assert assessment.due_date == datetime.date(2027, 3, 1)
    assert assessment.mission_start is None and not assessment.team_staff.exists()
    assert assessment.history.latest().history_user == desk_officer
    assert _messages(response) == [f"Needs assessment {assessment.reference} planned."]


def test_desk_officer_plans_a_mission(
    client, desk_officer, field_officer_east_africa, accepted, east_africa
):
    expert = RosterExpert.objects.create(name="Dr. Achieng Odhiambo")
    client.force_login(desk_officer)
    client.post(
        _url("plan", accepted.pk),
        {
            "mode": M.MISSION,
            "field_presence": east_africa.pk,  # left over: a mission has none
            "mission_start": "2027-01-10",
            "mission_end": "2027-01-20",
            "team_staff": [desk_officer.pk, field_officer_east_africa.pk],
            "team_experts": [expert.pk],
            "terms_of_reference": "Assess training needs of the police academy.",
            "due_date": "2027-02-15",
        },
    )
    assessment = NeedsAssessment.objects.get(request=accepted)
    assert assessment.mode == M.MISSION and assessment.field_presence is None
    assert (assessment.mission_start, assessment.mission_end) == (
        datetime.date(2027, 1, 10),
        datetime.date(2027, 1, 20),
    )
    assert set(assessment.team_staff.all()) == {desk_officer, field_officer_east_africa}
    assert list(assessment.team_experts.all()) == [expert]
    assert assessment.terms_of_reference == "Assess training needs of the police academy."


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"mode": M.FIELD_PRESENCE}, "field_presence", "Choose the presence"),
        (
            {"mode": M.MISSION, "mission_start": "2027-01-20", "mission_end": "2027-01-10"},
            "mission_end",
            "ends before it starts",
        ),
        ({"mode": M.MISSION, "due_date": ""}, "due_date", "required"),
    ],
)
def test_an_incomplete_plan_says_what_is_wrong_and_keeps_the_rest(
    client, desk_officer, accepted, data, field, error
):
    client.force_login(desk_officer)
    response = client.post(
        _url("plan", accepted.pk),
        {"due_date": "2027-03-01", "terms_of_reference": "Typed terms.", **data},
    )
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert "Typed terms." in response.content.decode()
    assert not NeedsAssessment.objects.exists()


def test_a_presence_not_covering_the_state_cannot_be_chosen(
    client, desk_officer, accepted, south_america
):
    client.force_login(desk_officer)
    response = client.post(
        _url("plan", accepted.pk),
        {"mode": M.FIELD_PRESENCE, "field_presence": south_america.pk, "due_date": "2027-03-01"},
    )
    assert "field_presence" in response.context["form"].errors
    assert not NeedsAssessment.objects.exists()


def test_only_an_accepted_request_without_assessment_can_be_planned(
    client, desk_officer, desk_officer_peru, field_officer_east_africa, kenya, accepted
):
    planned = NeedsAssessmentFactory(request__country=kenya).request
    submitted = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.SUBMITTED)
    client.force_login(desk_officer)
    assert client.get(_url("plan", planned.pk)).status_code == 404
    assert client.get(_url("plan", submitted.pk)).status_code == 404
    client.force_login(desk_officer_peru)  # not their portfolio
    assert client.get(_url("plan", accepted.pk)).status_code == 404
    client.force_login(field_officer_east_africa)  # not their role
    assert client.get(_url("plan", accepted.pk)).status_code == 403


def test_desk_officer_edits_the_plan_while_it_is_open(client, desk_officer, assessment):
    client.force_login(desk_officer)
    response = client.get(_url("edit", assessment.pk))
    assert response.context["form"]["due_date"].value() == assessment.due_date
    response = client.post(
        _url("edit", assessment.pk),
        {
            "mode": M.FIELD_PRESENCE,
            "field_presence": assessment.field_presence_id,
            "terms_of_reference": "Revised terms.",
            "due_date": "2027-04-30",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.due_date == datetime.date(2027, 4, 30)
    assert assessment.terms_of_reference == "Revised terms."
    assert assessment.status == S.IN_PROGRESS
    assert assessment.history.latest().history_user == desk_officer


def test_the_plan_is_fixed_once_findings_are_submitted(client, desk_officer, assessment):
    assessment.status = S.FINDINGS_SUBMITTED
    assessment.save()
    client.force_login(desk_officer)
    response = client.get(_url("edit", assessment.pk))
    assert response.status_code == 302
    assert _messages(response) == ["Submitted findings can no longer be edited."]


def test_a_field_officer_does_not_edit_the_plan(client, field_officer_east_africa, assessment):
    client.force_login(field_officer_east_africa)
    assert client.get(_url("edit", assessment.pk)).status_code == 403
    response = client.get(_url("detail", assessment.pk))
    assert _url("edit", assessment.pk) not in response.content.decode()


# --- the team's work: summary, consultations, findings ---


def test_the_summary_is_saved_as_partial_work(client, field_officer_east_africa, assessment):
    client.force_login(field_officer_east_africa)
    response = client.post(
        _url("summary", assessment.pk), {"summary": "First notes: complaints backlog."}
    )
    assert response.status_code == 302
    assert _messages(response) == ["Summary saved. The assessment stays in progress."]
    assessment.refresh_from_db()
    assert assessment.summary == "First notes: complaints backlog."
    assert assessment.status == S.IN_PROGRESS
    # Coming back later: the text is there to continue, and findings may now be submitted.
    response = client.get(_url("detail", assessment.pk))
    assert response.context["summary_form"]["summary"].value() == assessment.summary
    assert [t.action for t in response.context["actions"].available] == ["submit_findings"]


def test_field_officer_records_changes_and_deletes_a_consultation(
    client, field_officer_east_africa, assessment
):
    client.force_login(field_officer_east_africa)
    response = client.post(_url("consultation_add", assessment.pk), _consultation_data())
    assert response.status_code == 302
    assert response["Location"].endswith("#consultations")
    consultation = Consultation.objects.get()
    assert consultation.participants == 8
    assert consultation.recorded_by == field_officer_east_africa
    page = client.get(_url("detail", assessment.pk)).content.decode()
    assert "Kenya National Commission on Human Rights" in page

    edit = _url("consultation_edit", assessment.pk, consultation.pk)
    assert client.get(edit).context["form"]["place"].value() == "Nairobi"
    data = {k.removeprefix("consultation-"): v for k, v in _consultation_data().items()}
    client.post(edit, {**data, "place": "Kisumu"})
    consultation.refresh_from_db()
    assert consultation.place == "Kisumu"

    client.post(_url("consultation_delete", assessment.pk, consultation.pk))
    assert not Consultation.objects.exists()


def test_an_incomplete_consultation_keeps_what_was_typed(
    client, field_officer_east_africa, assessment
):
    client.force_login(field_officer_east_africa)
    response = client.post(
        _url("consultation_add", assessment.pk),
        _consultation_data(**{"consultation-place": "", "consultation-participants_men": "-2"}),
    )
    assert response.status_code == 200
    errors = response.context["consultation_form"].errors
    assert set(errors) == {"place", "participants_men"}
    page = response.content.decode()
    assert "Kenya National Commission on Human Rights" in page
    assert "Complaints handling is slow in the regions." in page
    assert re.search(r'<details class="add-form" open>\s*<summary>Record a consultation', page)
    assert not Consultation.objects.exists()


def test_field_officer_enters_a_finding_answering_the_states_recommendations(
    client, field_officer_east_africa, assessment, kenya, peru
):
    ours = _recommendation(kenya)
    theirs = _recommendation(peru, "Another State's recommendation.")
    client.force_login(field_officer_east_africa)
    offered = client.get(_url("detail", assessment.pk)).context["finding_form"]
    assert list(offered.fields["recommendations"].queryset) == [ours]

    response = client.post(
        _url("finding_add", assessment.pk),
        _finding_data(**{"finding-recommendations": [theirs.pk]}),
    )
    assert "recommendations" in response.context["finding_form"].errors
    assert not Finding.objects.exists()

    client.post(
        _url("finding_add", assessment.pk), _finding_data(**{"finding-recommendations": [ours.pk]})
    )
    finding = Finding.objects.get()
    assert list(finding.recommendations.all()) == [ours]
    assert finding.recorded_by == field_officer_east_africa

    edit = _url("finding_edit", assessment.pk, finding.pk)
    client.post(edit, _finding_data(prefix="", priority="low", visibility="internal"))
    finding.refresh_from_db()
    assert (finding.priority, finding.visibility) == ("low", "internal")
    assert not finding.recommendations.exists()

    client.post(_url("finding_delete", assessment.pk, finding.pk))
    assert not Finding.objects.exists()


def test_findings_are_shown_per_thematic_area_with_their_recommendations(
    client, field_officer_east_africa, assessment, kenya
):
    rec = _recommendation(kenya, "Strengthen the regional offices of the NHRI.")
    areas = list(ThematicArea.objects.filter(is_active=True).order_by("sort_order")[:2])
    for area in reversed(areas):
        services.record_finding(
            assessment=assessment,
            by=field_officer_east_africa,
            thematic_area=area,
            need=f"Need in {area.name}.",
            priority="medium",
            recommended_assistance=FormOfAssistance.objects.first(),
            recommendations=[rec],
        )
    client.force_login(field_officer_east_africa)
    page = client.get(_url("detail", assessment.pk)).content.decode()
    headings = re.findall(r'<h3 class="area-heading">(.*?)</h3>', page)
    assert headings == [area.name for area in areas]
    assert "Strengthen the regional offices of the NHRI." in page


@pytest.mark.parametrize("user", ["auditor", "approver", "field_officer_south_america"])
def test_people_outside_the_team_cannot_record_anything(client, cast, assessment, user):
    client.force_login(cast[user])
    expected = 404 if user == "field_officer_south_america" else 302
    for url, data in (
        (_url("consultation_add", assessment.pk), _consultation_data()),
        (_url("finding_add", assessment.pk), _finding_data()),
        (_url("summary", assessment.pk), {"summary": "Not mine."}),
    ):
        assert client.post(url, data).status_code == expected
    upload_url = _url("document_upload", assessment.pk)
    response = post_file(client, upload_url, name="r.pdf", data=PDF_BYTES, fields=_KEEP)
    assert response.status_code == expected
    assert not Consultation.objects.exists() and not Finding.objects.exists()
    assert not AssessmentDocument.objects.exists()
    if expected == 302:
        page = client.get(_url("detail", assessment.pk))
        assert not page.context["can_work"]
        assert "consultation_form" not in page.context


def test_nothing_is_recorded_once_findings_are_submitted(
    client, field_officer_east_africa, assessment
):
    assessment.status = S.FINDINGS_SUBMITTED
    assessment.save()
    client.force_login(field_officer_east_africa)
    response = client.post(_url("consultation_add", assessment.pk), _consultation_data())
    assert _messages(response) == [
        "The assessment is Findings submitted: its consultations can no longer change."
    ]
    assert not Consultation.objects.exists()
    page = client.get(_url("detail", assessment.pk))
    assert "upload_form" not in page.context


# --- uploads ---

_KEEP = {"document-kind": AssessmentDocument.Kind.MINUTES, "document-visibility": "shared"}


def test_field_officer_uploads_a_document_and_downloads_it(
    client, field_officer_east_africa, assessment
):
    client.force_login(field_officer_east_africa)
    response = post_file(
        client,
        _url("document_upload", assessment.pk),
        name="Mission report – Nairobi.pdf",
        data=PDF_BYTES,
        fields={"document-kind": "report", "document-visibility": "internal"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    assert _messages(response) == ["“Mission report – Nairobi.pdf” uploaded."]
    document = AssessmentDocument.objects.get()
    assert (document.original_name, document.kind, document.visibility) == (
        "Mission report – Nairobi.pdf",
        "report",
        "internal",
    )
    assert document.history.latest().history_user == field_officer_east_africa

    page = client.get(_url("detail", assessment.pk)).content.decode()
    assert _url("document", assessment.pk, document.pk) in page
    download = client.get(_url("document", assessment.pk, document.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Mission%20report%20%E2%80%93%20Nairobi.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES


_REFUSED = [
    pytest.param("report.pdf", ELF_BYTES, "not one of the accepted types", id="renamed-executable"),
    pytest.param("report.pdf", HTML_BYTES, "not one of the accepted types", id="html-named-pdf"),
    pytest.param("report.pdf", b"", "is empty", id="empty"),
    pytest.param("../../etc/report.pdf", PDF_BYTES, "may not contain", id="path-separators"),
    pytest.param("C:\\Users\\fo\\report.pdf", PDF_BYTES, "may not contain", id="backslashes"),
    pytest.param("report\x07.pdf", PDF_BYTES, "control characters", id="control-character"),
    pytest.param("report\u202efdp.exe", PDF_BYTES, "control characters", id="bidi-override"),
]


def _assert_refused_and_kept(response, message: str) -> None:
    assert response.status_code == 200
    form = response.context["upload_form"]
    assert message in " ".join(form.errors["file"])
    assert set(form.errors) == {"file"}
    # The reason is shown next to the file field, the other choices as they were.
    page = response.content.decode()
    field = re.search(r'<div class="field field-file">(.*?)</div>\s*<div class="field', page, re.S)
    assert field and message in field.group(1)
    assert re.search(r'<option value="minutes" selected>', page)
    assert re.search(r'value="shared"[^>]*id="id_document-visibility_1"[^>]*checked', page)


@pytest.mark.parametrize(("name", "data", "message"), _REFUSED)
def test_a_refused_upload_says_why_writes_nothing_and_keeps_the_form(
    client, field_officer_east_africa, assessment, name, data, message
):
    client.force_login(field_officer_east_africa)
    before = stored_files()
    response = post_file(
        client, _url("document_upload", assessment.pk), name=name, data=data, fields=_KEEP
    )
    _assert_refused_and_kept(response, message)
    assert not AssessmentDocument.objects.exists()
    assert not AssessmentDocument.history.exists()
    assert stored_files() == before


def test_an_oversized_upload_is_refused(client, field_officer_east_africa, assessment, settings):
    settings.TCP_MAX_UPLOAD_BYTES = 100
    client.force_login(field_officer_east_africa)
    before = stored_files()
    response = post_file(
        client,
        _url("document_upload", assessment.pk),
        name="report.pdf",
        data=PDF_BYTES * 2,
        fields=_KEEP,
    )
    _assert_refused_and_kept(response, "the limit is 100\xa0bytes")
    assert not AssessmentDocument.objects.exists()
    assert stored_files() == before


def test_a_duplicate_upload_is_refused(client, field_officer_east_africa, assessment):
    client.force_login(field_officer_east_africa)
    url = _url("document_upload", assessment.pk)
    post_file(client, url, name="chart.png", data=PNG_BYTES, fields=_KEEP)
    before = stored_files()
    response = post_file(client, url, name="same-chart.png", data=PNG_BYTES, fields=_KEEP)
    _assert_refused_and_kept(response, "“same-chart.png” is already attached here.")
    assert assessment.documents.count() == 1
    assert AssessmentDocument.history.count() == 1
    assert stored_files() == before


def test_an_upload_without_a_file_asks_for_one(client, field_officer_east_africa, assessment):
    client.force_login(field_officer_east_africa)
    response = client.post(_url("document_upload", assessment.pk), _KEEP)
    assert response.context["upload_form"].errors["file"] == ["This field is required."]


def test_a_file_changed_in_storage_is_not_served(
    client, field_officer_east_africa, assessment, caplog
):
    document = services.attach_assessment_document(
        assessment=assessment, file=upload("m.csv", CSV_BYTES), by=field_officer_east_africa
    )
    Path(document.file.path).write_bytes(CSV_BYTES + b"Garissa,3\n")
    client.force_login(field_officer_east_africa)
    with caplog.at_level(logging.ERROR, logger="assessments.views"):
        response = client.get(_url("document", assessment.pk, document.pk))
    assert response.status_code == 409
    assert "no longer matches" in response.content.decode()
    assert any("no longer matches its checksum" in r.getMessage() for r in caplog.records)


def test_the_desk_officer_decides_which_documents_are_shared(
    client, desk_officer, field_officer_east_africa, assessment
):
    document = services.attach_assessment_document(
        assessment=assessment, file=upload("r.pdf", PDF_BYTES), by=field_officer_east_africa
    )
    url = _url("document_visibility", assessment.pk, document.pk)
    client.force_login(field_officer_east_africa)
    response = client.post(url, {"visibility": "shared"})
    assert _messages(response) == ["The desk officer of the country decides what is shared."]
    client.force_login(desk_officer)
    client.post(url, {"visibility": "shared"})
    document.refresh_from_db()
    assert document.visibility == "shared"
    assert document.history.latest().history_user == desk_officer
    # Once the report is shared, what it contains is fixed: no toggle offered.
    assessment.status = S.SHARED
    assessment.save()
    page = client.get(_url("detail", assessment.pk))
    assert not page.context["can_set_visibility"]
    assert url not in page.content.decode()


def test_the_team_removes_a_document_while_open(
    client, field_officer_east_africa, assessment, django_capture_on_commit_callbacks
):
    document = services.attach_assessment_document(
        assessment=assessment, file=upload("r.pdf", PDF_BYTES), by=field_officer_east_africa
    )
    path = Path(document.file.path)
    client.force_login(field_officer_east_africa)
    # The stored bytes go once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("document_delete", assessment.pk, document.pk))
    assert _messages(response) == ["“r.pdf” removed."]
    assert not AssessmentDocument.objects.exists()
    assert not path.exists()


# --- history: every change through the web, with its user ---


def test_history_records_each_change_made_through_the_web_with_its_user(
    client, desk_officer, field_officer_east_africa, assessment
):
    fo = field_officer_east_africa
    client.force_login(fo)
    client.post(_url("consultation_add", assessment.pk), _consultation_data())
    consultation = Consultation.objects.get()
    data = {k.removeprefix("consultation-"): v for k, v in _consultation_data().items()}
    client.post(
        _url("consultation_edit", assessment.pk, consultation.pk), {**data, "place": "Kisumu"}
    )
    client.post(_url("consultation_delete", assessment.pk, consultation.pk))

    client.post(_url("finding_add", assessment.pk), _finding_data())
    finding = Finding.objects.get()
    client.post(
        _url("finding_edit", assessment.pk, finding.pk), _finding_data(prefix="", priority="low")
    )
    client.post(_url("finding_delete", assessment.pk, finding.pk))

    post_file(
        client, _url("document_upload", assessment.pk), name="r.pdf", data=PDF_BYTES, fields=_KEEP
    )
    document = AssessmentDocument.objects.get()
    client.force_login(desk_officer)
    # Uploaded shared: making it internal is a change (a save that changed
    # nothing would add no history row).
    client.post(_url("document_visibility", assessment.pk, document.pk), {"visibility": "internal"})
    client.post(_url("document_delete", assessment.pk, document.pk))

    def trail(model, pk):
        return [
            (h.history_type, h.history_user)
            for h in model.history.filter(id=pk).order_by("history_id")
        ]

    assert trail(Consultation, consultation.pk) == [("+", fo), ("~", fo), ("-", fo)]
    assert trail(Finding, finding.pk) == [("+", fo), ("~", fo), ("-", fo)]
    assert trail(AssessmentDocument, document.pk) == [
        ("+", fo),
        ("~", desk_officer),
        ("-", desk_officer),
    ]


# --- what the government sees ---

_INTERNAL = (
    "INTERNAL-NEED prison staff are hostile to monitors",
    "internal-minutes-of-the-ngo-meeting.csv",
    "SECRET-ORGANISATION Network of defenders",
    "INTERNAL-NOTE redo the regional part",
)


@pytest.fixture
def shared_assessment(assessment, field_officer_east_africa, desk_officer):
    """A shared assessment holding one internal thing of every kind, and its shared report."""
    fo = field_officer_east_africa
    services.record_consultation(
        assessment=assessment,
        by=fo,
        date=datetime.date(2026, 11, 2),
        place="Garissa",
        party=Consultation.Party.NGO,
        organisation=_INTERNAL[2],
        summary="Defenders described reprisals.",
    )
    services.record_finding(
        assessment=assessment,
        by=fo,
        thematic_area=ThematicArea.objects.first(),
        need="SHARED-NEED complaints backlog in the regions",
        priority="high",
        recommended_assistance=FormOfAssistance.objects.first(),
    )
    services.record_finding(
        assessment=assessment,
        by=fo,
        thematic_area=ThematicArea.objects.first(),
        need=_INTERNAL[0],
        priority="high",
        recommended_assistance=FormOfAssistance.objects.first(),
        visibility="internal",
    )
    report = services.attach_assessment_document(
        assessment=assessment,
        file=upload("shared-assessment-report.pdf", PDF_BYTES),
        by=fo,
        kind="report",
    )
    services.set_document_visibility(document=report, visibility="shared", by=desk_officer)
    services.attach_assessment_document(
        assessment=assessment, file=upload(_INTERNAL[1], CSV_BYTES), by=fo, kind="minutes"
    )
    services.update_assessment(assessment=assessment, by=fo, summary="SHARED-SUMMARY")
    services.submit_findings(assessment=assessment, by=fo)
    services.return_findings(assessment=assessment, by=desk_officer, note=_INTERNAL[3])
    services.submit_findings(assessment=assessment, by=fo)
    services.validate_findings(assessment=assessment, by=desk_officer)
    services.share_with_government(assessment=assessment, by=desk_officer)
    return assessment


def test_the_government_reaches_the_shared_report_and_nothing_internal(
    client, focal_point_kenya, shared_assessment
):
    """Walk every page and file the focal point can reach from the assessment page."""
    a = shared_assessment
    client.force_login(focal_point_kenya)
    seen: dict[str, bytes] = {}
    to_visit = [_url("list"), _url("detail", a.pk)]
    prefix = _url("detail", a.pk)
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body
        for href in re.findall(r'href="([^"#?]+)', body.decode(errors="replace")):
            if href.startswith(prefix) and href not in seen:
                to_visit.append(href)
    report = a.documents.get(visibility="shared")
    internal_doc = a.documents.get(visibility="internal")
    assert _url("document", a.pk, report.pk) in seen  # the shared report, reached and read
    assert seen[_url("document", a.pk, report.pk)] == PDF_BYTES
    page = seen[_url("detail", a.pk)].decode()
    assert "SHARED-NEED complaints backlog in the regions" in page
    assert "SHARED-SUMMARY" in page
    for secret in _INTERNAL:
        for url, body in seen.items():
            assert secret.encode() not in body, (secret, url)
    # No consultation, no chart, no form of the team, no internal label.
    assert "Consultations" not in page and "Breadth of consultation" not in page
    # Nothing to act on but asking for the PDF of what is shared.
    main = page.split('<main id="main"', 1)[1]
    assert main.count("<form") == main.count('action="/reports/ask/"') == 1
    assert "Internal (OHCHR only)" not in page

    # And what is internal answers 404 even by its address.
    consultation = a.consultations.get()
    internal_finding = a.findings.get(visibility="internal")
    for url in (
        _url("document", a.pk, internal_doc.pk),
        _url("consultation_edit", a.pk, consultation.pk),
        _url("finding_edit", a.pk, internal_finding.pk),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        _url("consultation_delete", a.pk, consultation.pk),
        _url("finding_delete", a.pk, internal_finding.pk),
        _url("document_delete", a.pk, internal_doc.pk),
        _url("document_visibility", a.pk, internal_doc.pk),
    ):
        assert client.post(url, {"visibility": "shared"}).status_code == 404, url
    assert a.consultations.count() == 1 and a.documents.count() == 2


def test_ohchr_still_reads_everything_of_the_shared_assessment(
    client, desk_officer, shared_assessment
):
    client.force_login(desk_officer)
    page = client.get(_url("detail", shared_assessment.pk)).content.decode()
    for secret in _INTERNAL:
        assert secret in page


# --- query counts: constant whatever the number of records ---


def test_list_query_count_does_not_grow_with_requests_awaiting_planning(
    client, desk_officer, kenya
):
    client.force_login(desk_officer)
    url = _url("list")
    client.get(url)
    for _ in range(5):
        AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    few = _queries(client, url)
    for _ in range(45):
        AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    many = _queries(client, url)
    assert many == few
    print(f"\n[query count] assessment list, desk officer, 5 vs 50 waiting: {few} / {many}")


def _add_work(assessment, by, count: int, recommendations) -> None:
    start = assessment.consultations.count()
    for i in range(start, start + count):
        services.record_consultation(
            assessment=assessment,
            by=by,
            date=datetime.date(2026, 11, 2),
            place=f"Place {i}",
            party=list(Consultation.Party.values)[i % 9],
            organisation=f"Organisation {i}",
            participants_women=i,
            summary="Met.",
        )
        services.record_finding(
            assessment=assessment,
            by=by,
            thematic_area=ThematicArea.objects.all()[i % 3],
            need=f"Need {i}",
            priority="high",
            recommended_assistance=FormOfAssistance.objects.first(),
            recommendations=recommendations,
            visibility="shared" if i % 2 else "internal",
        )
        services.attach_assessment_document(
            assessment=assessment,
            file=upload(f"report-{i}.pdf", PDF_BYTES + f"% {i}\n".encode()),
            by=by,
            visibility="shared" if i % 2 else "internal",
        )


@pytest.mark.parametrize(
    "user", ["field_officer_east_africa", "desk_officer", "focal_point_kenya", "auditor"]
)
def test_detail_query_count_does_not_grow_with_the_work_recorded(
    client, cast, assessment, kenya, user
):
    fo = cast["field_officer_east_africa"]
    recommendations = [_recommendation(kenya, f"Recommendation {i}") for i in range(3)]
    client.force_login(cast[user])
    url = _url("detail", assessment.pk)
    government = user == "focal_point_kenya"

    def measure() -> int:
        if government:
            NeedsAssessment.objects.filter(pk=assessment.pk).update(status=S.SHARED)
        count = _queries(client, url)
        NeedsAssessment.objects.filter(pk=assessment.pk).update(status=S.IN_PROGRESS)
        return count

    _add_work(assessment, fo, 5, recommendations)
    measure()  # warm the per-process caches (content types, permission names)
    few = measure()
    _add_work(assessment, fo, 25, recommendations)
    many = measure()
    assert many == few
    print(f"\n[query count] assessment detail, {user}, 5 vs 30 of each: {few} / {many}")

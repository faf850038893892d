"""Needs assessment pages: list, detail, transitions, and what a government may read."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import NeedsAssessment
from tests.factories import NeedsAssessmentFactory

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
        "Done: Start the assessment.",
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
    assert len(response.context["timeline"]) == 4


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

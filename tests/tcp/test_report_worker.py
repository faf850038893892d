"""A report asked for on its page is rendered by a real Celery worker on Redis."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tcp.models import Report
from tests.factories import AssistanceRequestFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker_env() -> dict[str, str]:
    # The worker stores the PDF where this test reads it.
    return {"TCP_TEST_MEDIA": str(settings.MEDIA_ROOT)}


def test_the_page_answers_at_once_and_the_worker_renders_the_report(
    celery_worker_process, client, desk_officer, kenya
):
    req = AssistanceRequestFactory(country=kenya, status="submitted", title="Legal aid clinics")
    client.force_login(desk_officer)

    response = client.post(reverse("report_ask"), {"kind": "request", "reference": req.reference})
    answered = timezone.now()
    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()

    assert wait_for(
        lambda: Report.objects.get().status in (Report.Status.READY, Report.Status.FAILED),
        timeout=90,
    )
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert report.finished_at > answered  # the page did not wait for the rendering
    download = client.get(reverse("report_download", args=[report.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_long_export_is_written_by_the_worker_with_its_progress(
    celery_worker_process, client, desk_officer, kenya, settings
):
    import io

    import openpyxl

    from tests.factories import NeedsAssessmentFactory

    settings.TCP_EXPORT_INLINE_ROWS = 10
    for _ in range(30):
        NeedsAssessmentFactory(country=kenya, request__country=kenya)
    client.force_login(desk_officer)

    response = client.get(reverse("export", kwargs={"code": "assessments", "fmt": "xlsx"}))
    report = Report.objects.get(kind=Report.Kind.EXPORT)
    assert response["Location"] == report.get_absolute_url()
    assert wait_for(
        lambda: Report.objects.get().status in (Report.Status.READY, Report.Status.FAILED),
        timeout=90,
    )
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert report.rows == 30
    # The worker saved its progress on the way, each step recorded in the history.
    steps = list(report.history.order_by("history_id").values_list("progress", flat=True))
    assert steps[0] == 0 and steps[-1] == 100 and steps == sorted(steps) and len(steps) >= 3
    download = client.get(reverse("report_download", args=[report.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 1 + 30

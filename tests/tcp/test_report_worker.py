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

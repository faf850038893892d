"""The queue end to end: a transition queues a task, a real worker sends."""

from __future__ import annotations

import pytest

from requests_app import services
from tcp.models import Notification
from tests.factories import AssistanceRequestFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_transition_is_notified_by_the_worker_after_commit(
    celery_worker_process,
    focal_point_kenya,
    desk_officer,
):
    req = AssistanceRequestFactory()

    services.submit_request(req=req, by=focal_point_kenya)

    assert wait_for(lambda: Notification.objects.filter(sent_at__isnull=False).exists())
    sent = Notification.objects.get()
    assert sent.recipient == desk_officer
    assert req.reference in sent.subject

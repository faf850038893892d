"""Lifecycle events reach the people who can act next, once each."""

from __future__ import annotations

import pytest
from django.core import mail

from requests_app import services
from requests_app.models import AssistanceRequest
from tcp.lifecycle import status_changes
from tcp.models import Notification
from tcp.notifications import send_status_change_notifications
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_submission_reaches_the_desk_officer_of_the_country_only(
    cast, django_capture_on_commit_callbacks, focal_point_kenya, desk_officer
):
    req = AssistanceRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_request(req=req, by=focal_point_kenya)
    assert _recipients() == {desk_officer.email}
    assert req.reference in mail.outbox[0].subject


def test_only_those_who_can_act_next_are_told(
    cast, django_capture_on_commit_callbacks, desk_officer
):
    req = AssistanceRequestFactory(status=S.ACKNOWLEDGED)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_assessment(req=req, by=desk_officer)
    # The government can still withdraw; the approver cannot decide before the
    # screening is recorded, so is not written to yet.
    assert _recipients() == {cast["focal_point_kenya"].email}


def test_decline_reaches_the_government_with_the_reason(
    cast, django_capture_on_commit_callbacks, approver
):
    req = AssistanceRequestFactory(status=S.UNDER_ASSESSMENT, screened=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(req=req, by=approver, reason="Outside the mandate.")
    to_government = [m for m in mail.outbox if cast["focal_point_kenya"].email in m.to]
    assert len(to_government) == 1
    assert "Outside the mandate." in to_government[0].body
    assert f"/requests/{req.pk}/" in to_government[0].body


def test_internal_notes_never_reach_the_government(
    cast, django_capture_on_commit_callbacks, desk_officer
):
    req = AssistanceRequestFactory(status=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_request(req=req, by=desk_officer)
    event = status_changes(req).get()
    event.note = "Internal: the minister is unreliable."
    event.save()
    mail.outbox.clear()
    Notification.objects.all().delete()
    send_status_change_notifications(event.pk)
    government = [m for m in mail.outbox if cast["focal_point_kenya"].email in m.to]
    assert government, "the government can withdraw, so it is told"
    assert "unreliable" not in government[0].body


def test_sending_twice_writes_to_each_person_once(cast, desk_officer, focal_point_kenya):
    req = AssistanceRequestFactory()
    services.submit_request(req=req, by=focal_point_kenya)
    event = status_changes(req).get()
    mail.outbox.clear()
    Notification.objects.all().delete()

    assert send_status_change_notifications(event.pk) == 1
    assert send_status_change_notifications(event.pk) == 0
    assert len(mail.outbox) == 1

"""Lifecycle events reach the people they concern, once each, as the events were."""

from __future__ import annotations

import datetime
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from programmes import services as programme_services
from programmes.models import Programme
from requests_app import services
from requests_app.models import AssistanceRequest
from tcp import notifications
from tcp.lifecycle import status_changes
from tcp.models import Notification
from tests.factories import AssistanceRequestFactory, ComponentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


class FailingBackend:
    """A mail server that is down: every sending fails, as SMTP does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


FAILING = {"default": {"BACKEND": "tests.tcp.test_notifications.FailingBackend"}}


def test_submission_reaches_the_desk_officer_of_the_country_only(
    cast, django_capture_on_commit_callbacks, focal_point_kenya, desk_officer
):
    req = AssistanceRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_request(req=req, by=focal_point_kenya)
    assert _recipients() == {desk_officer.email}
    assert req.reference in mail.outbox[0].subject


def test_a_government_is_not_told_of_ohchr_internal_steps(
    cast, django_capture_on_commit_callbacks, desk_officer
):
    req = AssistanceRequestFactory(status=S.ACKNOWLEDGED)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_assessment(req=req, by=desk_officer)
    # Starting the screening concerns nobody yet: the government could withdraw,
    # but that is no news for it; the approver cannot decide before the screening.
    assert cast["focal_point_kenya"].email not in _recipients()
    assert _recipients() == set()


def test_a_question_reaches_the_government(cast, django_capture_on_commit_callbacks, desk_officer):
    req = AssistanceRequestFactory(status=S.ACKNOWLEDGED)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_information(req=req, by=desk_officer, question="Which ministry leads?")
    government = [m for m in mail.outbox if cast["focal_point_kenya"].email in m.to]
    assert len(government) == 1
    assert "Which ministry leads?" in government[0].body


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
    cast, django_capture_on_commit_callbacks, approver
):
    req = AssistanceRequestFactory(status=S.UNDER_ASSESSMENT, screened=True)
    services.accept_request(req=req, by=approver)
    event = status_changes(req).get()
    event.note = "Internal: the minister is unreliable."
    event.save()
    mail.outbox.clear()
    Notification.objects.update(sent_at=None)
    notifications.send_event(event.pk)
    government = [m for m in mail.outbox if cast["focal_point_kenya"].email in m.to]
    assert government, "a decision concerns the government, so it is told"
    assert "unreliable" not in government[0].body


def test_sending_twice_writes_to_each_person_once(cast, desk_officer, focal_point_kenya):
    req = AssistanceRequestFactory()
    services.submit_request(req=req, by=focal_point_kenya)
    event = status_changes(req).get()
    assert notifications.send_event(event.pk) == 1
    assert notifications.send_event(event.pk) == 0
    assert len(mail.outbox) == 1


def test_the_subject_names_the_step_and_the_state_it_led_to_not_a_later_one(
    cast, django_capture_on_commit_callbacks, desk_officer, approver, kenya
):
    programme = ProgrammeFactory(countries=[kenya])
    ComponentFactory(programme=programme)
    # The task runs late: by then the programme is approved.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        programme_services.transition_programme(
            programme=programme, action="submit_for_review", by=desk_officer
        )
    programme_services.transition_programme(programme=programme, action="approve", by=approver)
    for callback in callbacks:
        callback()
    subjects = [m.subject for m in mail.outbox]
    assert f"[{programme.reference}] Submit for review: Under review" in subjects
    assert not any("Submit for review: Approved" in s for s in subjects)
    # The internal review step reached the approver, never the government.
    review = [m for m in mail.outbox if "Submit for review" in m.subject]
    assert {a for m in review for a in m.to} == {approver.email}


def test_approval_asks_every_covered_state_to_accept(
    cast, django_capture_on_commit_callbacks, approver, kenya, peru
):
    programme = ProgrammeFactory(
        countries=[kenya, peru], status=Programme.Status.UNDER_REVIEW, scope="regional"
    )
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.transition_programme(programme=programme, action="approve", by=approver)
    assert cast["focal_point_kenya"].email in _recipients()
    assert cast["focal_point_peru"].email in _recipients()


@override_settings(MAILERS=FAILING)
def test_a_mail_server_down_never_breaks_a_committed_transition(
    cast, focal_point_kenya, desk_officer, kenya
):
    """With eager tasks (the embedded default) the sending runs in the request:
    its failure must neither undo the change nor turn the page into an error."""
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    client = Client()
    client.force_login(focal_point_kenya)
    response = client.post(reverse("requests_app:transition", args=[req.pk]), {"action": "submit"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    # Nobody was written to, and the notification waits to be retried.
    pending = Notification.objects.get(status_change__object_id=req.pk)
    assert pending.recipient == desk_officer
    assert pending.sent_at is None


def test_the_retry_sweep_sends_what_a_failure_left_unsent(
    cast, focal_point_kenya, desk_officer, kenya
):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    with override_settings(MAILERS=FAILING):
        services.submit_request(req=req, by=focal_point_kenya)
    assert mail.outbox == []
    # Not before the retry delay (a task may still be trying) …
    assert notifications.send_pending() == 0
    # … but once it has passed, the worker's sweep sends it, once.
    later = timezone.now() + notifications.RETRY_AFTER + datetime.timedelta(seconds=1)
    assert notifications.send_pending(now=later) == 1
    assert notifications.send_pending(now=later) == 0
    assert _recipients() == {desk_officer.email}

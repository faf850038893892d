"""Words about a request that must not mislead: the screening is called screening,
never "under assessment" (the needs assessment comes after an acceptance), and a
resubmission keeps the date the State first submitted its request."""

from __future__ import annotations

import csv
import datetime
import importlib
import io

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app import reminders, services
from requests_app.figures import pipeline_panel
from requests_app.models import AssistanceRequest
from tcp.figures import Filters
from tcp.history import untracked
from tcp.lifecycle import status_changes
from tcp.models import ScreeningCriterion
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status
migration = importlib.import_module("requests_app.migrations.0007_first_submission_kept")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _screened_request(kenya, focal_point_kenya, desk_officer) -> AssistanceRequest:
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    services.submit_request(req=req, by=focal_point_kenya)
    services.acknowledge_request(req=req, by=desk_officer)
    services.start_assessment(req=req, by=desk_officer)
    return req


# --- screening, not "under assessment" ---


def test_the_screening_stage_is_called_screening_on_every_page(
    kenya, focal_point_kenya, desk_officer
):
    req = _screened_request(kenya, focal_point_kenya, desk_officer)
    assert req.get_status_display() == "Being screened"
    desk = _client(desk_officer)
    pages = {
        "dashboard": desk.get(reverse("dashboard")),
        "list": desk.get(reverse("requests_app:list")),
        "page": desk.get(reverse("requests_app:detail", args=[req.pk])),
        "government's page": _client(focal_point_kenya).get(
            reverse("requests_app:detail", args=[req.pk])
        ),
        "history": desk.get(
            reverse("record_history", args=["requests_app.assistancerequest", req.pk])
        ),
        "figures": desk.get(reverse("figures")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        assert "under assessment" not in text.lower(), name
    assert "Requests being screened" in pages["dashboard"].content.decode()
    # The status filter of the list, the status and the step on the page.
    assert '<option value="under_assessment">Being screened</option>' in (
        pages["list"].content.decode()
    )
    assert "Start screening" in pages["page"].content.decode()
    export = desk.get(reverse("requests_app:export"), {"status": S.UNDER_ASSESSMENT})
    body = b"".join(export.streaming_content).decode("utf-8")[1:]
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["Status"] == "Being screened"


def test_the_stored_value_stays_under_assessment(kenya, focal_point_kenya, desk_officer):
    """Only the label changed: the value in the database, URLs and the API is the same."""
    req = _screened_request(kenya, focal_point_kenya, desk_officer)
    assert AssistanceRequest.objects.filter(pk=req.pk, status="under_assessment").exists()


def test_the_screening_form_speaks_of_the_screening_not_an_assessment(
    kenya, focal_point_kenya, desk_officer
):
    req = _screened_request(kenya, focal_point_kenya, desk_officer)
    page = _client(desk_officer).get(reverse("requests_app:detail", args=[req.pk]))
    text = page.content.decode()
    assert "The overall judgement of the screening, for the approver." in text
    assert "overall assessment" not in text


# --- the first submission is kept ---


def _resubmitted(kenya, focal_point_kenya, desk_officer) -> AssistanceRequest:
    """First submitted on 2 March, asked a question, resubmitted on 20 March."""
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    with time_machine.travel(START, tick=False):
        services.submit_request(req=req, by=focal_point_kenya)
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        services.acknowledge_request(req=req, by=desk_officer)
        services.request_information(req=req, by=desk_officer, question="Which ministries?")
    with time_machine.travel(START + datetime.timedelta(days=18), tick=False):
        services.resubmit_request(req=req, by=focal_point_kenya, answer="Justice and Interior.")
    req.refresh_from_db()
    return req


def test_a_resubmission_keeps_the_first_submission_date(kenya, focal_point_kenya, desk_officer):
    req = _resubmitted(kenya, focal_point_kenya, desk_officer)
    assert req.status == S.SUBMITTED
    assert req.submitted_at == START
    assert req.resubmitted_at == START + datetime.timedelta(days=18)
    assert req.last_submitted_at == req.resubmitted_at


def test_the_page_and_the_export_show_both_dates(kenya, focal_point_kenya, desk_officer, settings):
    settings.TIME_ZONE = "UTC"
    req = _resubmitted(kenya, focal_point_kenya, desk_officer)
    for user in (focal_point_kenya, desk_officer):
        text = _client(user).get(reverse("requests_app:detail", args=[req.pk])).content.decode()
        assert "<dt>First submitted</dt><dd>2 Mar 2026, 09:00 UTC</dd>" in text
        assert "<dt>Resubmitted</dt><dd>20 Mar 2026, 09:00 UTC</dd>" in text
    export = _client(desk_officer).get(reverse("requests_app:export"))
    body = b"".join(export.streaming_content).decode("utf-8")[1:]
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert (row["First submitted"], row["Resubmitted"]) == ("2026-03-02", "2026-03-20")


def test_a_request_never_resubmitted_shows_no_resubmission(kenya, focal_point_kenya, desk_officer):
    req = _screened_request(kenya, focal_point_kenya, desk_officer)
    text = _client(desk_officer).get(reverse("requests_app:detail", args=[req.pk]))
    assert "First submitted" in text.content.decode()
    assert "Resubmitted" not in text.content.decode()


def test_days_to_a_decision_count_from_the_first_submission(
    kenya, focal_point_kenya, desk_officer, approver
):
    req = _resubmitted(kenya, focal_point_kenya, desk_officer)
    with time_machine.travel(START + datetime.timedelta(days=20), tick=False):
        services.acknowledge_request(req=req, by=desk_officer)
        services.start_assessment(req=req, by=desk_officer)
    _score(req, desk_officer)  # the screening a decision needs
    with time_machine.travel(START + datetime.timedelta(days=30), tick=False):
        services.accept_request(req=req, by=approver)
    stats = {s.label: s.value for s in pipeline_panel(approver, Filters()).stats}
    # 30 days from the first submission, not 12 from the resubmission.
    assert stats["Median days from first submission to decision"] == 30.0


def _score(req: AssistanceRequest, by) -> None:
    scores = {c.pk: (3, "Meets it in part.") for c in ScreeningCriterion.objects.all()}
    services.record_screening(req=req, by=by, scores=scores)


def test_the_acknowledgement_reminder_counts_from_the_resubmission(
    kenya, focal_point_kenya, desk_officer
):
    """The desk officer acknowledges the answer: its wait starts when it came in."""
    req = _resubmitted(kenya, focal_point_kenya, desk_officer)
    resubmitted = (START + datetime.timedelta(days=18)).date()
    assert reminders.acknowledge_due_on(req) == resubmitted + datetime.timedelta(days=5)
    # Five days after the first submission it was the government's to answer: not due.
    assert req not in reminders.not_acknowledged(resubmitted)
    assert req not in reminders.not_acknowledged(resubmitted + datetime.timedelta(days=4))
    assert req in reminders.not_acknowledged(resubmitted + datetime.timedelta(days=5))


def test_the_migration_puts_back_the_first_submission_of_resubmitted_requests(
    kenya, focal_point_kenya, desk_officer
):
    req = _resubmitted(kenya, focal_point_kenya, desk_officer)
    plain = _screened_request(kenya, focal_point_kenya, desk_officer)
    plain_submitted = AssistanceRequest.objects.get(pk=plain.pk).submitted_at
    # As the earlier lifecycle left it: the resubmission overwrote the first date.
    AssistanceRequest.objects.filter(pk=req.pk).update(
        submitted_at=req.resubmitted_at, resubmitted_at=None
    )
    steps = status_changes(req)
    submit, resubmit = steps.get(action="submit"), steps.get(action="resubmit")
    # A data migration writes without history (on the real registry here).
    with untracked():
        migration.keep_first_submission(apps, None)
    req.refresh_from_db()
    assert (req.submitted_at, req.resubmitted_at) == (submit.at, resubmit.at)
    plain.refresh_from_db()
    assert (plain.submitted_at, plain.resubmitted_at) == (plain_submitted, None)
    assert timezone.is_aware(req.submitted_at)

"""Irreversible steps ask for confirmation on a page of their own, without JavaScript.

The lifecycle tables mark them (``Transition.irreversible``); the one transition
view answers their first POST with the confirmation page (the record, what will
happen, "This cannot be undone.", the note as typed, "Yes, …" and a way back),
and only the POST of that page's form takes the step.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.services import LIFECYCLE as ASSESSMENT
from evaluations.follow_up import FOLLOW_UP_LIFECYCLE as FOLLOW_UP
from evaluations.services import LIFECYCLE as EVALUATION
from programmes.amendments import LIFECYCLE as AMENDMENT
from programmes.budget import EXPENDITURE_LIFECYCLE as EXPENDITURE
from programmes.implementation import ACTIVITY_LIFECYCLE as ACTIVITY
from programmes.models import Programme, ProgrammeAcceptance
from programmes.services import COMPONENT_LIFECYCLE as COMPONENT
from programmes.services import LIFECYCLE as PROGRAMME
from requests_app.models import AssistanceRequest
from requests_app.services import LIFECYCLE as REQUEST
from tcp.lifecycle import status_changes
from tcp.views import yes_label
from tests.factories import AssistanceRequestFactory, ComponentFactory, ProgrammeFactory
from tests.tcp.test_lifecycles import ACTORS, LIFECYCLES

pytestmark = pytest.mark.django_db

ALL_LIFECYCLES = {
    "request": REQUEST,
    "assessment": ASSESSMENT,
    "programme": PROGRAMME,
    "component": COMPONENT,
    "activity": ACTIVITY,
    "expenditure": EXPENDITURE,
    "amendment": AMENDMENT,
    "evaluation": EVALUATION,
    "follow_up": FOLLOW_UP,
}
TRANSITION_URLS = {
    "request": "requests_app:transition",
    "assessment": "assessments:transition",
    "programme": "programmes:transition",
    "component": "programmes:component_transition",
    "evaluation": "evaluations:transition",
    "follow_up": "evaluations:follow_up_transition",
}
# The steps the issue names, and the other lifecycle steps with no way back.
NAMED = {"accept", "decline", "approve", "complete", "close", "cancel", "withdraw", "drop"}


@pytest.mark.parametrize("name", sorted(ALL_LIFECYCLES))
def test_every_step_with_no_way_back_is_marked_in_its_table(name):
    lifecycle = ALL_LIFECYCLES[name]
    left_from = {status for t in lifecycle.transitions for status in t.sources}
    for t in lifecycle.transitions:
        if t.automatic:
            continue
        # Into a state nothing leaves (accepted, declined, closed, cancelled…).
        if t.target not in left_from:
            assert t.irreversible, f"{name}.{t.action} leads to {t.target}, with no way back"
        if t.action in NAMED:
            assert t.irreversible, f"{name}.{t.action} is not asked for confirmation"
    # What can be undone is never asked twice: asking is kept for what matters.
    reversible = {"acknowledge", "start_assessment", "request_information", "suspend", "resume"}
    assert not any(t.irreversible for t in lifecycle.transitions if t.action in reversible)


IRREVERSIBLE = [
    pytest.param(name, lifecycle, make, t, id=f"{name}-{t.action}")
    for name, lifecycle, make in LIFECYCLES
    for t in lifecycle.transitions
    if t.irreversible and not t.automatic
]


@pytest.mark.parametrize(("name", "lifecycle", "make", "step"), IRREVERSIBLE)
def test_an_irreversible_step_is_asked_first_and_taken_once_confirmed(
    client, cast, name, lifecycle, make, step
):
    record = make(step.sources[0])
    client.force_login(cast[sorted(ACTORS[step.permission])[0]])
    url = reverse(TRANSITION_URLS[name], args=[record.pk])
    note = "Typed on the record's page, <kept> as typed."
    data = {"action": step.action, "note": note, "next": record.get_absolute_url()}

    response = client.post(data=data, path=url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This cannot be undone." in page
    assert html.escape(yes_label(step.label)) in page
    assert html.escape(note) in page  # kept, and still editable
    assert html.escape(getattr(record, "reference", "") or str(record)) in page
    assert 'name="confirmed" value="yes"' in page
    assert f'href="{record.get_absolute_url()}"' in page  # "No, go back"
    record.refresh_from_db()
    assert record.status == step.sources[0]
    assert not status_changes(record).exists()

    response = client.post(url, {**data, "confirmed": "yes"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == step.target
    assert status_changes(record).get().note == note


def test_a_missing_reason_is_asked_on_the_confirmation_page(client, approver, kenya):
    req = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.UNDER_ASSESSMENT, screened=True
    )
    client.force_login(approver)
    url = reverse("requests_app:transition", args=[req.pk])
    response = client.post(url, {"action": "decline", "note": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page and 'href="#id_note"' in page
    assert 'aria-invalid="true"' in page
    # Confirmed without the reason: asked again, nothing done.
    response = client.post(url, {"action": "decline", "note": "  ", "confirmed": "yes"})
    assert response.status_code == 200
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.UNDER_ASSESSMENT
    response = client.post(
        url, {"action": "decline", "note": "Outside the mandate.", "confirmed": "yes"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.decline_reason) == ("declined", "Outside the mandate.")


def test_a_step_the_user_may_not_take_is_refused_without_a_confirmation_page(
    client, desk_officer, kenya
):
    req = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.UNDER_ASSESSMENT, screened=True
    )
    client.force_login(desk_officer)  # the approver decides
    response = client.post(reverse("requests_app:transition", args=[req.pk]), {"action": "accept"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.UNDER_ASSESSMENT


def test_a_reversible_step_is_taken_at_once(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.SUBMITTED)
    client.force_login(desk_officer)
    response = client.post(
        reverse("requests_app:transition", args=[req.pk]), {"action": "acknowledge"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.ACKNOWLEDGED


def test_the_government_confirms_its_acceptance_of_a_programme(client, focal_point_kenya, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED)
    ComponentFactory(programme=programme)
    client.force_login(focal_point_kenya)
    url = reverse("programmes:accept", args=[programme.pk])
    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This cannot be undone." in page and programme.reference in page
    assert "Yes, accept the programme for my State" in page
    assert not ProgrammeAcceptance.objects.exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert ProgrammeAcceptance.objects.get().country == kenya
    programme.refresh_from_db()
    assert programme.status == Programme.Status.ACCEPTED


def test_the_buttons_carry_no_script_confirmation(client, approver, kenya):
    """Asked once, by the server: the script asks nothing more of these forms."""
    req = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.UNDER_ASSESSMENT, screened=True
    )
    client.force_login(approver)
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'value="decline"' in page and 'value="accept"' in page
    assert "data-confirm" not in page
    # The script's question is only for forms that ask for it (removing a part of a
    # record, which no confirmation page covers), never for the lifecycle's buttons.
    template = Path(settings.BASE_DIR) / "templates" / "includes" / "action_form.html"
    assert "data-confirm" not in template.read_text()
    script = (Path(settings.BASE_DIR) / "static" / "js" / "app.js").read_text()
    assert "form.dataset.confirm" in script

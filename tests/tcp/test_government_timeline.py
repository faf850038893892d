"""A government's timelines show no internal step.

Which steps a government reads is decided in each lifecycle's table
(``Transition.shared_with_government``): its own steps, what it is told of,
and the milestones it shares; OHCHR's own handling (starting the screening,
reviews, validation, the evaluation team's work) stays internal. The table
below pins that decision for every lifecycle, and each record a government
may open is read through its page and its history page, as the government
and as OHCHR.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Activity, Programme
from requests_app import reports
from requests_app.models import AssistanceRequest
from tcp.lifecycle import _REGISTRY, Lifecycle, Transition, lifecycle_for
from tcp.models import StatusChange
from tests.factories import (
    ActivityFactory,
    AssistanceRequestFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

# Every lifecycle, and the steps of it a government reads.
SHARED = {
    "requests_app.assistancerequest": {
        "submit",
        "acknowledge",
        "request_information",
        "resubmit",
        "accept",
        "decline",
        "withdraw",
    },
    "assessments.needsassessment": {"share"},
    "programmes.programme": {
        "approve",
        "accept",
        "start_implementation",
        "suspend",
        "resume",
        "complete",
        "cancel",
    },
    "programmes.component": {"start", "complete", "cancel"},
    "programmes.activity": {"start", "complete", "cancel"},
    # OHCHR's own records: a government never opens them.
    "programmes.amendment": set(),
    "programmes.expenditure": set(),
    "evaluations.evaluation": {"accept"},
    "evaluations.followupaction": {"start", "report_done", "verify_done", "reopen", "drop"},
}
INTERNAL_NOTE = "Internal: the ministry is slow to answer."


def test_every_lifecycle_decides_which_steps_a_government_reads():
    assert set(_REGISTRY) == set(SHARED)
    for label, lifecycle in _REGISTRY.items():
        shared = {t.action for t in lifecycle.transitions if t.shared_with_government}
        assert shared == SHARED[label], label


def test_a_step_told_to_the_government_cannot_be_hidden_from_its_timeline():
    with pytest.raises(ValueError, match="told to the government"):
        Lifecycle(
            model=AssistanceRequest,
            in_scope=lambda obj, user: True,
            countries_of=lambda obj: [],
            transitions=[
                Transition(
                    "decide",
                    "Decide",
                    ("submitted",),
                    "accepted",
                    "x.y",
                    inform_government=True,
                    shared=False,
                )
            ],
        )
    # The table registered by the apps stays the one in force.
    assert lifecycle_for(AssistanceRequest).transition("accept").label == "Accept"


def _every_step_happened(record: Any, by: Any) -> None:
    """A status change for each step of the record's lifecycle, each with a note."""
    lifecycle = lifecycle_for(type(record))
    content_type = ContentType.objects.get_for_model(type(record))
    for t in lifecycle.transitions:
        StatusChange.objects.create(
            content_type=content_type,
            object_id=record.pk,
            action=t.action,
            from_status=t.sources[0],
            to_status=t.target,
            note=INTERNAL_NOTE,
            by=by,
        )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _labels(lifecycle: Lifecycle, actions: set[str]) -> set[str]:
    return {str(lifecycle.transition(a).label) for a in actions}


def _records(kenya) -> dict[str, tuple[Any, str]]:
    """A record of each kind a government opens, shared with Kenya, and its page."""
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.IN_IMPLEMENTATION)
    evaluation = EvaluationFactory(
        programme=programme,
        status=Evaluation.Status.ACCEPTED,
        kind=Evaluation.Kind.POST_IMPLEMENTATION,
    )
    request = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    return {
        "requests_app.assistancerequest": (request, "requests_app:detail"),
        "assessments.needsassessment": (
            NeedsAssessmentFactory(request=request, status=NeedsAssessment.Status.SHARED),
            "assessments:detail",
        ),
        "programmes.programme": (programme, "programmes:detail"),
        "programmes.activity": (
            ActivityFactory(component__programme=programme, status=Activity.Status.ONGOING),
            "programmes:activity",
        ),
        "evaluations.evaluation": (evaluation, "evaluations:detail"),
        "evaluations.followupaction": (
            FollowUpActionFactory(
                evaluation=evaluation,
                responsible_state=kenya,
                status=FollowUpAction.Status.IN_PROGRESS,
            ),
            "evaluations:follow_up_detail",
        ),
    }


def _page_steps(response, label: str) -> list[str]:
    entries = response.context["timeline"]
    if label == "requests_app.assistancerequest":
        # The request's timeline also holds messages and documents: its steps only.
        return [e.title.split(":")[0] for e in entries if e.kind == "status"]
    return [str(e.action) for e in entries]


def _page_notes(response) -> list[str]:
    return [getattr(e, "note", "") or getattr(e, "text", "") for e in response.context["timeline"]]


@pytest.mark.parametrize(
    "label",
    [
        "requests_app.assistancerequest",
        "assessments.needsassessment",
        "programmes.programme",
        "programmes.activity",
        "evaluations.evaluation",
        "evaluations.followupaction",
    ],
)
def test_the_government_reads_only_shared_steps_on_the_page_and_in_the_history(
    label, kenya, focal_point_kenya, desk_officer
):
    record, url_name = _records(kenya)[label]
    _every_step_happened(record, desk_officer)
    lifecycle = lifecycle_for(type(record))
    every = {t.action for t in lifecycle.transitions}
    url = reverse(url_name, args=[record.pk])
    history_url = reverse("record_history", args=[label, record.pk])

    government = _client(focal_point_kenya)
    page = government.get(url)
    assert page.status_code == 200
    assert set(_page_steps(page, label)) == _labels(lifecycle, SHARED[label])
    history = government.get(history_url)
    assert history.status_code == 200
    assert {str(e.action) for e in history.context["timeline"]} == (
        _labels(lifecycle, SHARED[label])
    )
    # Of the shared steps, only the notes meant for the government.
    shared_notes = {t.action for t in lifecycle.transitions if t.note_shared}
    assert sum(INTERNAL_NOTE in n for n in _page_notes(page)) == len(shared_notes & SHARED[label])

    ohchr = _client(desk_officer).get(url)
    assert set(_page_steps(ohchr, label)) == _labels(lifecycle, every)
    assert all(INTERNAL_NOTE in n for n in _page_notes(ohchr) if n)


def test_the_request_summary_pdf_holds_only_shared_steps_for_the_government(
    kenya, focal_point_kenya, desk_officer
):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    _every_step_happened(req, desk_officer)
    seen = reports.context(focal_point_kenya, req, {})["status_changes"]
    assert not any(e.title.startswith("Start screening") for e in seen)
    assert any(e.title.startswith("Acknowledge") for e in seen)
    staff = reports.context(desk_officer, req, {})["status_changes"]
    assert any(e.title.startswith("Start screening") for e in staff)

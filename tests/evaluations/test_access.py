"""Who may reach each page of the evaluations stage: every role of the cast (and
anonymous) against every URL the stage added, in the style of
``tests/test_access_matrix.py`` (which covers the lists, the evaluation and action
pages and their transitions).

* anonymous -> redirected to the login page (``L``);
* a role that never holds the model permission a page needs -> 403;
* a record outside the user's scope (another State, an evaluation not yet shared
  with the government) -> 404, so its existence does not leak;
* a POST redirects back: ``D`` when it was done, ``R`` when it was refused
  (nothing changed, an error message). A form page (GET and POST) answers 403 to
  a role without its permission, whatever the method.

Each role runs inside a savepoint that is rolled back, so every cell starts from
the same records.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from evaluations import follow_up, services
from evaluations.models import (
    CriterionRating,
    Evaluation,
    EvaluationCriterion,
    EvaluationDocument,
    EvaluationRecommendation,
    FollowUpAction,
    FollowUpEvidence,
    FollowUpProgress,
    IndicatorSnapshot,
)
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tcp.documents import Visibility
from tests.factories import (
    EvaluationFactory,
    EvaluationRecommendationFactory,
    FollowUpActionFactory,
    ProgrammeFactory,
    rating_level,
)
from tests.files import PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db

L, D, R = "login", "done", "refused"

ROLES = (
    "anonymous",
    "focal_point_kenya",
    "focal_point_peru",
    "field_officer_east_africa",
    "field_officer_south_america",
    "desk_officer",
    "desk_officer_peru",
    "approver",
    "auditor",
    "administrator",
    "outsider",
)

#            anon fp-KE fp-PE fo-EA fo-SA do-KE do-PE appr  audit admin outsider
KENYA = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
OVERVIEW = (L, 403, 403, 200, 200, 200, 200, 200, 200, 200, 403)
# The evaluation team of a Kenya evaluation in progress: a form page, then its POST.
TEAM_PAGE = (L, 404, 404, 200, 404, 200, 404, 403, 403, 403, 403)
TEAM_FORM = (L, 404, 404, D, 404, D, 404, 403, 403, 403, 403)
# A POST of the team's work (no form page of its own).
TEAM_POST = (L, 404, 404, D, 404, D, 404, R, R, R, 403)
PLAN_PAGE = (L, 404, 404, 403, 404, 200, 404, 403, 403, 403, 403)
PLAN_FORM = (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403)
RESPONSE_PAGE = (L, 404, 404, 403, 404, 200, 404, 200, 403, 403, 403)
RESPONSE_FORM = (L, 404, 404, 403, 404, D, 404, D, 403, 403, 403)
ACTION_PAGE = (L, 404, 404, 403, 404, 200, 404, 403, 403, 403, 403)
ACTION_FORM = (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403)


def _upload() -> dict[str, Any]:
    # A fresh file for every role: an upload is read once.
    return {
        "document-file": upload("evaluation-report.pdf", PDF_BYTES + b"report"),
        "document-kind": "report",
        "document-visibility": "internal",
    }


def _progress() -> dict[str, Any]:
    return {
        "progress-date": datetime.date.today().isoformat(),
        "progress-text": "The curriculum was adopted.",
        "progress-evidence": upload("minutes.png", PNG_BYTES + b"minutes"),
    }


def _ratings() -> dict[str, str]:
    relevance = EvaluationCriterion.objects.get(code="relevance")
    return {
        f"level_{relevance.pk}": str(rating_level("relevance", "satisfactory").pk),
        f"justification_{relevance.pk}": "Answers the UPR recommendations.",
    }


def _plan() -> dict[str, str]:
    return {"due_date": "2027-03-31", "evaluator_kind": "firm", "evaluator_firm": "Eval Ltd"}


def _schedule() -> dict[str, Any]:
    programme = Programme.objects.get(title="Kenya: running")
    return {"programme": programme.pk, "kind": "periodic", "due_date": "2027-02-28"}


# (test id, method, url name, record key or None, POST data (or what makes it), expected)
MATRIX: list[tuple[str, str, str, str | None, Any, tuple[Any, ...]]] = [
    ("overview", "get", "evaluations:overview", None, {}, OVERVIEW),
    (
        "schedule",
        "get",
        "evaluations:schedule",
        None,
        {},
        (L, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403),
    ),
    # Another portfolio's programme is not offered: the page asks for a programme again.
    (
        "schedule-post-kenya",
        "post",
        "evaluations:schedule",
        None,
        _schedule,
        (L, 403, 403, 403, 403, D, 200, 403, 403, 403, 403),
    ),
    ("plan", "get", "evaluations:plan", "eval_ken", {}, PLAN_PAGE),
    ("plan-post", "post", "evaluations:plan", "eval_ken", _plan, PLAN_FORM),
    ("report", "get", "evaluations:report", "eval_ken", {}, TEAM_PAGE),
    (
        "report-post",
        "post",
        "evaluations:report",
        "eval_ken",
        {"summary": "For the government.", "findings": "Targets met."},
        TEAM_FORM,
    ),
    ("ratings", "get", "evaluations:ratings", "eval_ken", {}, TEAM_PAGE),
    ("ratings-post", "post", "evaluations:ratings", "eval_ken", _ratings, TEAM_FORM),
    ("snapshot", "post", "evaluations:snapshot", "eval_ken", {}, TEAM_POST),
    # A regional evaluation, accepted and shared with both States: OHCHR's desk
    # officers and the approver name the States; a government only reads it.
    (
        "share-regional",
        "post",
        "evaluations:share",
        "eval_reg",
        {"share-states": "KENYA"},
        (L, R, R, R, R, D, D, D, R, R, 403),
    ),
    (
        "recommendation-add",
        "post",
        "evaluations:recommendation_add",
        "eval_ken",
        {"recommendation-text": "Extend the training to the regions."},
        TEAM_POST,
    ),
    ("recommendation-edit", "get", "evaluations:recommendation_edit", "rec_ken", {}, TEAM_PAGE),
    (
        "recommendation-edit-post",
        "post",
        "evaluations:recommendation_edit",
        "rec_ken",
        {"text": "Extend the training to every region."},
        TEAM_FORM,
    ),
    (
        "recommendation-delete",
        "post",
        "evaluations:recommendation_delete",
        "rec_ken",
        {},
        TEAM_POST,
    ),
    ("response", "get", "evaluations:response", "rec_submitted", {}, RESPONSE_PAGE),
    (
        "response-post",
        "post",
        "evaluations:response",
        "rec_submitted",
        {"response": "agree"},
        RESPONSE_FORM,
    ),
    ("action-add", "get", "evaluations:action_add", "rec_agreed", {}, ACTION_PAGE),
    (
        "action-add-post",
        "post",
        "evaluations:action_add",
        "rec_agreed",
        {
            "description": "Adopt the curriculum.",
            "party": "unit",
            "owner": "Field office",
            "due_date": "2027-06-30",
        },
        ACTION_FORM,
    ),
    ("document-upload", "post", "evaluations:document_upload", "eval_ken", _upload, TEAM_POST),
    ("document-internal", "get", "evaluations:document", "doc_ken_internal", {}, KENYA_INTERNAL),
    ("document-shared", "get", "evaluations:document", "doc_ken_shared", {}, KENYA),
    ("document-delete", "post", "evaluations:document_delete", "doc_ken_internal", {}, TEAM_POST),
    # The government's action: its focal point and OHCHR's staff of Kenya report on it.
    (
        "progress-kenya-government",
        "post",
        "evaluations:progress_add",
        "fu_ken_gov",
        _progress,
        (L, D, 404, D, 404, D, 404, R, R, R, 403),
    ),
    ("evidence-kenya-government", "get", "evaluations:evidence", "evidence_ken", {}, KENYA),
    (
        "request-from-kenya-action",
        "post",
        "evaluations:request_start",
        "fu_ken_gov",
        {},
        (L, D, 404, R, 404, R, 404, R, R, R, 403),
    ),
]


@pytest.fixture
def records(cast, kenya, peru) -> dict[str, Any]:
    desk, fp_ken = cast["desk_officer"], cast["focal_point_kenya"]
    running = Programme.Status.IN_IMPLEMENTATION
    ProgrammeFactory(countries=[kenya], status=running, title="Kenya: running")
    eval_ken = EvaluationFactory(
        programme__countries=[kenya], status=Evaluation.Status.IN_PROGRESS, summary="Findings."
    )
    submitted = EvaluationFactory(programme__countries=[kenya], status=Evaluation.Status.SUBMITTED)
    accepted = EvaluationFactory(programme__countries=[kenya], status=Evaluation.Status.ACCEPTED)
    eval_reg = EvaluationFactory(
        programme__countries=[kenya, peru],
        programme__scope=Programme.Scope.REGIONAL,
        programme__status=running,
        status=Evaluation.Status.ACCEPTED,
    )
    fu_ken_gov = FollowUpActionFactory(evaluation=accepted, responsible_state=kenya)
    progress = follow_up.record_progress(
        action=fu_ken_gov,
        by=fp_ken,
        date=datetime.date.today(),
        text="Started.",
        evidence=upload("photo.png", PNG_BYTES),
    )
    # A shared document of the accepted evaluation (uploaded while it was open).
    Evaluation.objects.filter(pk=accepted.pk).update(status=Evaluation.Status.IN_PROGRESS)
    accepted.refresh_from_db()
    doc_ken_shared = services.attach_evaluation_document(
        evaluation=accepted,
        file=upload("summary.pdf", PDF_BYTES),
        by=desk,
        visibility=Visibility.SHARED,
    )
    Evaluation.objects.filter(pk=accepted.pk).update(status=Evaluation.Status.ACCEPTED)
    return {
        "eval_ken": eval_ken,
        "eval_reg": eval_reg,
        "rec_ken": EvaluationRecommendationFactory(evaluation=eval_ken),
        "rec_submitted": EvaluationRecommendationFactory(evaluation=submitted, number=1),
        "rec_agreed": EvaluationRecommendationFactory(
            evaluation=submitted, number=2, response=EvaluationRecommendation.Response.AGREE
        ),
        "doc_ken_internal": services.attach_evaluation_document(
            evaluation=eval_ken, file=upload("notes.pdf", PDF_BYTES), by=desk
        ),
        "doc_ken_shared": doc_ken_shared,
        "fu_ken_gov": fu_ken_gov,
        "evidence_ken": progress.evidence.get(),
    }


# Every write of the stage leaves a trace in one of these.
_TRACES = (
    Evaluation,
    Evaluation.history.model,
    Evaluation.shared_with.through,
    EvaluationRecommendation.history.model,
    CriterionRating,
    IndicatorSnapshot,
    EvaluationDocument.history.model,
    FollowUpAction.history.model,
    FollowUpProgress,
    FollowUpEvidence,
    AssistanceRequest,
)


def _state() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in _TRACES)


def _outcome(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    before = _state()
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return L
    if method == "post" and response.status_code == 302:
        return D if _state() != before else R
    return response.status_code


def _args(record: Any) -> list[int]:
    if isinstance(record, EvaluationRecommendation):
        return [record.evaluation_id, record.pk]
    if isinstance(record, EvaluationDocument):
        return [record.evaluation_id, record.pk]
    if isinstance(record, FollowUpEvidence):
        return [record.action_id, record.pk]
    return [record.pk]


def _data(data: Any, kenya: Any) -> dict[str, Any]:
    payload = data() if callable(data) else dict(data)
    if payload.get("share-states") == "KENYA":
        payload["share-states"] = [kenya.pk]
    return payload


@pytest.mark.parametrize(
    ("method", "url_name", "key", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_access(cast, records, kenya, method, url_name, key, data, expected):
    record = records[key] if key else None
    url = reverse(url_name, args=_args(record)) if record is not None else reverse(url_name)
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(cast[role])
            actual[role] = _outcome(client, method, url, _data(data, kenya))
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(
    "url_name",
    [
        "evaluations:snapshot",
        "evaluations:share",
        "evaluations:recommendation_add",
        "evaluations:document_upload",
        "evaluations:progress_add",
        "evaluations:request_start",
    ],
)
def test_posts_answer_only_post(client, cast, url_name):
    client.force_login(cast["desk_officer"])
    assert client.get(reverse(url_name, args=[1])).status_code == 405


def test_the_invited_evaluator_reaches_their_evaluation_only(client, cast, kenya):
    from tcp import scoping
    from tests.conftest import make_user

    expert = make_user("roster-expert", None)
    evaluation = EvaluationFactory(
        programme__countries=[kenya], status=Evaluation.Status.IN_PROGRESS
    )
    other = EvaluationFactory(programme=evaluation.programme, status=Evaluation.Status.IN_PROGRESS)
    for perm in (services.VIEW, services.CONDUCT):
        scoping.grant_exception(user=expert, perm=perm, obj=evaluation, by=cast["administrator"])
    client.force_login(expert)
    assert client.get(evaluation.get_absolute_url()).status_code == 200
    assert client.get(reverse("evaluations:report", args=[evaluation.pk])).status_code == 200
    assert client.get(reverse("evaluations:plan", args=[evaluation.pk])).status_code == 403
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluations:list")).status_code == 200
    assert client.get(reverse("evaluations:overview")).status_code == 403
    assert client.get(reverse("evaluations:follow_up_list")).status_code == 403
    assert client.get(evaluation.programme.get_absolute_url()).status_code in (403, 404)

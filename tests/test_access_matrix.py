"""Who may reach which page: every role of the cast (and anonymous) against every URL.

The rule the table checks:

* anonymous -> redirected to the login page (``L``), except login and healthz;
* a role that never has the model permission a page needs -> 403;
* a record outside the user's scope (another State, an OHCHR-internal record
  for a government, a State's draft for OHCHR) -> 404, so its existence
  does not leak;
* a transition POST redirects back to the record: ``D`` when it was done,
  ``R`` when the lifecycle refused it (nothing changed, an error message).

Each role runs inside a savepoint that is rolled back, so every cell starts
from the same records.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tests.factories import (
    AssistanceRequestFactory,
    ComponentFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

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

# Expected outcome per role, in the order of ROLES:
#            anon fp-KE fp-PE fo-EA fo-SA do-KE do-PE appr  audit admin outsider
# The administrator sees everything and acts on nothing, like the auditor.
EVERYONE = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
VIEWERS = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
KENYA = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
PERU = (L, 404, 200, 404, 200, 404, 200, 200, 200, 200, 403)
PERU_INTERNAL = (L, 404, 404, 404, 200, 404, 200, 200, 200, 200, 403)

# (test id, method, url name, record key or None, POST data, expected)
MATRIX: list[tuple[str, str, str, str | None, dict[str, str], tuple[Any, ...]]] = [
    ("healthz", "get", "healthz", None, {}, (200,) * 11),
    ("login", "get", "login", None, {}, (200, *(302,) * 10)),
    ("dashboard", "get", "dashboard", None, {}, EVERYONE),
    ("password-change", "get", "password_change", None, {}, EVERYONE),
    ("history", "get", "history", None, {}, (L, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403)),
    # Requests
    ("request-list", "get", "requests_app:list", None, {}, VIEWERS),
    ("request-kenya", "get", "requests_app:detail", "req_ken", {}, KENYA),
    ("request-peru", "get", "requests_app:detail", "req_per", {}, PERU),
    # A State's draft is its own: OHCHR, all-country roles included, does not see it.
    (
        "request-kenya-draft",
        "get",
        "requests_app:detail",
        "draft_ken",
        {},
        (L, 200, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ),
    (
        "request-create",
        "get",
        "requests_app:create",
        None,
        {},
        (L, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "request-edit-kenya-draft",
        "get",
        "requests_app:edit",
        "draft_ken",
        {},
        (L, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "request-acknowledge-kenya",
        "post",
        "requests_app:transition",
        "req_ken",
        {"action": "acknowledge"},
        (L, R, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "request-acknowledge-peru",
        "post",
        "requests_app:transition",
        "req_per",
        {"action": "acknowledge"},
        (L, 404, R, 404, R, 404, D, R, R, R, 403),
    ),
    (
        "request-submit-kenya-draft",
        "post",
        "requests_app:transition",
        "draft_ken",
        {"action": "submit"},
        (L, D, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ),
    # Needs assessments: a government sees one only once shared with it.
    ("assessment-list", "get", "assessments:list", None, {}, VIEWERS),
    ("assessment-kenya-planned", "get", "assessments:detail", "asm_ken", {}, KENYA_INTERNAL),
    ("assessment-kenya-shared", "get", "assessments:detail", "asm_ken_shared", {}, KENYA),
    ("assessment-peru-planned", "get", "assessments:detail", "asm_per", {}, PERU_INTERNAL),
    (
        "assessment-start-kenya",
        "post",
        "assessments:transition",
        "asm_ken",
        {"action": "start"},
        (L, 404, 404, D, 404, R, 404, R, R, R, 403),
    ),
    # Programmes: a government sees the programme document once approved.
    ("programme-list", "get", "programmes:list", None, {}, VIEWERS),
    ("programme-kenya-drafting", "get", "programmes:detail", "prog_ken", {}, KENYA_INTERNAL),
    ("programme-kenya-approved", "get", "programmes:detail", "prog_ken_approved", {}, KENYA),
    ("programme-peru-drafting", "get", "programmes:detail", "prog_per", {}, PERU_INTERNAL),
    (
        "programme-submit-kenya",
        "post",
        "programmes:transition",
        "prog_ken",
        {"action": "submit_for_review"},
        (L, 404, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "programme-accept-kenya",
        "post",
        "programmes:transition",
        "prog_ken_approved",
        {"action": "accept"},
        (L, D, 404, R, 404, R, 404, R, R, R, 403),
    ),
    (
        "component-start-kenya",
        "post",
        "programmes:component_transition",
        "comp_ken",
        {"action": "start"},
        (L, 404, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "component-start-peru",
        "post",
        "programmes:component_transition",
        "comp_per",
        {"action": "start"},
        (L, 404, 404, 404, R, 404, D, R, R, R, 403),
    ),
    # Evaluations: a government sees accepted ones, and the actions assigned to it.
    ("evaluation-list", "get", "evaluations:list", None, {}, VIEWERS),
    ("evaluation-kenya-in-progress", "get", "evaluations:detail", "eval_ken", {}, KENYA_INTERNAL),
    ("evaluation-kenya-accepted", "get", "evaluations:detail", "eval_ken_accepted", {}, KENYA),
    ("evaluation-peru-in-progress", "get", "evaluations:detail", "eval_per", {}, PERU_INTERNAL),
    (
        "evaluation-submit-kenya",
        "post",
        "evaluations:transition",
        "eval_ken",
        {"action": "submit"},
        (L, 404, 404, D, 404, D, 404, R, R, R, 403),
    ),
    ("follow-up-list", "get", "evaluations:follow_up_list", None, {}, VIEWERS),
    ("follow-up-kenya-government", "get", "evaluations:follow_up_detail", "fu_ken_gov", {}, KENYA),
    (
        "follow-up-kenya-internal",
        "get",
        "evaluations:follow_up_detail",
        "fu_ken_internal",
        {},
        KENYA_INTERNAL,
    ),
    ("follow-up-peru-government", "get", "evaluations:follow_up_detail", "fu_per_gov", {}, PERU),
    (
        "follow-up-start-kenya-government",
        "post",
        "evaluations:follow_up_transition",
        "fu_ken_gov",
        {"action": "start"},
        (L, D, 404, D, 404, D, 404, R, R, R, 403),
    ),
    (
        "follow-up-start-kenya-internal",
        "post",
        "evaluations:follow_up_transition",
        "fu_ken_internal",
        {"action": "start"},
        (L, 404, 404, D, 404, D, 404, R, R, R, 403),
    ),
]


@pytest.fixture
def records(cast, kenya, peru) -> dict[str, Any]:
    fp_ken, fp_per = cast["focal_point_kenya"], cast["focal_point_peru"]
    req = AssistanceRequest.Status
    prog_ken = ProgrammeFactory(countries=[kenya])
    prog_per = ProgrammeFactory(countries=[peru])
    eval_ken = EvaluationFactory(
        programme__countries=[kenya], status=Evaluation.Status.IN_PROGRESS, summary="Findings."
    )
    eval_per = EvaluationFactory(
        programme__countries=[peru], status=Evaluation.Status.IN_PROGRESS, summary="Findings."
    )
    return {
        "req_ken": AssistanceRequestFactory(country=kenya, status=req.SUBMITTED, created_by=fp_ken),
        "req_per": AssistanceRequestFactory(country=peru, status=req.SUBMITTED, created_by=fp_per),
        "draft_ken": AssistanceRequestFactory(country=kenya, created_by=fp_ken),
        "asm_ken": NeedsAssessmentFactory(request__country=kenya, request__created_by=fp_ken),
        "asm_ken_shared": NeedsAssessmentFactory(
            request__country=kenya,
            request__created_by=fp_ken,
            status=NeedsAssessment.Status.SHARED,
        ),
        "asm_per": NeedsAssessmentFactory(request__country=peru, request__created_by=fp_per),
        "prog_ken": prog_ken,
        "comp_ken": ComponentFactory(programme=prog_ken),
        "prog_ken_approved": ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED),
        "prog_per": prog_per,
        "comp_per": ComponentFactory(programme=prog_per),
        "eval_ken": eval_ken,
        "eval_ken_accepted": EvaluationFactory(
            programme__countries=[kenya], status=Evaluation.Status.ACCEPTED
        ),
        "eval_per": eval_per,
        "fu_ken_gov": FollowUpActionFactory(evaluation=eval_ken, assigned_to_government=True),
        "fu_ken_internal": FollowUpActionFactory(evaluation=eval_ken),
        "fu_per_gov": FollowUpActionFactory(evaluation=eval_per, assigned_to_government=True),
    }


def _outcome(client: Client, method: str, url: str, data: dict[str, str], record: Any) -> Any:
    before = record.status if record is not None else None
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return L
    if method == "post" and response.status_code == 302:
        record.refresh_from_db()
        return D if record.status != before else R
    return response.status_code


@pytest.mark.parametrize(
    ("method", "url_name", "key", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_access(cast, records, method, url_name, key, data, expected):
    record = records[key] if key else None
    url = reverse(url_name, args=[record.pk]) if record is not None else reverse(url_name)
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(cast[role])
            if record is not None:
                record.refresh_from_db()
            actual[role] = _outcome(client, method, url, data, record)
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(
    "url_name",
    [
        "requests_app:transition",
        "assessments:transition",
        "programmes:transition",
        "programmes:component_transition",
        "evaluations:transition",
        "evaluations:follow_up_transition",
    ],
)
def test_transitions_answer_only_post(client, cast, url_name):
    client.force_login(cast["approver"])
    assert client.get(reverse(url_name, args=[1])).status_code == 405


def test_logout_needs_post(client, cast):
    client.force_login(cast["auditor"])
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))


def test_healthz_is_plain_ok_without_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"

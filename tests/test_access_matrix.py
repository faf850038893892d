"""Who may reach which page: every role of the cast (and anonymous) against every URL.

The rule the table checks:

* anonymous -> redirected to the login page (``L``), except login and healthz;
* a role that never has the model permission a page needs -> 403;
* a record outside the user's scope (another State, an OHCHR-internal record
  for a government, a State's draft for OHCHR) -> 404, so its existence
  does not leak;
* a POST (transition, message, screening, upload, edit) redirects back to
  the record: ``D`` when it was done, ``R`` when it was refused (nothing
  changed, an error message);
* a step that cannot be undone, and deleting a draft, first answer their
  confirmation page (200, nothing changed) to whoever may take them; only the
  POST that page makes (``confirmed=yes``) does it.

Each role runs inside a savepoint that is rolled back, so every cell starts
from the same records.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation
from programmes.models import Programme
from requests_app import services as request_services
from requests_app.models import AssistanceRequest, RequestDocument, Screening
from tcp.documents import Visibility
from tcp.models import Dispatch, Notification, Report, ScreeningCriterion, StatusChange
from tests.factories import (
    AssistanceRequestFactory,
    ComponentFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
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

# Expected outcome per role, in the order of ROLES:
#            anon fp-KE fp-PE fo-EA fo-SA do-KE do-PE appr  audit admin outsider
# The administrator sees everything and acts on nothing, like the auditor.
EVERYONE = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
VIEWERS = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
KENYA = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
PERU = (L, 404, 200, 404, 200, 404, 200, 200, 200, 200, 403)
PERU_INTERNAL = (L, 404, 404, 404, 200, 404, 200, 200, 200, 200, 403)

KENYA_DRAFT = (L, 200, 404, 404, 404, 404, 404, 404, 404, 404, 403)
# A regional programme covering Kenya and Peru: OHCHR staff of either country see it
# all; each State's focal point sees what is shared with their own State only.
REGIONAL_INTERNAL = (L, 404, 404, 200, 200, 200, 200, 200, 200, 200, 403)
REGIONAL_SHARED = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
REGIONAL_KENYA_ONLY = (L, 200, 404, 200, 200, 200, 200, 200, 200, 200, 403)
REGIONAL_PERU_ONLY = (L, 404, 200, 200, 200, 200, 200, 200, 200, 200, 403)


# The answer of a confirmation page: only a POST with it takes an irreversible step.
CONFIRMED = {"confirmed": "yes"}


def _screening() -> dict[str, str]:
    data = {"scr-summary": "Screened."}
    for criterion in ScreeningCriterion.objects.filter(is_active=True):
        data[f"scr-score_{criterion.pk}"] = "3"
        data[f"scr-comment_{criterion.pk}"] = "Partly met."
    return data


def _upload() -> dict[str, Any]:
    # A fresh file for every role: an upload is read once.
    return {
        "doc-file": upload("field-note.png", PNG_BYTES),
        "doc-kind": "supporting",
        "doc-visibility": "internal",
    }


# (test id, method, url name, record key or None, POST data (or what makes it), expected)
MATRIX: list[tuple[str, str, str, str | None, Any, tuple[Any, ...]]] = [
    ("healthz", "get", "healthz", None, {}, (200,) * 11),
    ("login", "get", "login", None, {}, (200, *(302,) * 10)),
    ("dashboard", "get", "dashboard", None, {}, EVERYONE),
    ("password-change", "get", "password_change", None, {}, EVERYONE),
    ("history", "get", "history", None, {}, (L, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403)),
    (
        "access-log",
        "get",
        "access_log",
        None,
        {},
        (L, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403),
    ),
    # Notifications: everyone has their own list and settings, and opens only their own rows.
    ("notifications", "get", "notifications", None, {}, EVERYONE),
    ("notification-settings", "get", "notification_settings", None, {}, EVERYONE),
    (
        "notification-open-reminder-of-kenya-focal-point",
        "get",
        "notification_open",
        "reminder_fp_ken",
        {},
        (L, 302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "notification-open-event-of-kenya-desk-officer",
        "get",
        "notification_open",
        "event_do_ken",
        {},
        (L, 404, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    ),
    # Reports: each is its requester's alone (here the Kenya desk officer's).
    ("reports", "get", "reports", None, {}, EVERYONE),
    # Figures: every role's own dashboard of charts; no role, no panel.
    ("figures", "get", "figures", None, {}, VIEWERS),
    (
        "report-of-kenya-desk-officer",
        "get",
        "report",
        "report_do_ken",
        {},
        (L, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    ),
    (
        "report-download-of-kenya-desk-officer",
        "get",
        "report_download",
        "report_do_ken",
        {},
        (L, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    ),
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
    # A draft is its State's to delete: asked first (GET or an unconfirmed POST), then done.
    (
        "request-delete-kenya-draft",
        "get",
        "requests_app:delete",
        "draft_ken",
        {},
        (L, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "request-delete-kenya-draft-unconfirmed",
        "post",
        "requests_app:delete",
        "draft_ken",
        {},
        (L, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "request-delete-kenya-draft-confirmed",
        "post",
        "requests_app:delete",
        "draft_ken",
        CONFIRMED,
        (L, D, 404, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    # Once sent to OHCHR a request is withdrawn, never deleted.
    (
        "request-delete-kenya-submitted",
        "post",
        "requests_app:delete",
        "req_ken",
        CONFIRMED,
        (L, R, 404, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    # Accepting cannot be undone: the approver is asked first.
    (
        "request-accept-kenya-unconfirmed",
        "post",
        "requests_app:transition",
        "req_ken_decide",
        {"action": "accept"},
        (L, R, 404, R, 404, R, 404, 200, R, R, 403),
    ),
    (
        "request-accept-kenya-confirmed",
        "post",
        "requests_app:transition",
        "req_ken_decide",
        {"action": "accept", **CONFIRMED},
        (L, R, 404, R, 404, R, 404, D, R, R, 403),
    ),
    (
        "request-edit-kenya-draft-post",
        "post",
        "requests_app:edit",
        "draft_ken",
        {"title": "Renamed draft", "intent": "save"},
        (L, D, 404, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("request-export", "get", "requests_app:export", None, {}, VIEWERS),
    # Documents follow the request, and internal ones stay with OHCHR.
    ("request-document-kenya", "get", "requests_app:document", "doc_ken", {}, KENYA),
    (
        "request-document-kenya-internal",
        "get",
        "requests_app:document",
        "doc_ken_internal",
        {},
        KENYA_INTERNAL,
    ),
    ("request-document-peru", "get", "requests_app:document", "doc_per", {}, PERU),
    (
        "request-document-kenya-draft",
        "get",
        "requests_app:document",
        "doc_draft_ken",
        {},
        KENYA_DRAFT,
    ),
    (
        "request-upload-kenya",
        "post",
        "requests_app:document_upload",
        "req_ken",
        _upload,
        (L, R, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "request-message-kenya",
        "post",
        "requests_app:message_post",
        "req_ken",
        {"body": "Hello", "visibility": "shared"},
        (L, D, 404, D, 404, D, 404, D, R, R, 403),
    ),
    (
        "request-message-peru",
        "post",
        "requests_app:message_post",
        "req_per",
        {"body": "Hello", "visibility": "shared"},
        (L, 404, D, 404, D, 404, D, D, R, R, 403),
    ),
    (
        "request-message-kenya-draft",
        "post",
        "requests_app:message_post",
        "draft_ken",
        {"body": "A note to self"},
        (L, D, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ),
    (
        "request-screening-kenya",
        "post",
        "requests_app:screening",
        "req_ken_assess",
        _screening,
        (L, R, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "request-screening-peru",
        "post",
        "requests_app:screening",
        "req_per_assess",
        _screening,
        (L, 404, R, 404, R, 404, D, R, R, R, 403),
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
    # The IATI file: publication is OHCHR's act, never a government's (403).
    (
        "programme-iati",
        "get",
        "programmes:iati",
        None,
        {},
        (L, 403, 403, 200, 200, 200, 200, 200, 200, 200, 403),
    ),
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
        "programme-approve-kenya-unconfirmed",
        "post",
        "programmes:transition",
        "prog_ken_review",
        {"action": "approve"},
        (L, 404, 404, R, 404, R, 404, 200, R, R, 403),
    ),
    (
        "programme-approve-kenya-confirmed",
        "post",
        "programmes:transition",
        "prog_ken_review",
        {"action": "approve", **CONFIRMED},
        (L, 404, 404, R, 404, R, 404, D, R, R, 403),
    ),
    # A draft never submitted for review is deleted by who may draft it.
    (
        "programme-delete-kenya-drafting",
        "get",
        "programmes:delete",
        "prog_ken",
        {},
        (L, 403, 403, 403, 403, 200, 404, 403, 403, 403, 403),
    ),
    (
        "programme-delete-kenya-drafting-unconfirmed",
        "post",
        "programmes:delete",
        "prog_ken",
        {},
        (L, 403, 403, 403, 403, 200, 404, 403, 403, 403, 403),
    ),
    (
        "programme-delete-kenya-drafting-confirmed",
        "post",
        "programmes:delete",
        "prog_ken",
        CONFIRMED,
        (L, 403, 403, 403, 403, D, 404, 403, 403, 403, 403),
    ),
    (
        "programme-delete-kenya-approved",
        "post",
        "programmes:delete",
        "prog_ken_approved",
        CONFIRMED,
        (L, 403, 403, 403, 403, R, 404, 403, 403, 403, 403),
    ),
    # The State's acceptance cannot be undone: asked first, then recorded.
    (
        "programme-accept-kenya-unconfirmed",
        "post",
        "programmes:accept",
        "prog_ken_approved",
        {},
        (L, 200, 404, R, 404, R, 404, R, R, R, 403),
    ),
    (
        "programme-accept-kenya",
        "post",
        "programmes:accept",
        "prog_ken_approved",
        CONFIRMED,
        (L, D, 404, R, 404, R, 404, R, R, R, 403),
    ),
    # Acceptance is the State's own act: no button of the transition table takes it.
    (
        "programme-accept-kenya-as-transition",
        "post",
        "programmes:transition",
        "prog_ken_approved",
        {"action": "accept"},
        (L, R, 404, R, 404, R, 404, R, R, R, 403),
    ),
    # A regional programme: each State accepts it for itself.
    ("programme-regional-drafting", "get", "programmes:detail", "prog_reg", {}, REGIONAL_INTERNAL),
    (
        "programme-regional-approved",
        "get",
        "programmes:detail",
        "prog_reg_approved",
        {},
        REGIONAL_SHARED,
    ),
    (
        "programme-regional-accept",
        "post",
        "programmes:accept",
        "prog_reg_approved",
        CONFIRMED,
        (L, D, D, R, R, R, R, R, R, R, 403),
    ),
    (
        "component-start-kenya",
        "post",
        "programmes:component_transition",
        "comp_ken",
        {"action": "start"},
        # The government reads the components of its running programme, and acts on none.
        (L, R, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "component-start-peru",
        "post",
        "programmes:component_transition",
        "comp_per",
        {"action": "start"},
        (L, 404, R, 404, R, 404, D, R, R, R, 403),
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
    # Shared with Kenya only, on a programme covering Kenya and Peru.
    (
        "evaluation-regional-shared-with-kenya",
        "get",
        "evaluations:detail",
        "eval_reg_kenya",
        {},
        REGIONAL_KENYA_ONLY,
    ),
    ("follow-up-list", "get", "evaluations:follow_up_list", None, {}, VIEWERS),
    ("follow-up-kenya-government", "get", "evaluations:follow_up_detail", "fu_ken_gov", {}, KENYA),
    # Assigned to Kenya, but the evaluation is not accepted yet: OHCHR's still.
    (
        "follow-up-kenya-government-unaccepted",
        "get",
        "evaluations:follow_up_detail",
        "fu_ken_gov_unaccepted",
        {},
        KENYA_INTERNAL,
    ),
    (
        "follow-up-regional-kenya",
        "get",
        "evaluations:follow_up_detail",
        "fu_reg_ken",
        {},
        REGIONAL_KENYA_ONLY,
    ),
    (
        "follow-up-regional-peru",
        "get",
        "evaluations:follow_up_detail",
        "fu_reg_per",
        {},
        REGIONAL_PERU_ONLY,
    ),
    (
        "follow-up-start-regional-kenya",
        "post",
        "evaluations:follow_up_transition",
        "fu_reg_ken",
        {"action": "start"},
        (L, D, 404, D, D, D, D, R, R, R, 403),
    ),
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
    # The plan is carried out once the evaluation is accepted: before, nobody starts it.
    (
        "follow-up-start-kenya-internal",
        "post",
        "evaluations:follow_up_transition",
        "fu_ken_internal",
        {"action": "start"},
        (L, 404, 404, R, 404, R, 404, R, R, R, 403),
    ),
    (
        "follow-up-start-kenya-internal-accepted",
        "post",
        "evaluations:follow_up_transition",
        "fu_ken_internal_accepted",
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
    eval_ken_accepted = EvaluationFactory(
        programme__countries=[kenya], status=Evaluation.Status.ACCEPTED
    )
    eval_per_accepted = EvaluationFactory(
        programme__countries=[peru], status=Evaluation.Status.ACCEPTED
    )
    ComponentFactory(programme=prog_ken)  # so that it may be submitted for review
    prog_ken_review = ProgrammeFactory(countries=[kenya], status=Programme.Status.UNDER_REVIEW)
    ComponentFactory(programme=prog_ken_review)
    running = Programme.Status.IN_IMPLEMENTATION
    prog_ken_running = ProgrammeFactory(countries=[kenya], status=running)
    prog_per_running = ProgrammeFactory(countries=[peru], status=running)
    prog_reg_running = ProgrammeFactory(
        countries=[kenya, peru], scope="regional", status=Programme.Status.IN_IMPLEMENTATION
    )
    # Accepted and shared with both States; each action names one of them.
    eval_reg = EvaluationFactory(programme=prog_reg_running, status=Evaluation.Status.ACCEPTED)
    req_ken = AssistanceRequestFactory(country=kenya, status=req.SUBMITTED, created_by=fp_ken)
    req_per = AssistanceRequestFactory(country=peru, status=req.SUBMITTED, created_by=fp_per)
    draft_ken = AssistanceRequestFactory(country=kenya, created_by=fp_ken)

    def attach(request: AssistanceRequest, by: Any, name: str, **kwargs: Any) -> RequestDocument:
        data = PDF_BYTES + name.encode()  # distinct files: the same one is refused twice
        return request_services.attach_document(
            req=request, file=upload(name, data), by=by, **kwargs
        )

    ct = ContentType.objects.get_for_model(AssistanceRequest)
    acknowledged = StatusChange.objects.create(
        content_type=ct,
        object_id=req_ken.pk,
        action="acknowledge",
        from_status="submitted",
        to_status="acknowledged",
    )

    return {
        "reminder_fp_ken": Dispatch.objects.create(
            content_type=ct,
            object_id=req_ken.pk,
            kind="requests.information_requested",
            due_on=datetime.date(2026, 1, 1),
            recipient=fp_ken,
            status=Dispatch.Status.SENT,
            url=req_ken.get_absolute_url(),
        ),
        "event_do_ken": Notification.objects.create(
            status_change=acknowledged,
            recipient=cast["desk_officer"],
            subject="Acknowledged",
            url=req_ken.get_absolute_url(),
        ),
        "report_do_ken": Report.objects.create(
            kind="request",
            reference=req_ken.reference,
            subject_id=req_ken.pk,
            language="en",
            requested_by=cast["desk_officer"],
            status=Report.Status.READY,
            file=ContentFile(b"%PDF-1.7 test", name="r.pdf"),
        ),
        "req_ken": req_ken,
        "req_per": req_per,
        "draft_ken": draft_ken,
        "req_ken_assess": AssistanceRequestFactory(country=kenya, status=req.UNDER_ASSESSMENT),
        "req_ken_decide": AssistanceRequestFactory(
            country=kenya, status=req.UNDER_ASSESSMENT, screened=True
        ),
        "req_per_assess": AssistanceRequestFactory(country=peru, status=req.UNDER_ASSESSMENT),
        "doc_ken": attach(req_ken, cast["desk_officer"], "shared.pdf"),
        "doc_ken_internal": attach(
            req_ken, cast["desk_officer"], "internal.pdf", visibility=Visibility.INTERNAL
        ),
        "doc_per": attach(req_per, cast["desk_officer_peru"], "shared.pdf"),
        "doc_draft_ken": attach(draft_ken, fp_ken, "letter.pdf", kind="official_letter"),
        "asm_ken": NeedsAssessmentFactory(request__country=kenya, request__created_by=fp_ken),
        "asm_ken_shared": NeedsAssessmentFactory(
            request__country=kenya,
            request__created_by=fp_ken,
            status=NeedsAssessment.Status.SHARED,
        ),
        "asm_per": NeedsAssessmentFactory(request__country=peru, request__created_by=fp_per),
        "prog_ken": prog_ken,
        "comp_ken": ComponentFactory(programme=prog_ken_running),
        "prog_ken_approved": ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED),
        "prog_ken_review": prog_ken_review,
        "prog_per": prog_per,
        "comp_per": ComponentFactory(programme=prog_per_running),
        "eval_ken": eval_ken,
        "eval_ken_accepted": eval_ken_accepted,
        "eval_per": eval_per,
        "fu_ken_gov": FollowUpActionFactory(evaluation=eval_ken_accepted, responsible_state=kenya),
        "fu_ken_gov_unaccepted": FollowUpActionFactory(
            evaluation=eval_ken, responsible_state=kenya
        ),
        "fu_ken_internal": FollowUpActionFactory(evaluation=eval_ken),
        "fu_ken_internal_accepted": FollowUpActionFactory(evaluation=eval_ken_accepted),
        "fu_per_gov": FollowUpActionFactory(evaluation=eval_per_accepted, responsible_state=peru),
        "prog_reg": ProgrammeFactory(countries=[kenya, peru], scope="regional", region="americas"),
        "prog_reg_approved": ProgrammeFactory(
            countries=[kenya, peru], scope="regional", status=Programme.Status.APPROVED
        ),
        "eval_reg_kenya": EvaluationFactory(
            programme=prog_reg_running, status=Evaluation.Status.ACCEPTED, shared_with=[kenya]
        ),
        "fu_reg_ken": FollowUpActionFactory(evaluation=eval_reg, responsible_state=kenya),
        "fu_reg_per": FollowUpActionFactory(evaluation=eval_reg, responsible_state=peru),
    }


def _state(record: Any) -> Any:
    """What a POST may change: the status, and for a request its edits and its parts."""
    if record is None:
        return None
    if not type(record)._default_manager.filter(pk=record.pk).exists():
        return "deleted"
    record.refresh_from_db()
    if isinstance(record, AssistanceRequest):
        return (
            record.status,
            record.history.count(),
            record.messages.count(),
            record.documents.count(),
            Screening.history.filter(request_id=record.pk).count(),
        )
    if isinstance(record, Programme):
        return (record.status, record.acceptances.count())
    return getattr(record, "status", None)


def _outcome(client: Client, method: str, url: str, data: dict[str, Any], record: Any) -> Any:
    before = _state(record)
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return L
    if method == "post" and response.status_code == 302:
        return D if _state(record) != before else R
    # A page answered to a POST (a confirmation, a form with its errors) changed nothing.
    assert method == "get" or _state(record) == before, url
    return response.status_code


def _args(record: Any) -> list[Any]:
    if isinstance(record, RequestDocument):
        return [record.request_id, record.pk]
    if isinstance(record, Notification):
        return ["event", record.pk]
    if isinstance(record, Dispatch):
        return ["reminder", record.pk]
    return [record.pk]


@pytest.mark.parametrize(
    ("method", "url_name", "key", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_access(cast, records, method, url_name, key, data, expected):
    record = records[key] if key else None
    url = reverse(url_name, args=_args(record)) if record is not None else reverse(url_name)
    # A document's POSTs change its request.
    changed = record.request if isinstance(record, RequestDocument) else record
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(cast[role])
            payload = data() if callable(data) else data
            actual[role] = _outcome(client, method, url, payload, changed)
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(
    "url_name",
    [
        "requests_app:transition",
        "requests_app:message_post",
        "requests_app:screening",
        "requests_app:document_upload",
        "assessments:transition",
        "programmes:transition",
        "programmes:accept",
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


# Asking for a report answers like opening its record: 404 out of scope, and
# the report is made for the one who asked (a redirect to its page).
ASK_KENYA_REQUEST = {
    "anonymous": L,
    "focal_point_kenya": 302,
    "focal_point_peru": 404,
    "field_officer_east_africa": 302,
    "field_officer_south_america": 404,
    "desk_officer": 302,
    "desk_officer_peru": 404,
    "approver": 302,
    "auditor": 302,
    "administrator": 302,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_asking_for_a_report(client, cast, records, role):
    if role != "anonymous":
        client.force_login(cast[role])
    req = records["req_ken"]
    # Asked, not rendered: rendering is queued on commit, which a test's
    # transaction never reaches.
    response = client.post(reverse("report_ask"), {"kind": "request", "reference": req.reference})
    outcome = response.status_code
    if outcome == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        outcome = L
    assert outcome == ASK_KENYA_REQUEST[role]
    asked = Report.objects.filter(reference=req.reference).exclude(pk=records["report_do_ken"].pk)
    assert asked.exists() == (outcome == 302)
    if outcome == 302:
        assert asked.get().requested_by == cast[role]


# Every list's exports answer like the list: what a role may list, it may export.
EXPORTS = {
    "requests": VIEWERS,
    "recommendations": VIEWERS,
    "assessments": VIEWERS,
    "programmes": VIEWERS,
    "activities": VIEWERS,
    "evaluations": VIEWERS,
    "follow-up-actions": VIEWERS,
    "access-log": (L, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403),
    "changes": (L, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("code", sorted(EXPORTS))
def test_export_access(cast, records, code, fmt):
    url = reverse("export", kwargs={"code": code, "fmt": fmt})
    actual = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(cast[role])
        actual[role] = _outcome(client, "get", url, {}, None)
    assert actual == dict(zip(ROLES, EXPORTS[code], strict=True))


def test_every_export_is_in_the_table():
    from tcp import exports

    assert set(exports._exports) == set(EXPORTS)


# A record's history answers like the record's page: who may open the page may
# open its history (a government reads there only its shared timeline).
RECORD_HISTORY = [
    ("req_ken", KENYA),
    ("req_per", PERU),
    ("draft_ken", (L, 200, 404, 404, 404, 404, 404, 404, 404, 404, 403)),
    ("asm_ken", KENYA_INTERNAL),
    ("asm_ken_shared", KENYA),
    ("prog_ken", KENYA_INTERNAL),
    ("prog_ken_approved", KENYA),
    ("prog_per", PERU_INTERNAL),
    ("eval_ken", KENYA_INTERNAL),
    ("eval_ken_accepted", KENYA),
]


@pytest.mark.parametrize(("key", "expected"), RECORD_HISTORY, ids=[k for k, _ in RECORD_HISTORY])
def test_record_history_access(cast, records, key, expected):
    record = records[key]
    url = reverse("record_history", args=[record._meta.label_lower, record.pk])
    actual = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(cast[role])
        actual[role] = _outcome(client, "get", url, {}, None)
    assert actual == dict(zip(ROLES, expected, strict=True))

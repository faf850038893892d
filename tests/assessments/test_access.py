"""Who reaches which needs-assessment page and file: every role of the cast, and
anonymous, against every URL of the app.

The rule the table checks (the same as tests/test_access_matrix.py):

* anonymous -> redirected to the login page (``L``);
* a role that never has the model permission a page needs -> 403;
* a record outside the user's scope -> 404, so its existence does not leak:
  another State, another presence, a government before the report is shared,
  and, once shared, anything internal (consultations, internal findings and
  documents) even by its address;
* a POST redirects back: ``D`` when it changed something, ``R`` when the
  service refused it (nothing changed, an error message);
* a GET that redirects (a form the user may not use now) -> 302.

Each role runs inside a savepoint that is rolled back, so every cell starts
from the same records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Consultation, NeedsAssessment
from requests_app.models import AssistanceRequest
from tcp import scoping
from tcp.models import FormOfAssistance, ThematicArea
from tests.conftest import make_user
from tests.factories import AssistanceRequestFactory, NeedsAssessmentFactory
from tests.files import CSV_BYTES, PDF_BYTES, upload

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
#                anon fp-KE fp-PE fo-EA fo-SA do-KE do-PE appr  audit admin outsider
VIEWERS = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
KENYA = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
# The team (the covering presence's officer and the desk officer) writes while open.
TEAM_WRITES = (L, 404, 404, D, 404, D, 404, R, R, R, 403)
# Once shared nobody writes; the government sees the record and is refused.
SHARED_REFUSED = (L, R, 404, R, 404, R, 404, R, R, R, 403)
# Once shared, internal records are not the government's to reach at all.
SHARED_INTERNAL_REFUSED = (L, 404, 404, R, 404, R, 404, R, R, R, 403)
# The team's edit forms: outside the team, a redirect with the reason.
TEAM_FORM = (L, 404, 404, 200, 404, 200, 404, 302, 302, 302, 403)
SHARED_FORM = (L, 404, 404, 302, 404, 302, 404, 302, 302, 302, 403)


def _consultation(prefix: str = "consultation-") -> dict[str, str]:
    return {
        f"{prefix}date": "2026-11-02",
        f"{prefix}place": "Mombasa",
        f"{prefix}party": Consultation.Party.NGO,
        f"{prefix}organisation": "Coast human rights network",
        f"{prefix}participants_women": "5",
        f"{prefix}participants_men": "2",
        f"{prefix}participants_other": "0",
        f"{prefix}summary": "Access to justice at the coast.",
    }


def _finding(prefix: str = "finding-") -> dict[str, str]:
    return {
        f"{prefix}thematic_area": str(ThematicArea.objects.filter(is_active=True).first().pk),
        f"{prefix}need": "A changed need.",
        f"{prefix}priority": "low",
        f"{prefix}existing_capacity": "",
        f"{prefix}recommended_assistance": str(FormOfAssistance.objects.first().pk),
        f"{prefix}visibility": "shared",
    }


def _upload() -> dict[str, Any]:
    # A new file object for every request: the client reads it to the end.
    return {
        "document-kind": "minutes",
        "document-visibility": "internal",
        "document-file": SimpleUploadedFile("minutes.pdf", PDF_BYTES + b"% minutes\n"),
    }


def _plan(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": "field_presence",
        "field_presence": records["presence"],
        "due_date": "2027-03-01",
    }


Data = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]

# (test id, method, url name, keys of the URL's arguments, POST data, expected)
MATRIX: list[tuple[str, str, str, tuple[str, ...], Data, tuple[Any, ...]]] = [
    ("list", "get", "list", (), {}, VIEWERS),
    # Planning: the desk officer of the country, on an accepted request without assessment.
    (
        "plan-get",
        "get",
        "plan",
        ("awaiting",),
        {},
        (L, 403, 403, 403, 403, 200, 404, 403, 403, 403, 403),
    ),
    (
        "plan-post",
        "post",
        "plan",
        ("awaiting",),
        _plan,
        (L, 403, 403, 403, 403, D, 404, 403, 403, 403, 403),
    ),
    # The assessment page.
    ("detail-open", "get", "detail", ("asm",), {}, KENYA_INTERNAL),
    ("detail-shared", "get", "detail", ("shared",), {}, KENYA),
    (
        "edit-plan-open",
        "get",
        "edit",
        ("asm",),
        {},
        (L, 404, 404, 403, 404, 200, 404, 403, 403, 403, 403),
    ),
    (
        "edit-plan-post-open",
        "post",
        "edit",
        ("asm",),
        _plan,
        (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "edit-plan-shared",
        "get",
        "edit",
        ("shared",),
        {},
        (L, 403, 404, 403, 404, 302, 404, 403, 403, 403, 403),
    ),
    (
        "submit-findings-open",
        "post",
        "transition",
        ("asm",),
        {"action": "submit_findings"},
        (L, 404, 404, D, 404, R, 404, R, R, R, 403),
    ),
    (
        "share-shared",
        "post",
        "transition",
        ("shared",),
        {"action": "share", "confirmed": "yes"},
        (L, R, 404, R, 404, R, 404, R, R, R, 403),
    ),
    ("summary-open", "post", "summary", ("asm",), {"summary": "Changed."}, TEAM_WRITES),
    ("summary-shared", "post", "summary", ("shared",), {"summary": "Changed."}, SHARED_REFUSED),
    # Consultations: the team's working record, never the government's.
    (
        "consultation-add-open",
        "post",
        "consultation_add",
        ("asm",),
        lambda r: _consultation(),
        TEAM_WRITES,
    ),
    (
        "consultation-add-shared",
        "post",
        "consultation_add",
        ("shared",),
        lambda r: _consultation(),
        SHARED_REFUSED,
    ),
    ("consultation-edit-open", "get", "consultation_edit", ("asm", "asm_c"), {}, TEAM_FORM),
    (
        "consultation-edit-post-open",
        "post",
        "consultation_edit",
        ("asm", "asm_c"),
        lambda r: _consultation(prefix=""),
        TEAM_WRITES,
    ),
    (
        "consultation-edit-shared",
        "get",
        "consultation_edit",
        ("shared", "shared_c"),
        {},
        SHARED_FORM,
    ),
    (
        "consultation-delete-open",
        "post",
        "consultation_delete",
        ("asm", "asm_c"),
        {},
        TEAM_WRITES,
    ),
    (
        "consultation-delete-shared",
        "post",
        "consultation_delete",
        ("shared", "shared_c"),
        {},
        SHARED_INTERNAL_REFUSED,
    ),
    # Findings.
    ("finding-add-open", "post", "finding_add", ("asm",), lambda r: _finding(), TEAM_WRITES),
    (
        "finding-add-shared",
        "post",
        "finding_add",
        ("shared",),
        lambda r: _finding(),
        SHARED_REFUSED,
    ),
    ("finding-edit-open", "get", "finding_edit", ("asm", "asm_f_internal"), {}, TEAM_FORM),
    (
        "finding-edit-post-open",
        "post",
        "finding_edit",
        ("asm", "asm_f_internal"),
        lambda r: _finding(prefix=""),
        TEAM_WRITES,
    ),
    (
        "finding-edit-shared-internal",
        "get",
        "finding_edit",
        ("shared", "shared_f_internal"),
        {},
        SHARED_FORM,
    ),
    (
        "finding-edit-shared-shared",
        "get",
        "finding_edit",
        ("shared", "shared_f_shared"),
        {},
        (L, 302, 404, 302, 404, 302, 404, 302, 302, 302, 403),
    ),
    (
        "finding-delete-open",
        "post",
        "finding_delete",
        ("asm", "asm_f_internal"),
        {},
        TEAM_WRITES,
    ),
    (
        "finding-delete-shared-internal",
        "post",
        "finding_delete",
        ("shared", "shared_f_internal"),
        {},
        SHARED_INTERNAL_REFUSED,
    ),
    (
        "finding-delete-shared-shared",
        "post",
        "finding_delete",
        ("shared", "shared_f_shared"),
        {},
        SHARED_REFUSED,
    ),
    # Documents: upload, download, visibility, removal.
    ("upload-open", "post", "document_upload", ("asm",), lambda r: _upload(), TEAM_WRITES),
    ("upload-shared", "post", "document_upload", ("shared",), lambda r: _upload(), SHARED_REFUSED),
    ("download-open-internal", "get", "document", ("asm", "asm_d_internal"), {}, KENYA_INTERNAL),
    (
        "download-shared-internal",
        "get",
        "document",
        ("shared", "shared_d_internal"),
        {},
        KENYA_INTERNAL,
    ),
    ("download-shared-shared", "get", "document", ("shared", "shared_d_shared"), {}, KENYA),
    (
        "visibility-open",
        "post",
        "document_visibility",
        ("asm", "asm_d_internal"),
        {"visibility": "shared"},
        (L, 404, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "visibility-shared-shared",
        "post",
        "document_visibility",
        ("shared", "shared_d_shared"),
        {"visibility": "internal"},
        SHARED_REFUSED,
    ),
    (
        "visibility-shared-internal",
        "post",
        "document_visibility",
        ("shared", "shared_d_internal"),
        {"visibility": "shared"},
        SHARED_INTERNAL_REFUSED,
    ),
    (
        "document-delete-open",
        "post",
        "document_delete",
        ("asm", "asm_d_internal"),
        {},
        TEAM_WRITES,
    ),
    (
        "document-delete-shared-shared",
        "post",
        "document_delete",
        ("shared", "shared_d_shared"),
        {},
        SHARED_REFUSED,
    ),
    (
        "document-delete-shared-internal",
        "post",
        "document_delete",
        ("shared", "shared_d_internal"),
        {},
        SHARED_INTERNAL_REFUSED,
    ),
]


def _work(assessment: NeedsAssessment, fo: Any, do: Any, prefix: str) -> dict[str, Any]:
    """A consultation, an internal and a shared finding, an internal and a shared document."""
    area, form = ThematicArea.objects.first(), FormOfAssistance.objects.first()
    made: dict[str, Any] = {
        f"{prefix}_c": services.record_consultation(
            assessment=assessment,
            by=fo,
            date=datetime.date(2026, 11, 1),
            place="Nairobi",
            party=Consultation.Party.MINISTRY,
            summary="Met the ministry.",
        )
    }
    for visibility in ("internal", "shared"):
        made[f"{prefix}_f_{visibility}"] = services.record_finding(
            assessment=assessment,
            by=fo,
            thematic_area=area,
            need=f"A {visibility} need.",
            priority="high",
            recommended_assistance=form,
            visibility=visibility,
        )
    made[f"{prefix}_d_internal"] = services.attach_assessment_document(
        assessment=assessment, file=upload(f"{prefix}-minutes.csv", CSV_BYTES), by=fo
    )
    shared = services.attach_assessment_document(
        assessment=assessment, file=upload(f"{prefix}-report.pdf", PDF_BYTES), by=fo
    )
    services.set_document_visibility(document=shared, visibility="shared", by=do)
    made[f"{prefix}_d_shared"] = shared
    return made


@pytest.fixture
def records(cast, kenya, east_africa) -> dict[str, Any]:
    fo, do = cast["field_officer_east_africa"], cast["desk_officer"]
    records: dict[str, Any] = {"presence": east_africa.pk}
    for key, status in (("asm", NeedsAssessment.Status.IN_PROGRESS), ("shared", None)):
        assessment = NeedsAssessmentFactory(
            request__country=kenya,
            mode=NeedsAssessment.Mode.FIELD_PRESENCE,
            field_presence=east_africa,
            status=NeedsAssessment.Status.IN_PROGRESS,
            summary="Findings so far.",
        )
        records.update(_work(assessment, fo, do, key))
        if status is None:
            # Straight to shared: the lifecycle itself is tested elsewhere.
            NeedsAssessment.objects.filter(pk=assessment.pk).update(
                status=NeedsAssessment.Status.SHARED
            )
            assessment.refresh_from_db()
        records[key] = assessment
    records["awaiting"] = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.ACCEPTED
    )
    return records


def _state(record: Any) -> Any:
    """Everything a POST could change, to tell ``D`` from ``R``."""
    if isinstance(record, AssistanceRequest):
        return NeedsAssessment.objects.filter(request=record).exists()
    a = NeedsAssessment.objects.get(pk=record.pk)
    return (
        a.status,
        a.summary,
        a.due_date,
        a.mode,
        list(a.consultations.values_list("id", "place")),
        list(a.findings.values_list("id", "need", "priority")),
        list(a.documents.values_list("id", "visibility")),
    )


def _outcome(client: Client, method: str, url: str, data: dict, record: Any) -> Any:
    before = _state(record) if record is not None else None
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return L
    if method == "post" and response.status_code == 302:
        return D if _state(record) != before else R
    if response.streaming:
        # Read a download to its end: the test client then closes it safely.
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize(
    ("method", "url_name", "keys", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_access(cast, records, method, url_name, keys, data, expected):
    url = reverse(f"assessments:{url_name}", args=[records[k].pk for k in keys])
    record = records[keys[0]] if keys else None
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(cast[role])
            payload = data(records) if callable(data) else data
            actual[role] = _outcome(client, method, url, payload, record)
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True))


def _every_url(records: dict[str, Any], prefix: str) -> list[tuple[str, str]]:
    a = records[prefix].pk
    c, fi, fs = (records[f"{prefix}_{k}"].pk for k in ("c", "f_internal", "f_shared"))
    di, ds = records[f"{prefix}_d_internal"].pk, records[f"{prefix}_d_shared"].pk
    gets = [
        ("detail", (a,)),
        ("edit", (a,)),
        ("consultation_edit", (a, c)),
        ("finding_edit", (a, fi)),
        ("finding_edit", (a, fs)),
        ("document", (a, di)),
        ("document", (a, ds)),
    ]
    posts = [
        ("transition", (a,)),
        ("summary", (a,)),
        ("consultation_add", (a,)),
        ("consultation_delete", (a, c)),
        ("finding_add", (a,)),
        ("finding_delete", (a, fi)),
        ("document_upload", (a,)),
        ("document_visibility", (a, ds)),
        ("document_delete", (a, di)),
    ]
    return [("get", reverse(f"assessments:{n}", args=args)) for n, args in gets] + [
        ("post", reverse(f"assessments:{n}", args=args)) for n, args in posts
    ]


@pytest.mark.parametrize("prefix", ["asm", "shared"])
@pytest.mark.parametrize("role", ["field_officer_south_america", "focal_point_peru"])
def test_another_presence_and_another_state_get_404_on_every_page_and_file(
    client, cast, records, prefix, role
):
    client.force_login(cast[role])
    for method, url in _every_url(records, prefix):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_the_government_gets_404_on_everything_until_shared(client, cast, records):
    client.force_login(cast["focal_point_kenya"])
    for method, url in _every_url(records, "asm"):
        assert getattr(client, method)(url).status_code == 404, (method, url)


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("transition", [1]),
        ("summary", [1]),
        ("consultation_add", [1]),
        ("consultation_delete", [1, 1]),
        ("finding_add", [1]),
        ("finding_delete", [1, 1]),
        ("document_upload", [1]),
        ("document_visibility", [1, 1]),
        ("document_delete", [1, 1]),
    ],
)
def test_writes_answer_only_post(client, cast, url_name, args):
    client.force_login(cast["approver"])
    assert client.get(reverse(f"assessments:{url_name}", args=args)).status_code == 405


def test_a_roster_expert_invited_to_one_assessment_reads_it_and_nothing_else(client, cast, records):
    expert = make_user("roster-expert", None)
    scoping.grant_exception(
        user=expert,
        perm="assessments.view_needsassessment",
        obj=records["asm"],
        by=cast["administrator"],
    )
    client.force_login(expert)
    page = client.get(reverse("assessments:detail", args=[records["asm"].pk]))
    assert page.status_code == 200
    assert page.context["internal"] and not page.context["can_work"]
    assert [a.pk for a in client.get(reverse("assessments:list")).context["page_obj"]] == [
        records["asm"].pk
    ]
    assert client.get(reverse("assessments:detail", args=[records["shared"].pk])).status_code == 404
    response = client.post(
        reverse("assessments:summary", args=[records["asm"].pk]), {"summary": "Mine."}
    )
    assert response.status_code == 302
    records["asm"].refresh_from_db()
    assert records["asm"].summary == "Findings so far."

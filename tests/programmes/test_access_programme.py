"""Who reaches the programme's own pages (drafting, the form, review, acceptance,
the programme document): every role of the cast, and anonymous, against every
URL, in the style of tests/test_access_matrix.py.

* anonymous -> redirected to the login page (``L``);
* a role that never holds the permission a page needs -> 403;
* a record outside the user's scope -> 404, so its existence does not leak:
  another State, a draft for a government, and on a regional programme
  covering Kenya and Peru each State sees what is shared with it;
* a POST redirects back: ``D`` when it changed something, ``R`` when the
  service refused it (nothing changed, a message); a form that comes back
  with its errors answers 200;
* a GET of a form the service would refuse now redirects with the reason (302).

Each role runs inside a savepoint that is rolled back, so every cell starts
from the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments.models import Finding, NeedsAssessment
from programmes import services
from programmes.models import Programme, ProgrammeAcceptance, ProgrammeReview
from tcp.models import FormOfAssistance, ThematicArea
from tests.factories import ComponentFactory, NeedsAssessmentFactory, ProgrammeFactory

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
KENYA = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
PERU_INTERNAL = (L, 404, 404, 404, 200, 404, 200, 200, 200, 200, 403)
# A regional programme covering Kenya and Peru.
REGIONAL_INTERNAL = (L, 404, 404, 200, 200, 200, 200, 200, 200, 200, 403)
REGIONAL_SHARED = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
# Under review, with a reviewer named from the South America office (invited to it).
KENYA_UNDER_REVIEW = (L, 404, 404, 200, 200, 200, 404, 200, 200, 200, 403)
# Drafting pages: the desk officer's; others never hold the permission.
DRAFTER_FORM = (L, 403, 403, 403, 403, 200, 404, 403, 403, 403, 403)
DRAFTER_WRITES = (L, 403, 403, 403, 403, D, 404, 403, 403, 403, 403)
DRAFTER_REFUSED = (L, 403, 403, 403, 403, R, 404, 403, 403, 403, 403)
DRAFTER_REDIRECT = (L, 403, 403, 403, 403, 302, 404, 403, 403, 403, 403)
IATI = (L, 403, 403, 200, 200, 200, 200, 200, 200, 200, 403)


def _draft(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Policing programme",
        "objective": "Humane policing.",
        "findings": [records["finding"].pk],
    }


def _create(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "East African NHRI network",
        "scope": "regional",
        "region": "africa",
        "countries": [records["kenya"].pk],
    }


def _edit(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Renamed programme",
        "scope": "national",
        "countries": [records["kenya"].pk],
        "implementing_modality": "ohchr",
    }


def _reviewers(records: dict[str, Any]) -> dict[str, Any]:
    return {"reviewers-reviewers": [records["approver"].pk]}


REVIEW = {"review-verdict": "recommend", "review-comment": "Sound and well costed."}

Data = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]

# (test id, method, url name, key of the URL's record or None, POST data, expected)
MATRIX: list[tuple[str, str, str, str | None, Data, tuple[Any, ...]]] = [
    # Drafting from a validated assessment.
    ("draft-get", "get", "draft_from_assessment", "asm_validated", {}, DRAFTER_FORM),
    ("draft-post", "post", "draft_from_assessment", "asm_validated", _draft, DRAFTER_WRITES),
    ("draft-get-unvalidated", "get", "draft_from_assessment", "asm_open", {}, DRAFTER_REDIRECT),
    (
        "draft-get-peru",
        "get",
        "draft_from_assessment",
        "asm_peru",
        {},
        (L, 403, 403, 403, 403, 404, 200, 403, 403, 403, 403),
    ),
    # Regional and global programmes, created directly.
    (
        "create-get",
        "get",
        "create",
        None,
        {},
        (L, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403),
    ),
    (
        "create-post-kenya",
        "post",
        "create",
        None,
        _create,
        # Peru's desk officer is not offered Kenya: the form comes back with the error.
        (L, 403, 403, 403, 403, D, 200, 403, 403, 403, 403),
    ),
    # The programme form: the desk officer of every covered country, while drafting.
    ("edit-get-drafting", "get", "edit", "prog_ken", {}, DRAFTER_FORM),
    ("edit-post-drafting", "post", "edit", "prog_ken", _edit, DRAFTER_WRITES),
    ("edit-get-approved", "get", "edit", "prog_ken_approved", {}, DRAFTER_REDIRECT),
    ("edit-post-approved", "post", "edit", "prog_ken_approved", _edit, DRAFTER_REFUSED),
    (
        "edit-get-regional",
        "get",
        "edit",
        "prog_reg",
        {},
        # The desk officers of its countries draft a regional programme together.
        (L, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403),
    ),
    # The programme page.
    ("detail-drafting", "get", "detail", "prog_ken", {}, KENYA_INTERNAL),
    ("detail-approved", "get", "detail", "prog_ken_approved", {}, KENYA),
    ("detail-under-review", "get", "detail", "prog_ken_review", {}, KENYA_UNDER_REVIEW),
    ("detail-regional-drafting", "get", "detail", "prog_reg", {}, REGIONAL_INTERNAL),
    ("detail-regional-approved", "get", "detail", "prog_reg_approved", {}, REGIONAL_SHARED),
    # Naming reviewers.
    ("reviewers-drafting", "post", "reviewers", "prog_ken", _reviewers, DRAFTER_WRITES),
    ("reviewers-under-review", "post", "reviewers", "prog_ken_review", _reviewers, DRAFTER_WRITES),
    ("reviewers-approved", "post", "reviewers", "prog_ken_approved", _reviewers, DRAFTER_REFUSED),
    # Reviewing: the named reviewers only (the approver, and a field officer of
    # another office invited to this programme), while under review.
    (
        "review-under-review",
        "post",
        "review",
        "prog_ken_review",
        REVIEW,
        (L, 403, 403, R, D, R, 404, D, 403, 403, 403),
    ),
    (
        "review-drafting",
        "post",
        "review",
        "prog_ken",
        REVIEW,
        (L, 403, 403, R, 404, R, 404, R, 403, 403, 403),
    ),
    # Acceptance, each covered State for itself.
    (
        "accept-regional",
        "post",
        "accept",
        "prog_reg_approved",
        {"confirmed": "yes"},
        (L, D, D, R, R, R, R, R, R, R, 403),
    ),
    (
        "accept-kenya-drafting",
        "post",
        "accept",
        "prog_ken",
        {"confirmed": "yes"},
        (L, 404, 404, R, 404, R, 404, R, R, R, 403),
    ),
    # The programme document: whoever may open the programme.
    ("document-drafting", "get", "document", "prog_ken", {}, KENYA_INTERNAL),
    ("document-approved", "get", "document", "prog_ken_approved", {}, KENYA),
    ("document-under-review", "get", "document", "prog_ken_review", {}, KENYA_UNDER_REVIEW),
    ("document-peru", "get", "document", "prog_per", {}, PERU_INTERNAL),
    ("document-regional-drafting", "get", "document", "prog_reg", {}, REGIONAL_INTERNAL),
    ("document-regional-approved", "get", "document", "prog_reg_approved", {}, REGIONAL_SHARED),
    # The IATI file of the programmes, all or a chosen set: OHCHR staff only
    # (a government holds the view permission but never publishes: 403).
    ("iati-all", "get", "iati", None, {}, IATI),
    (
        "iati-chosen",
        "get",
        "iati",
        None,
        lambda r: {"programme": [r["prog_ken_approved"].pk, r["prog_reg_approved"].pk]},
        IATI,
    ),
]


@pytest.fixture
def records(cast, kenya, peru) -> dict[str, Any]:
    desk = cast["desk_officer"]
    S = Programme.Status
    asm_validated = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.VALIDATED
    )
    finding = Finding.objects.create(
        assessment=asm_validated,
        thematic_area=ThematicArea.objects.first(),
        need="Police officers lack training.",
        priority=Finding.Priority.HIGH,
        recommended_assistance=FormOfAssistance.objects.first(),
        recorded_by=desk,
    )
    prog_ken_review = ProgrammeFactory(countries=[kenya], created_by=desk)
    ComponentFactory(programme=prog_ken_review)
    services.set_reviewers(
        programme=prog_ken_review,
        reviewers=[cast["approver"], cast["field_officer_south_america"]],
        by=desk,
    )
    services.perform(prog_ken_review, "submit_for_review", by=desk)
    prog_ken = ProgrammeFactory(countries=[kenya], created_by=desk)
    services.set_reviewers(
        programme=prog_ken, reviewers=[cast["field_officer_east_africa"]], by=desk
    )
    return {
        "kenya": kenya,
        "approver": cast["approver"],
        "finding": finding,
        "asm_validated": asm_validated,
        "asm_open": NeedsAssessmentFactory(
            request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS
        ),
        "asm_peru": NeedsAssessmentFactory(
            request__country=peru, status=NeedsAssessment.Status.VALIDATED
        ),
        "prog_ken": prog_ken,
        "prog_ken_review": prog_ken_review,
        "prog_ken_approved": ProgrammeFactory(
            countries=[kenya], status=S.APPROVED, created_by=desk
        ),
        "prog_per": ProgrammeFactory(countries=[peru]),
        "prog_reg": ProgrammeFactory(countries=[kenya, peru], scope="regional", region="africa"),
        "prog_reg_approved": ProgrammeFactory(
            countries=[kenya, peru], scope="regional", region="africa", status=S.APPROVED
        ),
    }


def _state() -> Any:
    """Everything a POST of these pages could change, to tell ``D`` from ``R``."""
    return (
        list(Programme.objects.order_by("pk").values_list("pk", "status", "title")),
        list(Programme.reviewers.through.objects.order_by("pk").values_list("pk", flat=True)),
        ProgrammeReview.objects.count(),
        ProgrammeAcceptance.objects.count(),
    )


def _outcome(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    before = _state()
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return L
    if method == "post" and response.status_code == 302:
        return D if _state() != before else R
    return response.status_code


@pytest.mark.parametrize(
    ("method", "url_name", "key", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_access(cast, records, method, url_name, key, data, expected):
    args = [records[key].pk] if key else []
    url = reverse(f"programmes:{url_name}", args=args)
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(cast[role])
            payload = data(records) if callable(data) else data
            actual[role] = _outcome(client, method, url, payload)
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True))


def _every_url(pk: int) -> dict[tuple[str, str], str]:
    gets = ["detail", "edit", "document"]
    posts = ["reviewers", "review", "accept", "transition"]
    return {("get", n): reverse(f"programmes:{n}", args=[pk]) for n in gets} | {
        ("post", n): reverse(f"programmes:{n}", args=[pk]) for n in posts
    }


def test_another_state_never_learns_a_kenyan_programme_exists(client, cast, records):
    """Peru's desk officer may do all of it elsewhere: 404 everywhere. Peru's focal
    point: 404 wherever a government could act, 403 where it never could."""
    urls = _every_url(records["prog_ken"].pk)
    client.force_login(cast["desk_officer_peru"])
    assert {k: getattr(client, k[0])(url).status_code for k, url in urls.items()} == dict.fromkeys(
        urls, 404
    )
    client.force_login(cast["focal_point_peru"])
    assert {k[1]: getattr(client, k[0])(url).status_code for k, url in urls.items()} == {
        "detail": 404,
        "edit": 403,
        "document": 404,
        "reviewers": 403,
        "review": 403,
        "accept": 404,
        "transition": 404,
    }


def test_the_government_gets_404_on_everything_until_approved(client, cast, records):
    client.force_login(cast["focal_point_kenya"])
    for key in ("prog_ken", "prog_ken_review", "prog_reg"):
        pk = records[key].pk
        for name in ("detail", "document"):
            assert client.get(reverse(f"programmes:{name}", args=[pk])).status_code == 404
        assert client.post(reverse("programmes:accept", args=[pk])).status_code == 404
        assert client.post(reverse("programmes:transition", args=[pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["reviewers", "review", "accept"])
def test_writes_answer_only_post(client, cast, url_name):
    client.force_login(cast["desk_officer"])
    assert client.get(reverse(f"programmes:{url_name}", args=[1])).status_code == 405

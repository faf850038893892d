"""Who reaches which page of a programme's parts: every role of the cast (and
anonymous) against every URL the parts add, and the activity transitions.

The rule the table checks (the same as tests/test_access_matrix.py):

* anonymous -> redirected to the login page (``L``);
* a role that never holds the permission a page or action needs -> 403 (the
  view permission of programmes; drafting for the document and the workplan;
  reporting for progress);
* a record outside the user's scope -> 404, so its existence does not leak:
  another State's programme, a programme the government has not received,
  internal records (bookings) for a government;
* a POST redirects back: ``D`` when it wrote something, ``R`` when the service
  refused it (nothing written, an error message);
* a GET of a form the user may not use now -> 302, with the reason.

Each role runs inside a savepoint that is rolled back, so every cell starts
from the same records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from programmes import implementation
from programmes.models import (
    Activity,
    ActivityReport,
    Component,
    ExpertAssignment,
    Grant,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammePartner,
)
from tcp.models import FormOfAssistance, PartnerOrganisation, ThematicArea
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    IndicatorFactory,
    ProgrammeFactory,
    RosterExpertFactory,
)

pytestmark = pytest.mark.django_db

L, D, R = "login", "done", "refused"
S = Programme.Status

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
#                   anon fp-KE fp-PE fo-EA fo-SA do-KE do-PE appr  audit admin outsider
VIEWERS = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
KENYA = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
PERU = (L, 404, 200, 404, 200, 404, 200, 200, 200, 200, 403)
REGIONAL_SHARED = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)

# The desk officer of Kenya drafts; everyone else who sees the draft never may.
DRAFT_FORM = (L, 404, 404, 403, 404, 200, 404, 403, 403, 403, 403)
DRAFT_POST = (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403)
# Once approved: the desk officer is told why; the government sees it, never drafts.
FIXED_FORM = (L, 403, 404, 403, 404, 302, 404, 403, 403, 403, 403)
FIXED_POST = (L, 403, 404, 403, 404, R, 404, 403, 403, 403, 403)
# The workplan of a running programme (activities, experts, grants).
WORKPLAN_FORM = (L, 403, 404, 403, 404, 200, 404, 403, 403, 403, 403)
WORKPLAN_POST = (L, 403, 404, 403, 404, D, 404, 403, 403, 403, 403)
# Progress on a running programme: its field presence and its desk officer.
PROGRESS_POST = (L, 403, 404, D, 404, D, 404, 403, 403, 403, 403)
PROGRESS_DRAFT_POST = (L, 404, 404, R, 404, R, 404, 403, 403, 403, 403)
# Bookings are OHCHR's: a government does not reach them at all.
BOOKING_POST = (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403)
# A regional programme of Kenya and Peru: OHCHR of either country works on it …
REGIONAL_PROGRESS_POST = (L, 403, 403, D, D, D, D, 403, 403, 403, 403)
REGIONAL_WORKPLAN_POST = (L, 403, 403, 403, 403, D, D, 403, 403, 403, 403)
# … and its document is drafted by the desk officers of its countries together:
# either of them adds to it.
REGIONAL_DRAFT_POST = (L, 404, 404, 403, 403, D, D, 403, 403, 403, 403)


def _component(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "thematic_area": ThematicArea.objects.filter(is_active=True).first().pk,
        "title": "A new component",
        "objective": "An objective",
        "outputs": "",
    }


def _indicator(records: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Judges trained", "unit": "judges", "baseline": "0", "target": "40"}


def _value(records: dict[str, Any]) -> dict[str, Any]:
    return {"date": "2026-06-30", "value": "12.50", "source": "Court records"}


def _report(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": "2026-06-30",
        "text": "Day one done.",
        "participants_women": "3",
        "participants_men": "4",
        "participants_other": "0",
    }


def _activity(component_key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def data(records: dict[str, Any]) -> dict[str, Any]:
        return {
            "component": records[component_key].pk,
            "form": FormOfAssistance.objects.get(code="workshops-seminars").pk,
            "title": "A workshop",
            "start_date": "2026-09-01",
            "end_date": "2026-09-02",
            "participants_women": "0",
            "participants_men": "0",
            "participants_other": "0",
        }

    return data


def _book(records: dict[str, Any]) -> dict[str, Any]:
    return {"expert": records["expert"].pk, "role": "Trainer"}


def _partner(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "listed-partner": PartnerOrganisation.objects.filter(is_active=True).last().pk,
        "listed-role": "technical",
    }


def _new_partner(records: dict[str, Any]) -> dict[str, Any]:
    return {"new-name": "Nairobi Legal Aid", "new-kind": "ngo", "new-role": "implementing"}


def _grant(records: dict[str, Any]) -> dict[str, Any]:
    return {
        "recipient": "Community paralegals",
        "recipient_kind": "civil_society",
        "amount": "4500.50",
        "purpose": "Legal aid",
        "report_due": "2026-12-31",
    }


Data = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]

# (test id, method, url name, record key or None, POST data, expected)
MATRIX: list[tuple[str, str, str, str | None, Data, tuple[Any, ...]]] = [
    # Activities: a government reads those of the programmes shared with its State.
    ("activity-list", "get", "programmes:activity_list", None, {}, VIEWERS),
    ("activity-kenya", "get", "programmes:activity", "act_run", {}, KENYA),
    ("activity-kenya-draft", "get", "programmes:activity", "act_draft", {}, KENYA_INTERNAL),
    ("activity-peru", "get", "programmes:activity", "act_per", {}, PERU),
    ("activity-regional", "get", "programmes:activity", "act_reg", {}, REGIONAL_SHARED),
    ("indicator-kenya", "get", "programmes:indicator", "ind_run", {}, KENYA),
    ("indicator-kenya-draft", "get", "programmes:indicator", "ind_draft", {}, KENYA_INTERNAL),
    ("indicator-peru", "get", "programmes:indicator", "ind_per", {}, PERU),
    ("indicator-regional", "get", "programmes:indicator", "ind_reg", {}, REGIONAL_SHARED),
    # Components and indicators: the programme document, drafting only.
    ("component-add-draft", "get", "programmes:component_add", "prog_draft", {}, DRAFT_FORM),
    (
        "component-add-draft-post",
        "post",
        "programmes:component_add",
        "prog_draft",
        _component,
        DRAFT_POST,
    ),
    ("component-add-running", "get", "programmes:component_add", "prog_run", {}, FIXED_FORM),
    (
        "component-add-running-post",
        "post",
        "programmes:component_add",
        "prog_run",
        _component,
        FIXED_POST,
    ),
    (
        "component-add-regional-post",
        "post",
        "programmes:component_add",
        "prog_reg_draft",
        _component,
        REGIONAL_DRAFT_POST,
    ),
    ("component-edit-draft", "get", "programmes:component_edit", "comp_draft", {}, DRAFT_FORM),
    (
        "component-edit-draft-post",
        "post",
        "programmes:component_edit",
        "comp_draft",
        _component,
        DRAFT_POST,
    ),
    ("component-edit-running", "get", "programmes:component_edit", "comp_run", {}, FIXED_FORM),
    (
        "component-delete-draft",
        "post",
        "programmes:component_delete",
        "comp_draft_empty",
        {},
        DRAFT_POST,
    ),
    (
        "component-delete-running",
        "post",
        "programmes:component_delete",
        "comp_run",
        {},
        FIXED_POST,
    ),
    ("indicator-add-draft", "get", "programmes:indicator_add", "comp_draft", {}, DRAFT_FORM),
    (
        "indicator-add-draft-post",
        "post",
        "programmes:indicator_add",
        "comp_draft",
        _indicator,
        DRAFT_POST,
    ),
    (
        "indicator-add-running-post",
        "post",
        "programmes:indicator_add",
        "comp_run",
        _indicator,
        FIXED_POST,
    ),
    ("indicator-edit-draft", "get", "programmes:indicator_edit", "ind_draft", {}, DRAFT_FORM),
    (
        "indicator-edit-draft-post",
        "post",
        "programmes:indicator_edit",
        "ind_draft",
        _indicator,
        DRAFT_POST,
    ),
    ("indicator-edit-running", "get", "programmes:indicator_edit", "ind_run", {}, FIXED_FORM),
    (
        "indicator-delete-draft",
        "post",
        "programmes:indicator_delete",
        "ind_draft",
        {},
        DRAFT_POST,
    ),
    (
        "indicator-delete-running",
        "post",
        "programmes:indicator_delete",
        "ind_run",
        {},
        FIXED_POST,
    ),
    # Indicator values: progress, while the programme runs.
    (
        "value-running",
        "post",
        "programmes:indicator_value_add",
        "ind_run",
        _value,
        PROGRESS_POST,
    ),
    (
        "value-draft",
        "post",
        "programmes:indicator_value_add",
        "ind_draft",
        _value,
        PROGRESS_DRAFT_POST,
    ),
    (
        "value-regional",
        "post",
        "programmes:indicator_value_add",
        "ind_reg",
        _value,
        REGIONAL_PROGRESS_POST,
    ),
    # Activities: the workplan, kept by the desk officer from drafting to the end.
    ("activity-add-draft", "get", "programmes:activity_add", "prog_draft", {}, DRAFT_FORM),
    (
        "activity-add-running-post",
        "post",
        "programmes:activity_add",
        "prog_run",
        _activity("comp_run"),
        WORKPLAN_POST,
    ),
    (
        "activity-add-regional-post",
        "post",
        "programmes:activity_add",
        "prog_reg",
        _activity("comp_reg"),
        REGIONAL_WORKPLAN_POST,
    ),
    ("activity-edit", "get", "programmes:activity_edit", "act_run", {}, WORKPLAN_FORM),
    (
        "activity-edit-post",
        "post",
        "programmes:activity_edit",
        "act_run",
        _activity("comp_run"),
        WORKPLAN_POST,
    ),
    (
        "activity-edit-completed",
        "get",
        "programmes:activity_edit",
        "act_done",
        {},
        FIXED_FORM,
    ),
    (
        "activity-report",
        "post",
        "programmes:activity_report",
        "act_run",
        _report,
        PROGRESS_POST,
    ),
    (
        "activity-report-draft",
        "post",
        "programmes:activity_report",
        "act_draft",
        _report,
        PROGRESS_DRAFT_POST,
    ),
    (
        "activity-report-regional",
        "post",
        "programmes:activity_report",
        "act_reg",
        _report,
        REGIONAL_PROGRESS_POST,
    ),
    # The lifecycle buttons of the activity page.
    (
        "activity-start",
        "post",
        "programmes:activity_transition",
        "act_run",
        {"action": "start"},
        (L, R, 404, D, 404, D, 404, R, R, R, 403),
    ),
    (
        "activity-cancel",
        "post",
        "programmes:activity_transition",
        "act_run",
        {"action": "cancel", "note": "No venue.", "confirmed": "yes"},
        (L, R, 404, R, 404, D, 404, R, R, R, 403),
    ),
    # Experts.
    ("expert-book", "post", "programmes:expert_book", "act_run", _book, WORKPLAN_POST),
    (
        "expert-book-regional",
        "post",
        "programmes:expert_book",
        "act_reg",
        _book,
        REGIONAL_WORKPLAN_POST,
    ),
    (
        "expert-book-completed",
        "post",
        "programmes:expert_book",
        "act_done",
        _book,
        FIXED_POST,
    ),
    ("expert-unbook", "post", "programmes:expert_unbook", "booking", {}, BOOKING_POST),
    # Partners: the document, drafting only.
    ("partner-add-draft", "get", "programmes:partner_add", "prog_draft", {}, DRAFT_FORM),
    (
        "partner-add-draft-post",
        "post",
        "programmes:partner_add",
        "prog_draft",
        _partner,
        DRAFT_POST,
    ),
    ("partner-add-running", "get", "programmes:partner_add", "prog_run", {}, FIXED_FORM),
    (
        "partner-new-draft",
        "post",
        "programmes:partner_new",
        "prog_draft",
        _new_partner,
        DRAFT_POST,
    ),
    (
        "partner-new-running",
        "post",
        "programmes:partner_new",
        "prog_run",
        _new_partner,
        FIXED_POST,
    ),
    ("partner-remove-draft", "post", "programmes:partner_remove", "partner", {}, DRAFT_POST),
    (
        "partner-remove-running",
        "post",
        "programmes:partner_remove",
        "partner_run",
        {},
        FIXED_POST,
    ),
    # Grants: the workplan; OHCHR's only.
    ("grant-add", "get", "programmes:grant_add", "prog_run", {}, WORKPLAN_FORM),
    ("grant-add-post", "post", "programmes:grant_add", "prog_run", _grant, WORKPLAN_POST),
    ("grant-add-closed", "get", "programmes:grant_add", "prog_closed", {}, FIXED_FORM),
]


@pytest.fixture
def records(cast, kenya, peru) -> dict[str, Any]:
    desk = cast["desk_officer"]
    prog_draft = ProgrammeFactory(countries=[kenya])
    prog_run = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    prog_per = ProgrammeFactory(countries=[peru], status=S.IN_IMPLEMENTATION)
    prog_reg = ProgrammeFactory(
        countries=[kenya, peru], scope=Programme.Scope.REGIONAL, status=S.IN_IMPLEMENTATION
    )
    comp_draft = ComponentFactory(programme=prog_draft)
    comp_run = ComponentFactory(programme=prog_run)
    comp_reg = ComponentFactory(programme=prog_reg)
    act_run = ActivityFactory(
        component=comp_run,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 4),
    )
    expert = RosterExpertFactory()
    booked = RosterExpertFactory()
    return {
        "prog_draft": prog_draft,
        "prog_run": prog_run,
        "prog_reg": prog_reg,
        "prog_reg_draft": ProgrammeFactory(
            countries=[kenya, peru], scope=Programme.Scope.REGIONAL, region="africa"
        ),
        "prog_closed": ProgrammeFactory(countries=[kenya], status=S.CLOSED),
        "comp_draft": comp_draft,
        "comp_draft_empty": ComponentFactory(programme=prog_draft, title="Empty"),
        "comp_run": comp_run,
        "comp_reg": comp_reg,
        "ind_draft": IndicatorFactory(component=comp_draft),
        "ind_run": IndicatorFactory(component=comp_run),
        "ind_per": IndicatorFactory(component=ComponentFactory(programme=prog_per)),
        "ind_reg": IndicatorFactory(component=comp_reg),
        "act_draft": ActivityFactory(component=comp_draft),
        "act_run": act_run,
        "act_done": ActivityFactory(component=comp_run, status=Activity.Status.COMPLETED),
        "act_per": ActivityFactory(component=ComponentFactory(programme=prog_per)),
        "act_reg": ActivityFactory(component=comp_reg),
        "expert": expert,
        "booking": implementation.assign_expert(activity=act_run, expert=booked, by=desk),
        "partner": ProgrammePartner.objects.create(
            programme=prog_draft, partner=PartnerOrganisation.objects.first(), role="funding"
        ),
        "partner_run": ProgrammePartner.objects.create(
            programme=prog_run, partner=PartnerOrganisation.objects.first(), role="funding"
        ),
    }


# Every write leaves a history row: what a POST wrote, whatever it was.
HISTORIES = (
    Component,
    Indicator,
    IndicatorValue,
    Activity,
    ActivityReport,
    ExpertAssignment,
    ProgrammePartner,
    PartnerOrganisation,
    Grant,
)


def _state() -> tuple[int, ...]:
    return tuple(model.history.count() for model in HISTORIES)


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
    record = records[key] if key else None
    url = reverse(url_name, args=[record.pk]) if record is not None else reverse(url_name)
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


@pytest.mark.parametrize(
    "url_name",
    [
        "programmes:component_delete",
        "programmes:indicator_delete",
        "programmes:indicator_value_add",
        "programmes:activity_report",
        "programmes:expert_book",
        "programmes:expert_unbook",
        "programmes:partner_new",
        "programmes:partner_remove",
        "programmes:activity_transition",
    ],
)
def test_writes_answer_only_post(client, cast, url_name):
    client.force_login(cast["desk_officer"])
    assert client.get(reverse(url_name, args=[1])).status_code == 405


def test_a_refused_write_changes_nothing_and_says_why(client, cast, records):
    """The cells marked R: the desk officer of a running programme is told, and
    the grant's money, typed with cents, is written exactly when accepted."""
    client.force_login(cast["desk_officer"])
    response = client.post(
        reverse("programmes:component_add", args=[records["prog_run"].pk]),
        _component(records),
        follow=True,
    )
    assert "it changes only through an amendment" in response.content.decode()
    client.post(reverse("programmes:grant_add", args=[records["prog_run"].pk]), _grant(records))
    assert Grant.objects.get().amount == Decimal("4500.50")


def test_the_table_covers_every_url_of_the_parts():
    from programmes.views import parts

    covered = {row[2] for row in MATRIX}
    assert {f"programmes:{p.name}" for p in parts.urlpatterns} <= covered

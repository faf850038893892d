"""Who reaches the programme's money pages (budget, expenditure, grant reports) and
amendments: every role of the cast, and anonymous, against every URL of the area.

The rule the table checks (the same as tests/test_access_matrix.py):

* anonymous -> redirected to the login page (``L``);
* a role that never has the model permission a page or a write needs -> 403;
* a record outside the user's scope -> 404, so its existence does not leak:
  another State's programme, a programme a government is not shown yet
  (drafting), and, whatever the programme's state, expenditure and amendments
  for a government (OHCHR's internal records);
* a POST redirects back: ``D`` when it changed something, ``R`` when the
  service refused it (nothing changed, an error message);
* a GET that redirects (a form the user may not use now) -> 302.

A regional programme covers Kenya and Peru: OHCHR staff of either country see
all of it, each State's focal point its planned budget once it is shared.

Each role runs inside a savepoint that is rolled back, so every cell starts
from the same records.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from programmes import amendments
from programmes.forms.money import (
    AmendmentForm,
    NewComponentFormSet,
    NewLineFormSet,
    as_text,
    new_rows_initial,
)
from programmes.models import Amendment, BudgetLine, Expenditure, Grant, Indicator, Programme
from tests.factories import (
    BudgetLineFactory,
    ComponentFactory,
    ExpenditureFactory,
    ProgrammeFactory,
    funding_source,
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
S = Programme.Status

# Expected outcome per role, in the order of ROLES:
#                    anon fp-KE fp-PE fo-EA fo-SA do-KE do-PE appr  audit admin outsider
KENYA_SHARED = (L, 200, 404, 200, 404, 200, 404, 200, 200, 200, 403)
KENYA_INTERNAL = (L, 404, 404, 200, 404, 200, 404, 200, 200, 200, 403)
PERU_SHARED = (L, 404, 200, 404, 200, 404, 200, 200, 200, 200, 403)
REGIONAL_SHARED = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403)
REGIONAL_INTERNAL = (L, 404, 404, 200, 200, 200, 200, 200, 200, 200, 403)
# The desk officer's forms: others who see the record never hold the permission.
KENYA_DESK_FORM = (L, 404, 404, 403, 404, 200, 404, 403, 403, 403, 403)


def _line_post(record: Any) -> dict[str, str]:
    return {
        "line-funding_source": str(funding_source("regular-budget").pk),
        "line-description": "Venue",
        "line-amount": "1,250.50",
    }


def _line_edit_post(record: Any) -> dict[str, str]:
    return {
        "funding_source": str(record.funding_source_id),
        "description": "Changed",
        "amount": "123.45",
    }


def _spend_post(record: Programme) -> dict[str, str]:
    line = record.budget_lines.order_by("pk").first()
    return {
        "spend-budget_line": str(line.pk),
        "spend-date": "2026-03-01",
        "spend-amount": "10.00",
        "spend-description": "Taxi to the training venue",
    }


def amendment_post(
    programme: Programme, amendment: Amendment | None = None, **values: str
) -> dict[str, str]:
    """The proposal form as the page prefills it, with ``values`` typed over it."""
    form = AmendmentForm(
        programme=programme,
        components=list(programme.components.order_by("pk")),
        indicators=list(Indicator.objects.filter(component__programme=programme)),
        lines=list(programme.budget_lines.order_by("pk")),
        amendment=amendment,
    )
    data = {name: as_text(form[name].value()) for name in form.fields}
    for formset in (
        NewComponentFormSet(
            initial=new_rows_initial(amendment, "new_components"), prefix="new-component"
        ),
        NewLineFormSet(
            initial=new_rows_initial(amendment, "new_budget_lines"),
            prefix="new-line",
            form_kwargs={"components": programme.components.all()},
        ),
    ):
        management = formset.management_form
        data.update(
            {management[n].html_name: str(management[n].value()) for n in management.fields}
        )
        for row in formset:
            data.update({row[n].html_name: as_text(row[n].value()) for n in row.fields})
    data.update(values)
    return data


def _propose_post(record: Programme) -> dict[str, str]:
    return amendment_post(
        record,
        kind="no_cost_extension",
        justification="Delays.",
        **{"programme-end_date": "2028-06-30"},
    )


def _edit_post(record: Amendment) -> dict[str, str]:
    return amendment_post(
        record.programme, record, justification="Delays, and more delays.", kind=record.kind
    )


# (test id, method, url name, record key, POST data (or what makes it from the record), expected)
MATRIX: list[tuple[str, str, str, str, Any, tuple[Any, ...]]] = [
    # The budget page: the planned budget is in the programme document.
    ("budget-kenya-drafting", "get", "programmes:budget", "prog_ken", {}, KENYA_INTERNAL),
    ("budget-kenya-running", "get", "programmes:budget", "prog_ken_run", {}, KENYA_SHARED),
    ("budget-peru-running", "get", "programmes:budget", "prog_per_run", {}, PERU_SHARED),
    ("budget-regional-running", "get", "programmes:budget", "prog_reg_run", {}, REGIONAL_SHARED),
    (
        "budget-regional-drafting",
        "get",
        "programmes:budget",
        "prog_reg",
        {},
        REGIONAL_INTERNAL,
    ),
    # Budget lines: the desk officer, while drafting.
    (
        "line-add-kenya-drafting",
        "post",
        "programmes:budget_line_add",
        "prog_ken",
        _line_post,
        (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "line-add-kenya-running",
        "post",
        "programmes:budget_line_add",
        "prog_ken_run",
        _line_post,
        (L, 403, 404, 403, 404, R, 404, 403, 403, 403, 403),
    ),
    # A regional programme is drafted by the desk officers of all its countries together.
    (
        "line-add-regional-drafting",
        "post",
        "programmes:budget_line_add",
        "prog_reg",
        _line_post,
        # The desk officers of its countries draft a regional programme together.
        (L, 404, 404, 403, 403, D, D, 403, 403, 403, 403),
    ),
    (
        "line-edit-kenya-drafting",
        "get",
        "programmes:budget_line_edit",
        "line_ken",
        {},
        KENYA_DESK_FORM,
    ),
    (
        "line-edit-kenya-drafting-post",
        "post",
        "programmes:budget_line_edit",
        "line_ken",
        _line_edit_post,
        (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "line-edit-kenya-running",
        "get",
        "programmes:budget_line_edit",
        "line_ken_run",
        {},
        (L, 403, 404, 403, 404, 302, 404, 403, 403, 403, 403),
    ),
    (
        "line-edit-peru-running",
        "get",
        "programmes:budget_line_edit",
        "line_per_run",
        {},
        (L, 404, 403, 404, 403, 404, 302, 403, 403, 403, 403),
    ),
    (
        "line-delete-kenya-drafting",
        "post",
        "programmes:budget_line_delete",
        "line_ken",
        {},
        (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "line-delete-kenya-running",
        "post",
        "programmes:budget_line_delete",
        "line_ken_run",
        {},
        (L, 403, 404, 403, 404, R, 404, 403, 403, 403, 403),
    ),
    # Expenditure: OHCHR's record, while the programme runs; a government never reaches it.
    (
        "spend-kenya-running",
        "post",
        "programmes:expenditure_add",
        "prog_ken_run",
        _spend_post,
        (L, 404, 404, D, 404, D, 404, D, 403, 403, 403),
    ),
    (
        "spend-kenya-drafting",
        "post",
        "programmes:expenditure_add",
        "prog_ken",
        _spend_post,
        (L, 404, 404, R, 404, R, 404, R, 403, 403, 403),
    ),
    (
        "spend-regional-running",
        "post",
        "programmes:expenditure_add",
        "prog_reg_run",
        _spend_post,
        (L, 404, 404, D, D, D, D, D, 403, 403, 403),
    ),
    (
        "overspending-allow-kenya",
        "post",
        "programmes:expenditure_transition",
        "exp_ken",
        {"action": "allow", "note": "Agreed.", "confirmed": "yes"},
        (L, 404, 404, R, 404, R, 404, D, R, R, 403),
    ),
    (
        "overspending-refuse-regional",
        "post",
        "programmes:expenditure_transition",
        "exp_reg",
        {"action": "refuse", "note": "Not agreed.", "confirmed": "yes"},
        (L, 404, 404, R, R, R, R, D, R, R, 403),
    ),
    # A grant's report received: the desk or field officer, while the programme runs.
    (
        "grant-report-kenya-running",
        "post",
        "programmes:grant_report",
        "grant_ken_run",
        {"received_on": "2026-03-01"},
        (L, 404, 404, D, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "grant-report-kenya-drafting",
        "post",
        "programmes:grant_report",
        "grant_ken",
        {"received_on": "2026-03-01"},
        (L, 404, 404, R, 404, R, 404, 403, 403, 403, 403),
    ),
    (
        "grant-report-regional-running",
        "post",
        "programmes:grant_report",
        "grant_reg_run",
        {"received_on": "2026-03-01"},
        (L, 404, 404, D, D, D, D, 403, 403, 403, 403),
    ),
    # Amendments: OHCHR's; the desk officer proposes, an approver decides.
    (
        "amendment-new-kenya-running",
        "get",
        "programmes:amendment_new",
        "prog_ken_run",
        {},
        KENYA_DESK_FORM,
    ),
    (
        "amendment-new-kenya-running-post",
        "post",
        "programmes:amendment_new",
        "prog_ken_run",
        _propose_post,
        (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "amendment-new-kenya-drafting",
        "get",
        "programmes:amendment_new",
        "prog_ken",
        {},
        (L, 404, 404, 403, 404, 302, 404, 403, 403, 403, 403),
    ),
    (
        "amendment-new-regional-running",
        "get",
        "programmes:amendment_new",
        "prog_reg_run",
        {},
        (L, 404, 404, 403, 403, 200, 200, 403, 403, 403, 403),
    ),
    ("amendment-kenya", "get", "programmes:amendment", "amend_ken", {}, KENYA_INTERNAL),
    ("amendment-regional", "get", "programmes:amendment", "amend_reg", {}, REGIONAL_INTERNAL),
    ("amendment-edit-kenya", "get", "programmes:amendment_edit", "amend_ken", {}, KENYA_DESK_FORM),
    (
        "amendment-edit-kenya-post",
        "post",
        "programmes:amendment_edit",
        "amend_ken",
        _edit_post,
        (L, 404, 404, 403, 404, D, 404, 403, 403, 403, 403),
    ),
    (
        "amendment-edit-kenya-submitted",
        "get",
        "programmes:amendment_edit",
        "amend_ken_submitted",
        {},
        (L, 404, 404, 403, 404, 302, 404, 403, 403, 403, 403),
    ),
    (
        "amendment-submit-kenya",
        "post",
        "programmes:amendment_transition",
        "amend_ken",
        {"action": "submit"},
        (L, 404, 404, R, 404, D, 404, R, R, R, 403),
    ),
    (
        "amendment-approve-kenya",
        "post",
        "programmes:amendment_transition",
        "amend_ken_submitted",
        {"action": "approve", "confirmed": "yes"},
        (L, 404, 404, R, 404, R, 404, D, R, R, 403),
    ),
    (
        "amendment-reject-regional",
        "post",
        "programmes:amendment_transition",
        "amend_reg_submitted",
        {"action": "reject", "note": "No.", "confirmed": "yes"},
        (L, 404, 404, R, R, R, R, D, R, R, 403),
    ),
]


@pytest.fixture
def records(cast, kenya, peru) -> dict[str, Any]:
    desk = cast["desk_officer"]  # Kenya's: a regional programme covers Kenya too
    running = S.IN_IMPLEMENTATION
    prog_ken = ProgrammeFactory(countries=[kenya])
    prog_ken_run = ProgrammeFactory(countries=[kenya], status=running)
    prog_per_run = ProgrammeFactory(countries=[peru], status=running)
    prog_reg = ProgrammeFactory(countries=[kenya, peru], scope="regional", region="africa")
    prog_reg_run = ProgrammeFactory(countries=[kenya, peru], scope="regional", status=running)
    for programme in (prog_ken, prog_ken_run, prog_per_run, prog_reg, prog_reg_run):
        ComponentFactory(programme=programme)
    small = {"amount": Decimal("100.00")}
    line_ken_run = BudgetLineFactory(programme=prog_ken_run, **small)
    line_reg_run = BudgetLineFactory(programme=prog_reg_run, **small)
    BudgetLineFactory(programme=prog_reg, **small)
    awaiting = Expenditure.Status.AWAITING_APPROVAL
    submitted = {"status": Amendment.Status.SUBMITTED}

    def propose(programme: Programme, end: str, **fields: Any) -> Amendment:
        amendment = amendments.propose_amendment(
            programme=programme,
            by=desk,
            kind="no_cost_extension",
            justification="Delays.",
            proposal={"programme": {"end_date": end}},
        )
        Amendment.objects.filter(pk=amendment.pk).update(**fields)
        amendment.refresh_from_db()
        return amendment

    return {
        "prog_ken": prog_ken,
        "prog_ken_run": prog_ken_run,
        "prog_per_run": prog_per_run,
        "prog_reg": prog_reg,
        "prog_reg_run": prog_reg_run,
        "line_ken": BudgetLineFactory(programme=prog_ken, **small),
        "line_ken_run": line_ken_run,
        "line_per_run": BudgetLineFactory(programme=prog_per_run, **small),
        "exp_ken": ExpenditureFactory(budget_line=line_ken_run, status=awaiting),
        "exp_reg": ExpenditureFactory(budget_line=line_reg_run, status=awaiting),
        "grant_ken_run": _grant(prog_ken_run, desk),
        "grant_ken": _grant(prog_ken, desk),
        "grant_reg_run": _grant(prog_reg_run, desk),
        "amend_ken": propose(prog_ken_run, "2028-03-31"),
        "amend_ken_submitted": propose(prog_ken_run, "2028-06-30", **submitted),
        "amend_reg": propose(prog_reg_run, "2028-03-31"),
        "amend_reg_submitted": propose(prog_reg_run, "2028-06-30", **submitted),
    }


def _grant(programme: Programme, by: Any) -> Grant:
    return Grant.objects.create(
        programme=programme,
        recipient="Mombasa human rights defenders network",
        recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
        amount=Decimal("1000.00"),
        purpose="Paralegals.",
        report_due=datetime.date(2026, 2, 28),
        awarded_by=by,
    )


def _state(record: Any) -> Any:
    """What a POST may change: the record, and for a programme its money and amendments."""
    fresh = type(record).objects.filter(pk=record.pk).first()
    if fresh is None:
        return "deleted"
    if isinstance(fresh, Programme):
        return (
            fresh.status,
            list(fresh.budget_lines.values_list("pk", "amount")),
            Expenditure.objects.filter(budget_line__programme=fresh).count(),
            list(fresh.amendments.values_list("pk", "status")),
        )
    if isinstance(fresh, BudgetLine):
        return (fresh.description, fresh.amount, fresh.expenditures.count())
    if isinstance(fresh, Grant):
        return fresh.report_received_on
    if isinstance(fresh, Amendment):
        return (fresh.status, fresh.kind, fresh.justification, fresh.changes)
    return (fresh.status, fresh.decision_note)


def _outcome(client: Client, method: str, url: str, data: dict[str, Any], record: Any) -> Any:
    before = _state(record)
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return L
    if method == "post" and response.status_code == 302:
        return D if _state(record) != before else R
    return response.status_code


@pytest.mark.parametrize(
    ("method", "url_name", "key", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_access(cast, records, method, url_name, key, data, expected):
    record = records[key]
    url = reverse(url_name, args=[record.pk])
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(cast[role])
            payload: dict[str, Any] = data(record) if callable(data) else data
            actual[role] = _outcome(client, method, url, payload, record)
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(
    "url_name",
    [
        "programmes:budget_line_add",
        "programmes:budget_line_delete",
        "programmes:expenditure_add",
        "programmes:grant_report",
    ],
)
def test_writes_answer_only_post(client, cast, url_name):
    client.force_login(cast["desk_officer"])
    assert client.get(reverse(url_name, args=[1])).status_code == 405


def test_every_url_of_the_area_is_in_the_table():
    from programmes.views import money

    names = {f"programmes:{p.name}" for p in money.urlpatterns}
    tested = {row[2] for row in MATRIX}
    assert names <= tested


def test_government_pages_never_name_internal_money(client, cast, records):
    """On the planned budget a government reads, nothing spent and no amendment."""
    programme = records["prog_reg_run"]
    ExpenditureFactory(
        budget_line=programme.budget_lines.first(), amount=Decimal("77.77"), description="Per diem"
    )
    for role in ("focal_point_kenya", "focal_point_peru"):
        client.force_login(cast[role])
        html = client.get(reverse("programmes:budget", args=[programme.pk])).content.decode()
        assert "US$ 100.00" in html
        for internal in ("77.77", "Per diem", "expenditure_add", "Amendment", "amendment"):
            assert internal not in html

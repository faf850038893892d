"""The programme's money: budget lines, expenditure and the approver's decision on
spending past a line, the summary and its charts, money to the cent, and who
may do what at each state of the programme."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes import amendments, budget
from programmes.models import BudgetLine, Expenditure, Programme
from programmes.selectors import budget_summary, line_balance
from tcp.lifecycle import TransitionRefused
from tcp.views import actions_for
from tests.factories import (
    BudgetLineFactory,
    ComponentFactory,
    ExpenditureFactory,
    ProgrammeFactory,
    UserFactory,
    funding_source,
)

pytestmark = pytest.mark.django_db
S = Programme.Status
X = Expenditure.Status
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def running(kenya) -> Programme:
    return ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)


@pytest.fixture
def line(running) -> BudgetLine:
    return BudgetLineFactory(
        programme=running, description="Training venue", amount=Decimal("1000.00")
    )


def _spend(line: BudgetLine, by: Any, amount: str, reason: str = "") -> Expenditure:
    return budget.record_expenditure(
        line=line,
        by=by,
        date=TODAY,
        amount=Decimal(amount),
        description="Venue hire",
        overspend_reason=reason,
    )


def _spent(programme: Programme) -> Decimal:
    return budget_summary(programme).total.spent


# --- overspending ---


def test_spending_past_the_line_waits_for_an_approver_and_counts_once_allowed(
    line, desk_officer, approver
):
    first = _spend(line, desk_officer, "900.00")
    assert first.status == X.RECORDED
    assert budget.overspend_message(first) is None

    past = _spend(line, desk_officer, "200.00")
    assert past.status == X.AWAITING_APPROVAL
    assert "waits for a programme approver" in budget.overspend_message(past)
    # Kept, but not counted as spent: the line still has 100.00 left.
    summary = budget_summary(line.programme)
    assert summary.total.spent == Decimal("900.00")
    assert summary.awaiting_approval == Decimal("200.00")
    assert line_balance(line) == Decimal("100.00")

    # The reason is required, and recorded.
    with pytest.raises(TransitionRefused, match="why spending past the line is allowed"):
        budget.perform_expenditure(past, "allow", by=approver)
    budget.perform_expenditure(past, "allow", by=approver, note="Venue price rose; agreed.")
    past.refresh_from_db()
    assert past.status == X.RECORDED
    assert past.decision_note == "Venue price rose; agreed."
    assert _spent(line.programme) == Decimal("1100.00")
    assert line_balance(line) == Decimal("-100.00")


def test_refused_overspending_never_counts(line, field_officer_east_africa, approver):
    past = _spend(line, field_officer_east_africa, "1000.01")
    assert past.status == X.AWAITING_APPROVAL
    budget.perform_expenditure(past, "refuse", by=approver, note="Not in the workplan.")
    past.refresh_from_db()
    assert past.status == X.REFUSED
    assert past.decision_note == "Not in the workplan."
    summary = budget_summary(line.programme)
    assert summary.total.spent == Decimal("0.00")
    assert summary.awaiting_approval == Decimal("0.00")
    # Refused is final: neither allowed later nor refused again.
    with pytest.raises(TransitionRefused):
        budget.perform_expenditure(past, "allow", by=approver, note="On second thoughts")


def test_only_an_approver_decides_on_overspending(line, desk_officer, field_officer_east_africa):
    past = _spend(line, desk_officer, "5000.00")
    for person in (desk_officer, field_officer_east_africa):
        with pytest.raises(TransitionRefused):
            budget.perform_expenditure(past, "allow", by=person, note="Fine by me")
        assert not actions_for(past, budget.EXPENDITURE_LIFECYCLE, person)
    past.refresh_from_db()
    assert past.status == X.AWAITING_APPROVAL


def test_approver_records_overspending_directly_by_giving_the_reason(line, approver):
    entry = _spend(line, approver, "1500.00", reason="Emergency relocation of the training.")
    assert entry.status == X.RECORDED
    assert entry.decision_note == "Emergency relocation of the training."
    assert _spent(line.programme) == Decimal("1500.00")
    # Without a reason, the approver's own overspending waits like anyone's.
    waiting = _spend(line, approver, "10.00")
    assert waiting.status == X.AWAITING_APPROVAL


def test_a_reason_from_someone_who_may_not_allow_is_no_approval(line, desk_officer):
    entry = _spend(line, desk_officer, "1500.00", reason="I say so.")
    assert entry.status == X.AWAITING_APPROVAL
    assert entry.decision_note == ""


def test_expenditure_is_not_recorded_in_the_future(line, desk_officer):
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    with pytest.raises(Exception, match="not in the future"):
        budget.record_expenditure(
            line=line, by=desk_officer, date=tomorrow, amount=Decimal("1"), description="Later"
        )
    assert not line.expenditures.exists()


# --- money to the cent ---


def test_cents_add_up_exactly(client, desk_officer, running):
    BudgetLineFactory(programme=running, amount=Decimal("0.01"), funding_source=funding_source())
    BudgetLineFactory(programme=running, amount=Decimal("0.02"), funding_source=funding_source())
    summary = budget_summary(running)
    assert summary.total.budget == Decimal("0.03")
    [voluntary] = summary.by_source
    assert voluntary.budget == Decimal("0.03")
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:budget", args=[running.pk])).content.decode()
    assert "US$ 0.03" in page


def test_a_large_amount_typed_with_separators_is_kept_to_the_cent(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:budget_line_add", args=[programme.pk]),
        {
            "line-funding_source": funding_source("regular-budget").pk,
            "line-description": "Expert fees",
            "line-amount": "1,234,567.89",
        },
    )
    assert response.status_code == 302
    line = programme.budget_lines.get()
    assert line.amount == Decimal("1234567.89")
    page = client.get(reverse("programmes:budget", args=[programme.pk])).content.decode()
    assert "US$ 1,234,567.89" in page


def test_an_amount_with_fractions_of_a_cent_is_refused_keeping_what_was_typed(
    client, desk_officer, kenya
):
    programme = ProgrammeFactory(countries=[kenya])
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:budget_line_add", args=[programme.pk]),
        {"line-description": "Expert fees", "line-amount": "12.345"},
    )
    assert response.status_code == 200
    form = response.context["line_form"]
    # Every error at once, and what was typed stays.
    assert set(form.errors) == {"funding_source", "amount"}
    page = response.content.decode()
    assert 'value="Expert fees"' in page
    assert 'value="12.345"' in page
    assert not programme.budget_lines.exists()


# --- the pages ---


def test_desk_officer_edits_and_removes_lines_while_drafting(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    component = ComponentFactory(programme=programme, title="Police training")
    line = BudgetLineFactory(programme=programme, amount=Decimal("500.00"))
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:budget", args=[programme.pk]))
    assert page.context["line_form"] is not None
    url = reverse("programmes:budget_line_edit", args=[line.pk])
    form = client.get(url).context["form"]
    # Only the programme's own components are offered.
    assert list(form.fields["component"].queryset) == [component]
    response = client.post(
        url,
        {
            "component": component.pk,
            "funding_source": funding_source("extrabudgetary").pk,
            "description": "Trainers",
            "amount": "750.50",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.component, line.description, line.amount) == (
        component,
        "Trainers",
        Decimal("750.50"),
    )
    client.post(reverse("programmes:budget_line_delete", args=[line.pk]))
    assert not programme.budget_lines.exists()


def test_lines_of_an_approved_programme_change_only_by_amendment(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.APPROVED)
    line = BudgetLineFactory(programme=programme, amount=Decimal("500.00"))
    client.force_login(desk_officer)
    response = client.get(reverse("programmes:budget", args=[programme.pk]))
    assert "line_form" not in response.context
    page = response.content.decode()
    assert "it changes only through an amendment" in page
    assert reverse("programmes:amendment_new", args=[programme.pk]) in page
    assert reverse("programmes:budget_line_edit", args=[line.pk]) not in page
    response = client.post(
        reverse("programmes:budget_line_edit", args=[line.pk]),
        {"funding_source": line.funding_source_id, "description": "More", "amount": "900"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("500.00")


def test_government_reads_the_planned_budget_and_nothing_spent(
    client, focal_point_kenya, desk_officer, kenya
):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    line = BudgetLineFactory(
        programme=programme, description="Printing of the manual", amount=Decimal("2500.00")
    )
    ExpenditureFactory(budget_line=line, amount=Decimal("1234.56"), description="Secret invoice")
    client.force_login(focal_point_kenya)
    response = client.get(reverse("programmes:budget", args=[programme.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Printing of the manual" in page
    assert "US$ 2,500.00" in page
    for internal in ("Secret invoice", "1,234.56", "Spent", "Balance", "Expenditure"):
        assert internal not in page
    assert "expenditure" not in response.context
    assert response.context["summary"].spent == Decimal("0")
    # The same on the programme page's part.
    money = response.context["summary"]
    assert money.by_source[0].spent == Decimal("0")


def test_government_does_not_see_the_budget_of_a_programme_in_drafting(
    client, focal_point_kenya, kenya
):
    programme = ProgrammeFactory(countries=[kenya])
    BudgetLineFactory(programme=programme)
    client.force_login(focal_point_kenya)
    assert client.get(reverse("programmes:budget", args=[programme.pk])).status_code == 404


def test_expenditure_through_the_page_and_the_approvers_decision(
    client, line, field_officer_east_africa, approver
):
    url = reverse("programmes:expenditure_add", args=[line.programme_id])
    client.force_login(field_officer_east_africa)
    form = client.get(reverse("programmes:budget", args=[line.programme_id])).context[
        "expenditure_form"
    ]
    assert "overspend_reason" not in form.fields
    data = {
        "spend-budget_line": line.pk,
        "spend-date": "2026-03-01",
        "spend-amount": "1,200.00",
        "spend-description": "Venue, five days",
    }
    response = client.post(url, data, follow=True)
    entry = line.expenditures.get()
    assert entry.status == X.AWAITING_APPROVAL
    assert entry.recorded_by == field_officer_east_africa
    assert "waits for a programme approver" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#expenditure-{entry.pk}")

    client.force_login(approver)
    page = client.get(reverse("programmes:budget", args=[line.programme_id]))
    [(shown, entry_actions)] = page.context["awaiting"]
    assert shown == entry
    assert [b.action for b in entry_actions.available] == ["allow", "refuse"]
    assert "overspend_reason" in page.context["expenditure_form"].fields
    transition = reverse("programmes:expenditure_transition", args=[entry.pk])
    assert transition in page.content.decode()
    client.post(
        transition, {"action": "allow", "note": "Agreed with the donor.", "confirmed": "yes"}
    )
    entry.refresh_from_db()
    assert entry.status == X.RECORDED
    assert _spent(line.programme) == Decimal("1200.00")


def test_an_invalid_expenditure_keeps_what_was_typed(client, line, desk_officer):
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:expenditure_add", args=[line.programme_id]),
        {"spend-budget_line": line.pk, "spend-amount": "-5", "spend-description": "Taxi"},
    )
    assert response.status_code == 200
    assert set(response.context["expenditure_form"].errors) == {"date", "amount"}
    assert 'value="Taxi"' in response.content.decode()
    assert not line.expenditures.exists()


def test_no_expenditure_on_a_suspended_programme(client, line, desk_officer):
    Programme.objects.filter(pk=line.programme_id).update(status=S.SUSPENDED)
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:budget", args=[line.programme_id]))
    assert "expenditure_form" not in page.context
    assert "Nothing is spent on a suspended programme." in page.content.decode()


def test_lines_are_filtered_sorted_and_paginated(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    regular = funding_source("regular-budget")
    BudgetLine.objects.bulk_create(
        BudgetLine(
            programme=programme,
            funding_source=regular if n % 2 else funding_source(),
            description=f"Line {n:03d}",
            amount=Decimal(n),
        )
        for n in range(1, 61)
    )
    client.force_login(desk_officer)
    url = reverse("programmes:budget", args=[programme.pk])
    page = client.get(url).context["lines"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 50
    filtered = client.get(url, {"source": regular.pk, "sort": "-budget"}).context["lines"]
    assert filtered.paginator.count == 30
    assert filtered.object_list[0].description == "Line 059"


# --- the done criteria: totals to the cent, constant queries ---


def _many_lines(programme: Programme, count: int, seed: int) -> None:
    rng = random.Random(seed)
    sources = [funding_source(code) for code in ("regular-budget", "voluntary-fund")]
    sources.append(funding_source("extrabudgetary"))
    components = [ComponentFactory(programme=programme, title=f"Component {n}") for n in range(3)]
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            programme=programme,
            component=rng.choice([*components, None]),
            funding_source=rng.choice(sources),
            description=f"Line {n}",
            amount=Decimal(rng.randint(1, 10_000_000)) / 100,
        )
        for n in range(count)
    )
    by = UserFactory(username="bookkeeper")
    Expenditure.objects.bulk_create(
        Expenditure(
            budget_line=line,
            date=TODAY,
            amount=Decimal(rng.randint(1, 500_000)) / 100,
            description="Payment",
            status=rng.choice([X.RECORDED, X.RECORDED, X.AWAITING_APPROVAL, X.REFUSED]),
            recorded_by=by,
        )
        for line in lines
        if rng.random() < 0.6
    )


def test_programme_page_totals_equal_the_database_sums_to_the_cent(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    _many_lines(programme, 400, seed=8)
    lines = BudgetLine.objects.filter(programme=programme)
    recorded = Expenditure.objects.filter(budget_line__programme=programme, status=X.RECORDED)
    budget_total = lines.aggregate(total=Sum("amount"))["total"]
    spent_total = recorded.aggregate(total=Sum("amount"))["total"]
    # Summed again in Python, cent by cent: the database's sums are exact.
    assert budget_total == sum((line.amount for line in lines), Decimal("0"))
    assert spent_total == sum((e.amount for e in recorded), Decimal("0"))

    client.force_login(desk_officer)
    response = client.get(reverse("programmes:detail", args=[programme.pk]))
    summary = response.context["money"]["summary"]
    assert summary.budget == budget_total
    assert summary.spent == spent_total
    assert summary.balance == budget_total - spent_total
    by_source = {
        row["funding_source__name"]: row["total"]
        for row in lines.values("funding_source__name").annotate(total=Sum("amount"))
    }
    assert {bar.label: bar.budget for bar in summary.by_source} == by_source
    spent_by_component = {
        row["budget_line__component__title"] or "—": row["total"]
        for row in recorded.values("budget_line__component__title").annotate(total=Sum("amount"))
    }
    assert {bar.label: bar.spent for bar in summary.by_component if bar.spent} == spent_by_component
    # And printed so, to the cent.
    html = render_to_string(
        "programmes/_money.html", {"money": response.context["money"], "programme": programme}
    )
    assert f"US$ {budget_total:,.2f}" in html
    assert f"US$ {spent_total:,.2f}" in html
    budget_page = client.get(reverse("programmes:budget", args=[programme.pk])).content.decode()
    assert f"US$ {budget_total:,.2f}" in budget_page
    assert f"US$ {budget_total - spent_total:,.2f}" in budget_page


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("user", ["desk_officer", "approver", "focal_point_kenya"])
@pytest.mark.parametrize("url_name", ["programmes:detail", "programmes:budget"])
def test_pages_cost_the_same_queries_with_5_and_500_budget_lines(
    client, cast, kenya, user, url_name
):
    few = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    many = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    _many_lines(few, 5, seed=1)
    _many_lines(many, 500, seed=2)
    client.force_login(cast[user])
    client.get(reverse(url_name, args=[few.pk]))  # warm the per-process caches
    assert _queries(client, reverse(url_name, args=[few.pk])) == _queries(
        client, reverse(url_name, args=[many.pk])
    )


# --- who may do what at each state ---

ROLES = (
    "desk_officer",
    "desk_officer_peru",
    "field_officer_east_africa",
    "approver",
    "auditor",
    "focal_point_kenya",
)
ALL = tuple(S.values)
AMENDABLE = ("approved", "accepted", "in_implementation", "suspended")
SPENDING = ("in_implementation", "completed")
# Which roles may do what, at which states of a Kenya programme.
MAY: dict[str, dict[str, tuple[str, ...]]] = {
    "budget lines": {"desk_officer": ("drafting",)},
    "record expenditure": {
        "desk_officer": SPENDING,
        "field_officer_east_africa": SPENDING,
        "approver": SPENDING,
    },
    "decide on overspending": {"approver": ALL},
    "propose an amendment": {"desk_officer": AMENDABLE},
    "approve an amendment": {"approver": AMENDABLE},
}


def _can(action: str, programme: Programme, user: Any, kenya: Any) -> bool:
    """Ask the service, and check that the write agrees with its answer."""
    if action == "budget lines":
        answer = budget.budget_refusal(programme=programme, user=user) is None
        try:
            line = budget.add_budget_line(
                programme=programme,
                by=user,
                funding_source=funding_source(),
                description="Check",
                amount=Decimal("1.00"),
            )
        except TransitionRefused:
            assert not answer
        else:
            assert answer
            budget.delete_budget_line(line=line, by=user)
        return answer
    if action == "record expenditure":
        answer = budget.expenditure_refusal(programme=programme, user=user) is None
        line = BudgetLineFactory(programme=programme)
        try:
            _spend(line, user, "1.00")
        except TransitionRefused:
            assert not answer
        else:
            assert answer
        return answer
    if action == "decide on overspending":
        entry = ExpenditureFactory(budget_line__programme=programme, status=X.AWAITING_APPROVAL)
        offered = [
            b.action for b in actions_for(entry, budget.EXPENDITURE_LIFECYCLE, user).available
        ]
        answer = offered == ["allow", "refuse"]
        try:
            budget.perform_expenditure(entry, "allow", by=user, note="Reason")
        except TransitionRefused:
            assert not answer
        else:
            assert answer
        return answer
    if action == "propose an amendment":
        answer = amendments.amendment_refusal(programme=programme, user=user) is None
        try:
            amendments.propose_amendment(
                programme=programme,
                by=user,
                kind="correction",
                justification="A typo.",
                proposal={"programme": {"title": "Corrected title"}},
            )
        except TransitionRefused:
            assert not answer
        else:
            assert answer
        return answer
    assert action == "approve an amendment"
    amendment = programme.amendments.create(
        reference=f"{programme.reference}-A{programme.amendments.count() + 1}",
        kind="correction",
        justification="A typo.",
        changes={"programme": {"title": [programme.title, "Corrected"]}},
        status="submitted",
        proposed_by=user,
    )
    offered = [b.action for b in actions_for(amendment, amendments.LIFECYCLE, user).available]
    answer = "approve" in offered
    try:
        amendments.perform(amendment, "approve", by=user)
    except TransitionRefused:
        assert not answer
    else:
        assert answer
    return answer


@pytest.mark.parametrize("status", ALL)
def test_who_may_do_what_at_each_state(cast, kenya, status):
    actual = {}
    expected = {}
    for action, allowed in MAY.items():
        for role in ROLES:
            programme = ProgrammeFactory(countries=[kenya], status=status)
            actual[(action, role)] = _can(action, programme, cast[role], kenya)
            expected[(action, role)] = status in allowed.get(role, ())
    assert actual == expected

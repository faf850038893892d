"""Amendments: the one way an approved programme changes. Each kind, the proposal
form, approval applying the difference, a stale proposal refused, before and
after read back from history, and every other edit path refused."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from programmes import amendments, budget, implementation, services
from programmes.forms.money import as_text
from programmes.models import Amendment, BudgetLine, Component, Indicator, Programme
from programmes.selectors import budget_summary
from tcp.lifecycle import TransitionRefused
from tcp.models import PartnerOrganisation, ThematicArea
from tcp.views import actions_for
from tests.factories import (
    BudgetLineFactory,
    ComponentFactory,
    IndicatorFactory,
    ProgrammeFactory,
    funding_source,
)

pytestmark = pytest.mark.django_db
S = Programme.Status
M = Amendment.Status
K = Amendment.Kind
END = datetime.date(2027, 12, 31)


@pytest.fixture
def programme(kenya) -> Programme:
    return ProgrammeFactory(
        countries=[kenya], status=S.IN_IMPLEMENTATION, title="Justice reform", end_date=END
    )


@pytest.fixture
def component(programme) -> Component:
    return ComponentFactory(programme=programme, title="Police training")


@pytest.fixture
def indicator(component) -> Indicator:
    return IndicatorFactory(component=component, name="Officers trained", target=Decimal("50"))


@pytest.fixture
def line(programme, component) -> BudgetLine:
    return BudgetLineFactory(
        programme=programme,
        component=component,
        description="Trainers' fees",
        amount=Decimal("10000.00"),
    )


def _propose(programme: Programme, by: Any, kind: str, proposal: dict[str, Any]) -> Amendment:
    return amendments.propose_amendment(
        programme=programme, by=by, kind=kind, justification="Needed.", proposal=proposal
    )


def _approve(amendment: Amendment, desk_officer: Any, approver: Any) -> None:
    amendments.perform(amendment, "submit", by=desk_officer)
    amendments.perform(amendment, "approve", by=approver)
    amendment.refresh_from_db()


# --- each kind ---


def test_no_cost_extension_moves_the_end_date_once_approved(programme, desk_officer, approver):
    amendment = _propose(
        programme, desk_officer, K.NO_COST_EXTENSION, {"programme": {"end_date": "2028-06-30"}}
    )
    assert amendment.reference == f"{programme.reference}-A1"
    assert amendment.changes == {"programme": {"end_date": ["2027-12-31", "2028-06-30"]}}
    programme.refresh_from_db()
    assert programme.end_date == END  # a proposal changes nothing yet
    _approve(amendment, desk_officer, approver)
    assert amendment.status == M.APPROVED
    assert amendment.applied_at is not None
    programme.refresh_from_db()
    assert programme.end_date == datetime.date(2028, 6, 30)


@pytest.mark.parametrize(
    ("proposal", "message"),
    [
        (
            {"programme": {"end_date": "2028-06-30", "title": "Justice reform, extended"}},
            "A no-cost extension moves the end date only",
        ),
        ({"programme": {"end_date": "2027-06-30"}}, "moves the end date later"),
        ({"programme": {"end_date": "2027-12-31"}}, "changes nothing yet"),
    ],
)
def test_no_cost_extension_is_validated(programme, desk_officer, proposal, message):
    with pytest.raises(TransitionRefused, match=message):
        _propose(programme, desk_officer, K.NO_COST_EXTENSION, proposal)
    assert not programme.amendments.exists()


def test_no_cost_extension_changing_money_is_refused(programme, line, desk_officer):
    with pytest.raises(TransitionRefused, match="changes no money"):
        _propose(
            programme,
            desk_officer,
            K.NO_COST_EXTENSION,
            {"programme": {"end_date": "2028-06-30"}, "budget_lines": {line.pk: {"amount": "1"}}},
        )


def test_budget_revision_changes_and_adds_lines_once_approved(
    programme, line, component, desk_officer, approver
):
    amendment = _propose(
        programme,
        desk_officer,
        K.BUDGET_REVISION,
        {
            "budget_lines": {str(line.pk): {"amount": "12500.50"}},
            "new_budget_lines": [
                {
                    "component": component.pk,
                    "funding_source": funding_source("extrabudgetary").pk,
                    "description": "Translation of the manual",
                    "amount": "3000.25",
                }
            ],
        },
    )
    assert budget_summary(programme).total.budget == Decimal("10000.00")
    _approve(amendment, desk_officer, approver)
    line.refresh_from_db()
    assert line.amount == Decimal("12500.50")
    added = programme.budget_lines.get(description="Translation of the manual")
    assert (added.amount, added.component) == (Decimal("3000.25"), component)
    assert budget_summary(programme).total.budget == Decimal("15500.75")


def test_budget_revision_touches_budget_lines_only(programme, line, desk_officer):
    with pytest.raises(TransitionRefused, match="changes budget lines only"):
        _propose(programme, desk_officer, K.BUDGET_REVISION, {"programme": {"title": "Other"}})


def test_change_of_scope_adds_a_component_once_approved(
    programme, component, indicator, desk_officer, approver
):
    area = ThematicArea.objects.exclude(pk=component.thematic_area_id).first()
    amendment = _propose(
        programme,
        desk_officer,
        K.CHANGE_OF_SCOPE,
        {
            "indicators": {str(indicator.pk): {"target": "80"}},
            "new_components": [
                {"thematic_area": area.pk, "title": "Prison monitoring", "objective": "Visits."}
            ],
        },
    )
    assert not programme.components.filter(title="Prison monitoring").exists()
    _approve(amendment, desk_officer, approver)
    added = programme.components.get(title="Prison monitoring")
    assert (added.thematic_area, added.objective) == (area, "Visits.")
    indicator.refresh_from_db()
    assert indicator.target == Decimal("80.00")


def test_a_proposal_that_would_leave_the_programme_invalid_is_refused(programme, desk_officer):
    with pytest.raises(TransitionRefused, match="end date is before the start date"):
        _propose(programme, desk_officer, K.CORRECTION, {"programme": {"end_date": "2025-01-01"}})
    with pytest.raises(TransitionRefused, match="would not be valid once amended"):
        _propose(programme, desk_officer, K.CORRECTION, {"programme": {"gender_marker": "7"}})


def test_a_stale_amendment_is_refused_after_another_changed_the_same_field(
    programme, desk_officer, approver
):
    first = _propose(
        programme, desk_officer, K.NO_COST_EXTENSION, {"programme": {"end_date": "2028-03-31"}}
    )
    second = _propose(
        programme, desk_officer, K.NO_COST_EXTENSION, {"programme": {"end_date": "2028-06-30"}}
    )
    amendments.perform(second, "submit", by=desk_officer)
    _approve(first, desk_officer, approver)
    second.refresh_from_db()
    assert amendments.stale_parts(second) == [f"{programme}: End date changed since the proposal"]
    # The approver is shown why the button does not work, and the service refuses.
    actions = actions_for(second, amendments.LIFECYCLE, approver)
    assert [b.transition.action for b in actions.blocked] == ["approve"]
    assert "changed since the proposal" in actions.blocked[0].reason
    with pytest.raises(TransitionRefused, match="changed since the proposal"):
        amendments.perform(second, "approve", by=approver)
    second.refresh_from_db()
    programme.refresh_from_db()
    assert second.status == M.SUBMITTED
    assert programme.end_date == datetime.date(2028, 3, 31)


def test_before_and_after_are_read_back_from_history(
    client, programme, line, desk_officer, approver, auditor
):
    amendment = _propose(
        programme,
        desk_officer,
        K.CORRECTION,
        {
            "programme": {"title": "Justice and police reform"},
            "budget_lines": {str(line.pk): {"description": "Trainers' fees and travel"}},
        },
    )
    _approve(amendment, desk_officer, approver)
    applied = {
        (c.field, str(c.before), str(c.after)) for c in amendments.applied_changes(amendment)
    }
    assert applied == {
        ("title", "Justice reform", "Justice and police reform"),
        ("description", "Trainers' fees", "Trainers' fees and travel"),
    }
    # Each row's history names the amendment, and who applied it.
    record = programme.history.filter(history_change_reason__startswith=amendment.reference).get()
    assert record.history_user == approver
    client.force_login(auditor)
    page = client.get(reverse("programmes:amendment", args=[amendment.pk]))
    html = page.content.decode()
    assert "As applied" in html
    assert [r.after for r in page.context["applied"]] == [
        "Justice and police reform",
        "Trainers' fees and travel",
    ]
    assert {r.before for r in page.context["proposed"]} == {"Justice reform", "Trainers' fees"}


# --- an approved programme changes only through an amendment ---


@pytest.fixture
def approved(kenya) -> Programme:
    return ProgrammeFactory(countries=[kenya], status=S.APPROVED, title="Fixed title")


def test_every_other_edit_of_an_approved_programme_is_refused_then_made_by_amendment(
    client, approved, desk_officer, approver
):
    component = ComponentFactory(programme=approved, title="Fixed component")
    indicator = IndicatorFactory(component=component, target=Decimal("50"))
    line = BudgetLineFactory(programme=approved, amount=Decimal("100.00"))
    partner = PartnerOrganisation.objects.first()
    area = component.thematic_area
    by = desk_officer
    edits = {
        "programme": lambda: services.update_programme(programme=approved, by=by, title="New"),
        "component": lambda: services.update_component(component=component, by=by, title="New"),
        "new component": lambda: services.add_component(
            programme=approved, by=by, thematic_area=area, title="New"
        ),
        "indicator": lambda: services.update_indicator(
            indicator=indicator, by=by, target=Decimal("90")
        ),
        "new indicator": lambda: services.add_indicator(
            component=component,
            by=by,
            name="New",
            unit="%",
            baseline=Decimal("0"),
            target=Decimal("1"),
        ),
        "budget line": lambda: budget.update_budget_line(line=line, by=by, amount=Decimal("900")),
        "new budget line": lambda: budget.add_budget_line(
            programme=approved,
            by=by,
            funding_source=funding_source(),
            description="New",
            amount=Decimal("1"),
        ),
        "removed budget line": lambda: budget.delete_budget_line(line=line, by=by),
        "partner": lambda: implementation.add_partner(
            programme=approved, partner=partner, role="technical", by=by
        ),
    }
    for what, edit in edits.items():
        with pytest.raises(TransitionRefused, match="only through an amendment"):
            edit()
        assert what

    # Through the web, every edit page refuses and changes nothing.
    client.force_login(desk_officer)
    posts = [
        (reverse("programmes:edit", args=[approved.pk]), {"title": "New"}),
        (reverse("programmes:component_edit", args=[component.pk]), {"title": "New"}),
        (reverse("programmes:indicator_edit", args=[indicator.pk]), {"target": "90"}),
        (reverse("programmes:budget_line_edit", args=[line.pk]), {"amount": "900"}),
        (reverse("programmes:budget_line_delete", args=[line.pk]), {}),
        (reverse("programmes:budget_line_add", args=[approved.pk]), {"line-amount": "1"}),
        (
            reverse("programmes:partner_add", args=[approved.pk]),
            {"partner": partner.pk, "role": "technical"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 302), url
    approved.refresh_from_db()
    component.refresh_from_db()
    indicator.refresh_from_db()
    line.refresh_from_db()
    assert approved.title == "Fixed title"
    assert component.title == "Fixed component"
    assert indicator.target == Decimal("50.00")
    assert line.amount == Decimal("100.00")
    assert approved.components.count() == 1
    assert approved.budget_lines.count() == 1
    assert not approved.partners.exists()

    # The same changes, through an amendment, approved and applied.
    amendment = _propose(
        approved,
        desk_officer,
        K.CORRECTION,
        {
            "programme": {"title": "New"},
            "components": {str(component.pk): {"title": "New"}},
            "indicators": {str(indicator.pk): {"target": "90"}},
            "budget_lines": {str(line.pk): {"amount": "900"}},
            "new_components": [{"thematic_area": area.pk, "title": "New"}],
            "new_budget_lines": [
                {"funding_source": funding_source().pk, "description": "New", "amount": "1"}
            ],
        },
    )
    _approve(amendment, desk_officer, approver)
    approved.refresh_from_db()
    component.refresh_from_db()
    indicator.refresh_from_db()
    line.refresh_from_db()
    assert approved.title == "New"
    assert component.title == "New"
    assert indicator.target == Decimal("90.00")
    assert line.amount == Decimal("900.00")
    assert approved.components.count() == 2
    assert approved.budget_lines.count() == 2


# --- the proposal form ---


def _prefilled(response: Any) -> dict[str, str]:
    """The form as the page offers it: every value prefilled, as a browser posts it."""
    data: dict[str, str] = {}
    form = response.context["form"]
    for name in form.fields:
        data[form[name].html_name] = as_text(form[name].value())
    for formset in (response.context["new_components"], response.context["new_lines"]):
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = str(management[name].value())
        for row in formset:
            for name in row.fields:
                data[row[name].html_name] = as_text(row[name].value())
    return data


def test_the_form_is_prefilled_with_the_programme_as_it_is(
    client, programme, component, indicator, line, desk_officer
):
    client.force_login(desk_officer)
    response = client.get(reverse("programmes:amendment_new", args=[programme.pk]))
    assert response.status_code == 200
    data = _prefilled(response)
    assert data["programme-title"] == "Justice reform"
    assert data["programme-end_date"] == "2027-12-31"
    assert data[f"component-{component.pk}-title"] == "Police training"
    assert data[f"indicator-{indicator.pk}-target"] == "50.00"
    assert data[f"line-{line.pk}-amount"] == "10000.00"


def test_proposing_through_the_form_keeps_only_what_was_changed(
    client, programme, component, line, desk_officer
):
    Programme.objects.filter(pk=programme.pk).update(objective="Line one.\nLine two.")
    client.force_login(desk_officer)
    url = reverse("programmes:amendment_new", args=[programme.pk])
    data = _prefilled(client.get(url))
    # Browsers send a textarea's line ends as CRLF: that is not a change.
    data["programme-objective"] = "Line one.\r\nLine two."
    data.update(
        {
            "kind": K.BUDGET_REVISION,
            "justification": "Fees rose.",
            f"line-{line.pk}-amount": "12,000.00",
            "new-line-0-funding_source": str(funding_source("regular-budget").pk),
            "new-line-0-description": "Interpretation",
            "new-line-0-amount": "2,500.75",
        }
    )
    response = client.post(url, data)
    amendment = programme.amendments.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:amendment", args=[amendment.pk])
    assert amendment.kind == K.BUDGET_REVISION
    assert amendment.changes == {
        "budget_lines": {str(line.pk): {"amount": ["10000.00", "12000.00"]}},
        "new_budget_lines": [
            {
                "component": None,
                "funding_source": funding_source("regular-budget").pk,
                "description": "Interpretation",
                "amount": "2500.75",
            }
        ],
    }


def test_a_refused_proposal_shows_why_and_keeps_everything_typed(
    client, programme, line, desk_officer
):
    client.force_login(desk_officer)
    url = reverse("programmes:amendment_new", args=[programme.pk])
    data = _prefilled(client.get(url))
    data.update(
        {
            "kind": K.NO_COST_EXTENSION,
            "justification": "More time.",
            "programme-end_date": "2028-06-30",
            f"line-{line.pk}-amount": "11000.00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A no-cost extension moves the end date only" in html
    assert 'value="2028-06-30"' in html
    assert 'value="11000.00"' in html
    assert "More time." in html
    assert not programme.amendments.exists()


def test_every_error_of_the_form_at_once(client, programme, component, desk_officer):
    client.force_login(desk_officer)
    url = reverse("programmes:amendment_new", args=[programme.pk])
    data = _prefilled(client.get(url))
    data.update(
        {
            "kind": "",
            "justification": "",
            f"component-{component.pk}-title": "",
            "programme-start_date": "2028-01-01",
            "new-component-0-title": "Half a component",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "kind",
        "justification",
        f"component-{component.pk}-title",
        "programme-end_date",
    }
    # The summary on top names the row of each field, and links to it.
    page = response.content.decode()
    assert f'href="#id_component-{component.pk}-title">Police training — Title:' in page
    assert 'href="#id_new-component-0-thematic_area">New component 1 — ' in page


def test_a_draft_is_edited_then_submitted_approved_and_shown(
    client, programme, desk_officer, approver
):
    amendment = _propose(
        programme, desk_officer, K.NO_COST_EXTENSION, {"programme": {"end_date": "2028-03-31"}}
    )
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:amendment", args=[amendment.pk]))
    assert page.context["can_edit"]
    assert [b.action for b in page.context["actions"].available] == ["submit", "withdraw"]
    edit = reverse("programmes:amendment_edit", args=[amendment.pk])
    data = _prefilled(client.get(edit))
    # The draft's proposed value is what the form shows.
    assert data["programme-end_date"] == "2028-03-31"
    data["programme-end_date"] = "2028-09-30"
    assert client.post(edit, data).status_code == 302
    amendment.refresh_from_db()
    assert amendment.changes == {"programme": {"end_date": ["2027-12-31", "2028-09-30"]}}

    transition = reverse("programmes:amendment_transition", args=[amendment.pk])
    client.post(transition, {"action": "submit"})
    assert not client.get(reverse("programmes:amendment", args=[amendment.pk])).context["can_edit"]
    client.force_login(approver)
    page = client.get(reverse("programmes:amendment", args=[amendment.pk]))
    assert [b.action for b in page.context["actions"].available] == ["approve", "reject"]
    client.post(transition, {"action": "approve", "confirmed": "yes"})
    programme.refresh_from_db()
    assert programme.end_date == datetime.date(2028, 9, 30)
    page = client.get(reverse("programmes:amendment", args=[amendment.pk]))
    [row] = page.context["applied"]
    assert (row.field, row.before, row.after) == ("End date", "31 Dec 2027", "30 Sept 2028")


def test_a_rejection_needs_its_reason(client, programme, desk_officer, approver):
    amendment = _propose(programme, desk_officer, K.CORRECTION, {"programme": {"title": "X"}})
    amendments.perform(amendment, "submit", by=desk_officer)
    client.force_login(approver)
    transition = reverse("programmes:amendment_transition", args=[amendment.pk])
    client.post(transition, {"action": "reject", "confirmed": "yes"})
    amendment.refresh_from_db()
    assert amendment.status == M.SUBMITTED
    client.post(transition, {"action": "reject", "note": "Not a correction.", "confirmed": "yes"})
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decision_note) == (M.REJECTED, "Not a correction.")
    programme.refresh_from_db()
    assert programme.title == "Justice reform"


def test_programme_page_lists_amendments_for_ohchr_only(
    client, programme, desk_officer, focal_point_kenya
):
    amendment = _propose(programme, desk_officer, K.CORRECTION, {"programme": {"title": "X"}})
    client.force_login(desk_officer)
    money = client.get(reverse("programmes:detail", args=[programme.pk])).context["money"]
    assert money["amendments"] == [amendment]
    assert money["can_amend"]
    client.force_login(focal_point_kenya)
    money = client.get(reverse("programmes:detail", args=[programme.pk])).context["money"]
    assert "amendments" not in money
    assert client.get(reverse("programmes:amendment", args=[amendment.pk])).status_code == 404

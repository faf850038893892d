"""The fourth stage in a real browser: the evaluator records an evaluation with ratings
and a follow-up plan; OHCHR responds and accepts it; the focal point reports progress
on an action assigned to the government, with evidence; OHCHR verifies it; another
action starts a new request, linked back to it.

Each person works in a browser context of their own; none of their pages logs a
console error (CSP violations included). Screenshots of each step go to
``TCP_SHOTS`` when that is set (for people to look at), nowhere otherwise.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Indicator, IndicatorValue, Programme
from requests_app.models import AssistanceRequest
from tests.factories import (
    BudgetLineFactory,
    ComponentFactory,
    EvaluationFactory,
    ExpenditureFactory,
)
from tests.files import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = Evaluation.Status
F = FollowUpAction.Status
SHOTS = os.environ.get("TCP_SHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def session_of(browser: Browser, live_server, password: str) -> Iterator[Callable[..., Page]]:
    """A logged-in page for a user, in a browser context of their own."""
    contexts = []
    errors: list[str] = []

    def open_as(user) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                errors.append(f"{user.username}: {msg.text}") if msg.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(f"{user.username}: {exc}"))
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        return page

    open_as.errors = errors  # type: ignore[attr-defined]
    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def evaluation(kenya, desk_officer) -> Evaluation:
    """A post-implementation evaluation of a completed Kenya programme, with an
    indicator and a budget to snapshot."""
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        programme__status=Programme.Status.COMPLETED,
        programme__title="Kenya: human rights in the administration of justice",
        kind=Evaluation.Kind.POST_IMPLEMENTATION,
        status=S.SCHEDULED,
        due_date=datetime.date.today() + datetime.timedelta(days=20),
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        terms_of_reference="Assess the training of the police and the monitoring of detention.",
    )
    component = ComponentFactory(
        programme=evaluation.programme, title="Human rights training for the police"
    )
    indicator = Indicator.objects.create(
        component=component,
        name="Officers trained on the use of force",
        unit="officers",
        baseline=Decimal("0"),
        target=Decimal("300"),
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        date=datetime.date(2026, 6, 1),
        value=Decimal("240"),
        source="Attendance lists",
        recorded_by=desk_officer,
    )
    line = BudgetLineFactory(
        programme=evaluation.programme, component=component, amount=Decimal("80000.00")
    )
    ExpenditureFactory(budget_line=line, amount=Decimal("61250.50"), recorded_by=desk_officer)
    return evaluation


RATINGS = {
    "Relevance": ("Highly satisfactory", "Answers the UPR recommendations on policing."),
    "Coherence": ("Satisfactory", "Joint with UNDP's justice programme."),
    "Effectiveness": ("Satisfactory", "240 of 300 officers trained."),
    "Efficiency": ("Moderately satisfactory", "Workshops cost more than planned."),
    "Impact": ("Moderately satisfactory", "Complaints against the police fell slightly."),
    "Sustainability": ("Moderately likely", "The academy owns the curriculum."),
}


def test_an_evaluation_from_schedule_to_follow_up_in_the_browser(
    session_of,
    evaluation,
    kenya,
    field_officer_east_africa,
    desk_officer,
    approver,
    focal_point_kenya,
):
    url = evaluation.get_absolute_url()

    # --- the evaluator: starts, writes the report, rates, recommends, submits ---
    evaluator = session_of(field_officer_east_africa)
    evaluator.get_by_role("link", name="Evaluations", exact=True).first.click()
    evaluator.get_by_role("link", name=evaluation.reference).click()
    expect(evaluator.get_by_role("heading", level=1)).to_contain_text("Post-implementation")
    evaluator.get_by_role("button", name="Start").click()
    expect(evaluator.locator(".message-success")).to_contain_text("Done: Start.")

    evaluator.get_by_role("link", name="Write the report").click()
    evaluator.get_by_label("Methodology").fill("Interviews with 40 officers, document review.")
    evaluator.get_by_label("Findings").fill("The curriculum is in use at the academy.")
    evaluator.get_by_label("Conclusions").fill("Relevant and largely effective.")
    evaluator.get_by_label("Lessons learned").fill("Involve the regional academies from the start.")
    evaluator.get_by_label("Summary").fill(
        "The programme trained 240 police officers; the academy now teaches the curriculum."
    )
    evaluator.get_by_role("button", name="Save").click()
    expect(evaluator.locator(".message-success")).to_contain_text("Report saved.")

    evaluator.get_by_role("link", name="Rate", exact=True).click()
    shot(evaluator, "01-ratings-form-empty")
    for criterion, (level, why) in RATINGS.items():
        group = evaluator.get_by_role("group", name=re.compile(rf"^{criterion}"))
        group.get_by_label("Rating").select_option(label=level)
        group.get_by_label("Justification").fill(why)
    evaluator.get_by_role("button", name="Save the ratings").click()
    expect(evaluator.locator(".message-success")).to_contain_text("Ratings saved.")
    ratings = evaluator.locator("#ratings")
    expect(ratings).to_contain_text("Highly satisfactory")
    expect(ratings).to_contain_text("Moderately likely")

    plan = evaluator.locator("#follow-up-plan")
    for text in (
        "Extend the training to the regional police academies.",
        "Publish the annual report on places of detention.",
    ):
        plan.get_by_text("Add a recommendation").click()
        plan.get_by_label("Recommendation").fill(text)
        plan.get_by_role("button", name="Add the recommendation").click()
        expect(evaluator.locator(".message-success")).to_contain_text("Recommendation added.")
    expect(evaluator.locator(".recommendation")).to_have_count(2)

    evaluator.locator("#documents").get_by_label("File").set_input_files(
        {"name": "evaluation-report.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    evaluator.locator("#documents").get_by_label("Shared with the government").check()
    evaluator.locator("#documents").get_by_role("button", name="Upload").click()
    expect(evaluator.locator("#documents table")).to_contain_text("evaluation-report.pdf")

    evaluator.get_by_role("button", name="Submit the report").click()
    expect(evaluator.locator(".message-success")).to_contain_text("Done: Submit the report.")
    snapshot = evaluator.locator("#snapshot")
    expect(snapshot).to_contain_text("Officers trained on the use of force")
    expect(snapshot).to_contain_text("80%")
    expect(snapshot).to_contain_text("US$ 61,250.50")
    shot(evaluator, "02-submitted-evaluation")

    # --- OHCHR: the management response, the actions, acceptance ---
    desk = session_of(desk_officer)
    desk.goto(url)
    recommendations = desk.locator(".recommendation")
    for i, why in ((0, ""), (1, "The institution publishes; OHCHR supports the first report.")):
        recommendations.nth(i).get_by_role("link", name=re.compile("^Respond")).click()
        desk.get_by_label("Partially agree" if why else "Agree", exact=True).check()
        desk.get_by_label("Reason").fill(why)
        desk.get_by_role("button", name="Save").click()
        expect(desk.locator(".message-success")).to_contain_text("Management response saved.")
    actions = {
        0: "Adopt a training plan for the regional academies.",
        1: "Publish the first annual report on places of detention.",
    }
    for i, description in actions.items():
        desk.locator(".recommendation").nth(i).get_by_role(
            "link", name=re.compile("^Add an action")
        ).click()
        desk.get_by_label(re.compile(r"^Action")).fill(description)
        desk.get_by_label("The government of a State").check()
        desk.get_by_label(re.compile(r"^State")).select_option(label="Kenya")
        desk.get_by_label("Unit or body, by name").fill("Ministry of Interior")
        desk.get_by_label("Due").fill(
            (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
        )
        if i == 0:
            shot(desk, "03-action-form")
        desk.get_by_role("button", name="Add the action").click()
        expect(desk.locator(".message-success")).to_contain_text("Follow-up action added.")
    expect(desk.locator("#follow-up-plan .action-table tbody tr")).to_have_count(2)
    shot(desk, "04-follow-up-plan")

    chief = session_of(approver)
    chief.goto(url)
    chief.get_by_role("button", name="Accept the report").click()
    chief.get_by_role("button", name="Yes, accept the report").click()
    expect(chief.locator(".message-success")).to_contain_text("Done: Accept the report.")

    # --- the government: progress with evidence on its action, then done ---
    government = session_of(focal_point_kenya)
    dashboard = government.locator(
        ".card", has_text="Follow-up actions assigned to your government"
    )
    expect(dashboard.locator(".count")).to_have_text("2")
    dashboard.get_by_role("link", name=actions[0]).click()
    expect(government.get_by_role("heading", level=1)).to_have_text("Follow-up action")
    form = government.locator("form.progress-form")
    form.get_by_label("What was done").fill("The Ministry adopted the training plan on 3 March.")
    form.get_by_label("Evidence").set_input_files(
        {"name": "training-plan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    form.get_by_role("button", name="Record the progress").click()
    expect(government.locator(".message-success")).to_contain_text("Progress recorded.")
    expect(government.locator("#progress")).to_contain_text("training-plan.pdf")
    government.get_by_role("button", name="Report as done").click()
    expect(government.locator(".message-success")).to_contain_text("Done: Report as done.")
    shot(government, "05-government-action-done")
    # The government reads the summary, not the internal report.
    government.get_by_role("link", name=evaluation.reference).first.click()
    expect(government.locator("#report")).to_contain_text("trained 240 police officers")
    expect(government.locator("body")).not_to_contain_text("Interviews with 40 officers")
    expect(government.locator("body")).not_to_contain_text("Officers trained on the use of force")
    shot(government, "06-government-evaluation")

    # --- OHCHR verifies it ---
    desk.goto("/")
    desk.locator(".card", has_text="Follow-up actions to verify").get_by_role(
        "link", name=actions[0]
    ).click()
    desk.get_by_role("button", name="Verify as adequate").click()
    desk.get_by_role("button", name="Yes, verify as adequate").click()
    expect(desk.locator(".message-success")).to_contain_text("Done: Verify as adequate.")
    expect(desk.locator(".page-head")).to_contain_text("Verified as adequate")

    # --- another action starts a new request, linked back to it ---
    government.goto("/evaluations/follow-ups/")
    government.get_by_role("link", name=actions[1]).click()
    government.get_by_role("button", name="Start a new request from this action").click()
    expect(government.locator(".message-success")).to_contain_text("Draft request")
    expect(government).to_have_url(re.compile(r"/requests/\d+/edit/$"))
    shot(government, "07-new-request-form")
    request = AssistanceRequest.objects.get()
    assert request.country == kenya
    assert "Publish the annual report on places of detention." in request.justification
    action = FollowUpAction.objects.get(description=actions[1])
    assert action.request == request
    government.goto(action.get_absolute_url())
    expect(government.get_by_role("link", name=request.reference)).to_be_visible()
    shot(government, "08-action-with-request")
    # ... and the request's page links back to the action it answers.
    government.get_by_role("link", name=request.reference).click()
    back = government.get_by_role("link", name=re.compile(re.escape(evaluation.reference)))
    expect(back).to_have_attribute("href", action.get_absolute_url())
    shot(government, "08b-request-links-back")

    # --- the overview counts it ---
    desk.goto("/evaluations/overview/")
    expect(desk.locator("#criteria")).to_contain_text("Relevance")
    expect(desk.locator("#follow-up")).to_contain_text("Not yet due: 1")
    shot(desk, "09-overview")

    evaluation.refresh_from_db()
    assert evaluation.status == S.ACCEPTED
    assert list(evaluation.shared_with.all()) == [kenya]
    assert FollowUpAction.objects.get(description=actions[0]).status == F.VERIFIED
    assert session_of.errors == []

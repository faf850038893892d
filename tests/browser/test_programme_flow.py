"""The third stage in a real browser: from a validated needs assessment to a programme
in implementation, and what the government then reads of it.

The desk officer drafts the programme from the assessment (its findings as the
starting components), completes it (modality, markers, an indicator, a training
course and an advisory mission with a roster expert booked on it, a partner,
budget lines on two funding sources), names a reviewer and submits it; the
reviewer comments; the approver approves; the focal point accepts it for Kenya;
the desk officer starts implementation; a field officer reports on an activity,
records an indicator's actual value and an expenditure; the government reads the
programme document with the indicator's progress, and nothing internal.

Setup (the assessment, its findings, the roster) uses factories; every step
after it goes through the browser. Each person works in a browser context of
their own; none of their pages logs a console error (CSP violations included).
Screenshots of each step go to ``TCP_SHOTS`` (``/tmp/shots-flow`` by default).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from assessments.models import Finding, NeedsAssessment
from programmes.models import (
    Activity,
    ActivityReport,
    BudgetLine,
    Expenditure,
    ExpertAssignment,
    IndicatorValue,
    Programme,
    ProgrammeAcceptance,
    ProgrammePartner,
    ProgrammeReview,
)
from tcp.models import FormOfAssistance, RosterExpert, ThematicArea
from tests.factories import NeedsAssessmentFactory, RosterExpertFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

P = Programme.Status
SHOTS = Path(os.environ.get("TCP_SHOTS") or "/tmp/shots-flow")

TITLE = "Kenya: complaints handling and policing that respects human rights"
INDICATOR = "Complaints closed within 90 days"
TRAINING = "Training course on the use of force for police commanders"
MISSION = "Advisory mission on the complaints procedure"
EXPERT = "Amina Wanjiru"
OTHER_EXPERT = "Pierre Lefèvre"
REVIEW_COMMENT = "Sound design; the mission should meet the regional offices too."
SPENT_ON = "Venue and interpretation, Naivasha training"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def message(page: Page) -> Locator:
    """The page's messages (the partner filter has a role="status" of its own)."""
    return page.locator(".messages")


def status(page: Page) -> Locator:
    return page.locator(".page-head .status")


def card(page: Page, title: str) -> Locator:
    """A block of the dashboard, by its title."""
    return page.locator("section.card", has=page.get_by_role("heading", name=re.compile(title)))


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
        page.set_default_timeout(10_000)
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
def assessment(kenya, east_africa, field_officer_east_africa) -> NeedsAssessment:
    """A validated assessment of Kenya with two findings, as the field presence left it."""
    assessment = NeedsAssessmentFactory(
        request__country=kenya,
        request__title="Support to the Kenya National Commission on Human Rights",
        mode=NeedsAssessment.Mode.FIELD_PRESENCE,
        field_presence=east_africa,
        status=NeedsAssessment.Status.VALIDATED,
    )
    Finding.objects.create(
        assessment=assessment,
        thematic_area=ThematicArea.objects.get(code="national-human-rights-institutions"),
        need="Regional offices of the Commission lack trained complaints staff.",
        priority=Finding.Priority.HIGH,
        existing_capacity="Two of eight regional offices staffed.",
        recommended_assistance=FormOfAssistance.objects.get(code="advisory-services"),
        recorded_by=field_officer_east_africa,
    )
    Finding.objects.create(
        assessment=assessment,
        thematic_area=ThematicArea.objects.get(code="administration-of-justice"),
        need="Police commanders receive no training on the use of force.",
        priority=Finding.Priority.MEDIUM,
        recommended_assistance=FormOfAssistance.objects.get(code="training-courses"),
        recorded_by=field_officer_east_africa,
    )
    return assessment


@pytest.fixture
def roster() -> RosterExpert:
    """The expert to find (NHRI expertise, speaks Swahili), and one who does not match."""
    expert = RosterExpertFactory(
        name=EXPERT,
        languages="English, Swahili",
        expertise=[ThematicArea.objects.get(code="national-human-rights-institutions")],
    )
    RosterExpertFactory(
        name=OTHER_EXPERT,
        languages="French",
        expertise=[ThematicArea.objects.get(code="administration-of-justice")],
    )
    return expert


def test_a_programme_from_assessment_to_implementation_in_the_browser(
    session_of,
    assessment,
    roster,
    desk_officer,
    desk_officer_peru,
    approver,
    focal_point_kenya,
    field_officer_east_africa,
):
    # --- 1. The desk officer drafts the programme from the validated assessment. ---
    desk = session_of(desk_officer)
    shot(desk, "01-desk-dashboard")
    waiting = card(desk, "Validated assessments with no programme yet")
    waiting.get_by_role("link", name=re.compile(assessment.reference)).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(assessment.title)
    shot(desk, "02-assessment-validated")
    desk.get_by_role("link", name="Draft a programme").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        "Draft a programme from the assessment"
    )
    # Every finding is offered, ticked.
    nhri = desk.get_by_role("checkbox", name="National human rights institutions")
    justice = desk.get_by_role("checkbox", name="Administration of justice and the rule of law")
    expect(nhri).to_be_checked()
    expect(justice).to_be_checked()
    desk.get_by_label("Title").fill(TITLE)
    desk.get_by_label("Objectives").fill(
        "Complaints against the police are handled promptly and fairly, and police "
        "commanders apply the standards on the use of force."
    )
    desk.get_by_label("Starts").fill("2026-10-01")
    desk.get_by_label("Ends").fill("2028-09-30")
    shot(desk, "03-draft-from-assessment")
    desk.get_by_role("button", name="Draft the programme").click()
    expect(message(desk)).to_contain_text("drafted with 2 components from the assessment")
    expect(status(desk)).to_have_text("Drafting")
    expect(desk.locator("#components .parts-component")).to_have_count(2)
    programme = Programme.objects.get()
    assert programme.title == TITLE
    assert programme.assessment == assessment
    shot(desk, "04-programme-drafted")

    # The programme: modality, markers with their justifications, the framework outcome.
    desk.get_by_role("link", name="Edit the programme").click()
    desk.get_by_label("Jointly with another UN agency").check()
    desk.get_by_label("Implementing agency or partner").select_option(
        label="United Nations Office on Drugs and Crime"
    )
    desk.get_by_label("UN Cooperation Framework outcome").fill(
        "Outcome 1.2: people in Kenya have access to accountable justice institutions."
    )
    desk.get_by_label(re.compile(r"SDG 16:")).check()
    desk.get_by_label(re.compile(r"^Gender equality marker")).select_option("2")
    desk.get_by_label("Why this gender equality marker").fill(
        "Women's complaints are tracked and a third of the trainees are women."
    )
    desk.get_by_label(re.compile(r"^Human rights marker")).select_option("3")
    desk.get_by_label("Why this human rights marker").fill(
        "Accountability for human rights violations is the programme's purpose."
    )
    shot(desk, "05-programme-form")
    desk.get_by_role("button", name="Save the programme").click()
    expect(message(desk)).to_contain_text(f"Programme {programme.reference} saved.")
    details = desk.locator("#programme")
    expect(details).to_contain_text(
        "Jointly with another UN agency: United Nations Office on Drugs and Crime"
    )
    expect(details).to_contain_text("2: contributes significantly")
    expect(details).to_contain_text("3: the principal objective")

    # An indicator on the NHRI component, then its target corrected.
    desk.get_by_role("link", name="Add an indicator — National human rights institutions").click()
    desk.get_by_label("Indicator").fill(INDICATOR)
    desk.get_by_label("Unit").fill("% of complaints")
    desk.get_by_label("Baseline").fill("20")
    desk.get_by_label("Target").fill("60")
    desk.get_by_label("Means of verification").fill("Commission's case management system")
    desk.get_by_role("button", name="Add the indicator").click()
    expect(message(desk)).to_contain_text(
        "Indicator added to “National human rights institutions”."
    )
    desk.get_by_role("link", name=f"Edit — {INDICATOR}").click()
    expect(desk.get_by_label("Baseline")).to_have_value("20.00")
    desk.get_by_label("Target").fill("65")
    desk.get_by_role("button", name="Save the indicator").click()
    expect(message(desk)).to_contain_text("Indicator saved.")
    expect(desk.locator(".progress-figures")).to_contain_text("65")
    desk.get_by_role("link", name=programme.reference).click()
    indicator_row = desk.locator("#components tr", has_text=INDICATOR)
    expect(indicator_row).to_contain_text("20")
    expect(indicator_row).to_contain_text("65")

    # A training course for the police, under the justice component.
    desk.get_by_role(
        "link", name="Plan an activity — Administration of justice and the rule of law"
    ).click()
    expect(desk.get_by_label("Component")).to_have_value(
        str(programme.components.get(thematic_area__code="administration-of-justice").pk)
    )
    desk.get_by_label("Form of assistance").select_option(label="Training courses")
    desk.get_by_label("Title").fill(TRAINING)
    desk.get_by_label("Audience").select_option(label="Police")
    desk.get_by_label("Starts").fill("2026-11-16")
    desk.get_by_label("Ends").fill("2026-11-20")
    desk.get_by_label("Place").fill("Naivasha")
    shot(desk, "06-activity-form-training")
    desk.get_by_role("button", name="Plan the activity").click()
    expect(message(desk)).to_contain_text(f"Activity “{TRAINING}” planned.")
    expect(desk.locator(".fields")).to_contain_text("Police")

    # An advisory mission under the NHRI component, from the programme page.
    desk.get_by_role("link", name=programme.reference).first.click()
    desk.get_by_role("link", name="Plan an activity — National human rights institutions").click()
    desk.get_by_label("Form of assistance").select_option(label="Advisory services of experts")
    desk.get_by_label("Title").fill(MISSION)
    desk.get_by_label("Starts").fill("2026-12-07")
    desk.get_by_label("Ends").fill("2026-12-18")
    desk.get_by_label("Place").fill("Nairobi and Mombasa")
    desk.get_by_role("button", name="Plan the activity").click()
    expect(message(desk)).to_contain_text(f"Activity “{MISSION}” planned.")

    # The roster expert, found by expertise and language, booked on the mission.
    experts = desk.locator("#experts")
    experts.get_by_label("Area of expertise").select_option(
        label="National human rights institutions"
    )
    experts.get_by_label("Language").fill("Swahili")
    experts.get_by_role("button", name="Search").click()
    roster_table = desk.locator(".roster-table")
    expect(roster_table).to_contain_text(EXPERT)
    expect(roster_table).not_to_contain_text(OTHER_EXPERT)
    shot(desk, "07-roster-search")
    desk.get_by_label(f"Role of {EXPERT}").fill("Complaints-handling expert")
    desk.get_by_role("button", name=f"Book {EXPERT}").click()
    expect(message(desk)).to_contain_text(f"{EXPERT} is booked on this activity.")
    expect(desk.locator("#experts .report-list")).to_contain_text(
        f"{EXPERT} · Complaints-handling expert · 7\u2009–\u200918 Dec 2026"
    )
    shot(desk, "08-expert-booked")

    # A partner, from the reference list narrowed by typing.
    desk.get_by_role("link", name=programme.reference).first.click()
    desk.get_by_role("link", name="Add a partner").click()
    listed = desk.locator("form", has=desk.get_by_role("button", name="Add the partner"))
    listed.get_by_label("Type to narrow the list of organisations").fill("UNDP")
    listed.get_by_label("Partner organisation").select_option(
        label="United Nations Development Programme (UNDP)"
    )
    listed.get_by_label("Role").select_option(label="Joint implementation")
    listed.get_by_label("What it does in the programme").fill(
        "Co-funds the regional complaints offices under the rule of law programme."
    )
    shot(desk, "09-partner-form")
    desk.get_by_role("button", name="Add the partner").click()
    expect(message(desk)).to_contain_text(
        "United Nations Development Programme added to the partners."
    )
    expect(desk.locator("#partners")).to_contain_text("Joint implementation")

    # The budget: a line on each of two funding sources, with cents.
    desk.get_by_role("link", name="Plan the budget").click()
    lines = desk.locator("#add-line")
    lines.get_by_label("Component").select_option(
        label="Administration of justice and the rule of law"
    )
    lines.get_by_label("Funding source").select_option(label="UN regular budget")
    lines.get_by_label("Description").fill("Training course: venue, interpretation, travel")
    lines.get_by_label("Amount (US$)").fill("12,500.50")
    lines.get_by_role("button", name="Add the line").click()
    expect(message(desk)).to_contain_text("Budget line added.")
    lines.get_by_text("Add a budget line").click()
    lines.get_by_label("Component").select_option(label="National human rights institutions")
    lines.get_by_label("Funding source").select_option(
        label="Voluntary Fund for Technical Cooperation in the Field of Human Rights"
    )
    lines.get_by_label("Description").fill("Advisory mission: expert fees and travel")
    lines.get_by_label("Amount (US$)").fill("8000")
    lines.get_by_role("button", name="Add the line").click()
    expect(message(desk)).to_contain_text("Budget line added.")
    expect(desk.locator("#summary")).to_contain_text("US$ 20,500.50")
    shot(desk, "10-budget-planned")

    # A reviewer from another portfolio, then the submission.
    desk.get_by_role("link", name=programme.reference).click()
    review = desk.locator("#review")
    review.get_by_text("Name the reviewers").click()
    review.get_by_label(re.compile(r"\(do-peru\)")).check()
    review.get_by_role("button", name="Save the reviewers").click()
    expect(message(desk)).to_contain_text("Reviewers saved.")
    # What the desk officer sees on screen then: the page scrolled to the review panel.
    desk.screenshot(path=str(SHOTS / "11a-reviewers-saved-viewport.png"))
    shot(desk, "11-ready-for-review")
    desk.get_by_role("button", name="Submit for review").click()
    expect(status(desk)).to_have_text("Under review")
    shot(desk, "12-submitted")

    # --- 2. The reviewer, a desk officer of another portfolio, comments. ---
    reviewer = session_of(desk_officer_peru)
    shot(reviewer, "13a-reviewer-dashboard")
    card(reviewer, "Programmes you are named to review").get_by_role(
        "link", name=re.compile(programme.reference)
    ).click()
    expect(status(reviewer)).to_have_text("Under review")
    form = reviewer.locator(".review-form")
    form.get_by_label("Recommend approval").check()
    form.get_by_label("Comment").fill(REVIEW_COMMENT)
    shot(reviewer, "13-review-form")
    form.get_by_role("button", name="Record the review").click()
    expect(message(reviewer)).to_contain_text("Review recorded.")
    expect(reviewer.locator(".review-list")).to_contain_text(REVIEW_COMMENT)
    expect(reviewer.locator(".review-list")).to_contain_text("Recommend approval")

    # --- 3. The approver reads the review and approves. ---
    decider = session_of(approver)
    card(decider, "Programmes under review").get_by_role(
        "link", name=re.compile(programme.reference)
    ).click()
    expect(decider.locator("#review")).to_contain_text(REVIEW_COMMENT)
    shot(decider, "14-approver-view")
    decider.get_by_role("button", name="Approve").click()
    # It cannot be undone: asked on a page of its own first.
    expect(decider.locator("h1")).to_have_text("Confirm: Approve")
    decider.get_by_role("button", name="Yes, approve").click()
    expect(status(decider)).to_have_text("Approved")

    # --- 4. The focal point reads the document and accepts it for Kenya. ---
    government = session_of(focal_point_kenya)
    card(government, "Programmes awaiting your acceptance").get_by_role(
        "link", name=re.compile(programme.reference)
    ).click()
    expect(status(government)).to_have_text("Approved")
    shot(government, "15-government-approved")
    government.get_by_role("button", name="Accept the programme for my State").click()
    government.get_by_role("button", name="Yes, accept the programme for my State").click()
    expect(message(government)).to_contain_text("Accepted for Kenya.")
    expect(status(government)).to_have_text("Accepted by the government")
    expect(government.locator("#acceptance")).to_contain_text("Kenya: accepted by")
    shot(government, "16-government-accepted")

    # --- 5. The desk officer starts implementation. ---
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    shot(desk, "17a-desk-dashboard-after-acceptance")
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    desk.get_by_role("link", name=programme.reference).click()
    expect(status(desk)).to_have_text("Accepted by the government")
    desk.get_by_role("button", name="Start implementation").click()
    expect(status(desk)).to_have_text("In implementation")
    shot(desk, "17-in-implementation")

    # --- 6. The field officer records progress. ---
    field = session_of(field_officer_east_africa)
    field.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    field.get_by_role("link", name=programme.reference).click()
    expect(status(field)).to_have_text("In implementation")
    # The training course: started, then reported on and completed with the report.
    field.get_by_role("link", name=TRAINING).click()
    field.get_by_role("button", name="Start").click()
    expect(field.locator(".page-head .status")).to_have_text("Ongoing")
    report = field.locator("#reports form")
    report.get_by_label("Progress").fill(
        "Five-day course held with the National Police Service; 21 commanders trained."
    )
    report.get_by_label(re.compile(r"^Women")).fill("8")
    report.get_by_label(re.compile(r"^Men")).fill("13")
    report.get_by_label("The activity is completed").check()
    shot(field, "18-activity-report")
    report.get_by_role("button", name="Record the report").click()
    expect(message(field)).to_contain_text("Progress recorded; the activity is completed.")
    expect(field.locator(".page-head .status")).to_have_text("Completed")
    expect(field.locator("#participants")).to_contain_text("21")
    shot(field, "19-activity-completed")

    # The indicator's actual value.
    field.get_by_role("link", name=programme.reference).first.click()
    field.get_by_role("link", name=f"Record a value — {INDICATOR}").click()
    record = field.locator("#record")
    record.get_by_label("Value").fill("41.5")
    record.get_by_label("Source").fill("Commission's case management system, Q3 report")
    record.get_by_role("button", name="Record the value").click()
    expect(message(field)).to_contain_text("Value 41.5 of")
    expect(field.locator(".progress-figures")).to_contain_text("41.5")
    shot(field, "20-indicator-value")

    # An expenditure against the training line, to the cent.
    field.get_by_role("link", name=programme.reference).first.click()
    field.get_by_role("link", name="Budget, lines and expenditure").click()
    spending = field.locator("#record-expenditure")
    spending.get_by_text("Record expenditure").click()
    spending.get_by_label("Budget line").select_option(
        label="Training course: venue, interpretation, travel "
        "(UN regular budget; Administration of justice and the rule of law)"
    )
    spending.get_by_label("Amount (US$)").fill("1,234.56")
    spending.get_by_label("Description").fill(SPENT_ON)
    spending.get_by_role("button", name="Record the expenditure").click()
    expect(message(field)).to_contain_text("Expenditure of US$ 1,234.56 recorded.")
    expect(field.locator("#summary")).to_contain_text("US$ 1,234.56")
    expect(field.locator("#summary")).to_contain_text("US$ 19,265.94")
    expect(field.locator(".expenditure-table")).to_contain_text(SPENT_ON)
    shot(field, "21-expenditure")

    # --- 7. The government reads the document: progress, and nothing internal. ---
    government.goto(f"/programmes/{programme.pk}/")
    expect(status(government)).to_have_text("In implementation")
    shot(government, "22-government-programme")
    government.get_by_role("link", name="Programme document").first.click()
    document = government.locator("article.programme-document")
    expect(document).to_contain_text(TITLE)
    indicator_line = document.locator("tr", has_text=INDICATOR)
    expect(indicator_line).to_contain_text("41.5")
    expect(indicator_line).to_contain_text("65")
    expect(document).to_contain_text(TRAINING)
    expect(document).to_contain_text("United Nations Development Programme")
    expect(document).to_contain_text("US$ 20,500.50")
    expect(document).to_contain_text("Accepted by")
    shot(government, "23-government-document")
    body = government.locator("body")
    expect(body).not_to_contain_text(REVIEW_COMMENT)
    expect(body).not_to_contain_text(SPENT_ON)
    expect(body).not_to_contain_text("1,234.56")
    expect(body).not_to_contain_text(EXPERT)
    # Nor on the programme page itself.
    government.go_back()
    expect(government).to_have_url(re.compile(rf"/programmes/{programme.pk}/$"))
    body = government.locator("body")
    expect(body).to_contain_text(INDICATOR)
    expect(body).not_to_contain_text(REVIEW_COMMENT)
    expect(body).not_to_contain_text(SPENT_ON)
    expect(body).not_to_contain_text(EXPERT)
    # The mission's page names no expert; the budget page shows the plan, not the spending.
    government.get_by_role("link", name=MISSION).click()
    expect(government.get_by_role("heading", level=1)).to_contain_text(MISSION)
    expect(government.locator("body")).not_to_contain_text(EXPERT)
    expect(government.locator("#experts")).to_have_count(0)
    government.go_back()
    expect(government).to_have_url(re.compile(rf"/programmes/{programme.pk}/$"))
    government.get_by_role("link", name="The budget lines").click()
    expect(government.get_by_role("heading", level=1)).to_contain_text("Planned budget")
    expect(government.locator("#lines")).to_contain_text("US$ 12,500.50")
    expect(government.locator("body")).not_to_contain_text("1,234.56")
    expect(government.locator("body")).not_to_contain_text(SPENT_ON)
    expect(government.locator("#expenditure")).to_have_count(0)
    shot(government, "24-government-budget")

    # --- The database agrees. ---
    programme.refresh_from_db()
    assert programme.status == P.IN_IMPLEMENTATION
    assert programme.implementing_modality == Programme.Modality.JOINT_AGENCY
    assert (programme.gender_marker, programme.human_rights_marker) == (2, 3)
    assert list(programme.reviewers.all()) == [desk_officer_peru]
    review_row = ProgrammeReview.objects.get()
    assert (review_row.reviewer, review_row.verdict) == (desk_officer_peru, "recommend")
    acceptance = ProgrammeAcceptance.objects.get()
    assert (acceptance.programme, acceptance.country.iso3) == (programme, "KEN")
    assert acceptance.accepted_by == focal_point_kenya
    value = IndicatorValue.objects.get()
    assert value.indicator.name == INDICATOR
    assert value.value == Decimal("41.50")
    assert value.recorded_by == field_officer_east_africa
    assert (value.indicator.baseline, value.indicator.target) == (Decimal("20"), Decimal("65"))
    training = Activity.objects.get(title=TRAINING)
    assert training.status == Activity.Status.COMPLETED
    assert training.audience == Activity.Audience.POLICE
    assert (training.participants_women, training.participants_men) == (8, 13)
    assert ActivityReport.objects.get().activity == training
    booking = ExpertAssignment.objects.get()
    assert (booking.expert, booking.activity.title) == (roster, MISSION)
    assert ProgrammePartner.objects.get(programme=programme).partner.acronym == "UNDP"
    assert sorted(BudgetLine.objects.values_list("funding_source__code", "amount")) == [
        ("regular-budget", Decimal("12500.50")),
        ("voluntary-fund", Decimal("8000.00")),
    ]
    spent = Expenditure.objects.get()
    assert spent.amount == Decimal("1234.56")
    assert spent.status == Expenditure.Status.RECORDED
    assert spent.recorded_by == field_officer_east_africa
    assert spent.budget_line.funding_source.code == "regular-budget"
    assert session_of.errors == []

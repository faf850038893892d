"""The main tasks that ``static/js/*.js`` enhance, done in a browser with JavaScript off.

Every script is a progressive enhancement; without it:

- app.js (ask before a destructive action, no double submission): forms post as they are;
- assessments.js (the planning form shows the chosen mode's fields; uploads travel in
  the background): every field shows and the server keeps the chosen mode's; an upload
  is an ordinary form post;
- programme-parts.js (a box narrowing the list of partner organisations): the list
  itself is a select that works;
- evaluations.js (the chosen evaluator's or party's fields only; finding an expert
  as one types): every group shows, the roster is searched by the server.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.models import AssessmentDocument, NeedsAssessment
from evaluations.models import Evaluation, EvaluationRecommendation, FollowUpAction
from programmes.models import Programme, ProgrammePartner
from requests_app.models import AssistanceRequest
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    EvaluationRecommendationFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
    RosterExpertFactory,
)
from tests.files import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def without_js(browser: Browser, live_server, password: str) -> Iterator[Callable[..., Page]]:
    """A logged-in page for a user, in a browser context with JavaScript disabled."""
    contexts = []

    def open_as(user) -> Page:
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_request_is_drafted_with_its_letter_and_submitted(without_js, focal_point_kenya):
    page = without_js(focal_point_kenya)
    page.goto("/requests/new/")
    page.get_by_label("Title").fill("Support to the national human rights commission")
    page.get_by_label("Requesting authority").fill("Ministry of Justice")
    page.get_by_label("Description").fill("Training of the commission's investigators.")
    page.get_by_label("Justification").fill("UPR recommendations, third cycle.")
    page.get_by_role("group", name="Thematic areas").get_by_role("checkbox").first.check()
    page.get_by_role("group", name="Forms of assistance").get_by_role("checkbox").first.check()
    page.get_by_label("Official letter").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("saved")
    page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".page-head .status")).to_have_text("Submitted")
    req = AssistanceRequest.objects.get()
    assert req.status == AssistanceRequest.Status.SUBMITTED
    assert req.documents.filter(original_name="letter.pdf").exists()


def test_an_assessment_is_planned_as_a_mission_and_a_document_uploaded(
    without_js, desk_officer, field_officer_east_africa, kenya, east_africa
):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    desk = without_js(desk_officer)
    desk.goto(f"/assessments/plan/{req.pk}/")
    # Both modes' fields show; the server keeps the chosen mode's only.
    expect(desk.get_by_role("combobox", name="Field presence")).to_be_visible()
    expect(desk.get_by_label("Mission starts")).to_be_visible()
    desk.get_by_label("By a mission to the State").check()
    desk.get_by_label("Mission starts").fill("2027-03-01")
    desk.get_by_label("Mission ends").fill("2027-03-12")
    desk.get_by_label("Terms of reference").fill("Map the capacity of the commission.")
    desk.get_by_label("Findings due").fill("2027-04-30")
    desk.get_by_role("button", name="Plan the assessment").click()
    planned = NeedsAssessment.objects.get(request=req)
    expect(desk).to_have_url(re.compile(rf"{planned.get_absolute_url()}$"))
    assert planned.mode == NeedsAssessment.Mode.MISSION
    assert planned.mission_start == datetime.date(2027, 3, 1)
    assert planned.field_presence is None

    running = NeedsAssessmentFactory(
        request__country=kenya,
        mode=NeedsAssessment.Mode.FIELD_PRESENCE,
        field_presence=east_africa,
        status=NeedsAssessment.Status.IN_PROGRESS,
    )
    field = without_js(field_officer_east_africa)
    field.goto(running.get_absolute_url())
    upload = field.locator("form.upload-form")
    upload.get_by_label("Kind of document").select_option("report")
    upload.get_by_label("File").set_input_files(
        {"name": "mission-report.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    upload.get_by_role("button", name="Upload").click()
    expect(field.locator("#documents table")).to_contain_text("mission-report.pdf")
    assert AssessmentDocument.objects.get(assessment=running).original_name == (
        "mission-report.pdf"
    )


def test_a_partner_is_added_from_the_plain_list(without_js, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.DRAFTING)
    desk = without_js(desk_officer)
    desk.goto(f"/programmes/{programme.pk}/")
    desk.get_by_role("link", name="Add a partner").click()
    listed = desk.locator("form", has=desk.get_by_role("button", name="Add the partner"))
    # No narrowing box without the script: the list is the whole control.
    expect(listed.get_by_label("Type to narrow the list of organisations")).to_have_count(0)
    listed.get_by_label("Partner organisation").select_option(
        label="United Nations Development Programme (UNDP)"
    )
    listed.get_by_label("Role").select_option(label="Joint implementation")
    listed.get_by_label("What it does in the programme").fill("Co-funds the complaints offices.")
    desk.get_by_role("button", name="Add the partner").click()
    expect(desk.locator("#partners")).to_contain_text("Joint implementation")
    assert ProgrammePartner.objects.get(programme=programme).partner.acronym == "UNDP"


def test_an_evaluator_is_found_on_the_roster_and_an_action_assigned(
    without_js, desk_officer, kenya
):
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        programme__status=Programme.Status.IN_IMPLEMENTATION,
        kind=Evaluation.Kind.PERIODIC,
        status=Evaluation.Status.SCHEDULED,
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    expert = RosterExpertFactory(name="Amina Wanjiru", languages="English, Swahili")
    RosterExpertFactory(name="Pedro Alvarez", languages="Spanish")
    desk = without_js(desk_officer)
    desk.goto(f"/evaluations/{evaluation.pk}/plan/")
    # Every evaluator's group shows; the roster is narrowed by the server's search.
    expect(desk.get_by_role("group", name="An external firm")).to_be_visible()
    expect(desk.locator(".roster-filter")).to_be_hidden()
    desk.get_by_role("searchbox", name="Language").fill("Swahili")
    desk.get_by_role("button", name="Search the roster").click()
    roster = desk.get_by_role("group", name="An expert from the roster")
    expect(roster).to_contain_text("Amina Wanjiru")
    expect(roster).not_to_contain_text("Pedro Alvarez")
    desk.get_by_label("An expert from the roster", exact=True).check()
    roster.get_by_label("Amina Wanjiru").check()
    desk.get_by_role("button", name="Save").click()
    evaluation.refresh_from_db()
    assert evaluation.evaluator_expert == expert

    recommendation = EvaluationRecommendationFactory(
        evaluation=evaluation, response=EvaluationRecommendation.Response.AGREE
    )
    desk.goto(evaluation.get_absolute_url())
    desk.get_by_role("link", name=re.compile("^Add an action")).first.click()
    # Both parties' fields show; the server keeps the chosen party's.
    expect(desk.get_by_label("Unit or body, by name")).to_be_visible()
    desk.get_by_label(re.compile(r"^Action")).fill("Adopt a training plan.")
    desk.get_by_label("The government of a State").check()
    desk.get_by_label(re.compile(r"^State")).select_option(label="Kenya")
    desk.get_by_label("Unit or body, by name").fill("Ministry of Interior")
    desk.get_by_label("Due").fill((datetime.date.today() + datetime.timedelta(days=90)).isoformat())
    desk.get_by_role("button", name="Add the action").click()
    expect(desk.locator("#follow-up-plan")).to_contain_text("Adopt a training plan.")
    action = FollowUpAction.objects.get(recommendation=recommendation)
    assert action.responsible_state == kenya

"""The whole technical cooperation cycle in a real browser, in English and in Arabic.

Each step is taken by the person who takes it in real life, in a browser
context of their own, reading the product in the test's language (kept on
their profile, as the language list keeps it): the focal point of Kenya
requests assistance; the desk officer screens the request and the approver
accepts it; the desk officer plans the needs assessment, the field presence
conducts it and the desk officer validates and shares it; the desk officer
drafts the programme from it, the approver approves it, the government accepts
it and implementation starts; the field presence evaluates it, OHCHR answers
the recommendations with a follow-up action for the government and accepts
the report; the focal point starts a new request from that action.

Every page visited is checked with axe-core (no serious or critical
violation) and photographed into ``screenshots/cycle/<language>/`` (the
README names the folder), numbered in the order of the cycle. Locators read
the interface through the catalogues (``t``), so the Arabic run finds the
Arabic labels. No page logs a console error (CSP violations included).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Browser, Locator, Page, expect

from assessments.models import Finding, NeedsAssessment
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tcp.models import ScreeningCriterion
from tests.browser.axe import assert_accessible
from tests.files import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "cycle"
TITLE = "Support to the national preventive mechanism"


class Cycle:
    """The test's language, its screenshots and the people's browsers."""

    def __init__(self, browser: Browser, base_url: str, password: str, lang: str) -> None:
        self.browser, self.base_url, self.password, self.lang = browser, base_url, password, lang
        self.folder = SHOTS / lang
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.number = 0
        self.errors: list[str] = []
        self.contexts: list[Any] = []

    def t(self, text: str, context: str | None = None) -> str:
        """``text`` as the interface shows it in the test's language."""
        with translation.override(self.lang):
            return translation.pgettext(context, text) if context else translation.gettext(text)

    def label(self, choice: Any) -> str:
        """A status or choice label in the test's language."""
        with translation.override(self.lang):
            return str(choice.label)

    def field(self, model: Any, name: str) -> str:
        """A model field's label as a form shows it (its verbose name, capitalised)."""
        with translation.override(self.lang):
            return capfirst(str(model._meta.get_field(name).verbose_name))

    def open_as(self, user: Any) -> Page:
        """``user`` signed in, in a browser of their own, reading the test's language."""
        user.language = self.lang
        user.save(update_fields=["language"])
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900}
        )
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": self.lang, "url": self.base_url}]
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        name = user.username
        page.on(
            "console",
            lambda msg: self.errors.append(f"{name}: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: self.errors.append(f"{name}: {exc}"))
        page.goto("/login/")
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        page.get_by_label(self.t("Username")).fill(user.username)
        page.get_by_label(self.t("Password")).fill(self.password)
        page.get_by_role("button", name=self.t("Log in")).click()
        expect(page.locator(".page-head, main h1").first).to_be_visible()
        return page

    def step(self, page: Page, role: str, what: str) -> None:
        """The page as the person sees it: accessible, and photographed."""
        page.wait_for_load_state()
        assert_accessible(page)
        self.number += 1
        page.screenshot(
            path=str(self.folder / f"{self.number:02d}-{role}-{what}.png"), full_page=True
        )

    def nav(self, page: Page, name: str) -> None:
        page.get_by_role("navigation", name=self.t("Main")).get_by_role(
            "link", name=self.t(name), exact=True
        ).click()

    def confirm(self, page: Page) -> None:
        """The confirmation page of an irreversible step: read, then confirmed."""
        expect(page.locator(".confirm-page h1")).to_be_visible()
        assert_accessible(page)
        page.locator(".confirm-form button[type=submit]").click()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def cycle_in(browser: Browser, live_server, password: str) -> Iterator[Callable[[str], Cycle]]:
    made: list[Cycle] = []

    def start(lang: str) -> Cycle:
        made.append(Cycle(browser, live_server.url, password, lang))
        return made[-1]

    yield start
    for cycle in made:
        cycle.close()


def status(page: Page) -> Locator:
    return page.locator(".page-head .status")


def messages(page: Page) -> Locator:
    return page.locator(".messages")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_whole_cycle_by_the_people_who_do_it(
    cycle_in,
    lang,
    kenya,
    east_africa,
    focal_point_kenya,
    desk_officer,
    approver,
    field_officer_east_africa,
):
    c = cycle_in(lang)
    t = c.t
    RS, AS, PS, ES = (
        AssistanceRequest.Status,
        NeedsAssessment.Status,
        Programme.Status,
        Evaluation.Status,
    )
    today = datetime.date.today()

    # --- 1. The focal point of Kenya asks for assistance. ---
    government = c.open_as(focal_point_kenya)
    c.step(government, "government", "dashboard")
    c.nav(government, "Requests")
    government.get_by_role("link", name=t("New request")).click()
    government.get_by_label(t("Title")).fill(TITLE)
    government.get_by_label(t("Requesting authority")).fill("Ministry of Justice")
    government.get_by_label(t("Description")).fill("Training for monitors of places of detention.")
    government.get_by_label(t("Justification")).fill(
        "Recommendations of the Committee against Torture."
    )
    government.get_by_role("group", name=t("Thematic areas")).get_by_role("checkbox").first.check()
    government.get_by_role("group", name=t("Forms of assistance")).get_by_role(
        "checkbox"
    ).first.check()
    government.get_by_label(t("Official letter")).set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    c.step(government, "government", "request-form")
    government.get_by_role("button", name=t("Save draft")).click()
    expect(government.locator(".attached-table")).to_contain_text("letter.pdf")
    government.get_by_role("button", name=t("Submit to OHCHR")).click()
    expect(status(government)).to_have_text(c.label(RS.SUBMITTED))
    c.step(government, "government", "request-submitted")
    req = AssistanceRequest.objects.get()

    # --- 2. The desk officer acknowledges and screens it. ---
    desk = c.open_as(desk_officer)
    c.step(desk, "desk-officer", "dashboard")
    waiting = desk.locator("main").get_by_role("link", name=re.compile(re.escape(req.reference)))
    waiting.first.click()
    expect(status(desk)).to_have_text(c.label(RS.SUBMITTED))
    desk.get_by_role("button", name=t("Acknowledge")).click()
    expect(status(desk)).to_have_text(c.label(RS.ACKNOWLEDGED))
    desk.get_by_role("button", name=t("Start screening")).click()
    expect(status(desk)).to_have_text(c.label(RS.UNDER_ASSESSMENT))
    for criterion in ScreeningCriterion.objects.filter(is_active=True):
        desk.locator(f"#id_scr-score_{criterion.pk}").select_option("4")
        desk.locator(f"#id_scr-comment_{criterion.pk}").fill("Met, on the field office's advice.")
    desk.get_by_label(t("Summary")).fill("A well anchored request.")
    c.step(desk, "desk-officer", "screening")
    desk.get_by_role("button", name=t("Record the screening")).click()
    expect(desk.locator(".score-total")).to_be_visible()
    c.step(desk, "desk-officer", "screening-recorded")

    # --- 3. The approver accepts it, after a page that says what follows. ---
    chief = c.open_as(approver)
    c.step(chief, "approver", "dashboard")
    chief.goto(req.get_absolute_url())
    chief.get_by_role("button", name=t("Accept")).click()
    c.step(chief, "approver", "confirm-accept-request")
    c.confirm(chief)
    expect(status(chief)).to_have_text(c.label(RS.ACCEPTED))
    c.step(chief, "approver", "request-accepted")

    # --- 4. The desk officer plans the needs assessment from the request's page. ---
    desk.reload()
    expect(status(desk)).to_have_text(c.label(RS.ACCEPTED))
    desk.get_by_role("link", name=t("Plan the needs assessment")).first.click()
    desk.get_by_label(c.label(NeedsAssessment.Mode.FIELD_PRESENCE)).check()
    desk.locator("#id_field_presence").select_option(str(east_africa.pk))
    desk.get_by_label(t("Findings due")).fill((today + datetime.timedelta(days=30)).isoformat())
    c.step(desk, "desk-officer", "assessment-plan")
    desk.get_by_role("button", name=t("Plan the assessment")).click()
    expect(status(desk)).to_have_text(c.label(AS.PLANNED))
    assessment = NeedsAssessment.objects.get()
    c.step(desk, "desk-officer", "assessment-planned")

    # --- 5. The field presence conducts it: a finding, a summary, submitted. ---
    field = c.open_as(field_officer_east_africa)
    c.step(field, "field-presence", "dashboard")
    c.nav(field, "Assessments")
    field.get_by_role("link", name=assessment.reference).click()
    field.get_by_role("button", name=t("Start the assessment")).click()
    expect(status(field)).to_have_text(c.label(AS.IN_PROGRESS))
    findings = field.locator("#findings")
    findings.get_by_text(t("Enter a finding")).click()
    form = findings.locator("form")
    form.get_by_label(c.field(Finding, "thematic_area")).select_option(index=1)
    form.get_by_label(t("The need")).fill("Monitors of places of detention lack training.")
    form.get_by_label(c.field(Finding, "priority")).select_option("high")
    form.get_by_label(t("Recommended form of assistance")).select_option(index=1)
    c.step(field, "field-presence", "finding-form")
    form.get_by_role("button", name=t("Save the finding")).click()
    expect(field.locator("#findings .finding")).to_contain_text("Monitors of places")
    field.locator("#id_summary").fill("The mechanism needs trained monitors in every region.")
    field.get_by_role("button", name=t("Save the summary")).click()
    field.get_by_role("button", name=t("Submit findings")).click()
    expect(status(field)).to_have_text(c.label(AS.FINDINGS_SUBMITTED))
    c.step(field, "field-presence", "findings-submitted")

    # --- 6. The desk officer validates the findings and shares the report. ---
    desk.goto(assessment.get_absolute_url())
    desk.get_by_role("button", name=t("Validate findings")).click()
    c.step(desk, "desk-officer", "confirm-validate")
    c.confirm(desk)
    expect(status(desk)).to_have_text(c.label(AS.VALIDATED))
    desk.get_by_role("button", name=t("Share with the government")).click()
    if desk.locator(".confirm-page").count():
        c.confirm(desk)
    expect(status(desk)).to_have_text(c.label(AS.SHARED))
    c.step(desk, "desk-officer", "assessment-shared")

    # --- 7. The desk officer drafts the programme from it and submits it. ---
    desk.get_by_role("link", name=re.compile("^" + re.escape(t("Draft a programme")))).first.click()
    desk.get_by_label(t("Title")).fill("Kenya: a national preventive mechanism that visits")
    desk.get_by_label(t("Objectives")).fill("Places of detention are visited by trained monitors.")
    desk.get_by_label(t("Starts")).fill(today.isoformat())
    desk.get_by_label(t("Ends")).fill((today + datetime.timedelta(days=730)).isoformat())
    c.step(desk, "desk-officer", "programme-draft-form")
    desk.get_by_role("button", name=t("Draft the programme")).click()
    expect(status(desk)).to_have_text(c.label(PS.DRAFTING))
    programme = Programme.objects.get()
    c.step(desk, "desk-officer", "programme-drafted")
    desk.get_by_role("button", name=t("Submit for review")).click()
    expect(status(desk)).to_have_text(c.label(PS.UNDER_REVIEW))
    c.step(desk, "desk-officer", "programme-under-review")

    # --- 8. The approver approves it. ---
    chief.goto("/")
    c.step(chief, "approver", "dashboard-programme")
    chief.goto(programme.get_absolute_url())
    chief.get_by_role("button", name=t("Approve")).click()
    c.step(chief, "approver", "confirm-approve")
    c.confirm(chief)
    expect(status(chief)).to_have_text(c.label(PS.APPROVED))

    # --- 9. The government accepts it for Kenya. ---
    government.goto("/")
    c.step(government, "government", "dashboard-programme")
    government.goto(programme.get_absolute_url())
    government.get_by_role("button", name=t("Accept the programme for my State")).click()
    c.confirm(government)
    expect(status(government)).to_have_text(c.label(PS.ACCEPTED))
    c.step(government, "government", "programme-accepted")

    # --- 10. The desk officer starts implementation. ---
    desk.goto(programme.get_absolute_url())
    desk.get_by_role("button", name=t("Start implementation")).click()
    expect(status(desk)).to_have_text(c.label(PS.IN_IMPLEMENTATION))
    c.step(desk, "desk-officer", "programme-in-implementation")

    # --- 11. The field presence evaluates it: report, ratings, a recommendation. ---
    evaluation = Evaluation.objects.filter(programme=programme).order_by("due_date").first()
    assert evaluation is not None, "approving the programme schedules its evaluations"
    field.goto(evaluation.get_absolute_url())
    c.step(field, "field-presence", "evaluation-scheduled")
    field.get_by_role("button", name=t("Start")).click()
    expect(status(field)).to_have_text(c.label(ES.IN_PROGRESS))
    field.get_by_role("link", name=t("Write the report")).click()
    field.get_by_label(t("Summary")).fill("Monitors trained in four regions visit each month.")
    field.get_by_label(t("Findings")).fill("The curriculum is in use.")
    c.step(field, "field-presence", "evaluation-report-form")
    field.get_by_role("button", name=t("Save")).click()
    field.get_by_role("link", name=t("Rate"), exact=True).click()
    for group in field.locator("fieldset").all():
        choice = group.get_by_label(t("Rating"))
        if choice.count():
            choice.select_option(index=1)
            group.get_by_label(t("Justification")).fill("As the report shows.")
    c.step(field, "field-presence", "evaluation-ratings")
    field.get_by_role("button", name=t("Save the ratings")).click()
    plan = field.locator("#follow-up-plan")
    plan.get_by_text(t("Add a recommendation")).click()
    plan.get_by_label(t("Recommendation")).fill("Publish the mechanism's annual report.")
    plan.get_by_role("button", name=t("Add the recommendation")).click()
    expect(field.locator(".recommendation")).to_have_count(1)
    field.get_by_role("button", name=t("Submit the report")).click()
    expect(status(field)).to_have_text(c.label(ES.SUBMITTED))
    c.step(field, "field-presence", "evaluation-submitted")

    # --- 12. OHCHR answers it with an action for the government, and accepts it. ---
    desk.goto(evaluation.get_absolute_url())
    desk.locator(".recommendation").first.get_by_role(
        "link", name=re.compile("^" + re.escape(t("Respond")))
    ).click()
    desk.get_by_label(t("Agree"), exact=True).check()
    c.step(desk, "desk-officer", "management-response")
    desk.get_by_role("button", name=t("Save")).click()
    desk.locator(".recommendation").first.get_by_role(
        "link", name=re.compile("^" + re.escape(t("Add an action")))
    ).click()
    desk.get_by_label(re.compile("^" + re.escape(t("Action")))).fill(
        "Publish the first annual report of the mechanism."
    )
    desk.get_by_label(t("The government of a State")).check()
    desk.get_by_label(re.compile("^" + re.escape(t("State")))).select_option(str(kenya.pk))
    desk.get_by_label(t("Unit or body, by name")).fill("Ministry of Justice")
    desk.get_by_label(t("Due")).fill((today + datetime.timedelta(days=90)).isoformat())
    c.step(desk, "desk-officer", "follow-up-action-form")
    desk.get_by_role("button", name=t("Add the action")).click()
    expect(desk.locator("#follow-up-plan .action-table tbody tr")).to_have_count(1)
    c.step(desk, "desk-officer", "follow-up-plan")
    chief.goto(evaluation.get_absolute_url())
    chief.get_by_role("button", name=t("Accept the report")).click()
    c.step(chief, "approver", "confirm-accept-report")
    c.confirm(chief)
    expect(status(chief)).to_have_text(c.label(ES.ACCEPTED))

    # --- 13. The focal point starts a new request from the action. ---
    government.goto("/")
    c.step(government, "government", "dashboard-follow-up")
    action = FollowUpAction.objects.get()
    government.locator("main").get_by_role("link", name=action.description).first.click()
    c.step(government, "government", "follow-up-action")
    government.get_by_role("button", name=t("Start a new request from this action")).click()
    expect(government).to_have_url(re.compile(r"/requests/\d+/edit/$"))
    c.step(government, "government", "new-request-from-action")

    # --- The database agrees, and no page logged an error. ---
    req.refresh_from_db()
    assessment.refresh_from_db()
    programme.refresh_from_db()
    evaluation.refresh_from_db()
    action.refresh_from_db()
    assert req.status == RS.ACCEPTED
    assert assessment.status == AS.SHARED
    assert programme.status == PS.IN_IMPLEMENTATION
    assert evaluation.status == ES.ACCEPTED
    assert action.request is not None and action.request.country == kenya
    assert AssistanceRequest.objects.count() == 2
    assert c.errors == []

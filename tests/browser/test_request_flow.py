"""The first stage in a real browser: a focal point's request, from draft to decision.

Each person works in a browser context of their own, as they would on their
own machines; none of their pages logs a console error (CSP violations
included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from requests_app.models import AssistanceRequest, RequestDocument, Screening
from tcp.models import ScreeningCriterion
from tests.files import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = AssistanceRequest.Status


@pytest.fixture
def session_of(browser: Browser, live_server, password: str) -> Iterator[Callable[..., Page]]:
    """A logged-in page for a user, in a browser context of their own."""
    contexts = []
    errors: list[str] = []

    def open_as(user) -> Page:
        context = browser.new_context(base_url=live_server.url)
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


def test_a_request_from_draft_to_decision_in_the_browser(
    session_of, focal_point_kenya, desk_officer, approver
):
    # The focal point starts a draft and saves it with a title only.
    government = session_of(focal_point_kenya)
    government.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    government.get_by_role("link", name="New request").click()
    government.get_by_label("Title").fill("Support to the national preventive mechanism")
    government.get_by_role("button", name="Save draft").click()
    expect(government.get_by_role("status")).to_contain_text("saved")
    expect(government).to_have_url(re.compile(r"/requests/\d+/edit/$"))
    expect(government.locator(".progress-line")).to_contain_text("0 of 3")

    # They leave, and come back to it from the dashboard.
    government.goto("/")
    government.get_by_role("link", name=re.compile("Support to the national preventive")).click()
    expect(government.locator(".page-head .status")).to_have_text("Draft")
    expect(government.get_by_text("Missing: requesting authority")).to_be_visible()
    government.get_by_role("link", name="Edit the request").click()
    expect(government.get_by_label("Title")).to_have_value(
        "Support to the national preventive mechanism"
    )

    # They complete it, attach the official letter, and submit.
    government.get_by_label("Requesting authority").fill("Ministry of Justice")
    government.get_by_label("Description").fill("Training for monitors of places of detention.")
    government.get_by_label("Justification").fill(
        "Recommendations of the Committee against Torture."
    )
    government.get_by_role("group", name="Thematic areas").get_by_role("checkbox").first.check()
    government.get_by_role("group", name="Forms of assistance").get_by_role(
        "checkbox"
    ).first.check()
    government.get_by_label("Official letter").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    government.get_by_role("button", name="Save draft").click()
    expect(government.get_by_role("status").first).to_contain_text("Attached: letter.pdf")
    expect(government.locator(".progress-line")).to_contain_text("3 of 3")
    expect(government.locator(".attached-table")).to_contain_text("Official letter")
    government.get_by_role("button", name="Submit to OHCHR").click()
    expect(government.locator(".page-head .status")).to_have_text("Submitted")
    req = AssistanceRequest.objects.get()
    assert req.documents.get().kind == RequestDocument.Kind.OFFICIAL_LETTER

    # The desk officer acknowledges it and asks a question.
    ohchr = session_of(desk_officer)
    ohchr.goto(f"/requests/{req.pk}/")
    ohchr.get_by_role("button", name="Acknowledge").click()
    expect(ohchr.locator(".page-head .status")).to_have_text("Acknowledged")
    ohchr.get_by_label("The question to the government").fill("Which ministry leads the mechanism?")
    ohchr.get_by_role("button", name="Ask for more information").click()
    expect(ohchr.locator(".page-head .status")).to_have_text("Information requested")

    # The focal point reads the question and answers it.
    government.goto(f"/requests/{req.pk}/")
    expect(government.locator("#question")).to_contain_text("Which ministry leads the mechanism?")
    government.get_by_label("The answer to OHCHR's question").fill(
        "The Ministry of Justice leads it."
    )
    government.get_by_role("button", name="Answer and resubmit").click()
    expect(government.locator(".page-head .status")).to_have_text("Submitted")
    expect(government.locator(".timeline")).to_contain_text("The Ministry of Justice leads it.")

    # The desk officer acknowledges again, starts the screening and records it.
    ohchr.reload()
    ohchr.get_by_role("button", name="Acknowledge").click()
    ohchr.get_by_role("button", name="Start screening").click()
    expect(ohchr.locator(".page-head .status")).to_have_text("Being screened")
    for criterion in ScreeningCriterion.objects.filter(is_active=True):
        ohchr.locator(f"#id_scr-score_{criterion.pk}").select_option("4")
        ohchr.locator(f"#id_scr-comment_{criterion.pk}").fill("Met, on the field office's advice.")
    ohchr.get_by_label("Summary").fill("A well anchored request.")
    ohchr.get_by_role("button", name="Record the screening").click()
    expect(ohchr.get_by_role("status")).to_contain_text("Screening recorded.")
    expect(ohchr.locator(".score-total")).to_contain_text("weighted total")
    assert Screening.objects.get(request=req).screened_by == desk_officer

    # The approver accepts it.
    decider = session_of(approver)
    decider.goto(f"/requests/{req.pk}/")
    expect(decider.locator("#screening")).to_contain_text("A well anchored request.")
    decider.get_by_role("button", name="Accept").click()
    decider.get_by_role("button", name="Yes, accept").click()
    expect(decider.locator(".page-head .status")).to_have_text("Accepted")

    # The focal point sees the decision, and nothing of the screening.
    government.reload()
    expect(government.locator(".page-head .status")).to_have_text("Accepted")
    expect(government.locator("#decision")).to_contain_text("Accepted by OHCHR")
    expect(government.locator("#screening")).to_have_count(0)
    req.refresh_from_db()
    assert req.status == S.ACCEPTED
    assert session_of.errors == []

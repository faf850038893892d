"""The request form by keyboard alone: a focal point who does not use a mouse
signs in, fills every required part, attaches the official letter through the
file chooser and submits, pressing only Tab, Shift+Tab, arrows, Space, Enter
and typing. Each field is reached by tabbing forward through the page, so the
focus order follows the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import AssistanceRequest
from tests.files import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A field further than this many Tab presses from the last one is lost in the page.
MAX_TABS = 60


def focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {id: el.id || "", name: el.getAttribute("name") || "",
                  text: (el.innerText || el.value || "").trim(), tag: el.tagName};
        }"""
    )


def tab_to(page: Page, want, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element is ``want`` (an id, or a test)."""
    test = want if callable(want) else (lambda el: el["id"] == want)
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if test(focused(page)):
            return
    raise AssertionError(f"{want!r} is not reached by the keyboard in {MAX_TABS} presses")


def test_a_focal_point_completes_and_submits_the_request_by_keyboard_alone(
    page: Page, live_server, focal_point_kenya, password, console_errors
):
    # Intercept file choosers from the start. Playwright subscribes without
    # waiting for an answer, so a subscription made only around the key press
    # can reach the browser after the press on a loaded machine, and the
    # chooser then opens natively, unseen by the test.
    page.on("filechooser", lambda chooser: None)
    page.goto(f"{live_server.url}/login/")
    tab_to(page, "id_username")
    page.keyboard.type(focal_point_kenya.username)
    tab_to(page, "id_password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # To the requests list through the main navigation, then the new request.
    tab_to(page, lambda el: el["tag"] == "A" and el["text"] == "Requests")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for assistance")
    tab_to(page, lambda el: el["tag"] == "A" and el["text"] == "New request")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("New request")

    tab_to(page, "id_title")
    page.keyboard.type("Support to the national preventive mechanism")
    tab_to(page, "id_requesting_authority")
    page.keyboard.type("Ministry of Justice")
    tab_to(page, "id_description")
    page.keyboard.type("Training for monitors of places of detention.")
    tab_to(page, "id_justification")
    page.keyboard.type("Recommendations of the Committee against Torture.")
    # The first thematic area and the first form of assistance, ticked with Space.
    tab_to(page, lambda el: el["name"] == "thematic_areas")
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["name"] == "forms_of_assistance")
    page.keyboard.press("Space")
    # The official letter: the file chooser opens from the keyboard.
    tab_to(page, "id_letter")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    assert page.evaluate("() => document.getElementById('id_letter').files.length") == 1

    tab_to(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Submit to OHCHR")
    page.keyboard.press("Enter")
    expect(page.locator(".page-head .status")).to_have_text("Submitted")

    req = AssistanceRequest.objects.get()
    assert req.status == AssistanceRequest.Status.SUBMITTED
    assert req.title == "Support to the national preventive mechanism"
    assert req.requesting_authority == "Ministry of Justice"
    assert req.thematic_areas.count() == 1 and req.forms_of_assistance.count() == 1
    assert req.documents.get().original_name == "letter.pdf"
    assert console_errors == []

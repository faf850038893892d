"""The shell in a real browser: a focal point's day, with no console error or CSP violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import AssistanceRequest
from requests_app.services import create_request
from tests.files import PDF_BYTES

# transaction=True flushes the database after each test; serialized_rollback
# restores what the migrations loaded (countries, reference data, role groups).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _log_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_focal_point_drafts_submits_and_logs_out(
    page: Page, live_server, focal_point_kenya, password, console_errors
):
    _log_in(page, live_server.url, focal_point_kenya.username, password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("heading", name=re.compile("Your drafts"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    # An incomplete draft: saved, it stays open in the form; the request page's
    # Submit button is off and says what is missing.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Title").fill("Support to the national human rights commission")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    page.get_by_role("link", name="Back to the request").click()
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()
    expect(page.get_by_text("Missing: requesting authority")).to_be_visible()

    # Complete it through the edit form, with the official letter, then submit.
    page.get_by_role("link", name="Edit the request").click()
    page.get_by_label("Requesting authority").fill("Ministry of Justice")
    page.get_by_label("Description").fill("Training of the commission's investigators.")
    page.get_by_label("Justification").fill("UPR recommendations, third cycle.")
    page.get_by_role("group", name="Thematic areas").get_by_role("checkbox").first.check()
    page.get_by_role("group", name="Forms of assistance").get_by_role("checkbox").first.check()
    page.get_by_label("Official letter").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Submit.")
    expect(page.locator(".page-head .status")).to_have_text("Submitted")
    expect(page.locator(".timeline")).to_contain_text("Draft → Submitted")
    req = AssistanceRequest.objects.get()
    assert req.status == AssistanceRequest.Status.SUBMITTED

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    assert console_errors == []


def test_dangerous_action_asks_first(
    page: Page, live_server, focal_point_kenya, kenya, password, console_errors
):
    req = create_request(country=kenya, by=focal_point_kenya, title="To withdraw")
    _log_in(page, live_server.url, focal_point_kenya.username, password)
    page.goto(f"{live_server.url}/requests/{req.pk}/")
    # Asked on a page of its own (no script dialog): going back keeps the request.
    page.on("dialog", lambda dialog: pytest.fail(f"a script dialog: {dialog.message}"))
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    page.get_by_role("link", name="No, go back").click()
    expect(page.locator(".page-head .status")).to_have_text("Draft")
    req.refresh_from_db()
    assert req.status == AssistanceRequest.Status.DRAFT
    page.get_by_role("button", name="Withdraw").click()
    page.get_by_role("button", name="Yes, withdraw").click()
    expect(page.locator(".page-head .status")).to_have_text("Withdrawn")
    assert console_errors == []


def test_arabic_is_right_to_left_and_clean(
    page: Page, live_server, desk_officer, password, console_errors
):
    _log_in(page, live_server.url, desk_officer.username, password)
    page.get_by_label("Language").select_option("ar")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    for path in ("/requests/", "/assessments/", "/programmes/", "/evaluations/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
    assert console_errors == []

"""Forms without JavaScript, in a real browser with scripts switched off.

An approver approves a programme through its confirmation page; a focal point
deletes a draft request through its confirmation page; a form sent with
several mistakes shows them all at once in the summary on top, focused, each
linking to its field. Screenshots go to ``TCP_SHOTS`` (``/tmp/shots-forms``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tcp.lifecycle import status_changes
from tests.factories import AssistanceRequestFactory, ComponentFactory, ProgrammeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(os.environ.get("TCP_SHOTS") or "/tmp/shots-forms")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def no_script(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_an_approval_is_confirmed_without_javascript(no_script, approver, kenya, password):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.UNDER_REVIEW)
    ComponentFactory(programme=programme)
    page = no_script
    _log_in(page, approver.username, password)
    page.goto(programme.get_absolute_url())
    page.get_by_role("button", name="Approve", exact=True).click()

    # The confirmation page: the record, what will happen, no way back, and the choice.
    expect(page.locator("h1")).to_have_text("Confirm: Approve")
    expect(page.locator(".confirm-record")).to_contain_text(programme.reference)
    expect(page.locator(".confirm-record")).to_contain_text(programme.title)
    expect(page.locator(".confirm-effects")).to_contain_text("“Under review” to “Approved”")
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    shot(page, "confirm-approve")
    programme.refresh_from_db()
    assert programme.status == Programme.Status.UNDER_REVIEW  # nothing yet

    # Going back changes nothing; confirming approves.
    page.get_by_role("link", name="No, go back").click()
    expect(page).to_have_url(re.compile(rf"/programmes/{programme.pk}/$"))
    programme.refresh_from_db()
    assert programme.status == Programme.Status.UNDER_REVIEW
    page.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_role("button", name="Yes, approve").click()
    expect(page.locator(".page-head .status")).to_have_text("Approved")
    programme.refresh_from_db()
    assert programme.status == Programme.Status.APPROVED
    assert status_changes(programme).get().by == approver


def test_a_draft_is_deleted_without_javascript(no_script, focal_point_kenya, kenya, password):
    req = AssistanceRequestFactory(
        country=kenya, created_by=focal_point_kenya, title="A draft to throw away"
    )
    page = no_script
    _log_in(page, focal_point_kenya.username, password)
    page.goto(req.get_absolute_url())
    page.get_by_role("link", name="Delete this draft").click()
    expect(page.locator("h1")).to_have_text("Delete this draft?")
    expect(page.locator(".confirm-record")).to_contain_text(req.reference)
    shot(page, "confirm-delete-draft")
    page.get_by_role("button", name="Yes, delete this draft").click()
    expect(page).to_have_url(re.compile(r"/requests/$"))
    expect(page.locator(".messages")).to_contain_text(f"Draft {req.reference} deleted.")
    assert not AssistanceRequest.objects.filter(pk=req.pk).exists()


def test_every_error_at_once_in_a_summary_linking_to_the_fields(
    no_script, focal_point_kenya, password
):
    page = no_script
    _log_in(page, focal_point_kenya.username, password)
    page.goto("/requests/new/")
    page.get_by_label("Title").fill("")
    page.get_by_label("Desired start").fill("2027-12-31")
    page.get_by_label("Desired end").fill("2027-01-01")
    page.get_by_role("button", name="Save draft", exact=True).last.click()

    summary = page.locator(".error-summary-box")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_contain_text("Please correct the 2 errors below.")
    expect(summary.get_by_role("link")).to_have_count(2)
    title = page.locator("#id_title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", re.compile("id_title_error"))
    expect(page.locator("#id_desired_start")).to_have_value("2027-12-31")  # kept as typed
    shot(page, "form-with-errors")
    summary.get_by_role("link", name=re.compile("Title")).click()
    expect(page).to_have_url(re.compile("#id_title$"))
    assert not AssistanceRequest.objects.exists()

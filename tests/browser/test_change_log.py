"""The auditor's question, in a real browser: who changed this programme's budget
line, and what was it before? Then the record's own history, from its page,
and the log of one country for one year as a spreadsheet."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programmes import budget
from tests.browser.test_shell import _log_in
from tests.factories import ProgrammeFactory, funding_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_auditor_finds_who_changed_a_budget_line_and_exports_a_countrys_year(
    page: Page, live_server, auditor, desk_officer, kenya, peru, password, console_errors
):
    programme = ProgrammeFactory(countries=[kenya], title="Kenya: administration of justice")
    line = budget.add_budget_line(
        programme=programme,
        by=desk_officer,
        funding_source=funding_source(),
        description="Training of prosecutors",
        amount=Decimal("12000.00"),
    )
    budget.update_budget_line(line=line, by=desk_officer, amount=Decimal("15500.00"))
    ProgrammeFactory(countries=[peru], title="Peru: ombudsman support")

    _log_in(page, live_server.url, auditor.username, password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change history")

    # Find the change: the budget lines of this programme, changes only.
    page.get_by_label("Record type").select_option(label="Budget line")
    page.get_by_label("Reference").fill(programme.reference)
    page.get_by_label("Kind of change").select_option(label="Changed")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.change-log tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(str(desk_officer))
    expect(row.locator("dl.changes")).to_contain_text("Amount")
    expect(row.locator("del")).to_have_text("US$ 12,000.00")
    expect(row.locator("ins")).to_have_text("US$ 15,500.00")

    # From the record's page to its history.
    row.get_by_role("link", name=programme.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(programme.title)
    page.locator(".page-head").get_by_role("link", name=re.compile("History")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History of")
    expect(page.locator("table.change-log")).to_contain_text("US$ 15,500.00")
    expect(page.locator("table.change-log")).to_contain_text("Training of prosecutors")

    # The log of Kenya for this year, as XLSX.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    year = timezone.now().year
    page.get_by_label("Country").select_option(label="Kenya")
    page.get_by_label("From", exact=True).fill(f"{year}-01-01")
    page.get_by_label("To", exact=True).fill(f"{year}-12-31")
    page.get_by_role("button", name="Filter").click()
    listed = page.locator("table.change-log tbody tr").count()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^XLSX")).click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    header, *data = list(book.active.iter_rows(values_only=True))
    assert len(data) == listed
    references = {dict(zip(header, r, strict=True))["Reference"] for r in data}
    assert programme.reference in references
    assert not any("PER" in (ref or "") for ref in references)
    assert console_errors == []

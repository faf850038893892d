"""Text people type keeps its own direction in a right-to-left page: an English
justification or recommendation on an Arabic evaluation page ends with its full
stop on the right, where an English reader expects it, in table cells and
headings as in prose. Measured on the laid-out page, not read from the CSS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from evaluations import services
from evaluations.models import Evaluation, EvaluationCriterion
from tests.factories import EvaluationFactory, EvaluationRecommendationFactory, rating_level

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JUSTIFICATION = "Answers the UPR recommendations."
RECOMMENDATION = "Train the regional offices' complaints staff."

# Where the first and the last character of the element's text are drawn.
ENDS = """el => {
  const text = [...el.querySelectorAll('*')].concat([el])
    .flatMap(n => [...n.childNodes]).find(n => n.nodeType === 3 && n.data.trim());
  const range = document.createRange();
  const data = text.data.trimEnd(), start = text.data.length - text.data.trimStart().length;
  range.setStart(text, start); range.setEnd(text, start + 1);
  const first = range.getBoundingClientRect();
  range.setStart(text, data.length - 1); range.setEnd(text, data.length);
  const last = range.getBoundingClientRect();
  return {first: first.left, last: last.left};
}"""


def test_english_typed_into_an_arabic_page_ends_on_the_right(
    page: Page, live_server, desk_officer, kenya, password, console_errors
):
    evaluation = EvaluationFactory(
        programme__countries=[kenya], status=Evaluation.Status.IN_PROGRESS
    )
    services.rate_evaluation(
        evaluation=evaluation,
        by=desk_officer,
        ratings=[
            services.Rating(
                EvaluationCriterion.objects.get(code="relevance"),
                rating_level("relevance", "satisfactory"),
                JUSTIFICATION,
            )
        ],
    )
    EvaluationRecommendationFactory(evaluation=evaluation, text=RECOMMENDATION)
    desk_officer.language = "ar"
    desk_officer.save(update_fields=["language"])

    page.goto(f"{live_server.url}/login/?next={evaluation.get_absolute_url()}")
    page.locator("#id_username").fill(desk_officer.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    for element in (
        page.locator(".note-cell", has_text=JUSTIFICATION),
        page.locator(".recommendation h3 .typed", has_text=RECOMMENDATION),
    ):
        expect(element).to_be_visible()
        ends = element.evaluate(ENDS)
        # Left to right: the first letter on the left, the full stop on the right.
        assert ends["first"] < ends["last"], (element, ends)
    assert re.search(r"[\u0600-\u06ff]", page.locator("h1").inner_text() + page.title())
    assert console_errors == []

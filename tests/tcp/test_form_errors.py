"""Every error at once, in one summary on top of the form, linking to each field.

One include (``includes/form_errors.html``, rendered by ``{% form_errors %}``)
serves every form of the product; the per-app copies are gone. On a page with
errors: the summary is an alert, focused, counts the errors, lists the form's
own errors and links each field in error to its input; that input says
``aria-invalid="true"`` and is described by its error text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation
from programmes.forms.money import NewComponentFormSet
from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tcp.models import ScreeningCriterion
from tcp.templatetags.form_errors import summarise
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


# --- reading a page ---


class _Page(HTMLParser):
    """The elements of a page by id, the summaries of errors and what they link to."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}
        self.invalid: list[str] = []
        self.summaries: list[dict[str, str]] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        # What each group of boxes or radios is described by (Django sets it on the group).
        self.groups: list[str] = []
        self._in_summary = 0
        self._in_heading = False
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        a["tag"] = tag
        if "id" in a:
            self.by_id[a["id"]] = a
        if tag == "fieldset":
            self.groups.extend(a.get("aria-describedby", "").split())
        if a.get("aria-invalid") == "true":
            self.invalid.append(a.get("id", ""))
        if tag == "div" and "error-summary-box" in a.get("class", ""):
            self.summaries.append(a)
            self._in_summary = 1
            return
        if self._in_summary:
            if tag == "div":
                self._in_summary += 1
            if tag == "a" and a.get("href", "").startswith("#"):
                self.links.append(a["href"][1:])
            if tag == "h2":
                self._in_heading = True
                self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary and tag == "div":
            self._in_summary -= 1
        if tag == "h2":
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self.headings[-1] += data


def check_summary(html: str, *, messages: int = 0) -> _Page:
    """The rule of the summary, checked on a page with errors (``messages``: how
    many errors of the whole form it lists besides the fields)."""
    page = _Page(html)
    assert len(page.summaries) == 1, "one summary of errors on the page"
    box = page.summaries[0]
    assert box.get("role") == "alert" and box.get("tabindex") == "-1"
    assert "autofocus" in box
    count = len(page.links) + messages
    expected = "error below" if count == 1 else f"{count} errors below"
    assert expected in page.headings[0], page.headings
    assert page.links, "a link per field in error"
    for target in page.links:
        field = page.by_id.get(target)
        assert field is not None, f"#{target} links to no element"
        assert field["tag"] in ("input", "select", "textarea"), field
        assert field.get("aria-invalid") == "true", field
        described = field.get("aria-describedby", "").split()
        if field.get("type") in ("radio", "checkbox") and target.endswith("_0"):
            described += page.groups  # said once, on the group
        errors = [page.by_id.get(d, {}).get("class", "") for d in described]
        assert any(c.startswith("errorlist") for c in errors), field
    # Every field marked invalid is in the summary (a group of boxes: its first one).
    for marked in page.invalid:
        group = re.sub(r"_\d+$", "_0", marked)
        assert marked in page.links or group in page.links, f"{marked} is not in the summary"
    return page


# --- the summary itself ---


class _Sample(forms.Form):
    title = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    areas = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    agreed = forms.BooleanField()
    when = forms.SplitDateTimeField()
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        self.add_error(None, "The whole form is wrong too.")
        return self.cleaned_data


def test_the_summary_links_each_field_to_its_first_input():
    summary = summarise(_Sample({}), id="sample-errors")
    links = {item.id: item.label for item in summary.items}
    assert links == {
        "id_title": "Title",
        "id_kind_0": "Kind",
        "id_areas_0": "Areas",
        "id_agreed": "Agreed",
        "id_when_0": "When",
    }
    # A hidden field's error is said in words: there is nothing to jump to.
    assert summary.messages[0] == "The whole form is wrong too."
    assert any("Token" in m or "required" in m for m in summary.messages[1:])
    assert summary.count == 5 + len(summary.messages)


def test_rows_of_a_formset_are_named_in_the_summary():
    formset = NewComponentFormSet(
        {
            "new-component-TOTAL_FORMS": "1",
            "new-component-INITIAL_FORMS": "0",
            "new-component-0-title": "A component without its thematic area",
        },
        prefix="new-component",
    )
    formset.is_valid()
    [item] = summarise(formset).items
    assert item.id == "id_new-component-0-thematic_area"
    assert item.label == "New component 1 — Thematic area"


def test_extra_items_and_an_unbound_form():
    assert summarise(_Sample()).count == 0
    summary = summarise(_Sample(), extra=[("id_letter", "Official letter", ["Refused."]), "Oops."])
    assert [(i.id, i.messages) for i in summary.items] == [("id_letter", ["Refused."])]
    assert summary.messages == ["Oops."]


def test_the_per_app_copies_are_gone_and_every_form_uses_the_one_summary():
    for old in (
        "assessments/_form_errors.html",
        "evaluations/_form_errors.html",
        "programmes/programme_errors.html",
        "programmes/component_errors.html",
        "programmes/budget_form_errors.html",
    ):
        assert not (TEMPLATES / old).exists(), old
    shared = ("{% form_errors", "_form_fields.html", "_consultation_fields.html")
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for form in re.findall(r"<form [^>]*>", text):
            if 'method="post"' in form and "novalidate" in form:
                assert any(s in text for s in shared), f"{template}: a form without the summary"


# --- on the product's pages ---


def _post(client: Any, user: Any, url: str, data: dict[str, Any]) -> str:
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_request_shows_every_error_at_once(client, focal_point_kenya):
    html = _post(
        client,
        focal_point_kenya,
        reverse("requests_app:create"),
        {
            "title": "",
            "desired_start": "2027-12-31",
            "desired_end": "2027-01-01",
            "rec-text": "A recommendation without its mechanism.",
        },
    )
    page = check_summary(html)
    assert {"id_title", "id_desired_end", "id_rec-mechanism"} <= set(page.links)


def test_the_screening_names_each_criterion_in_the_summary(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.UNDER_ASSESSMENT)
    html = _post(
        client, desk_officer, reverse("requests_app:screening", args=[req.pk]), {"scr-summary": ""}
    )
    page = check_summary(html, messages=1)
    criteria = ScreeningCriterion.objects.filter(is_active=True)
    assert len(page.links) == 2 * criteria.count()  # a score and a comment each
    assert f"{criteria.first().name} — Score" in html


def test_a_message_and_an_upload_on_the_request_page(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.SUBMITTED)
    html = _post(
        client, desk_officer, reverse("requests_app:message_post", args=[req.pk]), {"body": ""}
    )
    check_summary(html)
    html = _post(
        client,
        desk_officer,
        reverse("requests_app:document_upload", args=[req.pk]),
        {"doc-kind": "supporting", "doc-visibility": "nobody"},
    )
    page = check_summary(html)
    assert {"id_doc-file", "id_doc-visibility_0"} <= set(page.links)


def test_planning_an_assessment(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.ACCEPTED)
    html = _post(
        client,
        desk_officer,
        reverse("assessments:plan", args=[req.pk]),
        {"mode": "mission", "mission_start": "2027-02-10", "mission_end": "2027-02-01"},
    )
    page = check_summary(html)
    assert {"id_due_date", "id_mission_end"} <= set(page.links)


def test_a_consultation_and_a_finding(client, field_officer_east_africa, kenya):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS
    )
    url = reverse("assessments:consultation_add", args=[assessment.pk])
    check_summary(_post(client, field_officer_east_africa, url, {"consultation-date": "x"}))
    url = reverse("assessments:finding_add", args=[assessment.pk])
    check_summary(_post(client, field_officer_east_africa, url, {"finding-need": ""}))


def test_a_programme_and_its_parts(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    html = _post(
        client,
        desk_officer,
        reverse("programmes:edit", args=[programme.pk]),
        {"title": "", "start_date": "2027-12-31", "end_date": "2027-01-01"},
    )
    check_summary(html)
    url = reverse("programmes:component_add", args=[programme.pk])
    check_summary(_post(client, desk_officer, url, {"title": ""}))
    url = reverse("programmes:budget_line_add", args=[programme.pk])
    check_summary(_post(client, desk_officer, url, {"line-amount": "-5"}))


def test_an_amendment_names_the_row_of_each_field(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.IN_IMPLEMENTATION)
    html = _post(
        client,
        desk_officer,
        reverse("programmes:amendment_new", args=[programme.pk]),
        {
            "new-component-TOTAL_FORMS": "1",
            "new-component-INITIAL_FORMS": "0",
            "new-component-0-title": "Added without its thematic area",
            "new-line-TOTAL_FORMS": "0",
            "new-line-INITIAL_FORMS": "0",
        },
    )
    page = check_summary(html)
    assert "id_new-component-0-thematic_area" in page.links
    assert "New component 1 — " in html


def test_ratings_of_an_evaluation(client, desk_officer, kenya):
    evaluation = EvaluationFactory(
        programme__countries=[kenya], status=Evaluation.Status.IN_PROGRESS
    )
    client.force_login(desk_officer)
    form = client.get(reverse("evaluations:ratings", args=[evaluation.pk])).context["form"]
    data = {}
    for _criterion, _level, justification in form.rows()[:2]:
        data[justification.html_name] = "Explained, but not rated."
    html = _post(client, desk_officer, reverse("evaluations:ratings", args=[evaluation.pk]), data)
    page = check_summary(html)
    assert len(page.links) == 2
    assert f"{form.rows()[0][0].name} — Rating" in html


def test_login_password_and_notification_settings(client, desk_officer):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    page = check_summary(response.content.decode())
    assert set(page.links) == {"id_username", "id_password"}
    html = _post(client, desk_officer, reverse("password_change"), {"old_password": "wrong"})
    check_summary(html)
    html = _post(
        client, desk_officer, reverse("notification_settings"), {"language": "xx", "delivery": ""}
    )
    check_summary(html)

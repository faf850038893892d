"""Light pages: no page transfers more than 300 KB of static assets on a first load.

A real browser opens each page of a representative set (the dashboard, every list,
every record page, every form, the figures, the history) in a fresh context, so
nothing is cached, and the size of every static file it fetches (style sheets,
scripts, images, fonts: whatever the page and its CSS pull in) is summed.

The test server sends the files uncompressed; production (WhiteNoise) sends them
compressed, so what a person downloads is smaller still: the figures are an upper
bound. Run with ``-s`` to see them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, expect

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Activity, Amendment, Indicator, Programme
from requests_app.models import AssistanceRequest, Recommendation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUDGET = 300 * 1024
DEMO_PASSWORD = "x-demo-password-x"


def _pages() -> dict[str, tuple[str, str]]:
    """{page: (who opens it, its address)} over the demo data."""
    req = AssistanceRequest.objects.exclude(status="draft").order_by("pk").first()
    draft = AssistanceRequest.objects.filter(status="draft", country__iso3="KEN").first()
    accepted = AssistanceRequest.objects.filter(
        status="accepted", country__iso3__in=["KEN", "UGA"], needs_assessment__isnull=True
    ).first()
    assessment = NeedsAssessment.objects.order_by("pk").first()
    programme = Programme.objects.filter(status="in_implementation").order_by("pk").first()
    drafting = Programme.objects.filter(status="drafting", countries__iso3="KEN").first()
    activity = Activity.objects.order_by("pk").first()
    indicator = Indicator.objects.order_by("pk").first()
    amendment = Amendment.objects.order_by("pk").first()
    evaluation = Evaluation.objects.order_by("pk").first()
    action = FollowUpAction.objects.order_by("pk").first()
    recommendation = Recommendation.objects.order_by("pk").first()
    pages = {
        "dashboard": ("approver", reverse("dashboard")),
        "figures": ("approver", reverse("figures")),
        "list: requests": ("approver", reverse("requests_app:list")),
        "list: recommendations": ("approver", reverse("requests_app:recommendation_list")),
        "list: assessments": ("approver", reverse("assessments:list")),
        "list: programmes": ("approver", reverse("programmes:list")),
        "list: activities": ("approver", reverse("programmes:activity_list")),
        "list: evaluations": ("approver", reverse("evaluations:list")),
        "list: evaluation overview": ("approver", reverse("evaluations:overview")),
        "list: evaluation schedule": ("desk.africa", reverse("evaluations:schedule")),
        "list: follow-up actions": ("approver", reverse("evaluations:follow_up_list")),
        "list: notifications": ("desk.africa", reverse("notifications")),
        "list: reports": ("approver", reverse("reports")),
        "history: change log": ("auditor", reverse("history")),
        "history: access log": ("auditor", reverse("access_log")),
        "record: request": ("approver", reverse("requests_app:detail", args=[req.pk])),
        "record: assessment": ("approver", assessment.get_absolute_url()),
        "record: programme": ("approver", reverse("programmes:detail", args=[programme.pk])),
        "record: programme document": (
            "approver",
            reverse("programmes:document", args=[programme.pk]),
        ),
        "record: budget": ("approver", reverse("programmes:budget", args=[programme.pk])),
        "record: activity": ("approver", reverse("programmes:activity", args=[activity.pk])),
        "record: indicator": ("approver", reverse("programmes:indicator", args=[indicator.pk])),
        "record: evaluation": ("approver", evaluation.get_absolute_url()),
        "record: follow-up action": (
            "approver",
            reverse("evaluations:follow_up_detail", args=[action.pk]),
        ),
        "history: a record's": (
            "auditor",
            reverse("record_history", args=["programmes.programme", programme.pk]),
        ),
        "form: new request": ("gov.kenya", reverse("requests_app:create")),
        "form: notification settings": ("desk.africa", reverse("notification_settings")),
        "form: password": ("desk.africa", reverse("password_change")),
        "form: new programme": ("desk.africa", reverse("programmes:create")),
        "form: amendment": (
            "desk.africa",
            reverse("programmes:amendment_new", args=[programme.pk]),
        ),
        "form: activity": ("desk.africa", reverse("programmes:activity_add", args=[programme.pk])),
        "form: evaluation plan": ("desk.africa", reverse("evaluations:plan", args=[evaluation.pk])),
    }
    if recommendation is not None:
        pages["record: recommendation"] = (
            "approver",
            reverse("requests_app:recommendation_detail", args=[recommendation.pk]),
        )
    if amendment is not None:
        pages["record: amendment"] = (
            "approver",
            reverse("programmes:amendment", args=[amendment.pk]),
        )
    if draft is not None:
        pages["form: request draft"] = (
            "gov.kenya",
            reverse("requests_app:edit", args=[draft.pk]),
        )
    if accepted is not None:
        pages["form: assessment plan"] = (
            "desk.africa",
            reverse("assessments:plan", args=[accepted.pk]),
        )
    if drafting is not None:
        pages["form: programme"] = ("desk.africa", reverse("programmes:edit", args=[drafting.pk]))
    return pages


def test_no_page_transfers_more_than_300_kb_of_static_assets(browser: Browser, live_server):
    call_command("seed_demo", "--password", DEMO_PASSWORD, verbosity=0)
    pages = _pages()
    states = {}
    for username in sorted({who for who, _url in pages.values()}):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        states[username] = context.storage_state()
        context.close()

    weights: dict[str, int] = {}
    for name, (username, url) in pages.items():
        # A fresh context: an empty cache, as on a first visit.
        context = browser.new_context(base_url=live_server.url, storage_state=states[username])
        page = context.new_page()
        fetched = []
        page.on(
            "requestfinished",
            lambda r: (
                fetched.append(r)
                if urlsplit(r.url).path.startswith(f"/{settings.STATIC_URL.lstrip('/')}")
                else None
            ),
        )
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (name, url)
        weights[name] = sum(r.sizes()["responseBodySize"] for r in fetched)
        assert fetched, (name, "no static file at all: the page is not the product's")
        context.close()

    width = max(map(len, weights))
    print("\nStatic assets transferred on a first load (uncompressed):")
    for name, size in sorted(weights.items(), key=lambda item: -item[1]):
        print(f"  {name:<{width}}  {size / 1024:6.1f} KB")
    too_heavy = {name: size for name, size in weights.items() if size > BUDGET}
    assert not too_heavy, too_heavy
    assert len(weights) >= 30

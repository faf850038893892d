"""Pages, e-mails and charts in Arabic: right to left, with left-to-right tokens
(references, names, money) isolated so their punctuation stays in place, and the
dates, times and money written the Arabic way with Western digits."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme
from requests_app.models import AssistanceRequest
from requests_app.services import submit_request
from tcp import l10n
from tcp.charts import BarRow, Series, Side, bar_chart, column_chart
from tcp.models import Notification
from tests.factories import AssistanceRequestFactory, BudgetLineFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

RLM, LRM, NBSP = "\u200f", "\u200e", "\u00a0"


def _in(client, user, lang: str):
    """Signed in as ``user`` reading ``lang``: the profile's language drives pages."""
    user.language = lang
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def submitted(kenya, focal_point_kenya) -> AssistanceRequest:
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    submit_request(req=req, by=focal_point_kenya)
    return req


def test_an_arabic_page_is_right_to_left_with_its_reference_isolated(
    client, desk_officer, submitted
):
    html = _html(_in(client, desk_officer, "ar"), submitted.get_absolute_url())
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<h1><span class="reference"><bdi>{submitted.reference}</bdi></span>' in html
    assert f'<li aria-current="page"><bdi>{submitted.reference}</bdi></li>' in html
    # The submission time: the Arabic month, Western digits, and its zone.
    when = l10n.moment(submitted.submitted_at, lang="ar")
    assert "التوقيت العالمي" in when and re.search(r"\d{2}:\d{2}", when)
    assert when in html
    # The timeline's step points the reading way, and names its author isolated.
    assert "←" in html
    assert f"<bdi>{submitted.created_by}</bdi>" in html


def test_the_same_page_in_english_reads_left_to_right_in_un_style(client, desk_officer, submitted):
    html = _html(_in(client, desk_officer, "en"), submitted.get_absolute_url())
    assert '<html lang="en" dir="ltr">' in html
    assert l10n.moment(submitted.submitted_at, lang="en").endswith(" UTC")
    assert l10n.moment(submitted.submitted_at, lang="en") in html
    assert "→" in html


def test_a_list_isolates_the_references_and_writes_dates_the_locales_way(
    client, desk_officer, submitted
):
    html = _html(_in(client, desk_officer, "ar"), reverse("requests_app:list"))
    assert f">{submitted.reference}</a>" not in html
    assert f"<bdi>{submitted.reference}</bdi></a>" in html
    assert l10n.day(submitted.submitted_at, lang="ar") in html


@pytest.mark.parametrize(
    ("lang", "amount"),
    [
        ("en", "US$ 12,345.67"),
        ("fr", f"12\u202f345,67{NBSP}$US"),
        ("ar", f"{RLM}12,345.67{NBSP}US${LRM}"),
        ("ru", f"12{NBSP}345,67{NBSP}$"),
    ],
)
def test_the_budget_shows_money_in_the_readers_currency_pattern(
    client, desk_officer, kenya, lang, amount
):
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.DRAFTING)
    BudgetLineFactory(programme=programme, amount=Decimal("12345.67"))
    html = _html(_in(client, desk_officer, lang), reverse("programmes:budget", args=[programme.pk]))
    assert f"<bdi>{amount}</bdi>" in html


def test_lists_of_names_use_the_arabic_pattern_each_isolated(client, desk_officer, kenya, peru):
    programme = ProgrammeFactory(countries=[kenya, peru], status=Programme.Status.DRAFTING)
    html = _html(_in(client, desk_officer, "ar"), reverse("programmes:detail", args=[programme.pk]))
    # The names themselves are read in Arabic too (كينيا, بيرو).
    assert "<bdi>كينيا</bdi> و<bdi>بيرو</bdi>" in html
    html = _html(_in(client, desk_officer, "en"), reverse("programmes:detail", args=[programme.pk]))
    assert "Kenya and Peru" in html


def test_a_name_and_a_date_are_joined_with_the_locales_comma(client, desk_officer, kenya):
    programme = ProgrammeFactory(
        countries=[kenya], status=Programme.Status.DRAFTING, created_by=desk_officer
    )
    url = reverse("programmes:detail", args=[programme.pk])
    for lang, comma in (("ar", "، "), ("zh-hans", "，"), ("en", ", ")):
        html = _html(_in(client, desk_officer, lang), url)
        when = l10n.day(programme.created_at, lang=lang)
        assert f"<bdi>{desk_officer}</bdi>{comma}{when}" in html
    assert l10n.comma(lang="fr") == ", "


def test_a_notification_subject_isolates_the_reference_in_arabic(
    kenya, focal_point_kenya, desk_officer
):
    desk_officer.language = "ar"
    desk_officer.save(update_fields=["language"])
    focal_point_kenya.language = "en"
    focal_point_kenya.save(update_fields=["language"])
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    submit_request(req=req, by=focal_point_kenya)
    subjects = dict(
        Notification.objects.filter(status_change__object_id=req.pk).values_list(
            "recipient__username", "subject"
        )
    )
    assert subjects[desk_officer.username].startswith(f"[\u2068{req.reference}\u2069] ")


# --- charts ---


SERIES = [Series("a", "A", "series-0"), Series("b", "B", "series-1")]


def test_bars_grow_from_the_right_in_a_right_to_left_language():
    rows = [BarRow("One", [1, 3]), BarRow("Two", [2, 0])]
    ltr = bar_chart(rows, SERIES, side=Side(rtl=False))
    rtl = bar_chart(rows, SERIES, side=Side(rtl=True))
    # The second segment of "One" starts 25% from the start edge: left, then right.
    assert ltr.bars[0].segments[1].x == "25.00%"
    assert rtl.bars[0].segments[1].x == "0.00%"  # 100 - 25 - 75
    assert rtl.bars[0].segments[0].x == "75.00%"
    # The total is written past the end of the bar, nudged outward; inside when long.
    assert (ltr.bars[1].text_x, ltr.bars[1].text_dx) == ("50.00%", 4)
    assert (rtl.bars[1].text_x, rtl.bars[1].text_dx) == ("50.00%", -4)
    assert rtl.bars[0].text_inside and rtl.bars[0].text_dx == 4
    # The axis starts at the right: 0 is at 100%.
    assert (rtl.ticks[0].at, rtl.ticks[0].label) == ("100.00%", "0")
    assert (rtl.side.direction, rtl.side.edge) == ("rtl", "100%")


def test_columns_run_from_the_right_in_a_right_to_left_language():
    groups = [("2025", [1, 2]), ("2026", [3, 4])]
    ltr = column_chart(groups, SERIES, side=Side(rtl=False))
    rtl = column_chart(groups, SERIES, side=Side(rtl=True))
    assert float(ltr.groups[0].label_x.rstrip("%")) < 50 < float(rtl.groups[0].label_x.rstrip("%"))
    first_ltr = float(ltr.groups[0].columns[0].x.rstrip("%"))
    first_rtl = float(rtl.groups[0].columns[0].x.rstrip("%"))
    width = float(ltr.groups[0].columns[0].width.rstrip("%"))
    assert first_rtl == pytest.approx(100 - first_ltr - width, abs=0.01)
    assert (ltr.tick_dx, rtl.tick_dx) == (2, -2)


def test_the_figures_page_draws_its_charts_the_readers_way(client, approver, kenya):
    AssistanceRequestFactory(
        country=kenya,
        status=AssistanceRequest.Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
    )
    arabic = _html(_in(client, approver, "ar"), reverse("figures"))
    assert 'direction="rtl"' in arabic
    assert '<text class="chart-label" x="100%"' in arabic
    english = _html(_in(client, approver, "en"), reverse("figures"))
    assert 'direction="ltr"' in english
    assert '<text class="chart-label" x="0"' in english


def test_a_dashboard_row_isolates_the_reference_and_the_title_in_arabic(
    client, desk_officer, submitted
):
    """An English title next to a reference, in an Arabic sentence: each keeps its
    own direction, so the title does not wrap around the reference."""
    html = _html(_in(client, desk_officer, "ar"), reverse("dashboard"))
    assert f"\u2068{submitted.reference}\u2069 · \u2068{submitted.title}\u2069</a>" in html
    html = _html(_in(client, desk_officer, "en"), reverse("dashboard"))
    assert f">{submitted.reference} · {submitted.title}</a>" in html

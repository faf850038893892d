"""Dates, times, numbers, money and lists as each of the six languages writes them
(``tcp.l10n``), and the template filters that show them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from tcp import l10n

NBSP, NNBSP, RLM, LRM = "\u00a0", "\u202f", "\u200f", "\u200e"
DAY = datetime.date(2026, 12, 7)
# 14:05 UTC, written in another zone: shown in UTC all the same.
MOMENT = datetime.datetime(
    2026, 12, 7, 17, 5, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=3))
)
LANGUAGES = ["en", "fr", "es", "ar", "zh-hans", "ru"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "7 Dec 2026"),
        ("fr", "7 déc. 2026"),
        ("es", "7 dic 2026"),
        ("ar", "7 ديسمبر 2026"),
        ("zh-hans", "2026年12月7日"),
        ("ru", f"7 дек. 2026{NNBSP}г."),
    ],
)
def test_a_day_is_written_day_month_year_the_locales_way(lang, expected):
    assert l10n.day(DAY, lang=lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "7 December 2026"),
        ("fr", "7 décembre 2026"),
        ("es", "7 de diciembre de 2026"),
        ("ar", "7 ديسمبر 2026"),
        ("zh-hans", "2026年12月7日"),
        ("ru", f"7 декабря 2026{NNBSP}г."),
    ],
)
def test_a_long_day_spells_the_month(lang, expected):
    assert l10n.day(DAY, "long", lang=lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "7 Dec 2026, 14:05 UTC"),
        ("fr", "7 déc. 2026, 14:05 TU"),
        ("es", "7 dic 2026, 14:05 UTC"),
        ("ar", "7 ديسمبر 2026، 14:05 التوقيت العالمي"),
        ("zh-hans", "2026年12月7日 14:05 UTC"),
        ("ru", f"7 дек. 2026{NNBSP}г., 14:05 UTC"),
    ],
)
def test_a_moment_is_shown_in_utc_and_says_so(lang, expected):
    assert l10n.moment(MOMENT, lang=lang) == expected


def test_the_access_log_keeps_the_seconds():
    assert l10n.moment(MOMENT, seconds=True, lang="en") == "7 Dec 2026, 14:05:09 UTC"


def test_a_moment_late_in_the_day_elsewhere_is_the_next_day_in_utc():
    evening_in_lima = datetime.datetime(
        2026, 12, 6, 21, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
    )
    assert l10n.day(evening_in_lima, lang="en") == "7 Dec 2026"
    assert l10n.moment(evening_in_lima, lang="en") == "7 Dec 2026, 02:30 UTC"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "US$ 1,234,567.50"),
        ("fr", f"1{NNBSP}234{NNBSP}567,50{NBSP}$US"),
        ("es", f"1.234.567,50{NBSP}US$"),
        ("ar", f"{RLM}1,234,567.50{NBSP}US${LRM}"),
        ("zh-hans", "US$1,234,567.50"),
        ("ru", f"1{NBSP}234{NBSP}567,50{NBSP}$"),
    ],
)
def test_money_is_us_dollars_in_the_locales_currency_pattern(lang, expected):
    assert l10n.money(Decimal("1234567.5"), lang=lang) == expected


def test_negative_money_and_cents():
    assert l10n.money(Decimal("-0.03"), lang="en") == "-US$ 0.03"
    assert l10n.money(Decimal("5000.005"), lang="en") == "US$ 5,000.01"
    assert l10n.money(None) == ""


@pytest.mark.parametrize(
    ("lang", "whole", "fraction", "share"),
    [
        ("en", "12,345", "1,234.5", "45%"),
        ("fr", f"12{NNBSP}345", f"1{NNBSP}234,5", f"45{NBSP}%"),
        ("es", "12.345", "1.234,5", f"45{NBSP}%"),
        ("ar", "12,345", "1,234.5", "45%"),
        ("zh-hans", "12,345", "1,234.5", "45%"),
        ("ru", f"12{NBSP}345", f"1{NBSP}234,5", f"45{NBSP}%"),
    ],
)
def test_numbers_and_percentages(lang, whole, fraction, share):
    assert l10n.number(12345, lang=lang) == whole
    assert l10n.number(Decimal("1234.50"), lang=lang) == fraction
    assert l10n.percent(45, lang=lang) == share


def test_arabic_writes_western_digits():
    written = "".join(
        [
            l10n.day(DAY, lang="ar"),
            l10n.moment(MOMENT, lang="ar"),
            l10n.money(Decimal("9876.54"), lang="ar"),
            l10n.number(Decimal("1234567.89"), lang="ar"),
            l10n.percent(12, lang="ar"),
        ]
    )
    assert not any("\u0660" <= c <= "\u0669" or "\u06f0" <= c <= "\u06f9" for c in written)
    assert "9,876.54" in written


def test_numbers_keep_what_they_hold_up_to_two_decimals():
    assert l10n.number(Decimal("41.50"), lang="en") == "41.5"
    assert l10n.number(Decimal("1320.00"), lang="en") == "1,320"
    assert l10n.number(Decimal("0.125"), lang="en") == "0.13"
    assert l10n.number(Decimal("1320"), 2, lang="en") == "1,320.00"
    assert l10n.percent(Decimal("12.5"), 1, lang="fr") == f"12,5{NBSP}%"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Kenya, Uganda and Peru"),
        ("fr", "Kenya, Uganda et Peru"),
        ("es", "Kenya, Uganda y Peru"),
        ("ar", "Kenya وUganda وPeru"),
        ("zh-hans", "Kenya、Uganda和Peru"),
        ("ru", "Kenya, Uganda и Peru"),
    ],
)
def test_lists_use_the_locales_pattern(lang, expected):
    assert l10n.join(["Kenya", "Uganda", "Peru"], lang=lang) == expected


def test_long_names_are_listed_with_the_scripts_semicolon():
    names = ["Economic, social and cultural rights", "Women's rights"]
    assert l10n.join(names, "semicolon", lang="en") == (
        "Economic, social and cultural rights; Women's rights"
    )
    assert l10n.join(names, "semicolon", lang="ar") == (
        "Economic, social and cultural rights؛ Women's rights"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", f"1.5{NBSP}MB"),
        ("fr", f"1,5{NNBSP}Mo"),
        ("ar", f"1.5{NBSP}م.ب"),
        ("ru", f"1,5{NBSP}МБ"),
    ],
)
def test_file_sizes(lang, expected):
    assert l10n.filesize(1572864, lang=lang) == expected


def test_small_files_count_their_bytes():
    assert l10n.filesize(100, lang="en") == f"100{NBSP}bytes"
    assert l10n.filesize(2 * 1024 * 1024, lang="en") == f"2{NBSP}MB"


def test_compact_chart_labels():
    assert l10n.compact(1_250_000, lang="en") == "1.2m"
    assert l10n.compact(12_000, lang="fr") == f"12{NBSP}k"
    assert l10n.compact(950, lang="ar") == "950"


def test_a_period_is_written_once_where_it_can():
    start, end = datetime.date(2026, 5, 4), datetime.date(2026, 5, 8)
    assert l10n.period(start, end, lang="en") == "4\u2009–\u20098 May 2026"
    assert l10n.period(start, end, lang="fr") == "4–8 mai 2026"
    assert l10n.period(start, None, lang="en") == "4 May 2026 – …"


def test_plain_text_isolates_latin_tokens_only_in_right_to_left_languages():
    assert l10n.isolate("TCR-2026-KEN-004", lang="en") == "TCR-2026-KEN-004"
    assert l10n.isolate("TCR-2026-KEN-004", lang="ar") == "\u2068TCR-2026-KEN-004\u2069"
    assert l10n.arrow(lang="en") == "→"
    assert l10n.arrow(lang="ar") == "←"
    assert l10n.arrow(back=True, lang="ar") == "→"


def test_the_active_language_is_followed():
    with translation.override("fr"):
        assert l10n.money(Decimal(12)) == f"12,00{NBSP}$US"
    with translation.override("ar"):
        assert l10n.is_rtl()
    assert l10n.money(Decimal(12)) == "US$ 12.00"


# --- the template filters ---


def _render(source: str, lang: str, **context) -> str:
    with translation.override(lang):
        return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_filters_render_what_the_module_writes(lang):
    html = _render(
        "{{ d|day }}|{{ d|day:'long' }}|{{ t|moment }}|{{ a|money }}|{{ n|number }}"
        "|{{ p|percent }}|{{ s|filesize }}|{{ d|period:e }}",
        lang,
        d=DAY,
        e=datetime.date(2027, 1, 8),
        t=MOMENT,
        a=Decimal("12000"),
        n=12345,
        p=45,
        s=2048,
    )
    with translation.override(lang):
        expected = "|".join(
            [
                l10n.day(DAY),
                l10n.day(DAY, "long"),
                l10n.moment(MOMENT),
                f"<bdi>{l10n.money(Decimal('12000'))}</bdi>",
                l10n.number(12345),
                l10n.percent(45),
                l10n.filesize(2048),
                l10n.period(DAY, datetime.date(2027, 1, 8)),
            ]
        )
    # Escaped as HTML; none of these holds a character HTML escapes.
    assert html == expected


def test_empty_values_show_nothing_so_default_applies():
    html = _render(
        "{{ x|day|default:'—' }} {{ x|moment|default:'—' }} {{ x|money }}.", "en", x=None
    )
    assert html == "— — ."


def test_money_is_isolated_in_html_and_in_arabic_plain_text():
    assert _render("{{ a|money }}", "en", a=Decimal("5")) == "<bdi>US$ 5.00</bdi>"
    text = _render("{% autoescape off %}{{ a|money }}{% endautoescape %}", "ar", a=Decimal("5"))
    assert text == f"\u2068{RLM}5.00{NBSP}US${LRM}\u2069"


def test_bdi_isolates_and_escapes():
    assert _render("{{ r|bdi }}", "ar", r="TCR-2026-KEN-004") == "<bdi>TCR-2026-KEN-004</bdi>"
    assert _render("{{ r|bdi }}", "en", r="<b>") == "<bdi>&lt;b&gt;</bdi>"
    assert _render("{{ r|bdi }}", "en", r="") == ""
    # In a plain-text e-mail, Unicode's isolates instead of markup.
    text = _render("{% autoescape off %}{{ r|bdi }}{% endautoescape %}", "ar", r="a@b.org")
    assert text == "\u2068a@b.org\u2069"


def test_listing_escapes_and_isolates_each_item_in_arabic():
    items = ["Kenya", "<Uganda>"]
    assert _render("{{ items|listing }}", "en", items=items) == "Kenya and &lt;Uganda&gt;"
    assert _render("{{ items|listing }}", "ar", items=items) == (
        "<bdi>Kenya</bdi> و<bdi>&lt;Uganda&gt;</bdi>"
    )
    assert _render("{{ items|listing|default:'—' }}", "en", items=[]) == "—"


def test_arrows_point_the_reading_way():
    assert _render("a {% arrow %} b", "en") == "a → b"
    assert _render("a {% arrow %} b", "ar") == "a ← b"

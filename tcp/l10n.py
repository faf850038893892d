"""Dates, times, numbers, money and lists as people read them, in the active language.

One place for every format a person reads (pages, e-mails, PDFs, notifications,
messages, chart labels), built on Babel's CLDR data, so that a French reader
sees "12 000,00 $US" and "7 déc. 2026" where an English one sees
"US$ 12,000.00" and "7 Dec 2026". Machines keep their own formats: ``<time
datetime>`` attributes, form values, CSV/XLSX cells and IATI XML never come
through here.

The rules of the house, on top of CLDR:

- English is the UN's: British (day month year, "7 Dec 2026", no serial comma),
  and money as the product has always written it, "US$ 12,000.00".
- Arabic writes Western digits (0-9), as UN Arabic documents do, with the
  locale's separators, signs and direction marks.
- The product stores and shows UTC: a time always says so ("14:05 UTC").
- Money is US dollars, in the locale's currency pattern.

Every function follows the active language (``translation.override`` for an
e-mail or a PDF in its reader's language) unless ``lang`` names one.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel import units as babel_units
from django.conf import settings
from django.utils import translation

UTC = datetime.UTC
CURRENCY = "USD"
# Western digits in every language, Arabic included.
DIGITS = "latn"

# Django's language code -> the CLDR locale whose conventions it follows.
_LOCALES = {"en": "en_GB", "zh-hans": "zh_Hans_CN", "zh-hant": "zh_Hant_TW"}
# The product's English money: the currency code before the amount, with a space.
_MONEY_PATTERNS = {"en": "¤ #,##0.00;-¤ #,##0.00"}
# Lists of long names that may hold commas themselves ("Economic, social and
# cultural rights"): one semicolon between items, in the script's own form.
_SEMICOLONS = {"ar": "؛ ", "zh-hans": "；", "zh-hant": "；"}
_COMMAS = {"ar": "، ", "zh-hans": "，", "zh-hant": "，"}

# U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE: the plain-text
# <bdi>, for messages and e-mail subjects where no markup is allowed.
FSI, PDI = "\u2068", "\u2069"
NBSP = "\u00a0"


def language(lang: str | None = None) -> str:
    return (lang or translation.get_language() or settings.LANGUAGE_CODE).lower()


@functools.cache
def _locale(lang: str) -> Locale:
    code = _LOCALES.get(lang, lang.replace("-", "_"))
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_LOCALES["en"])


def locale(lang: str | None = None) -> Locale:
    """The Babel locale of ``lang`` (the active language by default)."""
    return _locale(language(lang))


def is_rtl(lang: str | None = None) -> bool:
    return locale(lang).text_direction == "rtl"


# --- dates and times ---


def _utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def day(
    value: datetime.date | datetime.datetime | None,
    length: str = "medium",
    *,
    lang: str | None = None,
) -> str:
    """A calendar day: "7 Dec 2026" ("medium") or "7 December 2026" ("long").

    A moment in time is shown as its day in UTC, the day the product's due dates
    and deadlines are counted in.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = _utc(value).date()
    if not isinstance(value, datetime.date):
        return str(value)
    loc = locale(lang)
    if length == "long":
        return babel_dates.format_date(value, "long", locale=loc)
    return babel_dates.format_skeleton("yMMMd", value, locale=loc)


def time_of_day(value: datetime.datetime, *, seconds: bool = False, lang: str | None = None) -> str:
    """ "14:05 UTC": 24-hour clock and the zone, named the locale's way."""
    pattern = "HH:mm:ss z" if seconds else "HH:mm z"
    return babel_dates.format_time(_utc(value), pattern, tzinfo=UTC, locale=locale(lang))


def moment(
    value: datetime.datetime | datetime.date | None,
    *,
    seconds: bool = False,
    lang: str | None = None,
) -> str:
    """A point in time with its zone: "7 Dec 2026, 14:05 UTC" (with ``seconds``,
    "14:05:09 UTC", for the access log)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return day(value, lang=lang)
    loc = locale(lang)
    glue = babel_dates.get_datetime_format("medium", locale=loc)
    return glue.replace("{1}", day(value, lang=lang)).replace(
        "{0}", time_of_day(value, seconds=seconds, lang=lang)
    )


def period(
    start: datetime.date | None, end: datetime.date | None, *, lang: str | None = None
) -> str:
    """A span of days, "7–9 Dec 2026" or "7 Dec 2026 – 3 Jan 2027", the locale's way;
    an open end is "…"."""
    if start and end:
        return babel_dates.format_interval(start, end, "yMMMd", locale=locale(lang))
    return f"{day(start, lang=lang) or '…'} – {day(end, lang=lang) or '…'}"


# --- numbers ---


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _round(amount: Decimal, places: int) -> Decimal:
    # Half up, as people and accountants round (Decimal's default is half even).
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: Any, places: int | None = None, *, lang: str | None = None) -> str:
    """A number grouped the locale's way: "1,234.5" (en), "1 234,5" (fr).

    ``places`` fixes the decimals; without it a value shows what it holds, up to
    two decimals, with no trailing zeros.
    """
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if places is None:
        pattern, places = "#,##0.##", 2
    else:
        pattern = "#,##0." + "0" * places if places > 0 else "#,##0"
    return babel_numbers.format_decimal(
        _round(amount, places), pattern, locale=locale(lang), numbering_system=DIGITS
    )


def percent(value: Any, places: int = 0, *, lang: str | None = None) -> str:
    """Percentage points (45 for 45 %) with the locale's sign and spacing: "45%",
    "45 %" (fr)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    ratio = _round(amount / 100, places + 2)
    return babel_numbers.format_percent(
        ratio, locale=locale(lang), decimal_quantization=False, numbering_system=DIGITS
    )


def money(value: Any, *, lang: str | None = None) -> str:
    """An amount of US dollars: "US$ 12,000.00", "12 000,00 $US", "‏12,000.00 US$"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    code = language(lang)
    loc = locale(code)
    pattern = _MONEY_PATTERNS.get(code)
    if pattern is None and loc.text_direction == "rtl":
        # "US$" ends in a neutral sign: in a right-to-left line the "$" would
        # jump to the other side of "US". A left-to-right mark after the symbol
        # keeps it whole, as the locale's own marks keep its signs in place.
        pattern = loc.currency_formats["standard"].pattern.replace("¤", "¤\u200e")
    return babel_numbers.format_currency(
        _round(amount, 2), CURRENCY, format=pattern, locale=loc, numbering_system=DIGITS
    )


def compact(value: Any, *, lang: str | None = None) -> str:
    """A short number for a chart's axis or bar: "950", "12k", "1.2m", "1,2 M" (fr)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return babel_numbers.format_compact_decimal(
        amount, locale=locale(lang), fraction_digits=1, numbering_system=DIGITS
    )


_SIZES = (("digital-gigabyte", 1024**3), ("digital-megabyte", 1024**2), ("digital-kilobyte", 1024))


def filesize(value: Any, *, lang: str | None = None) -> str:
    """A file's size in the locale's units: "1.5 MB", "1,5 Mo" (fr), "512 بايت" (ar)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    unit, shown, length = "digital-byte", amount, "long"  # "100 bytes", not "100 byte"
    for name, size in _SIZES:
        if abs(amount) >= size:
            unit, shown, length = name, _round(amount / size, 1), "short"
            break
    text = babel_units.format_unit(
        shown, unit, length=length, locale=locale(lang), numbering_system=DIGITS
    )
    # The number and its unit stay on one line.
    return text.replace(" ", NBSP)


# --- lists and directions ---


def join(items: Iterable[Any], style: str = "standard", *, lang: str | None = None) -> str:
    """Items joined the locale's way: "Kenya, Uganda and Peru", "كينيا وأوغندا".

    ``style`` is a CLDR list style ("standard": and, "or": or), or "semicolon"
    for long names that hold commas themselves.
    """
    words = [str(item) for item in items]
    if not words:
        return ""
    code = language(lang)
    if style == "semicolon":
        return _SEMICOLONS.get(code, "; ").join(words)
    return babel_lists.format_list(words, style=style, locale=locale(code))


def comma(*, lang: str | None = None) -> str:
    """The comma between two parts of one phrase ("Ana Silva, 7 Dec 2026"): the
    Arabic comma in Arabic, the full-width one in Chinese."""
    return _COMMAS.get(language(lang), ", ")


def arrow(back: bool = False, *, lang: str | None = None) -> str:
    """The arrow that points forward in the reading direction (from a step to the
    next: "→", "←" in Arabic), or back."""
    return "←" if is_rtl(lang) != back else "→"


def isolate(text: Any, *, lang: str | None = None) -> str:
    """``text`` isolated from the words around it, for plain text in a right-to-left
    language (a reference or an e-mail address in an Arabic sentence); unchanged
    in the others. In HTML use ``<bdi>`` (the ``bdi`` filter) instead."""
    text = "" if text is None else str(text)
    if not text or not is_rtl(lang):
        return text
    return f"{FSI}{text}{PDI}"


def titled(reference: Any, title: Any, *, lang: str | None = None) -> str:
    """ "REF · Title" as plain text, each part isolated in a right-to-left language,
    so an English title does not run into the reference on an Arabic page."""
    return f"{isolate(reference, lang=lang)} · {isolate(title, lang=lang)}"

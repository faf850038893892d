"""Template filters for what people read, in the active language (``tcp.l10n``).

Loaded in every template (a builtin of the template engine, ``tcp.settings``):

    {{ d|day }}            7 Dec 2026          {{ d|day:"long" }}  7 December 2026
    {{ dt|moment }}        7 Dec 2026, 14:05 UTC
    {{ start|period:end }} 4–8 May 2026
    {{ amount|money }}     <bdi>US$ 12,000.00</bdi>       {{ n|number }}      1,234.5
    {{ p|percent }}        45% (p in percentage points)
    {{ bytes|filesize }}   1.5 MB
    {{ names|listing }}    Kenya, Uganda and Peru  ({{ names|listing:"semicolon" }}: a; b)
    {{ ref|bdi }}          <bdi>TCR-2026-KEN-004</bdi>
    {% arrow %}            → (← in a right-to-left language); {% arrow "back" %} the other way
    {% comma %}            ", " between two parts of a phrase ("، " in Arabic, "，" in Chinese)

Machine formats stay on Django's ``date`` filter: ``<time datetime="{{ dt|date:'c' }}">``
and the ``Y-m-d`` value of a date input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tcp import l10n

register = template.Library()


@register.filter
def day(value: Any, length: str = "medium") -> str:
    return l10n.day(value, length)


@register.filter
def moment(value: Any, precision: str = "") -> str:
    return l10n.moment(value, seconds=precision == "seconds")


@register.filter
def period(start: Any, end: Any) -> str:
    return l10n.period(start or None, end or None)


@register.filter(is_safe=True, needs_autoescape=True)
def money(value: Any, autoescape: bool = True) -> SafeString | str:
    """An amount isolated (``<bdi>``) in HTML: in Arabic its number, sign and
    currency read as one token whatever words surround it."""
    return bdi(l10n.money(value), autoescape)


@register.filter
def number(value: Any, places: Any = None) -> str:
    return l10n.number(value, None if places in (None, "") else int(places))


@register.filter
def percent(value: Any, places: Any = 0) -> str:
    return l10n.percent(value, int(places or 0))


@register.filter
def filesize(value: Any) -> str:
    return l10n.filesize(value)


@register.filter(is_safe=True, needs_autoescape=True)
def bdi(value: Any, autoescape: bool = True) -> SafeString | str:
    """``value`` isolated from the text around it: a reference, an e-mail address, a
    file name or a Latin-script name keeps its own direction in an Arabic
    sentence, and the punctuation next to it stays where it belongs. In plain
    text (an e-mail's text part) the same, with Unicode's isolate marks."""
    if value is None or value == "":
        return ""
    if not autoescape:
        return l10n.isolate(value)
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag
def arrow(way: str = "") -> str:
    """``{% arrow %}`` points forward in the reading direction (→, ← in Arabic);
    ``{% arrow "back" %}`` points back."""
    return l10n.arrow(back=way == "back")


@register.simple_tag
def comma() -> str:
    """``{{ who|bdi }}{% comma %}{{ when|day }}``: the locale's comma between them."""
    return l10n.comma()


@register.filter(is_safe=True, needs_autoescape=True)
def listing(items: Iterable[Any] | None, style: str = "standard", autoescape: bool = True) -> str:
    """Items joined with the locale's list pattern (each isolated in right-to-left
    pages, so that a Latin name does not pull the separators around it)."""
    if not items:
        return ""
    if not autoescape:
        return l10n.join([l10n.isolate(item) for item in items], style)
    rtl = l10n.is_rtl()
    words = [
        format_html("<bdi>{}</bdi>", item) if rtl else conditional_escape(item) for item in items
    ]
    return mark_safe(l10n.join(words, style))  # noqa: S308 - items escaped; CLDR's words

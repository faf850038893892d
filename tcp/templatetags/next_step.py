"""``{% next_step record %}``: who takes the record's next step, when the reader
cannot (``tcp.next_step``), beside the record's status on every record page."""

from __future__ import annotations

from typing import Any

from django import template

from tcp.next_step import waiting_on

register = template.Library()


@register.inclusion_tag("includes/next_step.html", takes_context=True)
def next_step(context: Any, record: Any) -> dict[str, Any]:
    request = context.get("request")
    if record is None or request is None:
        return {"sentences": []}
    return {"sentences": waiting_on(record, request.user)}

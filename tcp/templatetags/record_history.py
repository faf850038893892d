"""``{% record_history_url record %}``: the address of a record's history page, for
the "History" link of its page, when the reader may open it (its page's selector
lets everyone who reads the page see the history; without a declared page, only
auditors and administrators)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def record_history_url(context: Any, record: Any) -> str:
    from tcp.history_views import VIEW_HISTORY, history_sources

    request = context.get("request")
    if record is None or request is None or not hasattr(type(record), "history"):
        return ""
    label = record._meta.label_lower
    declared = any(src.model._meta.label_lower == label for src in history_sources())
    if not declared and not request.user.has_perm(VIEW_HISTORY):
        return ""
    return reverse("record_history", args=[label, record.pk])

"""Telling people about lifecycle events.

After a transition commits, a task writes to the people who can act on the
record now (the desk officer when a request arrives, the approver when it
awaits a decision, the government when a question is put to it) and to the
government when a decision concerns it. Each person gets each event once,
whatever the retries (see ``Notification``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcp.lifecycle import lifecycle_for
from tcp.models import Notification, StatusChange
from tcp.scoping import people_working_on, scope_for


def recipients(event: StatusChange) -> list[tuple[Any, bool]]:
    """(person, sees internal notes) for everyone the event should reach."""
    lifecycle = lifecycle_for(event.content_type.model_class())
    obj = lifecycle.model._default_manager.get(pk=event.object_id)
    transition = lifecycle.transition(event.action)
    country_ids = lifecycle.countries_of(obj)
    found = []
    for person in people_working_on(country_ids).order_by("pk"):
        if person == event.by:
            continue
        scope = scope_for(person)
        is_ohchr = any(scope.is_ohchr_for(c) for c in country_ids)
        if not lifecycle.in_scope(obj, person):
            continue
        informed = transition.inform_government and not is_ohchr
        if informed or lifecycle.available(obj, person):
            found.append((person, is_ohchr))
    return found


def send_status_change_notifications(event_id: int) -> int:
    """Send what is still unsent for one event; returns how many were sent now."""
    event = StatusChange.objects.select_related("content_type", "by").get(pk=event_id)
    lifecycle = lifecycle_for(event.content_type.model_class())
    obj = lifecycle.model._default_manager.get(pk=event.object_id)
    transition = lifecycle.transition(event.action)
    sent = 0
    for person, is_ohchr in recipients(event):
        if not person.email:
            continue
        subject = (
            f"[{getattr(obj, 'reference', obj)}] {transition.label}: {obj.get_status_display()}"
        )
        with transaction.atomic():
            note, _created = Notification.objects.select_for_update().get_or_create(
                status_change=event, recipient=person, defaults={"subject": subject[:300]}
            )
            if note.sent_at is not None:
                continue
            send_mail(
                subject,
                _body(obj, event, transition, show_note=is_ohchr or transition.note_shared),
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
            )
            note.sent_at = timezone.now()
            note.save(update_fields=["sent_at"])
            sent += 1
    return sent


def _body(obj: Any, event: StatusChange, transition: Any, *, show_note: bool) -> str:
    lines = [
        f"{obj}",
        _("%(action)s by %(who)s on %(when)s.")
        % {
            "action": transition.label,
            "who": event.by or _("the system"),
            "when": event.at.strftime("%d %b %Y %H:%M UTC"),
        },
    ]
    if show_note and event.note:
        lines += ["", event.note]
    url = getattr(obj, "get_absolute_url", None)
    if url is not None:
        lines += ["", f"{settings.TCP_SITE_URL.rstrip('/')}{url()}"]
    return "\n".join(lines)

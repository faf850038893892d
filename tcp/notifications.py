"""Telling people about lifecycle events.

The lifecycle publishes each transition (``tcp.events``); ``plan`` below,
subscribed when the core app is ready, decides in the same transaction who
hears of it: the people who can act on the record now (the desk officer when
a request arrives, the approver when it awaits a decision, the government
when a question is put to it) and the government when a decision concerns
it. Who, and what they are told, is fixed from the event as it happened, as
``Notification`` rows; the sending happens after commit, in a task. A failed
sending never undoes or breaks the change: the rows stay unsent and the
worker tries again (``send_pending``, on the beat schedule). Each person gets
each event once, whatever the retries.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from tcp import l10n, mail
from tcp.audience import audience_of
from tcp.lifecycle import Transition, lifecycle_for
from tcp.models import Email, Notification, StatusChange
from tcp.reminders import email_for
from tcp.scoping import people_working_on

logger = logging.getLogger(__name__)

# Unsent notifications older than this are picked up again by ``send_pending``.
RETRY_AFTER = datetime.timedelta(minutes=5)


def recipients(event: StatusChange, obj: Any, transition: Transition) -> list[Any]:
    """Everyone the event concerns, judged on the record as the event left it.

    OHCHR staff hear of a step when it hands them the next one (a decision
    to take, findings to validate): a destructive action they could always
    take (cancel, decline) is not a reason to write. A government hears only
    of the steps meant for it (``inform_government``: a question, a decision,
    a programme to accept), never of OHCHR's internal review.
    """
    lifecycle = lifecycle_for(type(obj))
    country_ids = lifecycle.countries_of(obj)
    found = []
    for person in people_working_on(country_ids).order_by("pk"):
        if person == event.by or not lifecycle.in_scope(obj, person):
            continue
        if audience_of(person, country_ids).internal:
            concerned = any(not t.dangerous for t in lifecycle.available(obj, person))
        else:
            concerned = transition.inform_government
        if concerned:
            found.append(person)
    return found


def subject_of(event: StatusChange, obj: Any, transition: Transition) -> str:
    """The step and the state it led to, as they were: never the record's later status."""
    statuses = dict(type(obj)._meta.get_field("status").choices)
    status = statuses.get(event.to_status, event.to_status)
    step = (
        transition.label
        if str(transition.label) == str(status)
        else f"{transition.label}: {status}"
    )
    return f"[{l10n.isolate(getattr(obj, 'reference', obj))}] {step}"[:300]


def plan(event: StatusChange, obj: Any, transition: Transition) -> None:
    """Subscriber of lifecycle events: write who is to be told, send after commit."""
    url = mail.record_url(obj)
    notes = []
    for person in recipients(event, obj, transition):
        # In the recipient's language, as the event was (the labels are lazy).
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = subject_of(event, obj, transition)
        notes.append(
            Notification(
                status_change=event,
                recipient=person,
                subject=subject,
                url=url,
                email=email_for(person, Notification.KIND),
            )
        )
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    transaction.on_commit(lambda: queue(event.pk))


def queue(event_id: int) -> None:
    """Hand the sending to the worker; with eager tasks, send now. Never raises:
    the change is committed, and what fails to go out is retried later."""
    from tcp.tasks import send_event_notifications  # tasks import this module

    try:
        send_event_notifications.delay(event_id)
    except Exception:
        logger.exception("Notifications of event %s not sent now; they will be retried", event_id)


def send_event(event_id: int) -> int:
    """Send what is still unsent for one event; returns how many were sent now.

    Raises the mail transport's error after the first failure, so the task
    retries; what was sent before it stays sent.
    """
    sent = 0
    pending = Notification.objects.filter(
        status_change_id=event_id, sent_at__isnull=True, email=Email.NOW
    )
    for pk in pending.values_list("pk", flat=True):
        sent += _send_one(pk)
    return sent


def send_pending(now: datetime.datetime | None = None) -> int:
    """The retry sweep: every notification left unsent for a while."""
    cutoff = (now or timezone.now()) - RETRY_AFTER
    events = (
        Notification.objects.filter(
            sent_at__isnull=True, email=Email.NOW, status_change__at__lt=cutoff
        )
        .values_list("status_change_id", flat=True)
        .distinct()
    )
    return sum(send_event(event_id) for event_id in list(events))


def _send_one(pk: int) -> int:
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "status_change__content_type", "status_change__by")
            .get(pk=pk)
        )
        if note.sent_at is not None:
            return 0
        event = note.status_change
        lifecycle = lifecycle_for(event.content_type.model_class())
        obj = lifecycle.model._default_manager.get(pk=event.object_id)
        transition = lifecycle.transition(event.action)
        internal = audience_of(note.recipient, lifecycle.countries_of(obj)).internal
        show_note = internal or transition.note_shared
        mail.send_event(
            note,
            title=str(obj),
            action=transition.label,
            by=event.by,
            at=event.at,
            text=event.note if show_note else "",
        )
        note.sent_at = timezone.now()
        note.save(update_fields=["sent_at"])
    return 1

"""Reminders: what is due, told once to the people it concerns.

Each stage registers its kinds of reminder here when its app is ready
(``register``); the core imports no app. A kind says which records are due
today (``pending``), the date each is due (``due_on``) and who is told
(``recipients``). The sweep (``sweep``, run by Celery beat and by
``manage.py send_reminders``):

1. writes a ``Dispatch`` row per record, kind, due date and person, with
   ``INSERT … ON CONFLICT DO NOTHING``: a second sweep, or two at once,
   write nothing new;
2. claims the pending rows (``SELECT … FOR UPDATE SKIP LOCKED``), with a
   claim older than ``RECLAIM_AFTER`` taken over, so a worker killed between
   claiming and sending loses nothing;
3. delivers each claimed row (``deliver``), under a row lock and only with
   the claim it was given: the record is judged again, and a reminder whose
   condition has cleared is not sent; otherwise it is e-mailed now, kept for
   the daily digest, or, for a muted kind, only listed in the application.

An item overdue by ``TCP_REMIND_ESCALATE_AFTER_DAYS`` more is also sent, once,
to the programme approvers (the desk officers' supervisor role).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from tcp import mail
from tcp.models import Dispatch, Email
from tcp.roles import Role, role_group, roles_of

logger = logging.getLogger(__name__)

S = Dispatch.Status


@dataclass(frozen=True)
class Reminder:
    """One kind of reminder, registered by the stage whose records it watches.

    ``pending(today)`` is the condition: the records due a reminder today. It
    is asked again for each record before sending, so a record that left it
    (acknowledged, answered, done) is not reminded. ``due_on(record)`` is the
    date the reminder is about (part of its key: a new due date is a new
    reminder). ``recipients(record)`` are the people told.
    """

    code: str
    label: str | Promise
    pending: Callable[[datetime.date], QuerySet]
    due_on: Callable[[Any], datetime.date]
    recipients: Callable[[Any], Iterable[Any]]
    # Overdue items are escalated to the approvers once long overdue.
    escalates: bool = False
    # A government cannot mute it (an overdue action of its own State).
    compulsory_for_government: bool = False
    # The roles it is sent to, so a person's settings offer only what may reach
    # them (empty: anyone). The approvers receive escalations of every kind.
    roles: frozenset = frozenset()
    # How the e-mail names and links the record, for records without a
    # ``reference`` or a page of their own (a grant: its programme's).
    reference: Callable[[Any], str] | None = None
    url: Callable[[Any], str] | None = None

    def may_reach(self, roles: set) -> bool:
        return (
            not self.roles
            or bool(self.roles & roles)
            or (self.escalates and Role.PROGRAMME_APPROVER in roles)
        )

    def still_due(self, pk: int, due_on: datetime.date, today: datetime.date) -> Model | None:
        """The record, if it is still due by ``due_on`` today (else None)."""
        found = self.pending(today).filter(pk=pk).first()
        # A record still due, but by another date, has another reminder.
        return found if found is not None and self.due_on(found) == due_on else None

    def reference_of(self, record: Any) -> str:
        return self.reference(record) if self.reference else mail.reference_of(record)

    def url_of(self, record: Any) -> str:
        return self.url(record) if self.url else mail.record_url(record)


_kinds: dict[str, Reminder] = {}


def register(reminder: Reminder) -> None:
    if reminder.code in _kinds and _kinds[reminder.code] != reminder:
        raise ValueError(f"Two reminders registered as {reminder.code!r}")
    _kinds[reminder.code] = reminder


def kinds() -> list[Reminder]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def kind(code: str) -> Reminder | None:
    return _kinds.get(code)


def threshold(name: str) -> int:
    """A threshold in days (or months), from ``settings.TCP_REMINDERS``."""
    return int(settings.TCP_REMINDERS[name])


def escalation_after() -> datetime.timedelta:
    return datetime.timedelta(days=threshold("ESCALATE_AFTER_DAYS"))


def reclaim_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TCP_REMINDER_RECLAIM_MINUTES)


def supervisors() -> QuerySet:
    """Who an item long overdue is escalated to: the programme approvers."""
    return (
        get_user_model()
        .objects.filter(groups=role_group(Role.PROGRAMME_APPROVER), is_active=True)
        .order_by("pk")
    )


@dataclass(frozen=True)
class Due:
    """One reminder the sweep would write: a record, its kind, when, to whom."""

    reminder: Reminder
    record: Model
    due_on: datetime.date
    recipient: Any
    escalation: bool = False

    def key(self) -> tuple:
        ct = ContentType.objects.get_for_model(self.record)
        return (
            ct.pk,
            self.record.pk,
            self.reminder.code,
            self.due_on,
            self.recipient.pk,
            self.escalation,
        )


def due_today(today: datetime.date, only: Sequence[str] = ()) -> list[Due]:
    """Every reminder the records call for today, before looking at what was sent."""
    found: list[Due] = []
    people: list[Any] | None = None
    for reminder in kinds():
        if only and reminder.code not in only:
            continue
        for record in reminder.pending(today):
            due_on = reminder.due_on(record)
            seen = set()
            for person in reminder.recipients(record):
                if person.pk in seen or not person.is_active:
                    continue
                seen.add(person.pk)
                found.append(Due(reminder, record, due_on, person))
            if reminder.escalates and today >= due_on + escalation_after():
                if people is None:
                    people = list(supervisors())
                found += [Due(reminder, record, due_on, p, escalation=True) for p in people]
    return found


def write(found: Iterable[Due]) -> None:
    """The dispatch rows, once each whatever runs at the same time."""
    rows = []
    for d in found:
        ct = ContentType.objects.get_for_model(d.record)
        rows.append(
            Dispatch(
                content_type=ct,
                object_id=d.record.pk,
                kind=d.reminder.code,
                due_on=d.due_on,
                recipient=d.recipient,
                escalation=d.escalation,
            )
        )
    Dispatch.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


# A sweep claims this many rows at a time, so that sweeps running at once share
# the work, and a worker that dies holds back only what it had claimed.
CLAIM_BATCH = 50


def claim(now: datetime.datetime, limit: int | None = None) -> tuple[uuid.UUID, list[int]]:
    """Take pending rows nobody holds (or whose holder is gone) for this worker."""
    token = uuid.uuid4()
    stale = now - reclaim_after()
    with transaction.atomic():
        pending = (
            Dispatch.objects.select_for_update(skip_locked=True)
            .filter(status=S.PENDING)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ids = list(pending[:limit] if limit else pending)
        Dispatch.objects.filter(pk__in=ids).update(claimed_at=now, claim=token)
    return token, ids


def email_for(person: Any, code: str, *, compulsory: bool = False) -> str:
    """How this person gets a notification of this kind by e-mail."""
    if not person.email:
        return Email.NONE
    if code in (person.muted_kinds or []) and not compulsory:
        return Email.NONE
    if person.delivery == person.Delivery.DIGEST:
        return Email.DIGEST
    return Email.NOW


def is_compulsory(reminder: Reminder, person: Any) -> bool:
    return reminder.compulsory_for_government and Role.FOCAL_POINT in roles_of(person)


def deliver(pk: int, token: uuid.UUID | str, now: datetime.datetime | None = None) -> str:
    """Send one claimed reminder, or settle it without sending; returns what became of it.

    Under the row's lock, and only while this claim holds it: a sender whose
    claim was taken over does nothing. The mail transport's errors propagate
    (the task retries; the row stays pending with its claim).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        row = (
            Dispatch.objects.select_for_update(of=("self",))
            .select_related("recipient", "content_type")
            .get(pk=pk)
        )
        if row.status != S.PENDING or str(row.claim) != str(token):
            return "skipped"
        reminder = kind(row.kind)
        record = reminder.still_due(row.object_id, row.due_on, today) if reminder else None
        # The record is judged again, and so is the person: one who left the
        # portfolio, or a reviewer who has reviewed since, is not reminded.
        if record is None or not _still_concerned(reminder, record, row):
            row.status = S.CLEARED
            row.save(update_fields=["status"])
            return "cleared"
        person = row.recipient
        row.subject = mail.reminder_subject(
            reminder.label, reminder.reference_of(record), row.due_on, person, row.escalation
        )
        row.url = reminder.url_of(record)
        row.email = email_for(person, row.kind, compulsory=is_compulsory(reminder, person))
        row.attempts += 1
        if row.email == Email.NOW:
            mail.send_reminder(row, reminder, record, today=today)
            row.status, row.sent_at = S.SENT, now
        elif row.email == Email.DIGEST:
            row.status = S.DIGEST
        else:
            row.status = S.SENT  # listed in the application only
        row.save(update_fields=["subject", "url", "email", "attempts", "status", "sent_at"])
        return "sent" if row.email == Email.NOW else row.email


def _still_concerned(reminder: Reminder, record: Model, row: Dispatch) -> bool:
    if not row.recipient.is_active:
        return False
    people = supervisors() if row.escalation else reminder.recipients(record)
    return any(p.pk == row.recipient_id for p in people)


@dataclass
class SweepResult:
    delivered: Counter
    queued: int = 0


def sweep(
    now: datetime.datetime | None = None,
    *,
    send: Callable[[int, uuid.UUID], Any] | None = None,
) -> SweepResult:
    """One sweep: write what is due, claim what is pending, deliver each.

    ``send`` hands a claimed row to the worker (the Celery task); without it
    the rows are delivered here, one by one, and what each became is
    counted by kind (the operator's command).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    write(due_today(today))
    delivered: Counter = Counter()
    queued = 0
    while True:
        token, ids = claim(now, CLAIM_BATCH)
        if not ids:
            return SweepResult(delivered, queued=queued)
        if send is not None:
            for pk in ids:
                send(pk, token)
            queued += len(ids)
            continue
        kinds_of = dict(Dispatch.objects.filter(pk__in=ids).values_list("pk", "kind"))
        for pk in ids:
            try:
                outcome = deliver(pk, token, now)
            except Exception:
                logger.exception("Reminder %s not sent now; the next sweep tries again", pk)
                outcome = "failed"
            delivered[(kinds_of[pk], outcome)] += 1


def dry_run(now: datetime.datetime | None = None) -> list[Due]:
    """What a sweep would send now, writing nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    fields = ("content_type_id", "object_id", "kind", "due_on", "recipient_id", "escalation")
    settled = Dispatch.objects.exclude(status=S.PENDING)
    return [
        d
        for d in due_today(today)
        if not settled.filter(**dict(zip(fields, d.key(), strict=True))).exists()
    ]


def send_digests(now: datetime.datetime | None = None) -> int:
    """The daily digest: one e-mail per person with what waited for it."""
    from tcp.models import Notification

    now = now or timezone.now()
    people = set(
        Dispatch.objects.filter(status=S.DIGEST).values_list("recipient_id", flat=True)
    ) | set(
        Notification.objects.filter(email=Email.DIGEST, sent_at__isnull=True).values_list(
            "recipient_id", flat=True
        )
    )
    sent = 0
    for person_id in sorted(people):
        sent += send_digest(person_id, now)
    return sent


def send_digest(person_id: int, now: datetime.datetime) -> int:
    from tcp.models import Notification

    with transaction.atomic():
        reminders = list(
            Dispatch.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=person_id, status=S.DIGEST)
            .order_by("due_on", "pk")
        )
        events = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient_id=person_id, email=Email.DIGEST, sent_at__isnull=True)
            .select_related("status_change")
            .order_by("pk")
        )
        if not reminders and not events:
            return 0
        person = get_user_model().objects.get(pk=person_id)
        mail.send_digest(person, reminders, events)
        Dispatch.objects.filter(pk__in=[r.pk for r in reminders]).update(status=S.SENT, sent_at=now)
        Notification.objects.filter(pk__in=[e.pk for e in events]).update(sent_at=now)
    return 1

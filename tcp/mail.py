"""E-mails to people: plain text and HTML, in the recipient's language, with a link.

Events (``tcp.notifications``), reminders (``tcp.reminders``) and the daily
digest are written here from the templates in ``templates/email/``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tcp import l10n


def absolute(url: str) -> str:
    return f"{settings.TCP_SITE_URL.rstrip('/')}{url}" if url else ""


def record_url(record: Any) -> str:
    get = getattr(record, "get_absolute_url", None)
    return get() if get is not None else ""


def reference_of(record: Any) -> str:
    return str(getattr(record, "reference", "") or record)


def reminder_subject(
    label: Any, reference: str, due_on: datetime.date, person: Any, escalation: bool
) -> str:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        words = {
            "ref": l10n.isolate(reference),
            "label": label,
            "date": l10n.day(due_on),
        }
        if escalation:
            subject = _("[%(ref)s] Long overdue: %(label)s (due %(date)s)") % words
        else:
            subject = _("[%(ref)s] %(label)s (due %(date)s)") % words
    return subject[:300]


def _send(person: Any, subject: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {"person": person, "site_url": settings.TCP_SITE_URL, **context}
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_reminder(row: Any, reminder: Any, record: Any, *, today: datetime.date) -> None:
    _send(
        row.recipient,
        row.subject,
        "reminder",
        {
            "reminder": reminder,
            "record": record,
            "reference": reminder.reference_of(record),
            "due_on": row.due_on,
            "overdue": row.due_on < today,
            "escalation": row.escalation,
            "link": absolute(row.url),
        },
    )


def send_event(
    note: Any, *, title: str, action: str, by: Any, at: datetime.datetime, text: str
) -> None:
    _send(
        note.recipient,
        note.subject,
        "event",
        {
            "title": title,
            "action": action,
            "by": by,
            "at": at,
            "note_text": text,
            "link": absolute(note.url),
        },
    )


def send_digest(person: Any, reminders: list[Any], events: list[Any]) -> None:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = _("Technical Cooperation Programme: your daily digest (%(count)s)") % {
            "count": len(reminders) + len(events)
        }
    _send(
        person,
        subject,
        "digest",
        {
            "reminders": [(r, absolute(r.url)) for r in reminders],
            "events": [(e, absolute(e.url)) for e in events],
        },
    )

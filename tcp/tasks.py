"""Celery tasks of the core. Thin: take ids, reload, call a service, retry.

Nothing waits in the broker: retries back off for at most ten minutes, well
inside Redis's visibility timeout, and a reminder a worker could not send is
taken over by the next sweep rather than by a long countdown.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from tcp import notifications, reminders, reports

logger = logging.getLogger(__name__)

TRANSIENT = (SMTPException, ConnectionError, OSError)
# A task that talks to the mail server: retried with backoff on its transient errors.
RETRIED = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**RETRIED)
def send_event_notifications(self, status_change_id: int) -> int:
    return notifications.send_event(status_change_id)


@shared_task(acks_late=True)
def send_pending_notifications() -> int:
    """The beat's sweep: notifications a failed sending left behind."""
    return notifications.send_pending()


@shared_task(acks_late=True)
def sweep_reminders() -> int:
    """The beat's hourly sweep: write what is due, claim it, hand each to a sender."""

    def send(pk: int, token) -> None:
        try:
            deliver_reminder.delay(pk, str(token))
        except Exception:
            # With eager tasks a failed sending propagates here; the row keeps
            # its claim and the next sweep after the reclaim time sends it.
            logger.exception("Reminder %s not sent now; a later sweep takes it over", pk)

    return reminders.sweep(send=send).queued


@shared_task(**RETRIED)
def deliver_reminder(self, dispatch_id: int, claim: str) -> str:
    return reminders.deliver(dispatch_id, claim)


@shared_task(**RETRIED)
def send_daily_digests(self) -> int:
    return reminders.send_digests()


@shared_task(
    acks_late=True,
    soft_time_limit=settings.TCP_REPORT_TIMEOUT_SECONDS + 30,
    time_limit=settings.TCP_REPORT_TIMEOUT_SECONDS + 60,
)
def render_report(report_id: int) -> str:
    """One report; never retried (a failure is recorded on it with the reason)."""
    try:
        return reports.render(report_id).status
    except SoftTimeLimitExceeded:
        reports.fail(report_id, _("The report took too long to render and was stopped."))
        return "failed"

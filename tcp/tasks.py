"""Celery tasks of the core. Thin: take ids, reload, call a service, retry."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from tcp import notifications


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_event_notifications(self, status_change_id: int) -> int:
    return notifications.send_event(status_change_id)


@shared_task(acks_late=True)
def send_pending_notifications() -> int:
    """The beat's sweep: notifications a failed sending left behind."""
    return notifications.send_pending()

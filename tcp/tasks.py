"""Celery tasks of the core. Thin: take ids, reload, call a service, retry."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from tcp.notifications import send_status_change_notifications


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def notify_status_change(self, status_change_id: int) -> int:
    return send_status_change_notifications(status_change_id)

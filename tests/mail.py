"""Mail for processes a test starts (a worker, a sweep): files the test reads.

``TCP_TEST_MAIL_DELAY`` (seconds per message) makes the server slow, so that
two sweeps started together are still sending when the other claims.
"""

from __future__ import annotations

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class FileBackend(EmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("TCP_TEST_MAIL_DELAY") or 0)
        if delay:
            time.sleep(delay * len(email_messages))
        return super().send_messages(email_messages)

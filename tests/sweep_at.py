"""``python -m tests.sweep_at EPOCH``: run ``send_reminders`` at that moment.

Two of these started with the same moment sweep at once (the test of
concurrent sweeps); Django is set up before the wait, so neither is late.
"""

from __future__ import annotations

import sys
import time

import django

if __name__ == "__main__":
    django.setup()
    from django.core.management import call_command

    time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
    call_command("send_reminders")

"""A fresh demo holds items due and overdue: the first sweep sends reminders of
several kinds, the second sends none."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from tcp import reminders
from tcp.models import Dispatch

pytestmark = pytest.mark.django_db


def test_the_first_sweep_on_the_demo_reminds_of_several_kinds_and_the_second_of_none():
    call_command("seed_demo", "--password", "x-demo-password-x", verbosity=0)
    mail.outbox.clear()

    first = reminders.sweep()
    rows = Dispatch.objects.count()
    second = reminders.sweep()

    kinds = {code for (code, outcome), n in first.delivered.items() if outcome == "sent" and n}
    assert len(kinds) >= 4, first.delivered
    assert second.delivered == {}
    assert Dispatch.objects.count() == rows
    # Every reminder of the first sweep was e-mailed, and nothing after it.
    assert len(mail.outbox) == sum(first.delivered.values())

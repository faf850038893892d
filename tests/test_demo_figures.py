"""The demo fills the figures, the exports and the IATI file of every role.

One test, because seeding the demo takes most of a minute.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tcp import exports
from tcp.models import User

pytestmark = pytest.mark.django_db

# Who sees which panels of the demo filled (not "nothing to count").
FILLED = {
    "approver": {"pipeline", "requests-by-region", "programmes", "budget", "ratings", "follow-up"},
    "desk.africa": {"pipeline", "requests-by-region", "programmes", "budget"},
    "desk.americas": {"pipeline", "requests-by-region", "programmes", "budget", "ratings"},
    "gov.kenya": {"pipeline", "requests-by-region", "programmes", "budget"},
    "auditor": {"pipeline", "requests-by-region", "programmes", "budget", "ratings", "follow-up"},
}


def test_the_demo_fills_each_roles_figures_and_exports():
    call_command("seed_demo", "--password", "x-demo-password-x", verbosity=0)
    for username, expected in FILLED.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get(reverse("figures"))
        assert response.status_code == 200, username
        panels = response.context["panels"]
        filled = {p.key for p in panels if not p.is_empty}
        assert expected <= filled, (username, filled)
        # Every list the role may read exports as XLSX that opens, one row per listed record.
        user = User.objects.get(username=username)
        for code, export in sorted(exports._exports.items()):
            # The lists' exports (the logs grow as they are read and exported).
            if code in ("changes", "access-log") or not export.allowed(user):
                continue
            url = reverse("export", kwargs={"code": code, "fmt": "xlsx"})
            book = openpyxl.load_workbook(io.BytesIO(client.get(url).content), read_only=True)
            rows = list(book.active.iter_rows(values_only=True))
            listed = export.rows(user, QueryDict()).count()
            assert len(rows) == 1 + listed, (username, code)

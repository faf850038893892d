"""Reminders through real processes: beat and a worker on Redis, and two sweeps at once.

Both start real processes against the test database, so they commit
(``transaction=True``); their mail goes to files the test reads.
"""

from __future__ import annotations

import datetime
import email
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from requests_app.models import AssistanceRequest
from tcp import reminders
from tcp.models import Dispatch
from tests.factories import AssistanceRequestFactory
from tests.worker import ROOT, process_env, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KIND = "request.not_acknowledged"


def _subjects(outbox: Path) -> list[str]:
    """The subject of every message the file backend wrote (several per file)."""
    found = []
    for path in sorted(outbox.glob("*")):
        for part in path.read_text().split("-" * 79):
            if part.strip():
                found.append(email.message_from_string(part.strip()).get("Subject", ""))
    return found


def _overdue_requests(n: int) -> list[AssistanceRequest]:
    days = reminders.threshold("ACKNOWLEDGE_DAYS") + 1
    at = timezone.now() - datetime.timedelta(days=days)
    return [
        AssistanceRequestFactory(status=AssistanceRequest.Status.SUBMITTED, submitted_at=at)
        for _ in range(n)
    ]


@pytest.fixture
def outbox(tmp_path) -> Path:
    path = tmp_path / "outbox"
    path.mkdir()
    return path


@pytest.fixture
def worker_env(outbox) -> dict[str, str]:
    return {"TCP_TEST_OUTBOX": str(outbox)}


@pytest.mark.worker
def test_beat_schedules_the_sweep_and_the_worker_sends_each_reminder_once(
    outbox, celery_worker_process, desk_officer, tmp_path
):
    requests = _overdue_requests(3)
    # Celery beat itself, with the project's schedule and a sweep every second.
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tcp",
            "beat",
            "--schedule",
            str(tmp_path / "beat-schedule"),
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=process_env(TCP_REMINDER_SWEEP_SECONDS="1", TCP_TEST_OUTBOX=str(outbox)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(
        target=lambda: output.extend(iter(beat.stdout.readline, "")), daemon=True
    )
    reader.start()
    try:
        assert wait_for(lambda: len(_subjects(outbox)) >= 3, timeout=60), "".join(output)[-3000:]
        # Beat goes on sweeping every second: nothing is sent a second time.
        assert wait_for(
            lambda: sum("tcp.tasks.sweep_reminders" in line for line in output) >= 4, timeout=30
        ), "".join(output)[-3000:]
    finally:
        beat.terminate()
        beat.wait(timeout=10)
        reader.join(timeout=5)
    subjects = _subjects(outbox)
    for req in requests:
        assert sum(req.reference in s for s in subjects) == 1, subjects
    assert len(subjects) == 3
    assert set(Dispatch.objects.values_list("status", flat=True)) == {Dispatch.Status.SENT}
    assert all(d.recipient == desk_officer for d in Dispatch.objects.all())


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two sweeps at once need PostgreSQL's row locks (CI runs on it)",
)
def test_two_sweeps_at_once_from_two_processes_send_each_reminder_once(
    tmp_path, desk_officer, desk_officer_peru, peru
):
    requests = _overdue_requests(60) + [
        AssistanceRequestFactory(
            country=peru,
            status=AssistanceRequest.Status.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=30),
        )
        for _ in range(60)
    ]
    boxes = [tmp_path / "a", tmp_path / "b"]
    for box in boxes:
        box.mkdir()
    # Both start sweeping at the same moment, and the mail server is slow
    # enough that each is still sending while the other claims.
    start = time.time() + 8
    sweeps = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.sweep_at", str(start)],
            cwd=ROOT,
            env=process_env(TCP_TEST_OUTBOX=str(box), TCP_TEST_MAIL_DELAY="0.02"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for box in boxes
    ]
    outputs = [p.communicate(timeout=120)[0] for p in sweeps]
    assert [p.returncode for p in sweeps] == [0, 0], outputs
    print("\n".join(outputs))  # what each sweep sent (shown with -s or on failure)
    # Each sent a share: the two really ran at once.
    assert all("sent by e-mail" in out for out in outputs), outputs

    subjects = _subjects(boxes[0]) + _subjects(boxes[1])
    for req in requests:
        assert sum(req.reference in s for s in subjects) == 1, req.reference
    assert len(subjects) == 120
    assert Dispatch.objects.filter(status=Dispatch.Status.SENT).count() == 120
    assert Dispatch.objects.count() == 120

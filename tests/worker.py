"""A real Celery worker for the tests that exercise the queue.

The worker runs in its own process against the broker in CELERY_BROKER_URL
(default: database 14 of the local Redis, which the tests keep for
themselves) and the test database, on the test run's own queue
(tcp.settings_test names it after the process).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection

from tcp.celery import app

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_env() -> dict[str, str]:
    """More environment for the worker (a test module overrides this fixture)."""
    return {}


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a worker, beat or command started by a test: the test's
    settings, database, broker and queue."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tcp.settings_test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": app.conf.broker_url,
        "TCP_TEST_QUEUE": app.conf.task_default_queue,
        **extra,
    }


@pytest.fixture
def celery_worker_process(worker_env) -> Iterator[str]:
    broker = app.conf.broker_url
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"The broker at {broker} is not reachable ({exc}); `make services` starts it.")
    name = f"tcp-test-{uuid.uuid4().hex[:8]}"
    queue = app.conf.task_default_queue
    # Tasks left over from an interrupted run would reach this worker first.
    redis.Redis.from_url(broker).delete(queue)
    env = process_env(**worker_env)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tcp",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=_collect, args=(worker.stdout, output), daemon=True)
    reader.start()
    app.conf.update(task_always_eager=False)
    try:
        _wait_ready(worker, output)
        yield name
    finally:
        app.conf.update(task_always_eager=True)
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
        reader.join(timeout=5)
        # Shown by pytest when the test failed: what the worker did with the task.
        print("--- celery worker output ---\n" + "".join(output)[-5000:])


def _wait_ready(worker: subprocess.Popen, output: list[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(" ready." in line for line in output):
            return
        if worker.poll() is not None:
            break
        time.sleep(0.05)
    worker.kill()
    pytest.fail("The Celery worker did not start:\n" + "".join(output[-30:]))


def _collect(stream, output: list[str]) -> None:
    # A thread reads the worker's output, so that a quiet worker never blocks the test.
    for line in stream:
        output.append(line)


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False

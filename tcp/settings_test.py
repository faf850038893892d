"""Tests: the base settings with a fast hasher, in-memory mail and eager tasks.

Tests marked ``worker`` start a real Celery worker against the broker
(CELERY_BROKER_URL, or database 14 of the local Redis) and switch eager mode
off for themselves.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

from tcp.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A Celery worker or a command started by a test writes its mail to files the
# test then reads (its memory is not the test's).
if os.environ.get("TCP_TEST_OUTBOX"):
    MAILERS = {
        "default": {
            "BACKEND": "tests.mail.FileBackend",
            "OPTIONS": {"file_path": os.environ["TCP_TEST_OUTBOX"]},
        }
    }
CELERY_TASK_ALWAYS_EAGER = True
# Celery binds its producer to the broker at first use, so the broker is set
# from the start, even though eager tests never reach it.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14"
# A queue per test run, so that two runs on one machine (and their workers)
# never take each other's tasks.
# A worker or beat started by a test is told the test's queue (TCP_TEST_QUEUE).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TCP_TEST_QUEUE") or f"tcp-test-{os.getpid()}"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not memory, so that a Celery worker started by the tests reads the
# same database as the test that queued its task.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test run, so that two runs on one machine do not collide.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Uploaded files of a test run go to a folder of their own.
# A worker started by a test is given the test's folder (TCP_TEST_MEDIA).
MEDIA_ROOT = Path(  # noqa: F405
    os.environ.get("TCP_TEST_MEDIA") or tempfile.mkdtemp(prefix="tcp-test-media-")
)

# Login throttling stays on, with fixed thresholds, so the tests prove it works
# whatever the environment says. Tests log in with force_login, which does not
# go through authenticate(), and failed attempts are rolled back with each
# test's transaction, so no test is locked out by another.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_VERBOSE = False

# Eager tasks log every success at INFO, and django-axes every failed login at
# WARNING; the tests' output has no use for either.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {"celery.app.trace": {"level": "WARNING"}, "axes": {"level": "ERROR"}},
}

# Every POST of the suite is checked: one that changed a record answers a redirect.
MIDDLEWARE = ["tests.prg.PostRedirectGetMiddleware", *MIDDLEWARE]  # noqa: F405

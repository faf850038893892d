"""Settings come from the environment and refuse what they cannot read."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tcp.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def _settings(module: str, **env: str) -> subprocess.CompletedProcess:
    code = (
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']={module!r}; "
        "from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND']); "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "STORAGE_BACKEND"}}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_defaults_are_the_embedded_ones():
    result = _settings("tcp.settings")
    assert result.stdout.split() == [
        "django.core.files.storage.FileSystemStorage",
        "django.db.backends.sqlite3",
    ]


def test_object_storage_and_postgres_by_configuration_alone():
    result = _settings(
        "tcp.settings",
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="tcp-documents",
        DATABASE_URL="postgres://tcp:secret@db:5432/tcp",
    )
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "django.db.backends.postgresql",
    ]


def test_an_unknown_storage_backend_stops_the_start():
    result = _settings("tcp.settings", STORAGE_BACKEND="ftp")
    assert result.returncode != 0
    assert "STORAGE_BACKEND='ftp'" in result.stderr


def test_production_refuses_the_development_key_and_debug():
    assert _settings("tcp.settings_production").returncode != 0
    key = secrets.token_urlsafe(60)
    assert _settings("tcp.settings_production", SECRET_KEY=key, DEBUG="true").returncode != 0
    assert _settings("tcp.settings_production", SECRET_KEY=key).returncode == 0


def test_typed_readers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.org, b.org,,")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST") == ["a.org", "b.org"]
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "forty")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("X_BOOL")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("X_INT", 0)

"""Playwright drives Debian's Chromium (no browser download: the product runs offline)."""

from __future__ import annotations

from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_across_playwright(request: pytest.FixtureRequest, django_db_setup) -> None:
    """Keep ``serialized_rollback`` working once Playwright has started.

    Playwright's sync API runs the rest of the session in a greenlet with its
    own context, and Django's connections are context-local: from then on
    ``connections["default"]`` is a new wrapper, without the serialized
    contents the test database was set up with. Without them a transactional
    test's flush leaves the reference data (countries, vocabularies) gone
    for every later test, browser or not. Hand the contents over.
    """
    from django.db import connections

    contents = getattr(connections["default"], "_test_serialized_contents", None)
    request.getfixturevalue("playwright")
    current = connections["default"]
    if contents is not None and not hasattr(current, "_test_serialized_contents"):
        current._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of the page; CSP violations land here."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors

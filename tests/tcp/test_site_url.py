"""Links in e-mails use the address the app runs on (``TCP_SITE_URL``).

``make run`` sets it from its port, docker compose from the public address the
deployment answers to, and a production deployment whose e-mails would still
point at the machine itself fails ``manage.py check --deploy``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core import checks, mail

from requests_app import services
from tcp.checks import check_site_url, check_site_url_deployed
from tcp.env import is_loopback, public_site_url
from tests.factories import AssistanceRequestFactory

ROOT = Path(__file__).resolve().parents[2]


def _ids(found: list) -> set[str]:
    return {message.id for message in found}


@pytest.mark.parametrize(
    ("site_url", "allowed_hosts", "expected"),
    [
        # The development default on a deployment that answers to a public name.
        ("http://127.0.0.1:8000", ["tcp.example.org"], {"tcp.W001"}),
        ("http://localhost:8000", ["tcp.example.org", "localhost"], {"tcp.W001"}),
        ("http://[::1]:8000", [".example.org"], {"tcp.W001"}),
        ("http://0.0.0.0:8000", ["*"], {"tcp.W001"}),
        # Set to the public address, or a machine that serves itself only.
        ("https://tcp.example.org", ["tcp.example.org"], set()),
        ("http://127.0.0.1:8030", ["localhost", "127.0.0.1", "[::1]"], set()),
    ],
)
def test_the_deploy_check_warns_while_links_point_at_this_machine(
    settings, site_url, allowed_hosts, expected
):
    settings.TCP_SITE_URL = site_url
    settings.ALLOWED_HOSTS = allowed_hosts
    settings.SECURE_SSL_REDIRECT = False
    assert _ids(check_site_url_deployed()) == expected
    # Registered as a deployment check: `check --deploy` runs it, `check` does not.
    assert expected <= _ids(checks.run_checks(include_deployment_checks=True))
    assert not _ids(checks.run_checks()) & {"tcp.W001"}


def test_the_warning_names_the_public_host_to_use(settings):
    settings.TCP_SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["tcp.example.org"]
    (warning,) = check_site_url_deployed()
    assert "https://tcp.example.org" in warning.hint


def test_the_deploy_check_warns_of_http_links_behind_the_https_redirect(settings):
    settings.TCP_SITE_URL = "http://tcp.example.org"
    settings.ALLOWED_HOSTS = ["tcp.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert _ids(check_site_url_deployed()) == {"tcp.W002"}


@pytest.mark.parametrize("value", ["tcp.example.org", "ftp://tcp.example.org", "https://", ""])
def test_an_address_that_is_not_one_is_an_error(settings, value):
    settings.TCP_SITE_URL = value
    assert _ids(check_site_url()) == {"tcp.E001"}


def test_loopback_names_and_addresses():
    for host in ("localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "0.0.0.0", "a.localhost"):
        assert is_loopback(host), host
    for host in ("tcp.example.org", "10.0.0.5", "*", "example.org"):
        assert not is_loopback(host), host


def test_production_takes_the_public_address_the_site_answers_to():
    assert public_site_url(["tcp.example.org"], []) == "https://tcp.example.org"
    # The trusted origin says the scheme and port as the browser sees them.
    assert (
        public_site_url(["tcp.example.org"], ["http://tcp.example.org:8443/"])
        == "http://tcp.example.org:8443"
    )
    assert public_site_url(["localhost", "tcp.example.org"], []) == "https://tcp.example.org"
    # Nothing but this machine or wildcards: no address to take.
    assert public_site_url(["*", ".example.org", "localhost"], ["https://*.example.org"]) is None


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        # What a deployment sets, and what the test run itself set (Playwright's
        # DJANGO_ALLOW_ASYNC_UNSAFE), which `check --deploy` refuses.
        if key
        not in {
            "TCP_SITE_URL",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tcp.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


SHOW_SITE_URL = "import django; django.setup(); from django.conf import settings; " + (
    "print(settings.TCP_SITE_URL)"
)
DEPLOY_CHECK = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def test_production_settings_derive_or_keep_the_address():
    derived = _run(SHOW_SITE_URL, ALLOWED_HOSTS="tcp.example.org")
    assert derived.stdout.strip() == "https://tcp.example.org", derived.stderr
    kept = _run(SHOW_SITE_URL, ALLOWED_HOSTS="tcp.example.org", TCP_SITE_URL="https://x.org")
    assert kept.stdout.strip() == "https://x.org", kept.stderr
    # Docker compose passes it empty when .env leaves it out: derived as well.
    empty = _run(SHOW_SITE_URL, ALLOWED_HOSTS="tcp.example.org", TCP_SITE_URL="")
    assert empty.stdout.strip() == "https://tcp.example.org", empty.stderr


def test_check_deploy_fails_on_a_loopback_address_and_passes_as_make_check_runs_it():
    loopback = _run(
        DEPLOY_CHECK, ALLOWED_HOSTS="tcp.example.org", TCP_SITE_URL="http://127.0.0.1:8000"
    )
    assert loopback.returncode != 0
    assert "tcp.W001" in loopback.stderr
    # As `make check` runs it (Makefile): clean.
    clean = _run(
        DEPLOY_CHECK, ALLOWED_HOSTS="tcp.example.org", TCP_SITE_URL="https://tcp.example.org"
    )
    assert clean.returncode == 0, clean.stderr
    makefile = (ROOT / "Makefile").read_text()
    assert "ALLOWED_HOSTS=tcp.example.org" in makefile
    assert "TCP_SITE_URL=https://tcp.example.org" in makefile


def test_make_run_sets_the_address_from_its_port():
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8030"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    command = dry.stdout[dry.stdout.index("DEBUG=true") :]
    assert 'TCP_SITE_URL="${TCP_SITE_URL:-http://127.0.0.1:8030}"' in command
    assert "runserver 127.0.0.1:8030" in command


def test_docker_compose_and_its_example_configuration_set_the_address():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["x-app-environment"]["TCP_SITE_URL"] == "${TCP_SITE_URL:-}"
    example = (ROOT / ".env.example").read_text().splitlines()
    assert "TCP_SITE_URL=https://tcp.example.org" in example


@pytest.mark.django_db
def test_e_mail_links_use_the_address_the_app_runs_on(
    settings, django_capture_on_commit_callbacks, focal_point_kenya, desk_officer
):
    settings.TCP_SITE_URL = "http://127.0.0.1:8030"
    req = AssistanceRequestFactory(created_by=focal_point_kenya)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_request(req=req, by=focal_point_kenya)
    (message,) = [m for m in mail.outbox if desk_officer.email in m.to]
    assert f"http://127.0.0.1:8030{req.get_absolute_url()}" in message.body
    assert "127.0.0.1:8000" not in message.body

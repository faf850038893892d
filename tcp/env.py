"""Typed readers for settings that come from the environment.

Each helper fails loudly with ImproperlyConfigured on a value it cannot read,
so a typo in a deployment stops the process at start instead of running with
a silent default.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def mailers_from_env(*, default_backend: str, outbox: str = "") -> dict[str, dict]:
    """The MAILERS setting from EMAIL_BACKEND and the EMAIL_HOST... variables.

    The file backend writes each message to ``EMAIL_FILE_PATH`` (default
    ``outbox``), which is how the embedded default keeps mail readable.
    """
    backend = env_str("EMAIL_BACKEND", default_backend)
    options: dict[str, object] = {}
    if backend.endswith("filebased.EmailBackend"):
        options = {"file_path": env_str("EMAIL_FILE_PATH", outbox)}
    # Only the SMTP backend takes connection options; the others refuse them.
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


# Names that always mean this machine (``testserver`` is Django's test client).
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "testserver"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address, IPv6 with or without brackets) is this
    machine, or no machine in particular (0.0.0.0)."""
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def url_host(url: str) -> str | None:
    """The host of ``url`` if it is an absolute http(s) address, else None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname


def public_site_url(allowed_hosts: list[str], trusted_origins: list[str]) -> str | None:
    """The public address of a deployment, from what it answers to: its first
    trusted origin (scheme and host, as the browser sees them), else https:// and
    its first named host; None when it names only this machine or wildcards."""
    for origin in trusted_origins:
        host = url_host(origin)
        if host and "*" not in origin and not is_loopback(host):
            return origin.rstrip("/")
    for host in allowed_hosts:
        if host != "*" and not host.startswith(".") and not is_loopback(host):
            return f"https://{host}"
    return None

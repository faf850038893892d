"""System checks of the product's own settings (``manage.py check``).

``TCP_SITE_URL`` is the address links in e-mails point to. Nothing in a request
tells a Celery worker or the reminder sweep where the site is, so a deployment
that leaves the development default (``http://127.0.0.1:8000``) sends every
recipient a link to their own machine: ``check --deploy`` says so.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from tcp.env import is_loopback, url_host


@register(Tags.compatibility)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if url_host(settings.TCP_SITE_URL) is None:
        return [
            Error(
                f"TCP_SITE_URL={settings.TCP_SITE_URL!r} is not an http(s) address.",
                hint="Set it to the address people use to reach the site, "
                "e.g. https://tcp.example.org",
                id="tcp.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url_deployed(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    host = url_host(settings.TCP_SITE_URL)
    if host is None:
        return []  # check_site_url says so
    public = [h for h in settings.ALLOWED_HOSTS if not is_loopback(h.lstrip("."))]
    found = []
    if is_loopback(host) and public:
        named = [h.lstrip(".") for h in public if h != "*"] or ["tcp.example.org"]
        found.append(
            Warning(
                f"TCP_SITE_URL is {settings.TCP_SITE_URL}, this machine, while the site "
                f"answers to {', '.join(public)}: links in e-mails would lead nowhere.",
                hint=f"Set TCP_SITE_URL to the public address, e.g. https://{named[0]}",
                id="tcp.W001",
            )
        )
    if urlsplit(settings.TCP_SITE_URL).scheme == "http" and getattr(
        settings, "SECURE_SSL_REDIRECT", False
    ):
        found.append(
            Warning(
                f"TCP_SITE_URL is {settings.TCP_SITE_URL}, while the site redirects to HTTPS.",
                hint="Use the https:// address in TCP_SITE_URL.",
                id="tcp.W002",
            )
        )
    return found

"""Production: the base settings plus transport security.

Refuses to start with the development secret key or DEBUG on.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from tcp.env import env_bool, env_int, env_str, mailers_from_env, public_site_url
from tcp.settings import *  # noqa: F403
from tcp.settings import (
    ALLOWED_HOSTS,
    CSRF_TRUSTED_ORIGINS,
    DEBUG,
    SECRET_KEY,
    STORAGES,
    TCP_SITE_URL,
)

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
MAILERS = mailers_from_env(default_backend="django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Links in e-mails: unless set, the address the site answers to (its first trusted
# origin, else https:// and its first host), never the development default.
if not env_str("TCP_SITE_URL", "").strip():
    TCP_SITE_URL = public_site_url(ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS) or TCP_SITE_URL

"""Settings for every environment; differences come from the environment.

With nothing set, the app runs on a SQLite file in the project folder with
Celery tasks executed eagerly, so a checkout just runs. Production sets
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and uses
tcp.settings_production, which adds the transport security settings.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from tcp.env import env_bool, env_int, env_list, env_str, mailers_from_env

if TYPE_CHECKING:
    from django.http import HttpRequest

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# The fallback key is only good for a developer's machine; production refuses it.
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "tcp",
    "requests_app",
    "assessments",
    "programmes",
    "evaluations",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tcp.uploads.KeepRawUploadNamesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's pages follow the language on their profile.
    "tcp.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The product's 404 page also with DEBUG on (make run); inside the others, so
    # that they treat it as any page.
    "tcp.not_found.ProductNotFoundMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into
    # the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tcp.urls"
WSGI_APPLICATION = "tcp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tcp.context_processors.navigation",
            ],
            # The formats people read (day, moment, money, number, percent,
            # listing, bdi) in every template, pages, e-mails and PDFs alike.
            "builtins": ["tcp.templatetags.locale_format"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tcp.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before any
    # password is checked (it authenticates nobody itself).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes), for the product's login page and the admin's
# alike. A username, and separately a client address, that fails
# AXES_FAILURE_LIMIT times is locked out for AXES_COOLOFF_MINUTES after its
# last failure (a failure during a lockout starts the wait again). Unknown
# usernames count like known ones, so the lockout page says nothing about
# whether an account exists. A successful login does not wipe the count:
# otherwise anyone with an account could reset the counter of the address they
# guess from. Administrators see and lift lockouts in the admin (Access attempts).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind reverse proxies every request comes from the proxy's address, which
# would make the per-address lockout lock everybody out at once. With
# TCP_TRUSTED_PROXY_COUNT set to the number of proxies that each append the
# address they saw to X-Forwarded-For, the client is the entry that many places
# from the right (entries further left are whatever the client claimed).
TCP_TRUSTED_PROXY_COUNT = env_int("TCP_TRUSTED_PROXY_COUNT", 0)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() <= 0 or TCP_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be positive, "
        "TCP_TRUSTED_PROXY_COUNT zero or more."
    )


def _client_ip(request: HttpRequest) -> str | None:
    from django.conf import settings

    proxies = settings.TCP_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = _client_ip

# Guardian: the anonymous user holds no grants; direct FK permission models are used.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Before signing in, the header's language list keeps the choice in this cookie;
# once signed in, the profile decides (tcp/language.py) and the cookie follows it.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# History is append-only: the admin shows past versions and never saves one back
# (tcp.admin.HistoryAdmin refuses it whatever this says).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Uploaded documents: local disk by default; S3-compatible object storage
# (several web hosts, a managed bucket) by setting STORAGE_BACKEND=s3 and the
# AWS_* variables. Either way they are never served as static files: they go
# through permission-checked views, so MEDIA_URL is deliberately not routed.
_STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
if _STORAGE_BACKEND == "filesystem":
    _DEFAULT_STORAGE: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif _STORAGE_BACKEND == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND={_STORAGE_BACKEND!r}: use filesystem or s3.")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}


# Without a mail server configured, messages are written to files in var/outbox.
MAILERS = mailers_from_env(
    default_backend="django.core.mail.backends.filebased.EmailBackend",
    outbox=str(BASE_DIR / "var" / "outbox"),
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tcp-noreply@localhost")

# Celery: with no broker configured, tasks run in-process so the embedded
# default needs no server at all.
_BROKER = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not _BROKER
# The in-memory transport keeps kombu from looking for a local AMQP server.
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _BROKER or "cache+memory://")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# Reminders (tcp/reminders.py): the sweep runs every TCP_REMINDER_SWEEP_SECONDS
# (hourly); a claim a worker left unsent this long is taken over by the next
# sweep; the daily digest goes out at TCP_DIGEST_HOUR (UTC). Thresholds in days,
# the indicator's in months, each from TCP_REMIND_<NAME>.
TCP_REMINDER_SWEEP_SECONDS = env_int("TCP_REMINDER_SWEEP_SECONDS", 3600)
TCP_REMINDER_RECLAIM_MINUTES = env_int("TCP_REMINDER_RECLAIM_MINUTES", 15)
TCP_DIGEST_HOUR = env_int("TCP_DIGEST_HOUR", 7)
_REMINDER_DEFAULTS = {
    # A submitted request not acknowledged after this many days (desk officer).
    "ACKNOWLEDGE_DAYS": 5,
    # Information requested and not answered: the focal point after this many
    # days, the desk officer after the second number.
    "ANSWER_DAYS": 10,
    "ANSWER_STAFF_DAYS": 20,
    # Assessment findings due in this many days (and, from the day after, overdue).
    "FINDINGS_SOON_DAYS": 7,
    # A programme under review this many days: its named reviewers who have not
    # reviewed; then, after the second number, the approvers, to decide.
    "REVIEW_DAYS": 10,
    "APPROVAL_DAYS": 15,
    # A programme ending within this many days.
    "ENDING_DAYS": 60,
    # An indicator of a running programme with no value recorded for this many months.
    "INDICATOR_MONTHS": 3,
    # An evaluation due within this many days (and overdue after).
    "EVALUATION_SOON_DAYS": 14,
    # A follow-up action due within this many days (and overdue after).
    "ACTION_SOON_DAYS": 7,
    # Overdue by this many more days: also sent, once, to the programme approvers.
    "ESCALATE_AFTER_DAYS": 30,
}
TCP_REMINDERS = {
    name: env_int(f"TCP_REMIND_{name}", default) for name, default in _REMINDER_DEFAULTS.items()
}

CELERY_BEAT_SCHEDULE: dict = {
    # Notifications a failed sending left unsent (a mail server down for a while).
    "send-pending-notifications": {
        "task": "tcp.tasks.send_pending_notifications",
        "schedule": 300.0,
    },
    "reminder-sweep": {
        "task": "tcp.tasks.sweep_reminders",
        "schedule": float(TCP_REMINDER_SWEEP_SECONDS),
    },
    "daily-digest": {
        "task": "tcp.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=TCP_DIGEST_HOUR),
    },
}

# Content Security Policy: nothing is loaded from anywhere but this site.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OHCHR Technical Cooperation API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# The address people use to reach the product, for links in e-mails (sent by the
# worker, which has no request to read it from). `make run` sets it from its port;
# production derives it from ALLOWED_HOSTS when unset (tcp/settings_production.py),
# and `check --deploy` warns while it still names this machine (tcp/checks.py).
TCP_SITE_URL = env_str("TCP_SITE_URL", "") or "http://127.0.0.1:8000"

# Upload limits shared by every app that accepts documents.
TCP_MAX_UPLOAD_BYTES = env_int("TCP_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# What an Office file (a zip archive) may expand to when opened: refuses zip bombs.
TCP_MAX_UNPACKED_BYTES = env_int("TCP_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
# Micro-grants to civil society (ACT model) may not exceed this, in USD.
TCP_MICRO_GRANT_CEILING_USD = env_int("TCP_MICRO_GRANT_CEILING_USD", 5000)
# The IATI publisher (programmes/iati.py): OHCHR's organisation identifier (its
# OECD-DAC channel code) prefixes every activity identifier; its name is the
# reporting organisation's narrative.
TCP_IATI_REPORTING_ORG_REF = env_str("TCP_IATI_REPORTING_ORG_REF", "XM-DAC-41313")
TCP_IATI_REPORTING_ORG_NAME = env_str(
    "TCP_IATI_REPORTING_ORG_NAME", "Office of the United Nations High Commissioner for Human Rights"
)
# Periodic evaluations fall due every so many months from a programme's start,
# and the post-implementation evaluation so many months after its end.
TCP_EVALUATION_INTERVAL_MONTHS = env_int("TCP_EVALUATION_INTERVAL_MONTHS", 6)
TCP_POST_EVALUATION_DELAY_MONTHS = env_int("TCP_POST_EVALUATION_DELAY_MONTHS", 3)
if TCP_EVALUATION_INTERVAL_MONTHS < 1 or TCP_POST_EVALUATION_DELAY_MONTHS < 0:
    raise ImproperlyConfigured(
        "TCP_EVALUATION_INTERVAL_MONTHS must be 1 or more, "
        "TCP_POST_EVALUATION_DELAY_MONTHS 0 or more."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # In-process (eager) tasks would log every success among the web server's lines.
    "loggers": {
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # WeasyPrint logs each step of each report, and every refused URL, at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# PDF reports (tcp/reports.py): WeasyPrint renders each in a child process with
# this much memory (on top of its worker's) and time at most; a report that
# needs more fails with the reason.
TCP_REPORT_MAX_MEMORY_MB = env_int("TCP_REPORT_MAX_MEMORY_MB", 1024)
TCP_REPORT_TIMEOUT_SECONDS = env_int("TCP_REPORT_TIMEOUT_SECONDS", 120)

# List exports (tcp/exports.py): up to this many rows the file is the answer;
# a longer export is written in the background, with its progress, like a report.
TCP_EXPORT_INLINE_ROWS = env_int("TCP_EXPORT_INLINE_ROWS", 1000)

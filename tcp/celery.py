from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcp.settings")

app = Celery("tcp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

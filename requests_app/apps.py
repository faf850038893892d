from __future__ import annotations

from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Requests for assistance"

    def ready(self) -> None:
        # The core imports no app: each stage hands it its kinds of reminder.
        from requests_app import exports, reminders, reports

        reminders.register()
        reports.register()
        exports.register()

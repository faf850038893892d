from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = gettext_lazy("Requests for assistance")

    def ready(self) -> None:
        # The core imports no app: each stage hands it its kinds of reminder.
        from requests_app import exports, reminders, reports

        reminders.register()
        reports.register()
        exports.register()

        from requests_app.models import AssistanceRequest
        from tcp import changelog

        # A State's draft is its own: its changes join the log once it is submitted.
        changelog.register_private(
            AssistanceRequest, lambda req: req.status == AssistanceRequest.Status.DRAFT
        )

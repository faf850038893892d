from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = gettext_lazy("Evaluations and follow-up")

    def ready(self) -> None:
        # The earlier stages never import this one: it listens to their events
        # (a programme approved, cancelled, its dates moved) and tells their
        # pages what followed from them (the links on a request and a programme).
        from evaluations import annual, exports, links, reminders, reports, scheduling
        from tcp import related

        scheduling.subscribe()
        reminders.register()
        reports.register()
        exports.register()
        annual.register()
        related.register("requests_app.assistancerequest", links.request_links)
        related.register("programmes.programme", links.programme_links)

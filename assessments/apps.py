"""The assessments app. When ready, it links a request's page to the needs
assessment that followed it (``tcp.related``), through its own selector: the
requests stage never imports this one."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcp import related


def assessment_of_request(req: Any, user: Any) -> list[related.RelatedLink]:
    from assessments.selectors import VIEW, invited_to, visible_assessments
    from requests_app.models import AssistanceRequest

    # Only an accepted request is assessed: the request pages of every other
    # status ask nothing more.
    if req.status != AssistanceRequest.Status.ACCEPTED:
        return []
    if not (user.has_perm(VIEW) or invited_to(user)):
        return []
    return [
        related.RelatedLink(
            label=_("Needs assessment"),
            text=f"{a.reference} {a.title}",
            url=a.get_absolute_url(),
            status=a.get_status_display(),
            status_value=a.status,
        )
        for a in visible_assessments(user).filter(request=req)
    ]


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = gettext_lazy("Needs assessments")

    def ready(self) -> None:
        related.register("requests_app.AssistanceRequest", assessment_of_request)
        # The core imports no app: each stage hands it its kinds of reminder.
        from assessments import exports, reminders, reports

        reminders.register()
        reports.register()
        exports.register()

"""The assessments app. When ready, it links a request's page to the needs
assessment that followed it (``tcp.related``), through its own selector: the
requests stage never imports this one."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcp import related


def assessment_of_request(req: Any, user: Any) -> list[related.RelatedLink]:
    """The needs assessment that follows the request, as far as the reader may open
    it; or the way to plan it, for whoever may; or who plans it, for the others."""
    from assessments import services
    from assessments.selectors import VIEW, invited_to, visible_assessments
    from requests_app.models import AssistanceRequest
    from tcp.scoping import scope_for

    label = _("Needs assessment")
    status = AssistanceRequest.Status
    # Only an accepted request is assessed: the pages of every other status say
    # so without a query.
    if req.status in (status.DECLINED, status.WITHDRAWN):
        return []
    if req.status != status.ACCEPTED:
        return [
            related.note(label, _("A needs assessment follows once OHCHR accepts the request."))
        ]
    if not (user.has_perm(VIEW) or invited_to(user)):
        return []
    found = [
        related.RelatedLink(
            label=label,
            text=f"{a.reference} {a.title}",
            url=a.get_absolute_url(),
            status=a.get_status_display(),
            status_value=a.status,
        )
        for a in visible_assessments(user).filter(request=req)
    ]
    if found:
        return found
    if services.plan_refusal(request=req, user=user) is None:
        url = reverse("assessments:plan", args=[req.pk])
        return [
            related.RelatedLink(
                label=label, text=_("Plan the needs assessment"), url=url, step=True
            )
        ]
    if scope_for(user).is_ohchr_for(req.country_id):
        return [related.note(label, _("The desk officer plans the needs assessment."))]
    # A government reads the assessment once OHCHR shares it, whether planned or not.
    return [related.note(label, _("OHCHR shares the needs assessment once it is validated."))]


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

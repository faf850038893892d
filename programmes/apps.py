"""The programmes app. When ready, it links the earlier stages' pages to the
programmes that follow from them (``tcp.related``): an earlier stage never
imports this one, and each link goes through this app's own selectors."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcp import related

VIEW = "programmes.view_programme"
ADD = "programmes.add_programme"


def _programme_link(programme: Any) -> related.RelatedLink:
    return related.RelatedLink(
        label=_("Programme"),
        text=f"{programme.reference} {programme.title}",
        url=programme.get_absolute_url(),
        status=programme.get_status_display(),
        status_value=programme.status,
    )


def _draft_link(assessment: Any, user: Any, text: str) -> list[related.RelatedLink]:
    """The step to draft a programme from the assessment, for whoever the service
    would let draft one now."""
    from programmes import services

    if services.assessment_draft_refusal(assessment=assessment, user=user) is not None:
        return []
    url = reverse("programmes:draft_from_assessment", args=[assessment.pk])
    return [
        related.RelatedLink(
            label=_("Programme"),
            text=text,
            url=url,
            step=True,
        )
    ]


def programmes_of_assessment(assessment: Any, user: Any) -> list[related.RelatedLink]:
    """The programmes drawn from the assessment that the user may open, or the way
    to draft the first one; or who drafts it, for the others."""
    from assessments.selectors import audience
    from programmes.selectors import visible_programmes
    from programmes.services import DRAWN_FROM

    if not user.has_perm(VIEW):
        return []
    programmes = list(visible_programmes(user).filter(assessment=assessment).order_by("created_at"))
    found = [_programme_link(p) for p in programmes]
    if user.has_perm(ADD) and assessment.status in DRAWN_FROM:
        # Offered while no programme (but a cancelled one) answers the assessment.
        found += _draft_link(assessment, user, _("Draft a programme from this assessment"))
    if any(p.status != p.Status.CANCELLED for p in programmes) or any(f.step for f in found):
        return found
    label = _("Programme")
    if not audience(assessment, user).internal:
        # A government reads a programme once it is approved, whether drafted or not.
        return [*found, related.note(label, _("OHCHR shares the programme once it is approved."))]
    if assessment.status in DRAWN_FROM:
        return [*found, related.note(label, _("The desk officer drafts the programme."))]
    return [
        *found,
        related.note(label, _("A programme is drafted once the findings are validated.")),
    ]


def programmes_of_request(req: Any, user: Any) -> list[related.RelatedLink]:
    """The programmes drawn from the request's assessment that the user may open,
    or the way to draft one from its validated assessment."""
    from assessments.selectors import visible_assessments
    from programmes.selectors import visible_programmes
    from programmes.services import DRAWN_FROM
    from requests_app.models import AssistanceRequest

    # Only an accepted request has an assessment (and so programmes): the
    # request pages of every other status ask nothing more.
    if req.status != AssistanceRequest.Status.ACCEPTED or not user.has_perm(VIEW):
        return []
    programmes = visible_programmes(user).filter(assessment__request=req).order_by("created_at")
    found = [_programme_link(p) for p in programmes]
    if not user.has_perm(ADD):
        return found
    assessment = visible_assessments(user).filter(request=req, status__in=DRAWN_FROM).first()
    if assessment is None:
        return found
    return found + _draft_link(assessment, user, _("Draft a programme from its needs assessment"))


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = gettext_lazy("Assistance programmes")

    def ready(self) -> None:
        related.register("assessments.NeedsAssessment", programmes_of_assessment)
        related.register("requests_app.AssistanceRequest", programmes_of_request)
        # The core imports no app: each stage hands it its kinds of reminder.
        from programmes import exports, reminders, reports

        reminders.register()
        reports.register()
        exports.register()

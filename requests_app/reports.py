"""The request summary as a PDF (``tcp.reports``): the request as its reader sees it.

Everything comes through the request's selectors and its audience, the same
ones the request page uses: a government reads its shared documents and
messages and the notes of transitions meant for it; the screening and the
internal notes are OHCHR's.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from requests_app import services
from requests_app.models import AssistanceRequest
from requests_app.selectors import (
    audience,
    request_timeline,
    visible_documents,
    visible_messages,
    visible_recommendations,
    visible_requests,
    visible_screening,
)
from tcp import reports
from tcp.related import related_links

VIEW = "requests_app.view_assistancerequest"


def subject(user: Any, reference: str) -> AssistanceRequest:
    """The request as ``user`` may open it on its page (``Http404`` otherwise)."""
    if not user.has_perm(VIEW):
        raise Http404
    req = (
        visible_requests(user)
        .select_related("created_by")
        .prefetch_related("thematic_areas", "forms_of_assistance", "sdgs")
        .filter(reference=reference)
        .first()
    )
    if req is None:
        raise Http404
    return req


def context(user: Any, req: AssistanceRequest, params: dict) -> dict[str, Any]:
    internal = audience(req, user).internal
    screening = visible_screening(req, user)
    result: dict[str, Any] = {
        "req": req,
        "internal": internal,
        "recommendations": list(
            visible_recommendations(user).filter(requests=req).order_by("date", "id")
        ),
        "documents": list(visible_documents(req, user)),
        "thread": list(visible_messages(req, user)),
        # The status changes of the page's timeline, with the notes the reader may read.
        "status_changes": [
            entry
            for entry in request_timeline(req, user, services.LIFECYCLE)
            if entry.kind == "status"
        ],
        # The records that followed from it (or that it answers): no step or sentence
        # of the page's cycle strip, which speak to the page's reader at the time.
        "related": [link for link in related_links(req, user) if link.is_record],
        "screening": screening if internal else None,
    }
    if internal and screening is not None:
        result["screening_total"], result["screening_max"] = services.screening_total(screening)
        result["screening_scores"] = list(screening.scores.all())
    return result


def title(req: AssistanceRequest, params: dict) -> str:
    return _("Request summary %(reference)s") % {"reference": req.reference}


def register() -> None:
    reports.register(
        reports.ReportKind(
            code="request",
            subject=subject,
            context=context,
            template="reports/request.html",
            title=title,
        )
    )

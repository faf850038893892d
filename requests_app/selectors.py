from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from requests_app.models import (
    AssistanceRequest,
    Message,
    Recommendation,
    RequestDocument,
    Screening,
)
from tcp import l10n
from tcp.audience import Audience, audience_of
from tcp.documents import Visibility
from tcp.lifecycle import status_changes
from tcp.scoping import exception_ids
from tcp.selectors import scoped


def visible_requests(user: Any) -> QuerySet[AssistanceRequest]:
    """Every read of requests goes through here: views, API, exports, tasks."""
    return scoped(
        AssistanceRequest.objects.select_related("country"),
        user,
        country_path="country",
        # A focal point sees all of their State's requests, drafts included.
        shared_with_government=Q(),
        # A draft is the government's own until it is submitted.
        ohchr_visible=~Q(status=AssistanceRequest.Status.DRAFT),
        exception_perm="requests_app.view_assistancerequest",
    )


def request_in_scope(request: AssistanceRequest, user: Any) -> bool:
    return visible_requests(user).filter(pk=request.pk).exists()


def visible_recommendations(user: Any) -> QuerySet[Recommendation]:
    """Recommendations are public texts: everyone sees those of their countries."""
    return scoped(
        Recommendation.objects.select_related("country", "mechanism"),
        user,
        country_path="country",
        shared_with_government=Q(),
    )


def audience(req: AssistanceRequest, user: Any) -> Audience:
    """OHCHR staff of the country (and those invited to the request) read its internal
    material; its State's focal points read what is shared."""
    invited = req.pk in exception_ids(user, AssistanceRequest, "view_assistancerequest")
    return audience_of(user, [req.country_id], guest_of=[req.country_id] if invited else ())


def _sees_internal(req: AssistanceRequest, user: Any) -> bool:
    return audience(req, user).internal


# The functions below take a request that came through visible_requests.


def visible_messages(req: AssistanceRequest, user: Any) -> QuerySet[Message]:
    """The thread, with internal notes only for OHCHR."""
    return audience(req, user).material(req.messages.select_related("author"))


def visible_documents(req: AssistanceRequest, user: Any) -> QuerySet[RequestDocument]:
    return audience(req, user).material(req.documents.select_related("uploaded_by"))


def visible_screening(req: AssistanceRequest, user: Any) -> Screening | None:
    """The screening is OHCHR's working paper: never read by a government."""
    if not _sees_internal(req, user):
        return None
    return (
        Screening.objects.filter(request=req)
        .select_related("screened_by")
        .prefetch_related("scores__criterion")
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    by: Any
    kind: str  # "status", "message", "note", "document", "screening"
    title: str
    text: str = ""
    internal: bool = False


def request_timeline(req: AssistanceRequest, user: Any, lifecycle: Any) -> list[TimelineEntry]:
    """Every status change, message, document and screening, oldest first.

    A government reads shared messages and documents and the steps shared
    with it (``Transition.shared_with_government``: not OHCHR's start of the
    screening), with the notes meant for it; OHCHR reads everything.
    """
    internal = _sees_internal(req, user)
    statuses = dict(AssistanceRequest.Status.choices)
    entries = []
    for change in status_changes(req):
        transition = lifecycle._by_action.get(change.action)
        shared = transition is not None and transition.shared_with_government
        if not internal and not shared:
            continue
        shared_note = shared and transition.note_shared
        entries.append(
            TimelineEntry(
                at=change.at,
                by=change.by,
                kind="status",
                title=f"{transition.label if transition else change.action}: "
                f"{statuses.get(change.from_status, change.from_status)} {l10n.arrow()} "
                f"{statuses.get(change.to_status, change.to_status)}",
                text=change.note if internal or shared_note else "",
            )
        )
    for message in visible_messages(req, user):
        is_note = message.visibility == Visibility.INTERNAL
        entries.append(
            TimelineEntry(
                at=message.created_at,
                by=message.author,
                kind="note" if is_note else "message",
                title=str(_("Internal note") if is_note else _("Message")),
                text=message.body,
                internal=is_note,
            )
        )
    for document in visible_documents(req, user):
        entries.append(
            TimelineEntry(
                at=document.uploaded_at,
                by=document.uploaded_by,
                kind="document",
                title=f"{document.get_kind_display()}: {document.original_name}",
                internal=document.visibility == Visibility.INTERNAL,
            )
        )
    screening = visible_screening(req, user)
    if screening is not None:
        entries.append(
            TimelineEntry(
                at=screening.updated_at,
                by=screening.screened_by,
                kind="screening",
                title=str(_("Screening recorded")),
                text=screening.summary,
                internal=True,
            )
        )
    return sorted(entries, key=lambda e: e.at)

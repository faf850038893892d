"""The request page, and what is posted from it: messages, the screening, documents.

The request comes through ``visible_requests`` (outside scope: 404), its
messages, documents and screening through their selectors; every write goes
through ``requests_app.services``, which also says what each user may do
now, so the page offers exactly the forms the services will accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from requests_app import services
from requests_app.forms import MessageForm, ScreeningForm
from requests_app.models import AssistanceRequest, RequestDocument, Screening
from requests_app.selectors import (
    audience,
    request_timeline,
    visible_documents,
    visible_messages,
    visible_requests,
    visible_screening,
)
from tcp.documents import ALL_KINDS, Visibility, neutralised_notice
from tcp.forms import DocumentUploadForm
from tcp.lifecycle import TransitionRefused, status_changes
from tcp.models import ScreeningCriterion
from tcp.related import cycle
from tcp.views import actions_for, document_response

VIEW = "requests_app.view_assistancerequest"
S = AssistanceRequest.Status
_TYPE_LABELS = {kind.content_type: kind.label for kind in ALL_KINDS}


def request_for(request: HttpRequest, pk: int) -> AssistanceRequest:
    return get_object_or_404(visible_requests(request.user), pk=pk)


def back(req: AssistanceRequest, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("requests_app:detail", args=[req.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def _recommendation_url(pk: int) -> str:
    try:
        return reverse("requests_app:recommendation_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _screening_form(screening: Screening | None, data: Any = None) -> ScreeningForm:
    initial_scores: dict[int, tuple[int, str]] = {}
    initial = {}
    if screening is not None:
        initial_scores = {s.criterion_id: (s.score, s.comment) for s in screening.scores.all()}
        initial["summary"] = screening.summary
    return ScreeningForm(
        data,
        criteria=list(ScreeningCriterion.objects.filter(is_active=True)),
        initial_scores=initial_scores,
        initial=initial,
        prefix="scr",
    )


def _upload_form(data: Any = None, files: Any = None) -> DocumentUploadForm:
    return DocumentUploadForm(
        data,
        files,
        kinds=RequestDocument.Kind.choices,
        initial_kind=RequestDocument.Kind.SUPPORTING,
        prefix="doc",
    )


@dataclass(frozen=True)
class DocumentRow:
    document: RequestDocument
    type_label: str
    internal: bool


def document_rows(req: AssistanceRequest, user: Any) -> list[DocumentRow]:
    return [
        DocumentRow(
            doc,
            _TYPE_LABELS.get(doc.content_type, doc.content_type),
            doc.visibility == Visibility.INTERNAL,
        )
        for doc in visible_documents(req, user)
    ]


def render_detail(
    request: HttpRequest, req: AssistanceRequest, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The request page; ``bound`` holds a form that came back with errors."""
    user = request.user
    ohchr = audience(req, user).internal
    changes = list(status_changes(req))
    decision = next((c for c in reversed(changes) if c.action in ("accept", "decline")), None)
    question = None
    if req.status == S.INFORMATION_REQUESTED:
        question = next((c for c in reversed(changes) if c.action == "request_information"), None)
    context: dict[str, Any] = {
        "req": req,
        "ohchr": ohchr,
        "decision": decision,
        "question": question,
        "recommendations": [
            (rec, _recommendation_url(rec.pk))
            for rec in req.recommendations.select_related("mechanism")
        ],
        "documents": document_rows(req, user),
        "thread": list(visible_messages(req, user)),
        "actions": actions_for(req, services.LIFECYCLE, user),
        "timeline": request_timeline(req, user, services.LIFECYCLE),
        "can_edit": services.draft_edit_refusal(req=req, user=user) is None,
        # Where it sits in the cycle: the follow-up action it answers, the assessment
        # and programme it led to, as far as the user may open them.
        "can_delete": services.delete_refusal(req=req, user=user) is None,
        "cycle": cycle(req, user, stage="request", previous=[]),
    }
    if services.post_refusal(req=req, user=user) is None:
        context["message_form"] = bound.get("message_form") or MessageForm(ohchr=ohchr)
    if ohchr and services.attach_refusal(req=req, user=user) is None:
        # The government attaches through its form, with everything else it types.
        context["upload_form"] = bound.get("upload_form") or _upload_form()
    screening = visible_screening(req, user)
    if ohchr:
        context["screening"] = screening
        if screening is not None:
            context["screening_total"], context["screening_max"] = services.screening_total(
                screening
            )
        if services.screening_refusal(req=req, user=user) is None:
            context["screening_form"] = bound.get("screening_form") or _screening_form(screening)
    return render(request, "requests_app/request_detail.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        visible_requests(request.user)
        .select_related("created_by")
        .prefetch_related("thematic_areas", "forms_of_assistance", "sdgs"),
        pk=pk,
    )
    return render_detail(request, req)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_for(request, pk)
    refusal = services.post_refusal(req=req, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return back(req)
    form = MessageForm(request.POST, ohchr=audience(req, request.user).internal)
    if not form.is_valid():
        return render_detail(request, req, message_form=form)
    try:
        message = services.post_message(
            req=req,
            by=request.user,
            body=form.cleaned_data["body"],
            visibility=form.chosen_visibility,
        )
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return back(req)
    if message.visibility == Visibility.INTERNAL:
        messages.success(request, _("Internal note added: OHCHR staff only can read it."))
    else:
        messages.success(request, _("Message sent."))
    return back(req, f"message-{message.pk}")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def screening_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the screening; an incomplete one comes back with every gap marked."""
    req = request_for(request, pk)
    refusal = services.screening_refusal(req=req, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return back(req)
    form = _screening_form(visible_screening(req, request.user), request.POST)
    form.is_valid()
    try:
        services.record_screening(
            req=req,
            by=request.user,
            scores=form.scores(),  # type: ignore[arg-type]  # the service names the gaps
            summary=form.cleaned_data.get("summary", ""),
        )
    except TransitionRefused as exc:
        if exc.missing:
            form.add_error(None, exc.message)
            form.mark_missing()
            return render_detail(request, req, screening_form=form)
        messages.error(request, exc.message)
        return back(req)
    messages.success(request, _("Screening recorded."))
    return back(req, "screening")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """OHCHR's upload from the request page: one file, its kind and visibility."""
    req = request_for(request, pk)
    refusal = services.attach_refusal(req=req, user=request.user)
    if refusal is None and not audience(req, request.user).internal:
        refusal = _("The government attaches documents through the request form.")
    if refusal is not None:
        messages.error(request, refusal)
        return back(req)
    form = _upload_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.attach_document(
                req=req,
                file=form.cleaned_data["file"],
                by=request.user,
                kind=form.cleaned_data["kind"],
                visibility=form.cleaned_data["visibility"],
            )
        except TransitionRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("“%s” attached.") % document.original_name)
            notice = neutralised_notice(document)
            if notice:
                messages.info(request, notice)
            return back(req, "documents")
    return render_detail(request, req, upload_form=form)


@login_required
@permission_required(VIEW, raise_exception=True)
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    req = request_for(request, pk)
    document = get_object_or_404(visible_documents(req, request.user), pk=doc_pk)
    return document_response(request, document, req)

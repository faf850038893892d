"""The evaluation's documents: upload (through the same checked path as every
stage), download, removal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import services
from evaluations.forms import upload_form
from evaluations.selectors import evaluation_documents
from evaluations.views.common import back, evaluation_for, refuse, viewer_required
from evaluations.views.detail import render_detail
from tcp.documents import neutralised_notice
from tcp.lifecycle import TransitionRefused
from tcp.views import document_response


@viewer_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """One file per POST. A refusal re-renders the page with the reason next to the
    file field and the kind and visibility as chosen."""
    evaluation = evaluation_for(request, pk)
    refused = refuse(
        request, services.edit_refusal(evaluation=evaluation, user=request.user), evaluation
    )
    if refused:
        return refused
    form = upload_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.attach_evaluation_document(
                evaluation=evaluation,
                file=form.cleaned_data["file"],
                by=request.user,
                kind=form.cleaned_data["kind"],
                visibility=form.cleaned_data["visibility"],
            )
        except TransitionRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("“%s” uploaded.") % document.original_name)
            notice = neutralised_notice(document)
            if notice:
                messages.info(request, notice)
            return back(evaluation, "documents")
    return render_detail(request, evaluation, upload_form=form)


@viewer_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    document = get_object_or_404(evaluation_documents(evaluation, request.user), pk=doc_pk)
    return document_response(request, document, evaluation)


@viewer_required
@require_POST
def document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    document = get_object_or_404(evaluation_documents(evaluation, request.user), pk=doc_pk)
    name = document.original_name
    try:
        services.remove_evaluation_document(document=document, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%s” removed.") % name)
    return back(evaluation, "documents")

"""The assessment's documents: upload, download, what is shared, removal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.selectors import visible_assessment_documents
from assessments.views.common import (
    assessment_for,
    back,
    refuse_unless_team,
    upload_form,
    viewer_required,
)
from assessments.views.detail import render_detail
from tcp.documents import neutralised_notice
from tcp.lifecycle import TransitionRefused
from tcp.views import document_response


@viewer_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """One file per POST. A refusal re-renders the page with the reason next to
    the file field and the kind and visibility as chosen."""
    assessment = assessment_for(request, pk)
    refused = refuse_unless_team(request, assessment, _("documents"))
    if refused:
        return refused
    form = upload_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.attach_assessment_document(
                assessment=assessment,
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
            return back(assessment, "documents")
    return render_detail(request, assessment, upload_form=form)


@viewer_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    document = get_object_or_404(visible_assessment_documents(assessment, request.user), pk=doc_pk)
    return document_response(request, document, assessment)


@viewer_required
@require_POST
def document_visibility(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    document = get_object_or_404(visible_assessment_documents(assessment, request.user), pk=doc_pk)
    try:
        services.set_document_visibility(
            document=document, visibility=request.POST.get("visibility", ""), by=request.user
        )
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("“%(name)s” is now: %(visibility)s.")
            % {"name": document.original_name, "visibility": document.get_visibility_display()},
        )
    return back(assessment, "documents")


@viewer_required
@require_POST
def document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    document = get_object_or_404(visible_assessment_documents(assessment, request.user), pk=doc_pk)
    name = document.original_name
    try:
        services.remove_assessment_document(document=document, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%s” removed.") % name)
    return back(assessment, "documents")

"""What every assessment page shares: who may reach them, and how to get back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import AssessmentDocument, NeedsAssessment
from assessments.selectors import VIEW, invited_to, visible_assessments
from tcp.documents import ALL_KINDS
from tcp.forms import DocumentUploadForm

TYPE_LABELS = {kind.content_type: kind.label for kind in ALL_KINDS}


def may_view(user: Any) -> bool:
    """The role's permission to view assessments, or an invitation to one of them
    (a roster expert on a mission holds ``view_needsassessment`` on that record only)."""
    return user.has_perm(VIEW) or bool(invited_to(user))


def viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a viewer of assessments (403 otherwise); which ones is the
    selectors' business (404 outside scope)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def assessment_for(request: HttpRequest, pk: int) -> NeedsAssessment:
    return get_object_or_404(visible_assessments(request.user), pk=pk)


def back(assessment: NeedsAssessment, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("assessments:detail", args=[assessment.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def refuse_unless_team(
    request: HttpRequest, assessment: NeedsAssessment, what: str
) -> HttpResponse | None:
    refusal = services.team_refusal(assessment, request.user, what)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return back(assessment)


def upload_form(data: Any = None, files: Any = None) -> DocumentUploadForm:
    return DocumentUploadForm(
        data,
        files,
        kinds=AssessmentDocument.Kind.choices,
        initial_kind=AssessmentDocument.Kind.REPORT,
        visibility_help=_("The desk officer can change this until the report is shared."),
        prefix="document",
    )

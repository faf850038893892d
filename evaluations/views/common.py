"""What every evaluation page shares: who may reach them, and how to get back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import may_view, visible_evaluations, visible_follow_up_actions
from tcp.documents import ALL_KINDS
from tcp.forms import add_model_errors
from tcp.lifecycle import TransitionRefused

VIEW = "evaluations.view_evaluation"
VIEW_FOLLOW_UP = "evaluations.view_followupaction"
TYPE_LABELS = {kind.content_type: kind.label for kind in ALL_KINDS}


def viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a viewer of evaluations (the role, or an invitation to evaluate
    one): 403 otherwise; which ones is the selectors' business (404 outside scope)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def follow_up_viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(VIEW_FOLLOW_UP):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def evaluation_for(request: HttpRequest, pk: int) -> Evaluation:
    return get_object_or_404(
        visible_evaluations(request.user).select_related(
            "evaluator_user", "evaluator_expert", "programme"
        ),
        pk=pk,
    )


def action_for(request: HttpRequest, pk: int) -> FollowUpAction:
    return get_object_or_404(
        visible_follow_up_actions(request.user).select_related(
            "recommendation", "evaluation__programme"
        ),
        pk=pk,
    )


def back(record: Any, anchor: str = "") -> HttpResponseRedirect:
    url = record.get_absolute_url()
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def refuse(request: HttpRequest, refusal: str | None, record: Any) -> HttpResponse | None:
    """A refusal of the service becomes a message on the record's page."""
    if refusal is None:
        return None
    messages.error(request, refusal)
    return back(record)


def refuse_page(
    request: HttpRequest, refusal: str | None, record: Any, *, perm: str
) -> HttpResponse | None:
    """For a form page: 403 to a role that never holds ``perm`` (on the record either,
    for an invited evaluator), else the refusal as a message on the record's page."""
    if refusal is None:
        return None
    user = request.user
    if not (user.has_perm(perm) or user.has_perm(perm, record)):
        raise PermissionDenied
    return refuse(request, refusal, record)


def save(form: Any, write: Callable[[], Any]) -> Any:
    """Call the service; its refusal or the model's errors go on the form. Returns
    what the service returned, or None when it refused."""
    try:
        return write() or True
    except TransitionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_model_errors(form, exc)
    return None


def list_url(name: str, query: str = "") -> str:
    url = reverse(name)
    return f"{url}?{query}" if query else url

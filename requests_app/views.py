"""Requests: list, detail, the focal point's draft form, and the one transition view.

Every object comes through ``visible_requests`` (outside scope: 404); every
write goes through ``requests_app.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from requests_app import services
from requests_app.forms import RequestForm
from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp.lifecycle import TransitionRefused
from tcp.models import Country
from tcp.roles import Role
from tcp.scoping import scope_for
from tcp.views import (
    Block,
    Column,
    HistorySource,
    ListSpec,
    Row,
    action_labels,
    actions_for,
    block,
    list_page,
    run_transition,
    timeline,
)

VIEW = "requests_app.view_assistancerequest"
S = AssistanceRequest.Status

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "title"),
    sorts={
        "reference": ("reference",),
        "title": ("title",),
        "country": ("country__name",),
        "status": ("status",),
        "created": ("created_at",),
        "submitted": ("submitted_at",),
    },
    default_sort="-created",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Country"), "country"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Submitted"), "submitted", css="num"),
        Column(gettext_lazy("Created"), "created", css="num"),
    ),
)

# The note typed in the form goes where each service expects it.
_ACTIONS: dict[str, Callable[[AssistanceRequest, Any, str], Any]] = {
    "submit": lambda req, by, note: services.submit_request(req=req, by=by),
    "acknowledge": lambda req, by, note: services.acknowledge_request(req=req, by=by),
    "request_information": lambda req, by, note: services.request_information(
        req=req, by=by, question=note
    ),
    "resubmit": lambda req, by, note: services.resubmit_request(req=req, by=by, answer=note),
    "start_assessment": lambda req, by, note: services.start_assessment(req=req, by=by),
    "accept": lambda req, by, note: services.accept_request(req=req, by=by),
    "decline": lambda req, by, note: services.decline_request(req=req, by=by, reason=note),
    "withdraw": lambda req, by, note: services.withdraw_request(req=req, by=by, note=note),
}

_M2M = ("thematic_areas", "forms_of_assistance", "sdgs")
_FORM_FIELDS = (
    "title",
    "requesting_authority",
    "description",
    "justification",
    "thematic_areas",
    "forms_of_assistance",
    "sdgs",
    "desired_start",
    "desired_end",
)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_list(request: HttpRequest) -> HttpResponse:
    context = list_page(request, visible_requests(request.user), LIST)
    context["can_create"] = _can_create(request.user)
    return render(request, "requests_app/request_list.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        visible_requests(request.user)
        .select_related("created_by")
        .prefetch_related("thematic_areas", "forms_of_assistance", "sdgs"),
        pk=pk,
    )
    return render(
        request,
        "requests_app/request_detail.html",
        {
            "req": req,
            "actions": actions_for(req, services.LIFECYCLE, request.user),
            # Every note of a request's lifecycle is written to or by the government.
            "timeline": timeline(
                req,
                services.LIFECYCLE,
                show_notes=scope_for(request.user).is_ohchr_for(req.country_id),
            ),
            "can_edit": services.draft_edit_refusal(req=req, user=request.user) is None,
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(visible_requests(request.user), pk=pk)
    action = request.POST.get("action", "")
    perform = _ACTIONS.get(action)
    return run_transition(
        request,
        services.LIFECYCLE,
        action,
        (lambda note: perform(req, request.user, note)) if perform else None,
        redirect_to=reverse("requests_app:detail", args=[req.pk]),
    )


@login_required
@permission_required("requests_app.add_assistancerequest", raise_exception=True)
def request_create(request: HttpRequest) -> HttpResponse:
    countries = Country.objects.filter(pk__in=sorted(scope_for(request.user).government))
    if not countries:
        # A focal point with no State yet: nothing they could create.
        raise PermissionDenied
    form = RequestForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _FORM_FIELDS}
        try:
            req = services.create_request(
                country=form.cleaned_data["country"], by=request.user, **data
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Draft %s saved.") % req.reference)
            return redirect("requests_app:detail", pk=req.pk)
    return render(request, "requests_app/request_form.html", {"form": form, "req": None})


@login_required
@permission_required("requests_app.change_assistancerequest", raise_exception=True)
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(visible_requests(request.user), pk=pk)
    refusal = services.draft_edit_refusal(req=req, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("requests_app:detail", pk=req.pk)
    initial = {name: getattr(req, name) for name in _FORM_FIELDS if name not in _M2M}
    initial.update({name: list(getattr(req, name).all()) for name in _M2M})
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _FORM_FIELDS}
        try:
            services.update_draft(req=req, by=request.user, **data)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Request %s saved.") % req.reference)
            return redirect("requests_app:detail", pk=req.pk)
    return render(request, "requests_app/request_form.html", {"form": form, "req": req})


def _can_create(user: Any) -> bool:
    return user.has_perm("requests_app.add_assistancerequest") and bool(scope_for(user).government)


# --- what the shell shows of requests ---


def _row(req: AssistanceRequest) -> Row:
    return Row(
        f"{req.reference} · {req.title}",
        reverse("requests_app:detail", args=[req.pk]),
        req.get_status_display(),
        req.country.name,
        status_value=req.status,
    )


def _list_url(status: str) -> str:
    return f"{reverse('requests_app:list')}?status={status}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_requests(user)
    blocks = []
    if Role.FOCAL_POINT in roles:
        blocks += [
            block(
                _("Your drafts"),
                visible.filter(status=S.DRAFT).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.DRAFT),
            ),
            block(
                _("Requests awaiting your answer"),
                visible.filter(status=S.INFORMATION_REQUESTED).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.INFORMATION_REQUESTED),
            ),
        ]
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Submitted requests to acknowledge"),
                visible.filter(status=S.SUBMITTED).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.SUBMITTED),
            ),
            block(
                _("Requests under assessment"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
            ),
        ]
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Requests to decide"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="request",
        label=gettext_lazy("Requests"),
        model=AssistanceRequest,
        visible=visible_requests,
        url_name="requests_app:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    )
]

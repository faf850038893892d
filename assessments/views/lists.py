"""The assessment list (with the accepted requests awaiting one), planning and re-planning."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import services
from assessments.forms import PlanningForm
from assessments.models import NeedsAssessment
from assessments.selectors import awaiting_assessment, visible_assessments
from assessments.views.common import assessment_for, viewer_required
from requests_app.selectors import visible_requests
from tcp import exports, l10n
from tcp.forms import add_model_errors
from tcp.lifecycle import TransitionRefused
from tcp.views import Column, ListSpec, list_page

PLAN = "assessments.plan_needsassessment"
AWAITING_SHOWN = 10
S = NeedsAssessment.Status
OPEN = (S.PLANNED, S.IN_PROGRESS)

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "title"),
    sorts={
        "reference": ("reference",),
        "country": ("country__name",),
        "mode": ("mode",),
        "status": ("status",),
        "due": ("due_date",),
        "created": ("created_at",),
    },
    default_sort="due",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Title")),
        Column(gettext_lazy("Country"), "country"),
        Column(gettext_lazy("Mode"), "mode"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Findings due"), "due", css="num"),
    ),
)


@viewer_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    overdue = Q(status__in=OPEN, due_date__lt=timezone.now().date())
    queryset = visible_assessments(request.user).annotate(
        is_overdue=ExpressionWrapper(overdue, output_field=BooleanField())
    )
    context = list_page(request, queryset, LIST)
    context["export_links"] = exports.links(request, "assessments")
    if request.user.has_perm(PLAN):
        # One query, whatever the number of requests waiting.
        # The oldest few, and whether there are more: one query, bounded, whatever
        # the size of the portfolio (the request list has them all).
        # Ids first (an index-only scan and an anti-join), then those few rows.
        ids = list(
            awaiting_assessment(request.user)
            .order_by("decided_at", "pk")
            .values_list("pk", flat=True)[: AWAITING_SHOWN + 1]
        )
        waiting = list(
            visible_requests(request.user).filter(pk__in=ids).order_by("decided_at", "pk")
        )
        context["awaiting"] = waiting[:AWAITING_SHOWN]
        context["awaiting_more"] = len(waiting) > AWAITING_SHOWN
    return render(request, "assessments/assessment_list.html", context)


@login_required
@permission_required(PLAN, raise_exception=True)
def assessment_plan(request: HttpRequest, request_pk: int) -> HttpResponse:
    req = get_object_or_404(awaiting_assessment(request.user), pk=request_pk)
    presences = list(req.country.field_presences.filter(is_active=True)[:2])
    initial: dict[str, Any] = {"mode": NeedsAssessment.Mode.FIELD_PRESENCE, "title": req.title}
    if len(presences) == 1:
        initial["field_presence"] = presences[0]
    form = PlanningForm(request.POST or None, country=req.country, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.plan_assessment(
                request=req, by=request.user, **form.service_fields()
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(
                request, _("Needs assessment %s planned.") % l10n.isolate(assessment.reference)
            )
            return redirect(assessment)
    return render(
        request, "assessments/assessment_form.html", {"form": form, "req": req, "assessment": None}
    )


@viewer_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk officer changes the plan (mode, team, dates, terms) while it is open."""
    assessment = assessment_for(request, pk)
    refusal = services.replan_refusal(assessment=assessment, user=request.user)
    if refusal is not None:
        if not request.user.has_perm(PLAN):
            raise PermissionDenied
        messages.error(request, refusal)
        return redirect(assessment)
    form = PlanningForm(request.POST or None, instance=assessment, country=assessment.country)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_assessment(
                assessment=assessment, by=request.user, **form.service_fields()
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(request, _("Plan of %s saved.") % l10n.isolate(assessment.reference))
            return redirect(assessment)
    request_link = visible_requests(request.user).filter(pk=assessment.request_id).first()
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "req": request_link, "assessment": assessment},
    )

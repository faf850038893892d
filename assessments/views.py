"""Needs assessments: list, detail and the one transition view.

Every object comes through ``visible_assessments`` (outside scope: 404);
every write goes through ``assessments.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import services
from assessments.models import NeedsAssessment
from assessments.selectors import visible_assessments
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

VIEW = "assessments.view_needsassessment"
S = NeedsAssessment.Status

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "request__title", "request__reference"),
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
        Column(gettext_lazy("Request")),
        Column(gettext_lazy("Country"), "country"),
        Column(gettext_lazy("Mode"), "mode"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Findings due"), "due", css="num"),
    ),
)

_ACTIONS = {
    "start": lambda a, by, note: services.start_assessment(assessment=a, by=by),
    "submit_findings": lambda a, by, note: services.submit_findings(assessment=a, by=by),
    "return_findings": lambda a, by, note: services.return_findings(assessment=a, by=by, note=note),
    "validate": lambda a, by, note: services.validate_findings(assessment=a, by=by),
    "share": lambda a, by, note: services.share_with_government(assessment=a, by=by),
}


@login_required
@permission_required(VIEW, raise_exception=True)
def assessment_list(request: HttpRequest) -> HttpResponse:
    overdue = Q(status__in=_OPEN, due_date__lt=timezone.now().date())
    queryset = visible_assessments(request.user).annotate(
        is_overdue=ExpressionWrapper(overdue, output_field=BooleanField())
    )
    return render(request, "assessments/assessment_list.html", list_page(request, queryset, LIST))


@login_required
@permission_required(VIEW, raise_exception=True)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(visible_assessments(request.user), pk=pk)
    # Review notes ("what needs more work") are OHCHR's; a government reads the result.
    ohchr = scope_for(request.user).is_ohchr_for(assessment.country_id)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "actions": actions_for(assessment, services.LIFECYCLE, request.user),
            "timeline": timeline(assessment, services.LIFECYCLE, show_notes=ohchr),
            "is_overdue": _is_overdue(assessment),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def assessment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(visible_assessments(request.user), pk=pk)
    action = request.POST.get("action", "")
    perform = _ACTIONS.get(action)
    return run_transition(
        request,
        services.LIFECYCLE,
        action,
        (lambda note: perform(assessment, request.user, note)) if perform else None,
        redirect_to=reverse("assessments:detail", args=[assessment.pk]),
    )


_OPEN = (S.PLANNED, S.IN_PROGRESS)


def _is_overdue(assessment: NeedsAssessment) -> bool:
    return assessment.status in _OPEN and assessment.due_date < timezone.now().date()


# --- what the shell shows of assessments ---


def _row(a: NeedsAssessment) -> Row:
    return Row(
        f"{a.reference} · {a.request.title}",
        reverse("assessments:detail", args=[a.pk]),
        a.get_status_display(),
        _("%(country)s, findings due %(due)s") % {"country": a.country.name, "due": a.due_date},
        status_value=a.status,
    )


def _list_url(query: str) -> str:
    return f"{reverse('assessments:list')}?{query}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_assessments(user)
    today = timezone.now().date()
    blocks = []
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Findings to validate"),
                visible.filter(status=S.FINDINGS_SUBMITTED).order_by("due_date"),
                _row,
                more_url=_list_url(f"status={S.FINDINGS_SUBMITTED}"),
            ),
            block(
                _("Overdue assessments"),
                visible.filter(status__in=_OPEN, due_date__lt=today).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
            ),
        ]
    if Role.FIELD_OFFICER in roles:
        blocks.append(
            block(
                _("Assessments of your countries"),
                visible.filter(status__in=_OPEN).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="assessment",
        label=gettext_lazy("Needs assessments"),
        model=NeedsAssessment,
        visible=visible_assessments,
        url_name="assessments:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    )
]

"""The lists of evaluations and of follow-up actions, and scheduling an evaluation by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import services
from evaluations.forms import RosterSearchForm, ScheduleForm
from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import (
    OPEN,
    OPEN_ACTIONS,
    evaluator_candidates,
    visible_evaluations,
    visible_follow_up_actions,
    with_overdue,
)
from evaluations.views.common import follow_up_viewer_required, save, viewer_required
from programmes.models import Programme
from programmes.selectors import visible_programmes
from tcp import exports, l10n
from tcp.views import Column, ListSpec, list_page, openable

S = Evaluation.Status
F = FollowUpAction.Status
SCHEDULE = "evaluations.schedule_evaluation"

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "programme__title", "programme__reference"),
    sorts={
        "reference": ("reference",),
        "programme": ("programme__reference",),
        "kind": ("kind",),
        "status": ("status",),
        "due": ("due_date",),
    },
    default_sort="due",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Programme"), "programme"),
        Column(gettext_lazy("Kind"), "kind"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Due"), "due", css="num"),
    ),
    country_lookup="programme__countries",
)

FOLLOW_UP_LIST = ListSpec(
    statuses=F.choices,
    search=("description", "owner", "evaluation__reference"),
    sorts={
        "evaluation": ("evaluation__reference",),
        "owner": ("owner",),
        "status": ("status",),
        "due": ("due_date",),
    },
    default_sort="due",
    columns=(
        Column(gettext_lazy("Action")),
        Column(gettext_lazy("Evaluation"), "evaluation"),
        Column(gettext_lazy("Responsible"), "owner"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Due"), "due", css="num"),
    ),
    country_lookup="evaluation__programme__countries",
)


@viewer_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    queryset = with_overdue(visible_evaluations(request.user), OPEN)
    context = list_page(request, queryset, LIST)
    context["export_links"] = exports.links(request, "evaluations")
    # A programme is named only if the reader may open it: one query for the page.
    context["programme_ids"] = openable(
        visible_programmes(request.user), (e.programme_id for e in context["page_obj"])
    )
    context["may_schedule"] = request.user.has_perm(SCHEDULE)
    context["may_see_overview"] = request.user.has_perm("evaluations.view_evaluation_overview")
    return render(request, "evaluations/evaluation_list.html", context)


@follow_up_viewer_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    queryset = with_overdue(visible_follow_up_actions(request.user), OPEN_ACTIONS)
    context = list_page(request, queryset, FOLLOW_UP_LIST)
    context["export_links"] = exports.links(request, "follow-up-actions")
    context["evaluation_ids"] = openable(
        visible_evaluations(request.user), (a.evaluation_id for a in context["page_obj"])
    )
    return render(request, "evaluations/follow_up_list.html", context)


def schedulable_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes the user may open that are evaluated (approved or later); the
    service says, for the one chosen, whether this user may schedule for it."""
    return (
        visible_programmes(user)
        .filter(status__in=services.EVALUATED_STATUSES)
        .order_by("reference")
    )


@login_required
@permission_required(SCHEDULE, raise_exception=True)
def evaluation_schedule(request: HttpRequest) -> HttpResponse:
    """A desk officer adds an evaluation by hand: first the programme, then the plan."""
    user = request.user
    programmes = schedulable_programmes(user)
    chosen = (request.POST or request.GET).get("programme", "")
    programme = programmes.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if programme is None:
        return render(
            request,
            "evaluations/evaluation_schedule.html",
            {"programmes": programmes, "programme": None},
        )
    refusal = services.schedule_refusal(programme=programme, user=user)
    search = RosterSearchForm(request.GET if {"expertise", "language"} & set(request.GET) else None)
    form = ScheduleForm(
        request.POST or None,
        programmes=programmes.filter(pk=programme.pk),
        staff=evaluator_candidates(programme),
        experts=search.experts(),
        initial={"programme": programme, "kind": Evaluation.Kind.PERIODIC},
    )
    if refusal is not None:
        form.add_error(None, refusal)
    elif request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        evaluation = save(
            form,
            lambda: services.schedule_evaluation(
                programme=programme, kind=form.cleaned_data["kind"], by=user, **fields
            ),
        )
        if evaluation:
            messages.success(
                request, _("Evaluation %s scheduled.") % l10n.isolate(evaluation.reference)
            )
            return redirect(evaluation)
    return render(
        request,
        "evaluations/evaluation_schedule.html",
        {"programme": programme, "form": form, "search_form": search},
    )

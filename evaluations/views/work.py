"""The work on an evaluation: its plan, the report, the ratings, the snapshot, the
recommendations and OHCHR's responses, and with whom it is shared.

Each view gets the evaluation through its selector (404 outside scope), asks
the service whether the user may do this now (a refusal becomes a message on
the evaluation's page), validates the form (kept as typed, every error shown)
and calls the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import services
from evaluations.forms import (
    PlanForm,
    RatingsForm,
    RecommendationForm,
    ReportForm,
    ResponseForm,
    RosterSearchForm,
    ShareForm,
)
from evaluations.models import Evaluation
from evaluations.selectors import (
    active_criteria,
    evaluation_ratings,
    evaluation_recommendations,
    evaluator_candidates,
    levels_by_scale,
)
from evaluations.views.common import (
    back,
    evaluation_for,
    refuse,
    refuse_page,
    save,
    viewer_required,
)
from evaluations.views.detail import render_detail
from tcp import l10n
from tcp.lifecycle import TransitionRefused
from tcp.models import Country


def _form_page(
    request: HttpRequest,
    evaluation: Evaluation,
    form: Any,
    *,
    title: str,
    anchor: str,
    template: str = "evaluations/form_page.html",
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {"evaluation": evaluation, "form": form, "title": title, "anchor": anchor, **extra},
    )


@viewer_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk officer changes the plan (dates, evaluator, terms) while it is open."""
    evaluation = evaluation_for(request, pk)
    refused = refuse_page(
        request,
        services.plan_refusal(evaluation=evaluation, user=request.user),
        evaluation,
        perm=services.SCHEDULE,
    )
    if refused:
        return refused
    search = RosterSearchForm(request.GET if {"expertise", "language"} & set(request.GET) else None)
    form = PlanForm(
        request.POST or None,
        instance=evaluation,
        staff=evaluator_candidates(evaluation.programme),
        experts=search.experts(),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if save(
            form,
            lambda: services.update_plan(evaluation=evaluation, by=request.user, **fields),
        ):
            messages.success(request, _("Plan of %s saved.") % l10n.isolate(evaluation.reference))
            return back(evaluation)
    return _form_page(
        request,
        evaluation,
        form,
        title=_("Edit the plan"),
        anchor="plan",
        template="evaluations/evaluation_plan.html",
        search_form=search,
    )


@viewer_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The team writes the report; saved as often as it likes while open."""
    evaluation = evaluation_for(request, pk)
    refused = refuse_page(
        request,
        services.edit_refusal(evaluation=evaluation, user=request.user),
        evaluation,
        perm=services.CONDUCT,
    )
    if refused:
        return refused
    form = ReportForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if save(
            form,
            lambda: services.update_report(evaluation=evaluation, by=request.user, **fields),
        ):
            messages.success(request, _("Report saved. The evaluation stays open."))
            return back(evaluation, "report")
    return _form_page(request, evaluation, form, title=_("Write the report"), anchor="report")


@viewer_required
def ratings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The team rates the programme on each criterion, with a justification."""
    evaluation = evaluation_for(request, pk)
    user = request.user
    refused = refuse_page(
        request,
        services.edit_refusal(evaluation=evaluation, user=user),
        evaluation,
        perm=services.CONDUCT,
    )
    if refused:
        return refused
    form = RatingsForm(
        request.POST or None,
        criteria=list(active_criteria()),
        levels=levels_by_scale(),
        current={r.criterion_id: r for r in evaluation_ratings(evaluation, user)},
    )
    if request.method == "POST" and form.is_valid():
        ratings = [services.Rating(c, level, text) for c, level, text in form.ratings()]
        if save(
            form,
            lambda: services.rate_evaluation(evaluation=evaluation, by=user, ratings=ratings),
        ):
            messages.success(request, _("Ratings saved."))
            return back(evaluation, "ratings")
    return _form_page(
        request,
        evaluation,
        form,
        title=_("Rate on the criteria"),
        anchor="ratings",
        template="evaluations/evaluation_ratings.html",
    )


@viewer_required
@require_POST
def snapshot_take(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    try:
        services.take_snapshot(evaluation=evaluation, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Snapshot of the programme taken."))
    return back(evaluation, "snapshot")


@viewer_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    refused = refuse(
        request, services.sharing_refusal(evaluation=evaluation, user=request.user), evaluation
    )
    if refused:
        return refused
    covered = Country.objects.filter(programmes=evaluation.programme_id).order_by("name")
    form = ShareForm(request.POST, states=covered, prefix="share")
    if form.is_valid() and save(
        form,
        lambda: services.share_evaluation(
            evaluation=evaluation, states=list(form.cleaned_data["states"]), by=request.user
        ),
    ):
        messages.success(request, _("Sharing saved."))
        return back(evaluation, "plan")
    return render_detail(request, evaluation, share_form=form)


# --- recommendations and OHCHR's responses ---


def _recommendation(request: HttpRequest, evaluation: Evaluation, rec_pk: int) -> Any:
    return get_object_or_404(evaluation_recommendations(evaluation, request.user), pk=rec_pk)


@viewer_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    user = request.user
    refused = refuse(
        request, services.recommendation_refusal(evaluation=evaluation, user=user), evaluation
    )
    if refused:
        return refused
    form = RecommendationForm(request.POST, prefix="recommendation")
    if form.is_valid() and save(
        form,
        lambda: services.add_recommendation(
            evaluation=evaluation, by=user, text=form.cleaned_data["text"]
        ),
    ):
        messages.success(request, _("Recommendation added."))
        return back(evaluation, "follow-up-plan")
    return render_detail(request, evaluation, recommendation_form=form)


@viewer_required
def recommendation_edit(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    recommendation = _recommendation(request, evaluation, rec_pk)
    user = request.user
    refused = refuse_page(
        request,
        services.recommendation_refusal(evaluation=evaluation, user=user),
        evaluation,
        perm=services.CONDUCT,
    )
    if refused:
        return refused
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if (
        request.method == "POST"
        and form.is_valid()
        and save(
            form,
            lambda: services.update_recommendation(
                recommendation=recommendation, by=user, text=form.cleaned_data["text"]
            ),
        )
    ):
        messages.success(request, _("Recommendation saved."))
        return back(evaluation, f"recommendation-{recommendation.pk}")
    return _form_page(
        request,
        evaluation,
        form,
        title=_("Edit recommendation %d") % recommendation.number,
        anchor=f"recommendation-{recommendation.pk}",
    )


@viewer_required
@require_POST
def recommendation_delete(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    recommendation = _recommendation(request, evaluation, rec_pk)
    try:
        services.delete_recommendation(recommendation=recommendation, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recommendation deleted."))
    return back(evaluation, "follow-up-plan")


@viewer_required
def response_edit(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    """OHCHR's management response: agree, partially agree, disagree (with a reason)."""
    evaluation = evaluation_for(request, pk)
    recommendation = _recommendation(request, evaluation, rec_pk)
    user = request.user
    refused = refuse_page(
        request,
        services.response_refusal(recommendation=recommendation, user=user),
        evaluation,
        perm=services.RESPOND,
    )
    if refused:
        return refused
    initial = {"response": recommendation.response, "reason": recommendation.response_reason}
    form = ResponseForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save(
            form,
            lambda: services.respond_to_recommendation(
                recommendation=recommendation,
                by=user,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            ),
        )
    ):
        messages.success(request, _("Management response saved."))
        return back(evaluation, f"recommendation-{recommendation.pk}")
    return _form_page(
        request,
        evaluation,
        form,
        title=_("Respond to recommendation %d") % recommendation.number,
        anchor=f"recommendation-{recommendation.pk}",
        recommendation=recommendation,
    )

"""The evaluation page: the plan, the report, the ratings, the snapshot of the
programme, the follow-up plan, the documents.

The evaluation comes through ``visible_evaluations`` (outside scope: 404);
each part through its selector, so a government reads the summary, the
shared documents and the actions assigned to its State, nothing internal.
The forms and buttons shown are those the services would accept now.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from evaluations import follow_up, links, services
from evaluations.forms import RecommendationForm, ShareForm, upload_form
from evaluations.models import BudgetSnapshot, Evaluation, IndicatorSnapshot
from evaluations.selectors import (
    OPEN_ACTIONS,
    active_criteria,
    audience,
    budget_snapshot,
    evaluation_actions,
    evaluation_documents,
    evaluation_ratings,
    evaluation_recommendations,
    indicator_snapshot,
    is_overdue,
    levels_by_scale,
    visible_follow_up_actions,
    with_overdue,
)
from evaluations.views.common import TYPE_LABELS, evaluation_for, viewer_required
from programmes.selectors import visible_programmes
from tcp.models import Country
from tcp.related import Cycle, link_to
from tcp.views import actions_for, timeline


def bucket(value: Decimal | int | float, top: Decimal | int | float) -> int:
    """A bar width as a multiple of 5 % (the w-0 … w-100 classes: no inline style
    under the CSP); anything above zero shows at least a sliver."""
    if value <= 0 or top <= 0:
        return 0
    return min(100, max(5, round(float(value) * 20 / float(top)) * 5))


@dataclass(frozen=True)
class IndicatorRow:
    row: IndicatorSnapshot
    # Percent of the way from baseline to target (None without an actual value).
    progress: int | None
    width: int


def indicator_rows(rows: list[IndicatorSnapshot]) -> list[IndicatorRow]:
    result = []
    for row in rows:
        progress = None
        if row.actual is not None:
            span = row.target - row.baseline
            if span == 0:
                progress = 100 if row.actual >= row.target else 0
            else:
                progress = round(float((row.actual - row.baseline) / span) * 100)
        shown = max(0, min(100, progress or 0))
        result.append(IndicatorRow(row, progress, bucket(shown, 100)))
    return result


@dataclass(frozen=True)
class BudgetRow:
    row: BudgetSnapshot
    spent_width: int
    share: int | None


def budget_rows(rows: list[BudgetSnapshot]) -> dict[str, list[BudgetRow]]:
    grouped: dict[str, list[BudgetRow]] = {d: [] for d in BudgetSnapshot.Dimension.values}
    for row in rows:
        share = round(row.spent * 100 / row.budget) if row.budget > 0 else None
        grouped[row.dimension].append(BudgetRow(row, bucket(row.spent, row.budget), share))
    return grouped


@dataclass(frozen=True)
class RatingRow:
    criterion: Any
    rating: Any
    # The level's place on its scale, as a bar (best = full).
    width: int


def rating_rows(evaluation: Evaluation, user: Any) -> list[RatingRow]:
    ratings = {r.criterion_id: r for r in evaluation_ratings(evaluation, user)}
    scales = levels_by_scale()
    criteria = list(active_criteria())
    # A criterion retired since keeps the rating it was given.
    criteria += [r.criterion for r in ratings.values() if not r.criterion.is_active]
    rows = []
    for criterion in criteria:
        rating = ratings.get(criterion.pk)
        top = max((level.value for level in scales.get(criterion.scale_id, [])), default=0)
        width = bucket(rating.level.value, top) if rating else 0
        rows.append(RatingRow(criterion, rating, width))
    return rows


def render_detail(request: HttpRequest, evaluation: Evaluation, **bound: Any) -> HttpResponse:
    """The evaluation page; ``bound`` holds a form that came back with errors."""
    user = request.user
    internal = audience(evaluation, user).internal
    programme_link = visible_programmes(user).filter(pk=evaluation.programme_id).first()
    previous = [link_to(_("Programme"), programme_link)] if programme_link is not None else []
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "internal": internal,
        # Back to its programme, forward to its follow-up actions, as far as the
        # user may open them.
        "cycle": Cycle("evaluation", previous, links.evaluation_next(evaluation, user)),
        "is_overdue": is_overdue(evaluation),
        "documents": [
            (doc, TYPE_LABELS.get(doc.content_type, doc.content_type))
            for doc in evaluation_documents(evaluation, user)
        ],
        "actions": actions_for(evaluation, services.LIFECYCLE, user),
        # Review notes ("what needs more work") are OHCHR's; a government reads the result.
        "timeline": timeline(evaluation, services.LIFECYCLE, internal=internal),
    }
    if not internal:
        # A government: the actions assigned to its State, with the recommendation each answers.
        context["government_actions"] = list(evaluation_actions(evaluation, user))
        return render(request, "evaluations/evaluation_detail.html", context)

    can_edit = services.edit_refusal(evaluation=evaluation, user=user) is None
    recommendations = list(
        evaluation_recommendations(evaluation, user).prefetch_related(
            Prefetch(
                "actions",
                queryset=with_overdue(visible_follow_up_actions(user), OPEN_ACTIONS).order_by(
                    "due_date", "id"
                ),
                to_attr="visible_actions",
            )
        )
    )
    refusals = follow_up.action_refusals(
        evaluation=evaluation, recommendations=recommendations, user=user
    )
    covered = Country.objects.filter(programmes=evaluation.programme_id).order_by("name")
    context.update(
        {
            "can_edit": can_edit,
            "can_plan": services.plan_refusal(evaluation=evaluation, user=user) is None,
            "can_snapshot": services.snapshot_refusal(evaluation=evaluation, user=user) is None,
            "can_respond": services.responding_refusal(evaluation=evaluation, user=user) is None,
            "can_recommend": services.recommendation_refusal(evaluation=evaluation, user=user)
            is None,
            "ratings": rating_rows(evaluation, user),
            "indicators": indicator_rows(list(indicator_snapshot(evaluation, user))),
            "budget": budget_rows(list(budget_snapshot(evaluation, user))),
            "recommendations": [(r, refusals[r.pk] is None) for r in recommendations],
            "other_actions": list(
                evaluation_actions(evaluation, user).filter(recommendation__isnull=True)
            ),
            "shared_with": list(evaluation.shared_with.order_by("name")),
            "covered": list(covered),
        }
    )
    if context["can_recommend"]:
        context["recommendation_form"] = bound.get("recommendation_form") or RecommendationForm(
            prefix="recommendation"
        )
    if can_edit:
        context["upload_form"] = bound.get("upload_form") or upload_form()
    if len(context["covered"]) > 1 and (
        services.sharing_refusal(evaluation=evaluation, user=user) is None
    ):
        context["share_form"] = bound.get("share_form") or ShareForm(
            states=covered,
            initial={"states": context["shared_with"]},
            prefix="share",
        )
    return render(request, "evaluations/evaluation_detail.html", context)


@viewer_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, evaluation_for(request, pk))

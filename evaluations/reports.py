"""The evaluation report with its follow-up plan as a PDF (``tcp.reports``).

The parts come through the evaluation's selectors and the helpers its page
uses (``evaluations.views.detail``): OHCHR reads the whole report, the
ratings, the snapshot of the programme and every recommendation with its
management response and actions; a government reads an accepted evaluation
shared with its State: the summary, the shared documents and the actions
assigned to its own State, with the recommendation each answers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from evaluations import services
from evaluations.models import Evaluation
from evaluations.selectors import (
    OPEN_ACTIONS,
    audience,
    budget_snapshot,
    evaluation_actions,
    evaluation_documents,
    evaluation_recommendations,
    indicator_snapshot,
    may_view,
    visible_evaluations,
    visible_follow_up_actions,
    with_overdue,
)
from programmes.selectors import visible_programmes
from tcp import reports
from tcp.views import timeline


def subject(user: Any, reference: str) -> Evaluation:
    """The evaluation as ``user`` may open it on its page (``Http404`` otherwise)."""
    if not may_view(user):
        raise Http404
    evaluation = (
        visible_evaluations(user)
        .select_related("evaluator_user", "evaluator_expert", "programme")
        .filter(reference=reference)
        .first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


# The bar's colour by how far up its scale the rating is (full: the best level).
_TONES = ((80, "#2c6e49"), (60, "#7fb35b"), (40, "#d4ac0d"), (20, "#e67e22"), (0, "#c0392b"))


def _colour(width: int) -> str:
    return next(colour for floor, colour in _TONES if width >= floor)


def context(user: Any, evaluation: Evaluation, params: dict) -> dict[str, Any]:
    # The page's own helpers: the same rows, the same rules.
    from evaluations.views.detail import budget_rows, indicator_rows, rating_rows

    internal = audience(evaluation, user).internal
    result: dict[str, Any] = {
        "evaluation": evaluation,
        "internal": internal,
        "programme_link": visible_programmes(user).filter(pk=evaluation.programme_id).first(),
        "documents": list(evaluation_documents(evaluation, user)),
        "timeline": timeline(evaluation, services.LIFECYCLE, internal=internal),
    }
    if not internal:
        result["government_actions"] = list(evaluation_actions(evaluation, user))
        result["sections"] = [
            ("evaluation", _("The evaluation")),
            ("summary", _("Summary of the evaluation")),
            ("follow-up", _("Follow-up actions assigned to your government")),
            ("documents", _("Documents")),
            ("timeline", _("Status changes")),
        ]
        return result

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
    ratings = rating_rows(evaluation, user)
    result.update(
        {
            "evaluator": evaluation.evaluator,
            "shared_with": list(evaluation.shared_with.order_by("name")),
            "ratings": ratings,
            "rating_bars": [(row, _colour(row.width)) for row in ratings],
            "rated": sum(1 for row in ratings if row.rating),
            "indicators": indicator_rows(list(indicator_snapshot(evaluation, user))),
            "budget": budget_rows(list(budget_snapshot(evaluation, user))),
            "recommendations": recommendations,
            "other_actions": list(
                evaluation_actions(evaluation, user).filter(recommendation__isnull=True)
            ),
            "sections": [
                ("evaluation", _("The evaluation")),
                ("report", _("The report")),
                ("ratings", _("Ratings on the OECD-DAC criteria")),
                ("snapshot", _("The programme as evaluated")),
                ("follow-up", _("Recommendations and follow-up plan")),
                ("documents", _("Documents")),
                ("timeline", _("Status changes")),
            ],
        }
    )
    return result


def title(evaluation: Evaluation, params: dict) -> str:
    return _("Evaluation report %(reference)s") % {"reference": evaluation.reference}


def register() -> None:
    reports.register(
        reports.ReportKind(
            code="evaluation",
            subject=subject,
            context=context,
            template="reports/evaluation.html",
            title=title,
        )
    )

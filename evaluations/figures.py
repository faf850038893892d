"""What the figures page shows of evaluations: ratings by criterion, and follow-up
actions done on time.

The definitions are the evaluation overview's (``evaluations.selectors``):
ratings are those of accepted evaluations, by the year they were due; a
follow-up action is done on time when it was done by its due date. Ratings
are the evaluation team's judgement, for OHCHR: they count only the
evaluations whose internal work the user reads (OHCHR staff of a covered
country, or the invited evaluator), never what a government was shared.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluations.models import CriterionRating, Evaluation
from evaluations.selectors import (
    VIEW,
    action_figures,
    active_criteria,
    levels_by_scale,
)
from programmes.figures import covering
from tcp import l10n
from tcp.charts import BarRow, Series, bar_figure
from tcp.figures import Filters, Panel, Stat
from tcp.selectors import scoped

OVERVIEW = "evaluations.view_evaluation_overview"
FOLLOW_UP = "evaluations.view_followupaction"


def internal_evaluations(user: Any) -> QuerySet[Evaluation]:
    """The evaluations whose internal work (ratings included) ``user`` reads: those of
    their OHCHR countries and those they were invited to; none through a government's
    sharing (see ``evaluations.selectors.evaluation_ratings``)."""
    return scoped(
        Evaluation.objects.all(),
        user,
        country_path="programme__countries",
        shared_with_government=None,
        exception_perm=VIEW,
    )


def ratings_panel(user: Any, filters: Filters) -> Panel:
    """Accepted evaluations' ratings, by criterion and level."""
    evaluations = internal_evaluations(user).filter(
        covering(filters, "programme__"), status=Evaluation.Status.ACCEPTED
    )
    if filters.year:
        evaluations = evaluations.filter(due_date__year=filters.year)
    counts = {
        (row["criterion_id"], row["level_id"]): row["n"]
        for row in CriterionRating.objects.filter(
            evaluation__in=evaluations.order_by().values("pk")
        )
        .order_by()
        .values("criterion_id", "level_id")
        .annotate(n=Count("id"))
    }
    levels = levels_by_scale()
    # One chart per rating scale (the DAC criteria are rated on two: satisfaction,
    # and the likelihood of sustainability), its levels best first.
    by_scale: dict[int, list[Any]] = {}
    for criterion in active_criteria():
        by_scale.setdefault(criterion.scale_id, []).append(criterion)
    figures = []
    for scale_id, criteria in by_scale.items():
        scale_levels = levels.get(scale_id, [])
        last = max(len(scale_levels) - 1, 1)
        series = [
            Series(level.code, level.translated_label, f"tone-{5 - round(rank * 5 / last)}")
            for rank, level in enumerate(scale_levels)
        ]
        rows = [
            BarRow(
                criterion.translated_name,
                [counts.get((criterion.pk, lv.pk), 0) for lv in scale_levels],
            )
            for criterion in criteria
        ]
        figures.append(
            bar_figure(
                f"ratings-{criteria[0].scale.code}",
                _("Ratings on the scale: %(scale)s") % {"scale": criteria[0].scale.translated_name},
                rows,
                series,
                row_header=_("Criterion"),
                total_label=_("Total"),
            )
        )
    rated = sum(counts.values())
    return Panel(
        key="ratings",
        title=_("Evaluation ratings by criterion"),
        counted=(
            _("Ratings of the accepted evaluations due in %(year)s, by criterion and level.")
            % {"year": filters.year}
            if filters.year
            else _("Ratings of the accepted evaluations, by criterion and level.")
        ),
        figures=figures,
        stats=[Stat(_("Ratings"), l10n.number(rated), rated)],
        stacked=True,
        link_url=reverse("evaluations:overview") if user.has_perm(OVERVIEW) else "",
        link_label=_("See the evaluation overview"),
    )


def follow_up_panel(user: Any, filters: Filters) -> Panel:
    figures = action_figures(
        user, region=filters.region, year=filters.year, country=filters.country
    )
    rows = [
        BarRow(_("Done by the due date"), [figures.on_time], css="outcome-on-time"),
        BarRow(_("Done after the due date"), [figures.late], css="outcome-late"),
        BarRow(_("Open, past the due date"), [figures.overdue], css="outcome-overdue"),
        BarRow(_("Open, not yet due"), [figures.pending], css="outcome-pending"),
        BarRow(_("Dropped"), [figures.dropped], css="outcome-dropped"),
    ]
    share = figures.on_time_share
    return Panel(
        key="follow-up",
        title=_("Follow-up actions done on time"),
        counted=(
            _("Follow-up actions due in %(year)s, by outcome.") % {"year": filters.year}
            if filters.year
            else _("Follow-up actions, by outcome.")
        )
        + " "
        + _("On time: done by the due date, of the actions done or past their due date."),
        figures=[
            bar_figure(
                "follow-up-outcome",
                _("Follow-up actions by outcome"),
                rows,
                [Series("actions", _("Actions"), "series-0")],
                row_header=_("Outcome"),
                total_label=_("Total"),
            )
        ],
        stats=[
            Stat(_("Done on time"), "—" if share is None else l10n.percent(share), share),
        ],
        link_url=reverse("evaluations:follow_up_list") + filters.list_query(),
        link_label=_("See the follow-up actions"),
    )


def figure_panels(user: Any, filters: Filters) -> list[Panel]:
    panels = []
    if user.has_perm(OVERVIEW):
        panels.append(ratings_panel(user, filters))
    if user.has_perm(FOLLOW_UP):
        panels.append(follow_up_panel(user, filters))
    return panels

"""The overview for OHCHR: evaluations due and overdue, ratings by criterion across
programmes, and the share of follow-up actions done on time; by region and year.
Every figure comes from the user's own selectors (a desk officer: their countries)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evaluations.forms import OverviewFilterForm
from evaluations.models import Evaluation
from evaluations.selectors import OVERVIEW_ROWS, UPCOMING_DAYS, overview, overview_years
from programmes.selectors import visible_programmes
from tcp.views import openable

OVERVIEW = "evaluations.view_evaluation_overview"


@login_required
@permission_required(OVERVIEW, raise_exception=True)
def evaluation_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The years on offer are those of the user's evaluations (the figures list them).
    years = overview_years(user)
    form = OverviewFilterForm(request.GET or None, years=years)
    filters = form.filters()
    figures = overview(user, region=filters["region"], year=filters["year"])
    listed = [*figures.overdue, *figures.upcoming]
    statuses = [
        (value, label, figures.status_counts.get(value, 0))
        for value, label in Evaluation.Status.choices
    ]
    return render(
        request,
        "evaluations/overview.html",
        {
            "filter_form": form,
            "is_filtered": bool(filters["region"] or filters["year"]),
            "figures": figures,
            "statuses": statuses,
            "status_total": sum(count for _v, _l, count in statuses),
            # A programme is named only where the reader may open it.
            "programme_ids": openable(visible_programmes(user), (e.programme_id for e in listed)),
            "rows_shown": OVERVIEW_ROWS,
            "upcoming_days": UPCOMING_DAYS,
        },
    )

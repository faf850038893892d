"""What the figures page shows of programmes: by status and Board of Trustees
component, and the planned budget against expenditure by funding source over
the years.

The definitions are the annual programme report's (``programmes.annual``): a
programme counts in a year when its period overlaps it; the budget of a year
is that of the approved programmes running in it; expenditure is what was
recorded (not refused, not awaiting an approver) dated in the year. Every
figure is an aggregate over the user's own selectors, in a fixed number of
queries whatever the number of records.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _

from programmes.annual import covering_region, running_in
from programmes.models import Expenditure, Programme
from programmes.selectors import (
    SHARED_STATUSES,
    VIEW,
    visible_budget_lines,
    visible_expenditure,
    visible_programmes,
)
from tcp import translated
from tcp.charts import BarRow, Series, bar_figure, column_figure, whole
from tcp.figures import Filters, Panel, Stat, year_window
from tcp.models import BoardComponent
from tcp.scoping import exception_ids, scope_for

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_Covers = Programme.countries.through
_SUM = {"output_field": DecimalField(max_digits=16, decimal_places=2)}


def covering(filters: Filters, prefix: str = "") -> Q:
    """Programmes (at ``prefix``) covering a country of the region, and the country,
    chosen: subqueries on the programmes' country table, so a programme of two
    countries counts once."""
    condition = covering_region(filters.region, prefix)
    if filters.country is not None:
        ids = _Covers.objects.filter(country_id=filters.country_id).values("programme_id")
        condition &= Q(**{f"{prefix}id__in" if prefix else "pk__in": ids})
    return condition


def _programmes(user: Any, filters: Filters) -> QuerySet[Programme]:
    programmes = visible_programmes(user).filter(covering(filters))
    if filters.year:
        programmes = programmes.filter(running_in(filters.year))
    return programmes


def status_panel(user: Any, filters: Filters) -> Panel:
    """Programmes by status, and by the Board of Trustees components they are tagged with."""
    programmes = _programmes(user, filters)
    statuses = {
        row["status"]: row["n"]
        for row in programmes.order_by().values("status").annotate(n=Count("id"))
    }
    list_url = reverse("programmes:list")
    country = f"&country={filters.country_id}" if filters.country is not None else ""
    status_rows = [
        BarRow(str(label), [statuses[value]], url=f"{list_url}?status={value}{country}")
        for value, label in Programme.Status.choices
        if statuses.get(value)
    ]
    tagged = {
        row["board_components"]: row["n"]
        for row in programmes.order_by()
        .values("board_components")
        .annotate(n=Count("id", distinct=True))
    }
    component_rows = [
        BarRow(f"{c.number}. {c.translated_name}", [tagged.get(c.pk, 0)])
        for c in BoardComponent.objects.order_by("number")
    ]
    if tagged.get(None):
        component_rows.append(BarRow(_("No component tagged"), [tagged[None]]))
    one = [Series("programmes", _("Programmes"), "series-0")]
    total = sum(statuses.values())
    return Panel(
        key="programmes",
        title=_("Programmes by status and Board of Trustees component"),
        counted=(
            _(
                "Programmes running in %(year)s (their period overlaps the year), by "
                "status today. A programme tagged with several components counts under each."
            )
            % {"year": filters.year}
            if filters.year
            else _(
                "All programmes, by status today. A programme tagged with several "
                "components counts under each."
            )
        ),
        figures=[
            bar_figure(
                "programmes-status",
                _("Programmes by status"),
                status_rows,
                one,
                row_header=_("Status"),
                total_label=_("Total"),
            ),
            bar_figure(
                "programmes-component",
                _("Programmes by Board of Trustees component"),
                component_rows,
                one,
                row_header=_("Component"),
            ),
        ],
        stats=[Stat(_("Programmes"), whole(total), total)],
        link_url=f"{list_url}{filters.list_query()}",
        link_label=_("See the programmes"),
    )


def _sees_expenditure(user: Any) -> bool:
    """Expenditure is OHCHR's: staff of some country, or a reviewer named on a programme.
    A government's focal point reads the planned budget only."""
    scope = scope_for(user)
    return scope.all_countries or bool(scope.ohchr) or bool(exception_ids(user, Programme, VIEW))


def budget_panel(user: Any, filters: Filters) -> Panel:
    """Planned budget against recorded expenditure, by funding source, over five years."""
    years = year_window(filters)
    lines = visible_budget_lines(user).filter(
        covering(filters, "programme__") & Q(programme__status__in=SHARED_STATUSES)
    )
    # One query: each year's budget is a conditional sum over the lines of the
    # programmes running in it (a programme of three years counts in each).
    planned: dict[tuple[int, str], dict[int, Decimal]] = {}
    for row in (
        lines.order_by()
        .values("funding_source_id", "funding_source__name")
        .annotate(
            **{
                f"y{y}": Coalesce(Sum("amount", filter=running_in(y, "programme__")), ZERO, **_SUM)
                for y in years
            }
        )
    ):
        key = (row["funding_source_id"], translated.name(row["funding_source__name"]))
        # SQLite hands back sums as floats turned Decimal: back to cents.
        planned[key] = {y: Decimal(row[f"y{y}"]).quantize(CENT) for y in years}
    with_spent = _sees_expenditure(user)
    spent: dict[tuple[int, str], dict[int, Decimal]] = {}
    if with_spent:
        recorded = visible_expenditure(user).filter(
            covering(filters, "budget_line__programme__")
            & Q(
                status=Expenditure.Status.RECORDED,
                date__gte=datetime.date(years[0], 1, 1),
                date__lte=datetime.date(years[-1], 12, 31),
            )
        )
        for row in (
            recorded.order_by()
            .values(
                "budget_line__funding_source_id",
                "budget_line__funding_source__name",
                year=ExtractYear("date"),
            )
            .annotate(total=Sum("amount"))
        ):
            key = (
                row["budget_line__funding_source_id"],
                translated.name(row["budget_line__funding_source__name"]),
            )
            spent.setdefault(key, {})[row["year"]] = Decimal(row["total"] or 0).quantize(CENT)
    series = [Series("budget", _("Planned budget"), "money-budget")]
    if with_spent:
        series.append(Series("spent", _("Expenditure"), "money-spent"))
    sources = sorted(
        (
            key
            for key in set(planned) | set(spent)
            if any(planned.get(key, {}).values()) or any(spent.get(key, {}).values())
        ),
        key=lambda key: translated.sort_key(key[1]),
    )

    def values(key: tuple[int, str], year: int) -> list[Decimal]:
        out = [planned.get(key, {}).get(year, ZERO)]
        if with_spent:
            out.append(spent.get(key, {}).get(year, ZERO))
        return out

    high = max((float(v) for key in sources for y in years for v in values(key, y)), default=0.0)
    figures = [
        column_figure(
            f"money-{key[0]}",
            _("%(source)s: planned budget and expenditure, US$") % {"source": key[1]}
            if with_spent
            else _("%(source)s: planned budget, US$") % {"source": key[1]},
            [(str(y), values(key, y)) for y in years],
            series,
            row_header=_("Year"),
            high=high,
        )
        for key in sources
    ]
    last = years[-1]
    budget_last = sum((planned[k].get(last, ZERO) for k in planned), ZERO)
    stats = [
        Stat(_("Planned budget %(year)s, US$") % {"year": last}, whole(budget_last), budget_last)
    ]
    if with_spent:
        spent_last = sum((spent[k].get(last, ZERO) for k in spent), ZERO)
        stats.append(
            Stat(_("Expenditure %(year)s, US$") % {"year": last}, whole(spent_last), spent_last)
        )
    return Panel(
        key="budget",
        title=(
            _("Budget against expenditure by funding source")
            if with_spent
            else _("Planned budget by funding source")
        ),
        counted=_(
            "%(first)s to %(last)s. A year's budget is the planned budget of the approved "
            "programmes running in it (a programme of several years counts in each); its "
            "expenditure is what was recorded with a date in that year."
        )
        % {"first": years[0], "last": last},
        figures=figures,
        stats=stats,
        note="" if with_spent else _("Expenditure is OHCHR's internal record and is not shown."),
    )


def figure_panels(user: Any, filters: Filters) -> list[Panel]:
    if not user.has_perm(VIEW):
        return []
    return [status_panel(user, filters), budget_panel(user, filters)]

"""The figures of the annual programme report for a year (and optionally a region).

Every figure is an aggregate the database computes (``Count``/``Sum`` with
filters, grouped where a table needs rows) over the user's own selectors:
a desk officer's report covers their portfolio, an approver's every country.
A fixed number of queries whatever the number of records.

What each figure counts:

* requests received: submitted in the year; decided: accepted or declined in the year;
* assessments done: validated in the year (the lifecycle's transition record);
* programmes: those running in the year (their period overlaps it; one with no
  start date yet counts from its creation), by status today;
* budget: the planned budget of the programmes running in the year that were
  approved (approved onwards, not cancelled); expenditure: recorded expenditure
  dated in the year, on any programme;
* by region: a national programme's country's region, a regional programme's
  region, global programmes apart; by country: national programmes by their
  country, multi-country programmes in one row per region (or global).

The region filter keeps programmes covering a country of the region (as the
evaluations overview does), and requests and assessments of its countries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assessments.models import NeedsAssessment
from assessments.selectors import visible_assessments
from programmes.models import Expenditure, Programme
from programmes.selectors import (
    SHARED_STATUSES,
    visible_budget_lines,
    visible_expenditure,
    visible_programmes,
)
from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp import translated
from tcp.models import FundingSource, Region, StatusChange

S = Programme.Status
ZERO = Decimal("0.00")
_Covers = Programme.countries.through
_SUM = {"output_field": DecimalField(max_digits=16, decimal_places=2)}


@dataclass(frozen=True)
class Row:
    """One row of a money table: planned budget and expenditure, with bar widths
    (percent of the table's largest figure)."""

    label: str
    budget: Decimal
    spent: Decimal
    budget_width: str = "0"
    spent_width: str = "0"


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    width: str = "0"


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    region: str
    region_label: str
    requests_received: int
    requests_accepted: int
    requests_declined: int
    assessments_done: int
    programmes_total: int
    programmes_by_status: list[StatusCount]
    under_implementation: int
    approved_to_begin: int
    budget_total: Decimal
    spent_total: Decimal
    spent_regular_budget: Decimal
    spent_voluntary_fund: Decimal
    spent_other: Decimal
    by_source: list[Row]
    by_region: list[Row]
    by_country: list[Row]
    by_thematic_area: list[Row]

    @property
    def requests_decided(self) -> int:
        return self.requests_accepted + self.requests_declined


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def running_in(year: int, prefix: str = "") -> Q:
    """Programmes (at ``prefix``) whose period overlaps ``year``."""
    first, last = _year_bounds(year)
    p = prefix
    started = Q(**{f"{p}start_date__lte": last}) | Q(
        **{f"{p}start_date__isnull": True, f"{p}created_at__date__lte": last}
    )
    not_ended = Q(**{f"{p}end_date__gte": first}) | Q(**{f"{p}end_date__isnull": True})
    return started & not_ended


def covering_region(region: str | None, prefix: str = "") -> Q:
    """Programmes (at ``prefix``) covering a country of ``region``: a subquery on the
    programmes' country table, so a programme of two countries counts once."""
    if not region:
        return Q()
    covering = _Covers.objects.filter(country__region=region).values("programme_id")
    return Q(**{f"{prefix}id__in" if prefix else "pk__in": covering})


def _place(programme: str) -> dict[str, Any]:
    """Annotations naming where a programme (at ``programme``, a path to its id's
    owner) belongs: its region key ('' for global) and, for a national one, its country."""
    national = Q(**{f"{programme}__scope": Programme.Scope.NATIONAL})
    one_country = _Covers.objects.filter(programme_id=OuterRef(f"{programme}_id"))
    return {
        "place_region": Case(
            When(national, then=Subquery(one_country.values("country__region")[:1])),
            When(**{f"{programme}__scope": Programme.Scope.GLOBAL}, then=Value("")),
            default=F(f"{programme}__region"),
            output_field=CharField(),
        ),
        "place_country": Case(
            When(national, then=Subquery(one_country.values("country__name")[:1])),
            default=Value(None),
            output_field=CharField(),
        ),
    }


def _grouped(queryset: QuerySet, *keys: str, amount: str = "amount") -> dict[tuple, Decimal]:
    rows = queryset.order_by().values(*keys).annotate(total=Sum(amount))
    return {tuple(row[k] for k in keys): row["total"] or ZERO for row in rows}


def _region_label(key: str | None) -> str:
    if not key:
        return _("Global / interregional")
    return str(Region(key).label) if key in Region.values else key


def _table(budget: dict[tuple, Decimal], spent: dict[tuple, Decimal], label: Any) -> list[Row]:
    """Rows of both measures by key, the largest budget first, with bar widths."""
    keys = set(budget) | set(spent)
    top = max([Decimal(1), *budget.values(), *spent.values()])
    rows = [
        Row(
            label(key),
            budget.get(key, ZERO),
            spent.get(key, ZERO),
            f"{budget.get(key, ZERO) * 100 / top:.1f}",
            f"{spent.get(key, ZERO) * 100 / top:.1f}",
        )
        for key in keys
    ]
    return sorted(rows, key=lambda r: (-r.budget, -r.spent, r.label))


def _country_label(key: tuple) -> str:
    country, region = key
    if country:
        return translated.name(country)
    if not region:
        return _("Global / interregional programmes")
    return _("Regional programmes: %(region)s") % {"region": _region_label(region)}


def _done_in(model: type, statuses: list[str], year: int) -> Exists:
    """The record reached one of ``statuses`` in ``year`` (its transition record)."""
    return Exists(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            to_status__in=statuses,
            at__year=year,
        )
    )


def annual_figures(user: Any, year: int, region: str | None = None) -> AnnualFigures:
    """The annual programme report's figures for ``year`` (and ``region``), as ``user``
    may see them."""
    region = region or ""
    R = AssistanceRequest.Status
    requests = visible_requests(user)
    assessments = visible_assessments(user)
    if region:
        requests = requests.filter(country__region=region)
        assessments = assessments.filter(country__region=region)
    request_counts = requests.order_by().aggregate(
        received=Count("id", filter=Q(submitted_at__year=year)),
        accepted=Count("id", filter=Q(status=R.ACCEPTED, decided_at__year=year)),
        declined=Count("id", filter=Q(status=R.DECLINED, decided_at__year=year)),
    )
    assessments_done = assessments.filter(
        _done_in(NeedsAssessment, [NeedsAssessment.Status.VALIDATED], year)
    ).count()

    programmes = visible_programmes(user).filter(running_in(year) & covering_region(region))
    status_counts = {
        row["status"]: row["n"]
        for row in programmes.order_by().values("status").annotate(n=Count("id"))
    }
    most = max([1, *status_counts.values()])
    by_status = [
        StatusCount(
            value, str(label), status_counts[value], f"{status_counts[value] * 100 / most:.1f}"
        )
        for value, label in S.choices
        if status_counts.get(value)
    ]

    # Planned: the approved programmes running in the year.
    lines = (
        visible_budget_lines(user)
        .filter(
            running_in(year, "programme__")
            & covering_region(region, "programme__")
            & Q(programme__status__in=SHARED_STATUSES)
        )
        .annotate(**_place("programme"))
    )
    # Spent: recorded in the year, on any programme of the user's (and the region's).
    spent = (
        visible_expenditure(user)
        .filter(
            Q(status=Expenditure.Status.RECORDED, date__year=year)
            & covering_region(region, "budget_line__programme__")
        )
        .annotate(**_place("budget_line__programme"))
    )
    kind = FundingSource.Kind
    source_kind = "budget_line__funding_source__kind"
    totals = spent.order_by().aggregate(
        total=Coalesce(Sum("amount"), ZERO, **_SUM),
        regular=Coalesce(
            Sum("amount", filter=Q(**{source_kind: kind.REGULAR_BUDGET})), ZERO, **_SUM
        ),
        voluntary=Coalesce(
            Sum("amount", filter=Q(**{source_kind: kind.VOLUNTARY_FUND})), ZERO, **_SUM
        ),
    )
    budget_total = lines.order_by().aggregate(total=Coalesce(Sum("amount"), ZERO, **_SUM))["total"]

    source = ("funding_source__name",)
    theme = ("component__thematic_area__name",)
    return AnnualFigures(
        year=year,
        region=region,
        region_label=_region_label(region) if region else "",
        requests_received=request_counts["received"],
        requests_accepted=request_counts["accepted"],
        requests_declined=request_counts["declined"],
        assessments_done=assessments_done,
        programmes_total=sum(status_counts.values()),
        programmes_by_status=by_status,
        under_implementation=status_counts.get(S.IN_IMPLEMENTATION, 0),
        approved_to_begin=status_counts.get(S.APPROVED, 0) + status_counts.get(S.ACCEPTED, 0),
        budget_total=budget_total,
        spent_total=totals["total"],
        spent_regular_budget=totals["regular"],
        spent_voluntary_fund=totals["voluntary"],
        spent_other=totals["total"] - totals["regular"] - totals["voluntary"],
        by_source=_table(
            _grouped(lines, *source),
            _grouped(spent, *(f"budget_line__{f}" for f in source)),
            lambda key: translated.name(key[0]),
        ),
        by_region=_table(
            _grouped(lines, "place_region"),
            _grouped(spent, "place_region"),
            lambda key: _region_label(key[0]),
        ),
        by_country=_table(
            _grouped(lines, "place_country", "place_region"),
            _grouped(spent, "place_country", "place_region"),
            _country_label,
        ),
        by_thematic_area=_table(
            _grouped(lines, *theme),
            _grouped(spent, *(f"budget_line__{f}" for f in theme)),
            lambda key: translated.name(key[0]) or _("Programme-wide (no component)"),
        ),
    )

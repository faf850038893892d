"""What the figures page shows of requests: the pipeline, and requests by region and
thematic area.

Every figure is an aggregate the database computes over ``visible_requests``
(a focal point: its own State's requests; OHCHR staff: their countries'), in a
fixed number of queries whatever the number of requests.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp import l10n, translated
from tcp.charts import BarRow, Series, bar_figure
from tcp.figures import Filters, Panel, Stat
from tcp.models import Region

VIEW = "requests_app.view_assistancerequest"
R = AssistanceRequest.Status

# Stages a request waits in for OHCHR (drafts are the government's own).
OPEN_STAGES = (R.SUBMITTED, R.ACKNOWLEDGED, R.INFORMATION_REQUESTED, R.UNDER_ASSESSMENT)
DECIDED = (R.ACCEPTED, R.DECLINED)
# Age bands in days since submission: (key, lower bound, upper bound).
BANDS = (("lt30", 0, 30), ("d30", 30, 90), ("d90", 90, 180), ("gt180", 180, None))


def _band_labels() -> dict[str, str]:
    return {
        "lt30": _("Under 30 days"),
        "d30": _("30–90 days"),
        "d90": _("90–180 days"),
        "gt180": _("Over 180 days"),
    }


def _filtered(requests: QuerySet, filters: Filters) -> QuerySet:
    if filters.region:
        requests = requests.filter(country__region=filters.region)
    if filters.country is not None:
        requests = requests.filter(country_id=filters.country_id)
    return requests


class _Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the median of a duration, in the database."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def median_duration(queryset: QuerySet, start: str, end: str) -> datetime.timedelta | None:
    """The median of ``end - start`` over ``queryset``, computed by the database.

    PostgreSQL: one query (``percentile_cont``). Elsewhere (SQLite): a count,
    then the one or two middle rows of the durations in order (OFFSET/LIMIT):
    two queries, never a row per record in Python.
    """
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    rows = queryset.order_by().filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if connections[rows.db].vendor == "postgresql":
        return rows.aggregate(median=_Median(duration))["median"]
    n = rows.count()
    if not n:
        return None
    middle = rows.annotate(duration=duration).order_by("duration", "pk")
    values = list(middle.values_list("duration", flat=True)[(n - 1) // 2 : n // 2 + 1])
    return sum(values, datetime.timedelta()) / len(values)


def _days(value: datetime.timedelta | None) -> float | None:
    if value is None:
        return None
    return round(value.total_seconds() / 86400, 1)


def pipeline_panel(user: Any, filters: Filters) -> Panel:
    """Open requests by stage and age; the decisions and the median time to one.

    Ages and times count from the first submission (``submitted_at``, which a
    resubmission after a question leaves alone): the State has waited since then.
    """
    now = timezone.now()
    requests = _filtered(visible_requests(user), filters)
    opened = requests.filter(status__in=OPEN_STAGES, submitted_at__isnull=False)
    decided = requests.filter(status__in=DECIDED)
    if filters.year:
        opened = opened.filter(submitted_at__year=filters.year)
        decided = decided.filter(decided_at__year=filters.year)

    def band(low: int, high: int | None) -> Q:
        q = Q(submitted_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            q &= Q(submitted_at__gt=now - datetime.timedelta(days=high))
        return q

    counts = {
        row["status"]: row
        for row in opened.order_by()
        .values("status")
        .annotate(**{key: Count("id", filter=band(low, high)) for key, low, high in BANDS})
    }
    labels = dict(R.choices)
    band_labels = _band_labels()
    series = [
        Series(key, band_labels[key], f"age-{i}") for i, (key, _low, _high) in enumerate(BANDS)
    ]
    list_url = reverse("requests_app:list")
    country = f"&country={filters.country_id}" if filters.country is not None else ""
    rows = [
        BarRow(
            str(labels[stage]),
            [counts.get(stage, {}).get(key, 0) for key, _low, _high in BANDS],
            url=f"{list_url}?status={stage}{country}",
        )
        for stage in OPEN_STAGES
    ]
    decisions = decided.order_by().aggregate(
        accepted=Count("id", filter=Q(status=R.ACCEPTED)),
        declined=Count("id", filter=Q(status=R.DECLINED)),
    )
    median = _days(median_duration(decided, "submitted_at", "decided_at"))
    in_pipeline = sum(sum(row.values) for row in rows)
    year = filters.year
    return Panel(
        key="pipeline",
        title=_("Request pipeline"),
        counted=(
            _(
                "Requests waiting for a decision, by stage and by days since they were "
                "first submitted (first submitted in %(year)s); decisions taken in %(year)s."
            )
            % {"year": year}
            if year
            else _(
                "Requests waiting for a decision, by stage and by days since they were "
                "first submitted; decisions taken at any time."
            )
        ),
        figures=[
            bar_figure(
                "pipeline-stages",
                _("Open requests by stage and age"),
                rows,
                series,
                row_header=_("Stage"),
                total_label=_("Total"),
            )
        ],
        stats=[
            Stat(_("In the pipeline"), l10n.number(in_pipeline), in_pipeline),
            Stat(_("Accepted"), l10n.number(decisions["accepted"]), decisions["accepted"]),
            Stat(_("Declined"), l10n.number(decisions["declined"]), decisions["declined"]),
            Stat(
                _("Median days from first submission to decision"),
                "—" if median is None else l10n.number(median),
                median,
            ),
        ],
        link_url=f"{list_url}{filters.list_query()}",
        link_label=_("See the requests"),
    )


def by_region_panel(user: Any, filters: Filters) -> Panel:
    """Requests submitted (in the year), by region and by thematic area."""
    requests = _filtered(visible_requests(user), filters).filter(submitted_at__isnull=False)
    if filters.year:
        requests = requests.filter(submitted_at__year=filters.year)
    one = [Series("requests", _("Requests"), "series-0")]
    regions = {
        row["country__region"]: row["n"]
        for row in requests.order_by().values("country__region").annotate(n=Count("id"))
    }
    region_rows = [BarRow(str(label), [regions.get(value, 0)]) for value, label in Region.choices]
    themes = (
        requests.order_by()
        .values("thematic_areas__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "thematic_areas__name")
    )
    theme_rows = [
        BarRow(translated.name(row["thematic_areas__name"]) or _("No thematic area"), [row["n"]])
        for row in themes
    ]
    return Panel(
        key="requests-by-region",
        title=_("Requests by region and thematic area"),
        counted=(
            _(
                "Requests submitted in %(year)s. A request on several thematic areas "
                "counts once under each."
            )
            % {"year": filters.year}
            if filters.year
            else _(
                "Requests submitted, at any time. A request on several thematic areas "
                "counts once under each."
            )
        ),
        figures=[
            bar_figure(
                "requests-region",
                _("Requests by region"),
                region_rows,
                one,
                row_header=_("Region"),
                total_label=_("Total"),
            ),
            bar_figure(
                "requests-theme",
                _("Requests by thematic area"),
                theme_rows,
                one,
                row_header=_("Thematic area"),
            ),
        ],
    )


def figure_panels(user: Any, filters: Filters) -> list[Panel]:
    if not user.has_perm(VIEW):
        return []
    return [pipeline_panel(user, filters), by_region_panel(user, filters)]

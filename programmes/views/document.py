"""The programme document: the programme as a government reads and signs it.

Everyone who may open the programme reads it (``visible_programmes``: a
government once it is approved). It holds only the parts of the programme
document (components, outputs, indicators, planned activities, partners, the
planned budget, tags, the recommendations answered) and, once the programme
is accepted, the progress on its indicators; never anything internal (no
experts, expenditure, grants, reviews or notes). A fixed number of queries,
whatever the size of the programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from programmes.models import Activity, Component, Indicator, Programme
from programmes.selectors import (
    SHARED_STATUSES,
    budget_summary,
    programme_activities,
    programme_components,
    programme_indicators,
    programme_partners,
    sees_progress,
    visible_acceptances,
    visible_budget_lines,
    visible_programmes,
)
from programmes.views.parts import Progress
from requests_app.selectors import visible_recommendations
from tcp.l10n import money
from tcp.lifecycle import status_changes

VIEW = "programmes.view_programme"
ZERO = Decimal("0")


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator and, when the reader sees progress, its actual against the
    target, drawn as bars on one scale (0 to the largest of the figures)."""

    indicator: Indicator
    actual: Decimal | None

    @property
    def _top(self) -> Decimal:
        values = [self.indicator.baseline, self.indicator.target, self.actual or ZERO, ZERO]
        top = max(values)
        return top if top > 0 else Decimal(1)

    def _width(self, value: Decimal) -> str:
        return f"{max(value, ZERO) * 100 / self._top:.1f}"

    @property
    def target_width(self) -> str:
        return self._width(self.indicator.target)

    @property
    def actual_width(self) -> str:
        return self._width(self.actual if self.actual is not None else ZERO)

    @property
    def baseline_x(self) -> str:
        return self._width(self.indicator.baseline)

    @property
    def share(self) -> int | None:
        """How far from the baseline towards the target the actual is, in percent
        (0 to 100; an indicator may aim down, from a higher baseline)."""
        if self.actual is None:
            return None
        if self.indicator.target == self.indicator.baseline:
            return 100 if self.actual == self.indicator.target else 0
        # The same measure as the programme page's (parts.Progress), bounded for the bar.
        share = Progress(self.indicator.baseline, self.indicator.target, self.actual).share or 0
        return min(max(share, 0), 100)


@dataclass(frozen=True)
class ComponentSection:
    number: int
    component: Component
    outputs: list[str]
    indicators: list[IndicatorLine]
    activities: list[Activity]


@dataclass(frozen=True)
class Amount:
    label: str
    amount: str
    share: int


@dataclass(frozen=True)
class Signature:
    country: Any
    acceptance: Any


def _bucket(value: Decimal, total: Decimal) -> int:
    """A bar width as a multiple of 5 % (the w-0 … w-100 classes: no inline style
    under the CSP); anything above zero shows at least a sliver."""
    if value <= 0 or total <= 0:
        return 0
    return max(5, round(value * 20 / total) * 5)


def _amounts(rows: list[Any], total: Decimal) -> list[Amount]:
    """Planned figures only (the budget column): what is spent is OHCHR's."""
    return [Amount(row.label, money(row.budget), _bucket(row.budget, total)) for row in rows]


def _by_component(
    programme: Programme, user: Any, sections: list[ComponentSection], total: Decimal
) -> list[Amount]:
    """The planned budget of each component, in the document's order and numbering
    (one query), then what is planned for the programme as a whole."""
    planned = {
        row["component_id"]: row["total"]
        for row in visible_budget_lines(user)
        .filter(programme=programme)
        .order_by()
        .values("component_id")
        .annotate(total=Sum("amount"))
    }
    rows = [
        Amount(
            f"2.{s.number} {s.component.title}",
            money(planned[s.component.pk]),
            _bucket(planned[s.component.pk], total),
        )
        for s in sections
        if s.component.pk in planned
    ]
    whole = planned.get(None)
    if whole:
        rows.append(Amount(_("Programme-wide"), money(whole), _bucket(whole, total)))
    return rows


def _components(programme: Programme, user: Any) -> list[ComponentSection]:
    """One query per kind of part, grouped by component here."""
    indicators: dict[int, list[IndicatorLine]] = {}
    for indicator in programme_indicators(programme, user).order_by("component_id", "id"):
        indicators.setdefault(indicator.component_id, []).append(
            IndicatorLine(indicator, indicator.actual)
        )
    activities: dict[int, list[Activity]] = {}
    for activity in programme_activities(programme, user):
        activities.setdefault(activity.component_id, []).append(activity)
    # Everything agreed stays in the document; what was cancelled since says so.
    components = programme_components(programme, user)
    return [
        ComponentSection(
            number,
            component,
            [line.strip() for line in component.outputs.splitlines() if line.strip()],
            indicators.get(component.pk, []),
            activities.get(component.pk, []),
        )
        for number, component in enumerate(components, start=1)
    ]


def _approval(programme: Programme) -> Any:
    """When OHCHR approved the programme (the latest approval), if it has."""
    changes = [c for c in status_changes(programme) if c.action == "approve"]
    return changes[-1] if changes else None


def document_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes ``user`` may read the document of, with what the document shows."""
    return (
        visible_programmes(user)
        .select_related("implementing_partner")
        .prefetch_related("countries", "board_components", "sdgs")
    )


def document_context(programme: Programme, user: Any) -> dict[str, Any]:
    """Everything the programme document shows ``user`` of ``programme`` (which came
    through ``document_programmes``): the page and the PDF report both read it."""
    budget = budget_summary(programme)
    accepted = {a.country_id: a for a in visible_acceptances(programme, user)}
    countries = list(programme.countries.all())
    components = _components(programme, user)
    return {
        "programme": programme,
        "countries": countries,
        "components": components,
        "progress_shown": sees_progress(programme, user),
        "partners": list(programme_partners(programme, user).order_by("partner__name", "role")),
        "budget_total": money(budget.total.budget),
        "has_budget": budget.total.budget > 0,
        "by_component": _by_component(programme, user, components, budget.total.budget),
        "by_source": _amounts(budget.by_source, budget.total.budget),
        "recommendations": list(
            visible_recommendations(user).filter(programmes=programme).order_by("country", "id")
        ),
        "approval": _approval(programme),
        "approved": programme.status in SHARED_STATUSES,
        "signatures": [Signature(c, accepted.get(c.pk)) for c in countries],
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_document(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(document_programmes(request.user), pk=pk)
    context = document_context(programme, request.user)
    return render(request, "programmes/programme_document.html", context)


urlpatterns = [
    path("<int:pk>/document/", programme_document, name="document"),
]

"""Every scoped read of programmes and their parts, and the figures computed from them.

A programme covers one or several countries: OHCHR staff of any of them
(and the reviewers named on it) read all of it; a government reads the
programme document once it is approved and asks the State to accept it,
and the progress on its indicators once it is accepted. Internal working
material (reviews, expenditure, grants, reports, experts, amendments) never
reaches a government.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from assessments.models import NeedsAssessment
from assessments.selectors import visible_assessments
from programmes.models import (
    Activity,
    ActivityReport,
    Amendment,
    BudgetLine,
    Component,
    Expenditure,
    ExpertAssignment,
    Grant,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeAcceptance,
    ProgrammePartner,
    ProgrammeReview,
)
from tcp.audience import Audience, audience_of
from tcp.scoping import exception_ids
from tcp.selectors import scoped

VIEW = "programmes.view_programme"
S = Programme.Status

# What a government sees of a programme: the programme document once approved,
# when every covered State is asked to accept it.
SHARED_STATUSES = [
    S.APPROVED,
    S.ACCEPTED,
    S.IN_IMPLEMENTATION,
    S.SUSPENDED,
    S.COMPLETED,
    S.CLOSED,
]
# … and the progress on its indicators once every State has accepted it.
ACCEPTED_STATUSES = [S.ACCEPTED, S.IN_IMPLEMENTATION, S.SUSPENDED, S.COMPLETED, S.CLOSED]
ZERO = Decimal("0.00")


def visible_programmes(user: Any) -> QuerySet[Programme]:
    return scoped(
        Programme.objects.all(),
        user,
        country_path="countries",
        shared_with_government=Q(status__in=SHARED_STATUSES),
        # A reviewer named on one programme outside their own countries.
        exception_perm=VIEW,
    )


def awaiting_programme(user: Any) -> QuerySet[NeedsAssessment]:
    """Validated (or shared) assessments in the user's scope with no programme yet
    (a cancelled one does not count). NOT EXISTS: an anti-join on the programme's
    assessment index, never a join over all programmes."""
    drawn = Programme.objects.filter(assessment=OuterRef("pk")).exclude(status=S.CANCELLED)
    return visible_assessments(user).filter(
        ~Exists(drawn),
        status__in=(NeedsAssessment.Status.VALIDATED, NeedsAssessment.Status.SHARED),
    )


def programme_in_scope(programme: Programme, user: Any) -> bool:
    return visible_programmes(user).filter(pk=programme.pk).exists()


def audience(programme: Programme, user: Any) -> Audience:
    """OHCHR staff of any covered country, and the reviewers named on it, read the
    programme's internal material; a government reads what is shared with its State."""
    team = programme.pk in exception_ids(user, Programme, VIEW)
    return audience_of(user, country_ids(programme), team=team)


def country_ids(programme: Programme) -> list[int]:
    """The covered countries' ids, from a prefetch when there is one."""
    cache = getattr(programme, "_prefetched_objects_cache", {})
    if "countries" in cache:
        return [c.pk for c in cache["countries"]]
    return list(programme.countries.values_list("pk", flat=True))


def _child_of_programme(queryset: QuerySet, user: Any, path: str, *, shared: bool) -> QuerySet:
    """A programme's part, scoped as its programme: ``path`` leads to the programme;
    ``shared`` parts are in the programme document a government reads."""
    return scoped(
        queryset,
        user,
        country_path=f"{path}__countries",
        shared_with_government=Q(**{f"{path}__status__in": SHARED_STATUSES}) if shared else None,
        exception_perm=VIEW,
        exception_path=path,
    )


def visible_components(user: Any) -> QuerySet[Component]:
    """Components are part of the programme document: shared as the programme is."""
    queryset = Component.objects.select_related("programme", "thematic_area")
    return _child_of_programme(queryset, user, "programme", shared=True)


def visible_indicators(user: Any) -> QuerySet[Indicator]:
    queryset = Indicator.objects.select_related("component__programme")
    return _child_of_programme(queryset, user, "component__programme", shared=True)


def visible_activities(user: Any) -> QuerySet[Activity]:
    """Activities are in the programme document (what, when, where); their reports
    and experts are OHCHR's (see ``activity_reports``, ``activity_experts``)."""
    queryset = Activity.objects.select_related("component__programme", "form", "partner")
    return _child_of_programme(queryset, user, "component__programme", shared=True)


def visible_budget_lines(user: Any) -> QuerySet[BudgetLine]:
    queryset = BudgetLine.objects.select_related("programme", "component", "funding_source")
    return _child_of_programme(queryset, user, "programme", shared=True)


def visible_expenditure(user: Any) -> QuerySet[Expenditure]:
    """Expenditure is OHCHR's: never shown to a government."""
    queryset = Expenditure.objects.select_related("budget_line__programme", "recorded_by")
    return _child_of_programme(queryset, user, "budget_line__programme", shared=False)


def visible_grants(user: Any) -> QuerySet[Grant]:
    """Grants name civil society organisations: kept from governments for their safety."""
    queryset = Grant.objects.select_related("programme", "component")
    return _child_of_programme(queryset, user, "programme", shared=False)


def visible_partners(user: Any) -> QuerySet[ProgrammePartner]:
    queryset = ProgrammePartner.objects.select_related("programme", "partner")
    return _child_of_programme(queryset, user, "programme", shared=True)


def visible_assignments(user: Any) -> QuerySet[ExpertAssignment]:
    queryset = ExpertAssignment.objects.select_related("activity__component__programme", "expert")
    return _child_of_programme(queryset, user, "activity__component__programme", shared=False)


def visible_amendments(user: Any) -> QuerySet[Amendment]:
    """Amendments are OHCHR's proposals: the government reads the programme as amended."""
    queryset = Amendment.objects.select_related("programme", "proposed_by")
    return _child_of_programme(queryset, user, "programme", shared=False)


# The functions below take a programme that came through visible_programmes.


def programme_components(programme: Programme, user: Any) -> QuerySet[Component]:
    return programme.components.select_related("thematic_area").order_by("id")


def programme_indicators(programme: Programme, user: Any) -> QuerySet[Indicator]:
    """The indicators with their actual value (the latest recorded), when the reader
    may see progress; otherwise with no actual."""
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-id")
    indicators = Indicator.objects.filter(component__programme=programme).select_related(
        "component"
    )
    if not sees_progress(programme, user):
        return indicators.annotate(actual=Value(None, output_field=DecimalField()))
    return indicators.annotate(actual=Subquery(latest.values("value")[:1]))


def sees_progress(programme: Programme, user: Any) -> bool:
    return audience(programme, user).internal or programme.status in ACCEPTED_STATUSES


def indicator_values(indicator: Indicator, user: Any) -> QuerySet[IndicatorValue]:
    if not sees_progress(indicator.component.programme, user):
        return IndicatorValue.objects.none()
    return indicator.values.select_related("recorded_by")


def programme_activities(programme: Programme, user: Any) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(component__programme=programme)
        .select_related("component", "form", "partner")
        .order_by("start_date", "id")
    )


def activity_reports(activity: Activity, user: Any) -> QuerySet[ActivityReport]:
    if not audience(activity.component.programme, user).internal:
        return ActivityReport.objects.none()
    return activity.reports.select_related("recorded_by")


def activity_experts(activity: Activity, user: Any) -> QuerySet[ExpertAssignment]:
    """Who is booked is OHCHR's planning, like an assessment's team."""
    if not audience(activity.component.programme, user).internal:
        return ExpertAssignment.objects.none()
    return activity.experts.select_related("expert")


def programme_partners(programme: Programme, user: Any) -> QuerySet[ProgrammePartner]:
    return programme.partners.select_related("partner")


def programme_reviews(programme: Programme, user: Any) -> QuerySet[ProgrammeReview]:
    """Reviews are OHCHR's working papers."""
    if not audience(programme, user).internal:
        return ProgrammeReview.objects.none()
    return programme.reviews.select_related("reviewer")


def programme_grants(programme: Programme, user: Any) -> QuerySet[Grant]:
    """Grants name civil society organisations: kept from governments for their safety."""
    if not audience(programme, user).internal:
        return Grant.objects.none()
    return programme.grants.select_related("component")


def programme_amendments(programme: Programme, user: Any) -> QuerySet[Amendment]:
    if not audience(programme, user).internal:
        return Amendment.objects.none()
    return programme.amendments.select_related("proposed_by")


def visible_acceptances(programme: Programme, user: Any) -> QuerySet[ProgrammeAcceptance]:
    """Which States accepted: OHCHR sees all; a government, its own State's."""
    return audience(programme, user).material(
        programme.acceptances.select_related("country", "accepted_by"),
        visibility=None,
        shared_with="country",
    )


# --- money: computed when read, by aggregate queries ---


@dataclass(frozen=True)
class Money:
    label: str
    budget: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent

    @property
    def spent_share(self) -> int:
        """Percent of the budget spent, for a bar (0 when there is no budget)."""
        if self.budget <= 0:
            return 100 if self.spent > 0 else 0
        return int(self.spent * 100 / self.budget)


@dataclass(frozen=True)
class BudgetSummary:
    total: Money
    by_source: list[Money]
    by_component: list[Money]
    awaiting_approval: Decimal


def _spent(lines: Any) -> QuerySet:
    return Expenditure.objects.filter(
        budget_line__in=lines, status=Expenditure.Status.RECORDED
    ).order_by()


def budget_summary(programme: Programme) -> BudgetSummary:
    """Budget, spent and balance in all, by funding source and by component.

    Five aggregate queries whatever the number of lines, each summing in the
    database, to the cent.
    """
    lines = BudgetLine.objects.filter(programme=programme).order_by()
    spent = _spent(lines)
    # Grouped by id, labelled by name: two components of one title stay two rows.
    source = ("funding_source_id", "funding_source__name")
    component = ("component_id", "component__title")
    by_source_budget = _sums(lines, *source)
    by_source_spent = _sums(spent, *(f"budget_line__{f}" for f in source))
    by_component_budget = _sums(lines, *component)
    by_component_spent = _sums(spent, *(f"budget_line__{f}" for f in component))
    awaiting = Expenditure.objects.filter(
        budget_line__programme=programme, status=Expenditure.Status.AWAITING_APPROVAL
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    total_budget = sum(by_source_budget.values(), ZERO)
    total_spent = sum(by_source_spent.values(), ZERO)
    return BudgetSummary(
        total=Money("", total_budget, total_spent),
        by_source=_rows(by_source_budget, by_source_spent),
        by_component=_rows(by_component_budget, by_component_spent, none_label="—"),
        awaiting_approval=awaiting,
    )


def _sums(queryset: QuerySet, key: str, label: str) -> dict[tuple[Any, Any], Decimal]:
    """{(id, label): total} of ``amount``, summed by the database."""
    rows = queryset.values(key, label).annotate(total=Sum("amount"))
    return {(row[key], row[label]): row["total"] for row in rows}


def _rows(
    budget: dict[tuple[Any, Any], Decimal],
    spent: dict[tuple[Any, Any], Decimal],
    none_label: str = "",
) -> list[Money]:
    keys = sorted(
        set(budget) | set(spent), key=lambda k: (k[0] is None, str(k[1] or ""), k[0] or 0)
    )
    return [
        Money(
            str(label) if label is not None else none_label,
            budget.get((pk, label), ZERO),
            spent.get((pk, label), ZERO),
        )
        for pk, label in keys
    ]


def lines_with_spent(programme: Programme) -> QuerySet[BudgetLine]:
    """The programme's budget lines, each with what was spent on it (one query)."""
    spent = (
        Expenditure.objects.filter(budget_line=OuterRef("pk"), status=Expenditure.Status.RECORDED)
        .order_by()
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        BudgetLine.objects.filter(programme=programme)
        .select_related("component", "funding_source")
        .annotate(spent=Coalesce(Subquery(spent), ZERO))
        .order_by("component_id", "funding_source__name", "id")
    )


def line_balance(line: BudgetLine) -> Decimal:
    spent = _spent([line.pk]).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return line.amount - spent

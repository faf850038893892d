"""The snapshot of the programme an evaluation takes: indicators and budget execution as
they stood, which later changes to the programme do not move."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from evaluations import services
from evaluations.models import BudgetSnapshot, Evaluation
from programmes.models import Indicator, IndicatorValue, Programme
from tcp.lifecycle import TransitionRefused
from tests.factories import (
    BudgetLineFactory,
    ComponentFactory,
    EvaluationFactory,
    ExpenditureFactory,
    funding_source,
)

pytestmark = pytest.mark.django_db
S = Evaluation.Status
D = datetime.date


@pytest.fixture
def evaluation(kenya, desk_officer) -> Evaluation:
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        programme__status=Programme.Status.IN_IMPLEMENTATION,
        status=S.IN_PROGRESS,
        summary="The programme reached most of its targets.",
    )
    programme = evaluation.programme
    police = ComponentFactory(programme=programme, title="Police training")
    indicator = Indicator.objects.create(
        component=police,
        name="Officers trained",
        unit="officers",
        baseline=Decimal("0"),
        target=Decimal("300"),
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        date=D(2026, 3, 1),
        value=Decimal("120"),
        source="Attendance lists",
        recorded_by=desk_officer,
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        date=D(2026, 6, 1),
        value=Decimal("180.50"),
        source="Attendance lists",
        recorded_by=desk_officer,
    )
    line = BudgetLineFactory(
        programme=programme,
        component=police,
        funding_source=funding_source("voluntary-fund"),
        amount=Decimal("50000.00"),
    )
    BudgetLineFactory(
        programme=programme, funding_source=funding_source("regular-budget"), amount=Decimal("0.10")
    )
    ExpenditureFactory(budget_line=line, amount=Decimal("12345.67"), recorded_by=desk_officer)
    return evaluation


def _indicators(evaluation: Evaluation) -> list[tuple]:
    return [
        (s.component, s.name, s.baseline, s.target, s.actual)
        for s in evaluation.indicator_snapshots.all()
    ]


def test_submitting_takes_the_snapshot(evaluation, field_officer_east_africa):
    services.perform(evaluation, "submit", by=field_officer_east_africa)
    evaluation.refresh_from_db()
    assert evaluation.status == S.SUBMITTED
    assert evaluation.snapshot_taken_at is not None
    assert _indicators(evaluation) == [
        ("Police training", "Officers trained", Decimal("0"), Decimal("300"), Decimal("180.50"))
    ]
    budget = {
        (row.dimension, row.label): (row.budget, row.spent)
        for row in evaluation.budget_snapshots.all()
    }
    assert budget[(BudgetSnapshot.Dimension.TOTAL, "")] == (
        Decimal("50000.10"),
        Decimal("12345.67"),
    )
    assert budget[(BudgetSnapshot.Dimension.COMPONENT, "Police training")] == (
        Decimal("50000.00"),
        Decimal("12345.67"),
    )
    assert budget[(BudgetSnapshot.Dimension.SOURCE, "UN regular budget")] == (
        Decimal("0.10"),
        Decimal("0.00"),
    )
    total = evaluation.budget_snapshots.get(dimension="total")
    assert total.balance == Decimal("37654.43")


def test_the_snapshot_does_not_move_when_the_programme_changes_later(
    evaluation, field_officer_east_africa, desk_officer
):
    services.perform(evaluation, "submit", by=field_officer_east_africa)
    evaluation.refresh_from_db()
    taken = evaluation.snapshot_taken_at
    before = _indicators(evaluation)
    indicator = Indicator.objects.get(component__programme=evaluation.programme)
    IndicatorValue.objects.create(
        indicator=indicator,
        date=D(2026, 9, 1),
        value=Decimal("290"),
        source="Attendance lists",
        recorded_by=desk_officer,
    )
    indicator.target = Decimal("400")
    indicator.name = "Officers trained (revised)"
    indicator.save()
    ExpenditureFactory(
        budget_line=evaluation.programme.budget_lines.first(),
        amount=Decimal("1000.00"),
        recorded_by=desk_officer,
    )
    evaluation.refresh_from_db()
    assert _indicators(evaluation) == before
    assert evaluation.budget_snapshots.get(dimension="total").spent == Decimal("12345.67")
    assert evaluation.snapshot_taken_at == taken
    # And no one refreshes it once submitted.
    with pytest.raises(TransitionRefused, match="can no longer be edited"):
        services.take_snapshot(evaluation=evaluation, by=field_officer_east_africa)


def test_the_team_refreshes_the_snapshot_while_in_progress(evaluation, desk_officer):
    services.take_snapshot(evaluation=evaluation, by=desk_officer)
    indicator = Indicator.objects.get(component__programme=evaluation.programme)
    IndicatorValue.objects.create(
        indicator=indicator,
        date=D(2026, 9, 1),
        value=Decimal("250"),
        source="Attendance lists",
        recorded_by=desk_officer,
    )
    assert _indicators(evaluation)[0][-1] == Decimal("180.50")
    services.take_snapshot(evaluation=evaluation, by=desk_officer)
    assert _indicators(evaluation)[0][-1] == Decimal("250")
    assert evaluation.indicator_snapshots.count() == 1  # replaced, not added


@pytest.mark.parametrize("user", ["approver", "auditor", "focal_point_kenya", "desk_officer_peru"])
def test_only_the_team_takes_the_snapshot(cast, evaluation, user):
    assert services.snapshot_refusal(evaluation=evaluation, user=cast[user]) is not None
    with pytest.raises(TransitionRefused):
        services.take_snapshot(evaluation=evaluation, by=cast[user])
    assert not evaluation.indicator_snapshots.exists()


def test_a_refused_submission_takes_no_snapshot(evaluation, field_officer_east_africa):
    Evaluation.objects.filter(pk=evaluation.pk).update(summary="")
    evaluation.refresh_from_db()
    with pytest.raises(TransitionRefused, match="a summary of the findings"):
        services.perform(evaluation, "submit", by=field_officer_east_africa)
    evaluation.refresh_from_db()
    assert evaluation.snapshot_taken_at is None
    assert not evaluation.indicator_snapshots.exists()


def test_the_government_never_reads_the_snapshot(
    client, evaluation, field_officer_east_africa, approver, focal_point_kenya
):
    services.perform(evaluation, "submit", by=field_officer_east_africa)
    services.perform(evaluation, "accept", by=approver)
    client.force_login(focal_point_kenya)
    page = client.get(evaluation.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "The programme reached most of its targets." in text  # the summary
    assert "Officers trained" not in text
    assert "12,345.67" not in text
    client.force_login(field_officer_east_africa)
    text = client.get(evaluation.get_absolute_url()).content.decode()
    assert "Officers trained" in text
    assert "US$ 12,345.67" in text

"""The overview for OHCHR: evaluations due and overdue, ratings by criterion across
programmes, follow-up done on time; by region and year, scoped to the user."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Evaluation, EvaluationCriterion, FollowUpAction
from evaluations.selectors import action_figures, overview
from tests.factories import EvaluationFactory, FollowUpActionFactory, rating_level

pytestmark = pytest.mark.django_db
S = Evaluation.Status
F = FollowUpAction.Status
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def _rate(evaluation: Evaluation, criterion: str, level: str, by) -> None:
    evaluation.ratings.create(
        criterion=EvaluationCriterion.objects.get(code=criterion),
        level=rating_level(criterion, level),
        justification="Because.",
        rated_by=by,
    )


def test_due_and_overdue_evaluations(desk_officer, kenya):
    late = EvaluationFactory(programme__countries=[kenya], due_date=TODAY - 5 * DAY)
    soon = EvaluationFactory(
        programme__countries=[kenya], due_date=TODAY + 10 * DAY, status=S.IN_PROGRESS
    )
    EvaluationFactory(programme__countries=[kenya], due_date=TODAY - 5 * DAY, status=S.SUBMITTED)
    EvaluationFactory(programme__countries=[kenya], due_date=TODAY + 200 * DAY)
    figures = overview(desk_officer)
    assert (figures.overdue, figures.overdue_count) == ([late], 1)
    assert (figures.upcoming, figures.upcoming_count) == ([soon], 1)
    assert figures.status_counts == {S.SCHEDULED: 2, S.IN_PROGRESS: 1, S.SUBMITTED: 1}


def test_ratings_by_criterion_count_accepted_evaluations_only(desk_officer, kenya):
    for level in ("satisfactory", "satisfactory", "highly-unsatisfactory"):
        _rate(
            EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED),
            "relevance",
            level,
            desk_officer,
        )
    _rate(
        EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED),
        "sustainability",
        "likely",
        desk_officer,
    )
    draft = EvaluationFactory(programme__countries=[kenya], status=S.IN_PROGRESS)
    _rate(draft, "relevance", "unsatisfactory", desk_officer)
    rows = {row.criterion.code: row for row in overview(desk_officer).criteria}
    relevance = rows["relevance"]
    assert relevance.total == 3
    counts = {cell.level.code: cell.count for cell in relevance.levels}
    assert counts["satisfactory"] == 2
    assert counts["highly-unsatisfactory"] == 1
    assert counts["unsatisfactory"] == 0  # the draft's rating does not count
    # Best first from the left; the widths add up to the whole bar.
    assert [cell.tone for cell in relevance.levels] == [5, 4, 3, 2, 1, 0]
    assert sum(cell.width for cell in relevance.levels) == pytest.approx(100)
    assert [(cell.offset, cell.width) for cell in relevance.levels if cell.count] == [
        (0.0, 66.67),
        (66.67, 33.33),
    ]
    sustainability = rows["sustainability"]
    assert [cell.tone for cell in sustainability.levels] == [5, 3, 2, 0]
    assert sustainability.total == 1
    assert rows["impact"].total == 0


def test_follow_up_done_on_time(desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED)
    due = TODAY - 10 * DAY
    on_time = timezone.now() - 20 * DAY
    late = timezone.now() - 5 * DAY
    FollowUpActionFactory(evaluation=evaluation, due_date=due, status=F.VERIFIED, done_at=on_time)
    FollowUpActionFactory(evaluation=evaluation, due_date=due, status=F.DONE, done_at=on_time)
    FollowUpActionFactory(evaluation=evaluation, due_date=due, status=F.VERIFIED, done_at=late)
    FollowUpActionFactory(evaluation=evaluation, due_date=due, status=F.IN_PROGRESS)
    FollowUpActionFactory(evaluation=evaluation, due_date=TODAY + DAY, status=F.OPEN)
    FollowUpActionFactory(evaluation=evaluation, due_date=due, status=F.DROPPED)
    figures = action_figures(desk_officer)
    assert (figures.on_time, figures.late, figures.overdue, figures.pending, figures.dropped) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert figures.on_time_share == 50  # 2 of the 4 due so far
    assert [css for css, _offset, _width in figures.segments] == [
        "outcome-on-time",
        "outcome-late",
        "outcome-overdue",
        "outcome-pending",
    ]


def test_the_overview_is_scoped_and_filtered_by_region_and_year(
    client, desk_officer, approver, kenya, peru
):
    EvaluationFactory(programme__countries=[kenya], due_date=datetime.date(2026, 5, 1))
    EvaluationFactory(programme__countries=[kenya], due_date=datetime.date(2027, 5, 1))
    EvaluationFactory(programme__countries=[peru], due_date=datetime.date(2027, 5, 1))
    # The desk officer of Kenya sees Kenya's; the approver every country's.
    assert sum(overview(desk_officer).status_counts.values()) == 2
    assert sum(overview(approver).status_counts.values()) == 3
    assert sum(overview(approver, region="americas").status_counts.values()) == 1
    assert sum(overview(approver, region="africa", year=2027).status_counts.values()) == 1
    client.force_login(approver)
    url = reverse("evaluations:overview")
    response = client.get(url, {"region": "americas", "year": "2027"})
    assert response.status_code == 200
    assert response.context["status_total"] == 1
    assert response.context["is_filtered"]
    # A region or year that is not offered is dropped, not fatal.
    response = client.get(url, {"region": "atlantis", "year": "1066"})
    assert response.context["status_total"] == 3
    page = client.get(url).content.decode()
    assert "<svg" in page or "Not rated yet." in page


def test_a_regional_programme_counts_once_in_its_region(approver, kenya, peru):
    EvaluationFactory(programme__countries=[kenya, peru], programme__scope="regional")
    assert sum(overview(approver, region="africa").status_counts.values()) == 1
    assert sum(overview(approver).status_counts.values()) == 1


def test_the_chart_is_drawn_without_inline_style(client, desk_officer, kenya):
    _rate(
        EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED),
        "relevance",
        "satisfactory",
        desk_officer,
    )
    client.force_login(desk_officer)
    page = client.get(reverse("evaluations:overview")).content.decode()
    assert 'class="tone-4" x="0.00" y="0" width="100.00"' in page
    assert " style=" not in page

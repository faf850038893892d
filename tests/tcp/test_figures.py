"""The figures page: every figure equals the database's own sum over what the user may
open, the filters narrow it, and its query count does not grow with the data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.models import CriterionRating, Evaluation, FollowUpAction
from programmes.models import BudgetLine, Expenditure, Programme
from programmes.selectors import SHARED_STATUSES
from requests_app.figures import median_duration
from requests_app.models import AssistanceRequest
from tcp.charts import BarRow, Series, bar_chart, nice_step
from tcp.models import BoardComponent
from tests.factories import (
    AssistanceRequestFactory,
    BudgetLineFactory,
    EvaluationFactory,
    ExpenditureFactory,
    FollowUpActionFactory,
    ProgrammeFactory,
    funding_source,
    rating_level,
)

pytestmark = pytest.mark.django_db

R = AssistanceRequest.Status
P = Programme.Status
A = FollowUpAction.Status
YEAR = 2026


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _request(country: Any, status: str, submitted: int | None, decided: int | None = None) -> Any:
    return AssistanceRequestFactory(
        country=country,
        status=status,
        submitted_at=_ago(submitted) if submitted is not None else None,
        decided_at=_ago(decided) if decided is not None else None,
    )


def _programme(country: Any, status: str, components: tuple[int, ...] = ()) -> Programme:
    programme = ProgrammeFactory(countries=[country], status=status)
    programme.board_components.set(BoardComponent.objects.filter(number__in=components))
    return programme


def _rate(evaluation: Evaluation, user: Any, **levels: str) -> None:
    for criterion, level in levels.items():
        CriterionRating.objects.create(
            evaluation=evaluation,
            criterion_id=rating_level(criterion, level).scale.criteria.get(code=criterion).pk,
            level=rating_level(criterion, level),
            justification="Evidence from the field.",
            rated_by=user,
        )


@pytest.fixture
def world(kenya, peru, administrator) -> dict[str, Any]:
    """Kenya and Peru records of every kind the figures count, and some they must not."""
    # Requests: Kenya two open, three decided (10, 30 and 50 days to decide), a draft.
    _request(kenya, R.SUBMITTED, 10)
    _request(kenya, R.UNDER_ASSESSMENT, 100)
    _request(kenya, R.ACCEPTED, 20, 10)
    _request(kenya, R.DECLINED, 40, 10)
    _request(kenya, R.ACCEPTED, 50, 0)
    _request(kenya, R.DRAFT, None)
    # Peru: one open for 200 days, one decided in a day.
    _request(peru, R.ACKNOWLEDGED, 200)
    _request(peru, R.ACCEPTED, 5, 4)

    # Programmes (2026-2027): Kenya approved (components 1, 2) and drafting (2); Peru approved.
    ken = _programme(kenya, P.IN_IMPLEMENTATION, (1, 2))
    _programme(kenya, P.DRAFTING, (2,))
    per = _programme(peru, P.APPROVED)
    vf, rb = funding_source("voluntary-fund"), funding_source("regular-budget")
    ken_vf = BudgetLineFactory(programme=ken, funding_source=vf, amount=Decimal("10000.00"))
    BudgetLineFactory(programme=ken, funding_source=rb, amount=Decimal("5000.00"))
    per_vf = BudgetLineFactory(programme=per, funding_source=vf, amount=Decimal("7000.00"))
    drafting = Programme.objects.get(countries=kenya, status=P.DRAFTING)
    BudgetLineFactory(programme=drafting, funding_source=vf, amount=Decimal("9999.00"))
    ExpenditureFactory(budget_line=ken_vf, amount=Decimal("300.00"), date=datetime.date(YEAR, 2, 1))
    ExpenditureFactory(budget_line=ken_vf, amount=Decimal("200.50"), date=datetime.date(YEAR, 5, 1))
    # Neither awaiting an approver nor refused spending counts.
    ExpenditureFactory(
        budget_line=ken_vf,
        amount=Decimal("999.00"),
        date=datetime.date(YEAR, 6, 1),
        status=Expenditure.Status.AWAITING_APPROVAL,
    )
    ExpenditureFactory(budget_line=per_vf, amount=Decimal("400.00"), date=datetime.date(YEAR, 3, 1))

    # Evaluations: accepted ones in both countries, rated; a submitted one, rated, not counted.
    ken_eval = EvaluationFactory(programme=ken, status=Evaluation.Status.ACCEPTED)
    _rate(ken_eval, administrator, relevance="satisfactory", coherence="highly-satisfactory")
    per_eval = EvaluationFactory(programme=per, status=Evaluation.Status.ACCEPTED)
    _rate(per_eval, administrator, relevance="unsatisfactory")
    draft_eval = EvaluationFactory(programme=ken, status=Evaluation.Status.SUBMITTED)
    _rate(draft_eval, administrator, relevance="highly-unsatisfactory")

    # Follow-up actions of the Kenya evaluation: two the State carries out, three OHCHR's.
    today = timezone.now().date()
    due_past, due_future = today - datetime.timedelta(days=20), today + datetime.timedelta(days=20)
    done_early = timezone.now() - datetime.timedelta(days=30)
    FollowUpActionFactory(
        evaluation=ken_eval, responsible_state=kenya, status=A.VERIFIED,
        due_date=due_past, done_at=done_early,
    )  # fmt: skip
    FollowUpActionFactory(
        evaluation=ken_eval, responsible_state=kenya, status=A.OPEN, due_date=due_past
    )
    FollowUpActionFactory(
        evaluation=ken_eval, status=A.DONE, due_date=due_past, done_at=timezone.now()
    )
    FollowUpActionFactory(evaluation=ken_eval, status=A.IN_PROGRESS, due_date=due_future)
    FollowUpActionFactory(evaluation=ken_eval, status=A.DROPPED, due_date=due_future)
    FollowUpActionFactory(evaluation=per_eval, status=A.OPEN, due_date=due_past)
    return {"ken": ken, "per": per, "ken_eval": ken_eval}


def _panels(client: Any, user: Any, **params: Any) -> tuple[Any, dict[str, Any]]:
    client.force_login(user)
    response = client.get(reverse("figures"), params)
    assert response.status_code == 200
    return response, {panel.key: panel for panel in response.context["panels"]}


def _stats(panel: Any) -> dict[str, Any]:
    return {str(stat.label): stat.value for stat in panel.stats}


def _table(panel: Any, index: int = 0) -> dict[str, list[Any]]:
    return panel.figures[index].table.as_dict()


# --- the pipeline ---


def test_pipeline_counts_open_requests_by_stage_and_age_in_scope(
    client, desk_officer, world, kenya
):
    _response, panels = _panels(client, desk_officer)
    pipeline = panels["pipeline"]
    table = _table(pipeline)
    # Columns: under 30, 30-90, 90-180, over 180 days, total.
    assert table["Submitted"] == [1, 0, 0, 0, 1]
    assert table["Being screened"] == [0, 0, 1, 0, 1]
    # Peru's request, acknowledged 200 days ago, is not the Kenya desk officer's.
    assert table["Acknowledged"] == [0, 0, 0, 0, 0]
    stats = _stats(pipeline)
    open_in_db = AssistanceRequest.objects.filter(
        country=kenya,
        status__in=[R.SUBMITTED, R.ACKNOWLEDGED, R.INFORMATION_REQUESTED, R.UNDER_ASSESSMENT],
    ).count()
    assert stats["In the pipeline"] == open_in_db == 2
    assert (
        stats["Accepted"]
        == AssistanceRequest.objects.filter(country=kenya, status=R.ACCEPTED).count()
    )
    assert stats["Declined"] == 1
    # Days to decide: 10, 30 and 50.
    assert stats["Median days from first submission to decision"] == 30.0


def test_pipeline_median_of_an_even_count_is_the_mean_of_the_middle_two(client, approver, world):
    _response, panels = _panels(client, approver)
    stats = _stats(panels["pipeline"])
    # 1, 10, 30, 50 days.
    assert stats["Median days from first submission to decision"] == 20.0
    assert stats["In the pipeline"] == 3
    assert _table(panels["pipeline"])["Acknowledged"] == [0, 0, 0, 1, 1]


def test_median_of_nothing_is_none(db):
    assert median_duration(AssistanceRequest.objects.none(), "submitted_at", "decided_at") is None
    assert median_duration(AssistanceRequest.objects.all(), "submitted_at", "decided_at") is None


def test_focal_point_counts_only_its_own_states_requests(client, focal_point_peru, world):
    _response, panels = _panels(client, focal_point_peru)
    assert _stats(panels["pipeline"])["In the pipeline"] == 1
    regions = _table(panels["requests-by-region"])
    assert regions["Americas"] == [2]
    assert regions["Africa"] == [0]


# --- requests by region and thematic area ---


def test_requests_by_region_and_theme_equal_the_database(client, approver, world, kenya, peru):
    _response, panels = _panels(client, approver)
    panel = panels["requests-by-region"]
    submitted = AssistanceRequest.objects.filter(submitted_at__isnull=False)
    regions = _table(panel, 0)
    assert regions["Africa"] == [submitted.filter(country=kenya).count()] == [5]
    assert regions["Americas"] == [submitted.filter(country=peru).count()] == [2]
    assert panel.figures[0].table.total.values() == [7]
    themes = _table(panel, 1)
    # Every factory request has the first thematic area; the draft is not counted.
    assert sum(v[0] for v in themes.values()) == 7


def test_desk_officer_does_not_count_another_region(client, desk_officer, world):
    _response, panels = _panels(client, desk_officer)
    regions = _table(panels["requests-by-region"])
    assert regions["Africa"] == [5]
    assert regions["Americas"] == [0]


# --- programmes by status and component ---


def test_programmes_by_status_and_component(client, desk_officer, world):
    _response, panels = _panels(client, desk_officer)
    panel = panels["programmes"]
    assert _table(panel, 0) == {"In implementation": [1], "Drafting": [1]}
    components = _table(panel, 1)
    first, second = (
        f"{c.number}. {c.name}" for c in BoardComponent.objects.filter(number__in=(1, 2))
    )
    assert components[first] == [1]
    assert components[second] == [2]
    assert _stats(panel)["Programmes"] == 2


def test_focal_point_counts_only_programmes_shared_with_its_state(client, focal_point_kenya, world):
    _response, panels = _panels(client, focal_point_kenya)
    assert _table(panels["programmes"], 0) == {"In implementation": [1]}


# --- budget against expenditure ---


def _money(panel: Any) -> dict[str, dict[str, list[Any]]]:
    return {f.caption.split(":")[0]: f.table.as_dict() for f in panel.figures}


def test_budget_and_expenditure_equal_the_database_sums(client, desk_officer, world, kenya):
    _response, panels = _panels(client, desk_officer, year=YEAR)
    money = _money(panels["budget"])
    vf = money["Voluntary Fund for Technical Cooperation in the Field of Human Rights"]
    budget = BudgetLine.objects.filter(
        programme__countries=kenya,
        programme__status__in=SHARED_STATUSES,
        funding_source__code="voluntary-fund",
    ).aggregate(total=Sum("amount"))["total"]
    spent = Expenditure.objects.filter(
        budget_line__programme__countries=kenya,
        budget_line__funding_source__code="voluntary-fund",
        status=Expenditure.Status.RECORDED,
        date__year=YEAR,
    ).aggregate(total=Sum("amount"))["total"]
    assert vf[str(YEAR)] == [budget, spent] == [Decimal("10000.00"), Decimal("500.50")]
    assert money["UN regular budget"][str(YEAR)] == [Decimal("5000.00"), Decimal("0.00")]
    # The window is five years: nothing before the programme started.
    assert vf[str(YEAR - 1)] == [Decimal("0.00"), Decimal("0.00")]
    assert list(vf) == [str(y) for y in range(YEAR - 4, YEAR + 1)]
    stats = _stats(panels["budget"])
    assert stats[f"Planned budget {YEAR}, US$"] == Decimal("15000.00")
    assert stats[f"Expenditure {YEAR}, US$"] == Decimal("500.50")


def test_approver_counts_every_country(client, approver, world):
    _response, panels = _panels(client, approver, year=YEAR)
    vf = _money(panels["budget"])[
        "Voluntary Fund for Technical Cooperation in the Field of Human Rights"
    ]
    assert vf[str(YEAR)] == [Decimal("17000.00"), Decimal("900.50")]


def test_focal_point_sees_the_planned_budget_but_no_expenditure(client, focal_point_kenya, world):
    response, panels = _panels(client, focal_point_kenya, year=YEAR)
    panel = panels["budget"]
    vf = _money(panel)["Voluntary Fund for Technical Cooperation in the Field of Human Rights"]
    assert vf[str(YEAR)] == [Decimal("10000.00")]
    assert all(len(f.series) == 1 for f in panel.figures)
    assert f"Expenditure {YEAR}, US$" not in _stats(panel)
    assert "500.50" not in response.content.decode()


# --- ratings and follow-up ---


def test_ratings_by_criterion_count_accepted_evaluations_in_scope(client, desk_officer, world):
    _response, panels = _panels(client, desk_officer)
    panel = panels["ratings"]
    satisfaction = panel.figures[0].table
    headers = satisfaction.headers
    rows = satisfaction.as_dict()
    relevance = dict(zip(headers[1:], rows["Relevance"], strict=True))
    # The Kenya accepted evaluation only: Peru's is out of scope, the submitted one not final.
    assert relevance["Satisfactory"] == 1
    assert relevance["Unsatisfactory"] == 0
    assert relevance["Highly unsatisfactory"] == 0
    assert relevance["Total"] == 1
    in_db = CriterionRating.objects.filter(
        evaluation__programme__countries__iso3="KEN", evaluation__status="accepted"
    ).count()
    assert _stats(panel)["Ratings"] == in_db == 2


def test_focal_point_gets_no_ratings(client, focal_point_kenya, world):
    response, panels = _panels(client, focal_point_kenya)
    assert "ratings" not in panels
    assert "Ratings on the scale" not in response.content.decode()


def test_follow_up_actions_by_outcome(client, desk_officer, world, kenya):
    _response, panels = _panels(client, desk_officer)
    panel = panels["follow-up"]
    assert _table(panel) == {
        "Done by the due date": [1],
        "Done after the due date": [1],
        "Open, past the due date": [1],
        "Open, not yet due": [1],
        "Dropped": [1],
    }
    assert panel.figures[0].table.total.values() == [
        FollowUpAction.objects.filter(evaluation__programme__countries=kenya).count()
    ]
    # One of the three due so far was done by its date.
    assert _stats(panel)["Done on time"] == 33


def test_focal_point_counts_the_actions_of_its_state(client, focal_point_kenya, world):
    _response, panels = _panels(client, focal_point_kenya)
    table = _table(panels["follow-up"])
    assert table["Done by the due date"] == [1]
    assert table["Open, past the due date"] == [1]
    assert sum(v[0] for v in table.values()) == 2


# --- filters ---


def test_region_filter(client, approver, world):
    _response, panels = _panels(client, approver, region="americas", year=YEAR)
    assert _stats(panels["pipeline"])["In the pipeline"] == 1
    assert _table(panels["programmes"], 0) == {"Approved": [1]}
    vf = _money(panels["budget"])[
        "Voluntary Fund for Technical Cooperation in the Field of Human Rights"
    ]
    assert vf[str(YEAR)] == [Decimal("7000.00"), Decimal("400.00")]
    assert _table(panels["follow-up"])["Open, past the due date"] == [1]


def test_country_filter(client, approver, world, peru):
    _response, panels = _panels(client, approver, country=peru.pk)
    regions = _table(panels["requests-by-region"])
    assert regions == {**{key: [0] for key in regions}, "Americas": [2]}
    relevance = _table(panels["ratings"])["Relevance"]
    headers = panels["ratings"].figures[0].table.headers
    assert dict(zip(headers[1:], relevance, strict=True))["Unsatisfactory"] == 1


def test_year_filter(client, approver, world):
    _response, panels = _panels(client, approver, year=YEAR - 1)
    # 2021-2025: the programmes start in 2026.
    assert panels["budget"].is_empty
    assert _table(panels["programmes"], 0) == {}


def test_country_outside_scope_is_refused_and_ignored(client, desk_officer, world, peru):
    response, panels = _panels(client, desk_officer, country=peru.pk, region="africa")
    form = response.context["filter_form"]
    assert "country" in form.errors
    assert response.context["filters"].country is None
    # The valid region filter still applies; Peru is not counted.
    assert _stats(panels["pipeline"])["In the pipeline"] == 2
    assert "Not applied." in response.content.decode()


def test_invalid_values_are_reported_not_fatal(client, approver, world):
    response, _ = _panels(client, approver, year="soon", region="atlantis", country="x")
    assert set(response.context["filter_form"].errors) == {"year", "region", "country"}


# --- access and cost ---


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("figures"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_user_without_a_role_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("figures")).status_code == 403


def test_roles_get_their_panels(client, cast, world):
    expected = {
        "focal_point_kenya": [
            "pipeline", "requests-by-region", "programmes", "budget", "follow-up",
        ],
        "desk_officer": [
            "pipeline", "requests-by-region", "programmes", "budget", "ratings", "follow-up",
        ],
        "auditor": [
            "pipeline", "requests-by-region", "programmes", "budget", "ratings", "follow-up",
        ],
        "administrator": [
            "pipeline", "requests-by-region", "programmes", "budget", "ratings", "follow-up",
        ],
    }  # fmt: skip
    for role, keys in expected.items():
        _response, panels = _panels(client, cast[role])
        assert list(panels) == keys, role
        assert not panels["pipeline"].is_empty, role


def test_page_renders_charts_with_their_tables(client, approver, world):
    response, _ = _panels(client, approver, year=YEAR)
    html = response.content.decode()
    assert html.count('<svg class="chart-svg" direction="ltr" role="img"') == html.count("<table")
    assert '<details class="figure-data" open>' in html
    assert "cdn" not in html.lower()


def _more(kenya: Any, peru: Any, administrator: Any, n: int) -> None:
    for i in range(n):
        country = kenya if i % 2 else peru
        _request(country, R.SUBMITTED, 3 + i)
        _request(country, R.ACCEPTED, 60 + i, 5)
        programme = _programme(country, P.IN_IMPLEMENTATION, (1, 3))
        line = BudgetLineFactory(
            programme=programme, funding_source=funding_source("regular-budget")
        )
        ExpenditureFactory(budget_line=line, date=datetime.date(YEAR, 4, 1))
        evaluation = EvaluationFactory(programme=programme, status=Evaluation.Status.ACCEPTED)
        _rate(evaluation, administrator, relevance="satisfactory", impact="unsatisfactory")
        FollowUpActionFactory(evaluation=evaluation, responsible_state=country)


def _cost(client: Any, user: Any) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("figures"), {"year": YEAR}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["desk_officer", "focal_point_kenya", "approver"])
def test_query_count_does_not_grow_with_the_data(client, cast, kenya, peru, administrator, role):
    user = cast[role]
    _more(kenya, peru, administrator, 2)
    few = _cost(client, user)
    _more(kenya, peru, administrator, 8)
    assert _cost(client, user) == few


# --- the chart geometry ---


def test_nice_steps():
    assert nice_step(100) == 25
    assert nice_step(7) == 2
    assert nice_step(1_000_000) == 250_000


def test_stacked_bars_are_proportional():
    series = [Series("a", "A", "series-0"), Series("b", "B", "series-1")]
    chart = bar_chart([BarRow("One", [1, 3]), BarRow("Two", [2, 0])], series)
    one, two = chart.bars
    assert [s.width for s in one.segments] == ["25.00%", "75.00%"]
    assert one.segments[1].x == "25.00%"
    assert [s.width for s in two.segments] == ["50.00%"]
    assert one.text_inside and not two.text_inside
    assert chart.ticks[-1].label == "4"

"""The programme document: what it holds (and what it never holds), the signature
block of each covered State, indicator progress for a government only once
the programme is accepted, and its cost in queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from programmes.models import (
    Activity,
    BudgetLine,
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
from programmes.views.document import IndicatorLine
from requests_app.models import Recommendation
from tcp.models import (
    BoardComponent,
    FormOfAssistance,
    FundingSource,
    Mechanism,
    PartnerOrganisation,
    RosterExpert,
    SustainableDevelopmentGoal,
)
from tests.factories import ComponentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
S = Programme.Status


@pytest.fixture
def programme(kenya, desk_officer, approver) -> Programme:
    """An approved Kenyan programme with every part of the document, and internal
    material (an expert, expenditure, a grant, a review) that must never show."""
    programme = ProgrammeFactory(
        countries=[kenya],
        status=S.APPROVED,
        title="Police accountability",
        objective="Police officers respect the rights of detainees.",
        cooperation_framework_outcome="Outcome 3: accountable institutions.",
        gender_marker=2,
        gender_marker_justification="Women detainees are a focus.",
        created_by=desk_officer,
    )
    programme.board_components.set(BoardComponent.objects.filter(number=2))
    programme.sdgs.set(SustainableDevelopmentGoal.objects.filter(number=16))
    programme.recommendations.add(
        Recommendation.objects.create(
            country=kenya,
            mechanism=Mechanism.objects.first(),
            text="Investigate all allegations of torture in police custody.",
            document_symbol="CAT/C/KEN/CO/3",
        )
    )
    component = ComponentFactory(
        programme=programme,
        title="Custody monitoring",
        objective="Custody is monitored independently.",
        outputs="Monitoring guide adopted\nForty monitors trained",
    )
    indicator = Indicator.objects.create(
        component=component,
        name="Police stations monitored",
        unit="stations",
        baseline=Decimal("10"),
        target=Decimal("50"),
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        date=datetime.date(2026, 9, 1),
        value=Decimal("30"),
        source="Monitoring reports",
        recorded_by=desk_officer,
    )
    activity = Activity.objects.create(
        component=component,
        form=FormOfAssistance.objects.get(code="training-courses"),
        title="Training of custody monitors",
        audience=Activity.Audience.POLICE,
        start_date=datetime.date(2026, 5, 4),
        end_date=datetime.date(2026, 5, 8),
        place="Mombasa",
    )
    expert = RosterExpert.objects.create(name="Dr Hidden Expert")
    ExpertAssignment.objects.create(
        activity=activity,
        expert=expert,
        start_date=activity.start_date,
        end_date=activity.end_date,
        assigned_by=desk_officer,
    )
    ProgrammePartner.objects.create(
        programme=programme,
        partner=PartnerOrganisation.objects.first(),
        role=ProgrammePartner.Role.IMPLEMENTING,
        description="Runs the trainings.",
    )
    regular, voluntary = FundingSource.objects.order_by("sort_order")[:2]
    line = BudgetLine.objects.create(
        programme=programme,
        component=component,
        funding_source=regular,
        description="Trainers",
        amount=Decimal("1234.56"),
    )
    BudgetLine.objects.create(
        programme=programme,
        funding_source=voluntary,
        description="Coordination",
        amount=Decimal("20000.00"),
    )
    Expenditure.objects.create(
        budget_line=line,
        date=datetime.date(2026, 5, 9),
        amount=Decimal("777.77"),
        description="SECRET: trainer fees paid",
        recorded_by=desk_officer,
    )
    Grant.objects.create(
        programme=programme,
        recipient="SECRET: Coast defenders network",
        recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
        amount=Decimal("4000.00"),
        purpose="Monitoring.",
        report_due=datetime.date(2026, 12, 1),
        awarded_by=desk_officer,
    )
    ProgrammeReview.objects.create(
        programme=programme, reviewer=approver, verdict="recommend", comment="SECRET: review"
    )
    return programme


def _page(client, user, programme: Programme):
    client.force_login(user)
    response = client.get(reverse("programmes:document", args=[programme.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_document_holds_every_part_of_the_programme(client, focal_point_kenya, programme):
    response, page = _page(client, focal_point_kenya, programme)
    for text in (
        "Office of the High Commissioner for Human Rights",
        programme.reference,
        "Police accountability",
        "Kenya",
        "1 January 2026 – 31 December 2027",
        "Police officers respect the rights of detainees.",
        "Outcome 3: accountable institutions.",
        "Custody monitoring",
        "Monitoring guide adopted",
        "Forty monitors trained",
        "Police stations monitored",
        "Training of custody monitors",
        "Mombasa",
        "4\u2009–\u20098 May 2026",
        "Runs the trainings.",
        "Implementing partner",
        "CAT/C/KEN/CO/3",
        "Investigate all allegations of torture in police custody.",
        "Women detainees are a focus.",
        "SDG 16",
        # The planned budget, to the cent, by component and by funding source.
        "US$ 21,234.56",
        "US$ 1,234.56",
        "US$ 20,000.00",
    ):
        assert text in page, text
    assert [s.number for s in response.context["components"]] == [1]
    # By component in the document's numbering, the lines of no component last.
    assert [(a.label, a.amount) for a in response.context["by_component"]] == [
        ("2.1 Custody monitoring", "US$ 1,234.56"),
        ("Programme-wide", "US$ 20,000.00"),
    ]


def test_the_document_never_holds_internal_material(client, cast, programme):
    for role in ("focal_point_kenya", "desk_officer"):
        _response, page = _page(client, cast[role], programme)
        for text in ("SECRET", "Dr Hidden Expert", "777.77"):
            assert text not in page, (role, text)


def test_government_sees_indicator_progress_only_once_accepted(
    client, focal_point_kenya, programme
):
    response, page = _page(client, focal_point_kenya, programme)
    assert not response.context["progress_shown"]
    [line] = response.context["components"][0].indicators
    assert line.actual is None
    assert "progress-chart" not in page

    Programme.objects.filter(pk=programme.pk).update(status=S.ACCEPTED)
    response, page = _page(client, focal_point_kenya, programme)
    assert response.context["progress_shown"]
    [line] = response.context["components"][0].indicators
    assert line.actual == Decimal("30")
    assert line.share == 50
    assert '<svg class="progress-chart"' in page
    assert "Actual 30 against a target of 50 (baseline 10): 50% of the way." in page


def test_ohchr_sees_progress_at_any_status(client, desk_officer, programme):
    Programme.objects.filter(pk=programme.pk).update(status=S.DRAFTING)
    response, page = _page(client, desk_officer, programme)
    assert response.context["progress_shown"]
    assert "progress-chart" in page


def test_a_signature_block_per_state_each_government_reading_its_own(client, cast, kenya, peru):
    programme = ProgrammeFactory(countries=[kenya, peru], scope="regional", status=S.APPROVED)
    ProgrammeAcceptance.objects.create(
        programme=programme, country=kenya, accepted_by=cast["focal_point_kenya"]
    )
    response, page = _page(client, cast["focal_point_kenya"], programme)
    signatures = {s.country: s.acceptance for s in response.context["signatures"]}
    assert set(signatures) == {kenya, peru}
    assert signatures[kenya].accepted_by == cast["focal_point_kenya"]
    assert signatures[peru] is None
    assert "For the Government of Peru" in page
    assert f"Accepted by {cast['focal_point_kenya']}" in page

    # Peru's focal point reads only its own State's acceptance: Kenya's line is blank.
    response, page = _page(client, cast["focal_point_peru"], programme)
    assert all(s.acceptance is None for s in response.context["signatures"])
    assert f"Accepted by {cast['focal_point_kenya']}" not in page

    response, _page_text = _page(client, cast["desk_officer_peru"], programme)
    assert {s.country: bool(s.acceptance) for s in response.context["signatures"]} == {
        kenya: True,
        peru: False,
    }


def test_the_document_prints_and_names_the_approval(client, cast, kenya):
    from programmes import services

    programme = ProgrammeFactory(countries=[kenya], created_by=cast["desk_officer"])
    ComponentFactory(programme=programme)
    services.perform(programme, "submit_for_review", by=cast["desk_officer"])
    services.perform(programme, "approve", by=cast["approver"])
    response, page = _page(client, cast["focal_point_kenya"], programme)
    assert response.context["approval"].action == "approve"
    assert "Approved on" in page
    assert "css/programmes.css" in page
    with open(finders.find("css/programmes.css")) as css:
        assert "@media print" in css.read()


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "share"),
    [
        ("10", "50", "30", 50),
        ("10", "50", "60", 100),
        ("10", "50", "5", 0),
        # An indicator that aims down (cases pending, days of detention).
        ("80", "20", "50", 50),
        ("5", "5", "5", 100),
        ("5", "5", "4", 0),
        ("10", "50", None, None),
    ],
)
def test_progress_runs_from_baseline_to_target(baseline, target, actual, share):
    indicator = Indicator(name="x", unit="u", baseline=Decimal(baseline), target=Decimal(target))
    line = IndicatorLine(indicator, Decimal(actual) if actual is not None else None)
    assert line.share == share
    assert 0 <= float(line.actual_width) <= 100
    assert 0 <= float(line.target_width) <= 100


def test_what_was_cancelled_stays_in_the_document_and_says_so(client, desk_officer, programme):
    from programmes.models import Component

    Component.objects.filter(programme=programme).update(status=Component.Status.CANCELLED)
    response, page = _page(client, desk_officer, programme)
    assert [s.component.title for s in response.context["components"]] == ["Custody monitoring"]
    assert '<span class="status status-cancelled">Cancelled</span>' in page

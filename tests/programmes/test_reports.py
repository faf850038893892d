"""The programme document and the annual programme report as PDFs: what each reader's
PDF holds (a government's nothing internal), the annual figures equal to the
database's sums, the region filter, Arabic, and the cost of the figures in queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pypdf
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, Sum
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from assessments.models import NeedsAssessment
from evaluations.annual import annual_subject
from programmes.annual import annual_figures
from programmes.models import (
    BudgetLine,
    Expenditure,
    Indicator,
    Programme,
    ProgrammeReview,
)
from programmes.reports import programme_subject
from requests_app.models import AssistanceRequest
from tcp import reports
from tcp.models import Report, StatusChange, ThematicArea
from tests.factories import (
    AssistanceRequestFactory,
    BudgetLineFactory,
    ComponentFactory,
    ExpenditureFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
    funding_source,
)

pytestmark = pytest.mark.django_db
S = Programme.Status
YEAR = 2026


def _render(user, kind: str, reference: str, *, language: str = "en", **params) -> Report:
    report = reports.request_report(
        user=user, kind_code=kind, reference=reference, params=params, language=language
    )
    reports.render(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    return report


def _text(report: Report) -> str:
    with report.file.open("rb") as f:
        reader = pypdf.PdfReader(BytesIO(f.read()))
    assert len(reader.pages) == report.pages
    # Words a table cell wrapped onto two lines read as one text.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


# --- the programme document ---


@pytest.fixture
def programme(kenya, desk_officer, approver) -> Programme:
    """An approved Kenyan programme with a budget, and internal material: a review and
    expenditure (OHCHR's only)."""
    programme = ProgrammeFactory(
        countries=[kenya],
        status=S.APPROVED,
        title="Police accountability",
        objective="Police officers respect the rights of detainees.",
        created_by=desk_officer,
    )
    component = ComponentFactory(programme=programme, title="Custody monitoring")
    Indicator.objects.create(
        component=component, name="Stations monitored", unit="stations", baseline=10, target=50
    )
    line = BudgetLineFactory(
        programme=programme,
        component=component,
        funding_source=funding_source("regular-budget"),
        amount=Decimal("1234.56"),
    )
    BudgetLineFactory(programme=programme, amount=Decimal("20000.00"))
    ExpenditureFactory(budget_line=line, amount=Decimal("777.77"), recorded_by=desk_officer)
    ProgrammeReview.objects.create(
        programme=programme, reviewer=approver, verdict="recommend", comment="SECRET review note"
    )
    return programme


def test_the_programme_pdf_has_a_cover_contents_and_the_budget_to_the_cent(desk_officer, programme):
    report = _render(desk_officer, "programme", programme.reference)
    text = _text(report)
    assert report.pages >= 3  # cover, contents, the document
    for expected in (
        programme.reference,
        "Police accountability",
        "Contents",
        "Custody monitoring",
        "Stations monitored",
        "US$ 21,234.56",
        "US$ 1,234.56",
        "US$ 20,000.00",
        "Approval and acceptance",
    ):
        assert expected in text, expected


def test_a_governments_pdf_holds_nothing_internal(desk_officer, focal_point_kenya, programme):
    ohchr = _text(_render(desk_officer, "programme", programme.reference))
    government = _text(_render(focal_point_kenya, "programme", programme.reference))
    for internal in ("SECRET review note", "777.77", "OHCHR only", "Spent"):
        assert internal in ohchr, internal
        assert internal not in government, internal
    # The document itself is the same for both.
    assert "US$ 21,234.56" in government
    assert "Custody monitoring" in government


def test_another_states_focal_point_may_not_open_the_programme(
    focal_point_peru, outsider, programme
):
    for user in (focal_point_peru, outsider):
        with pytest.raises(Http404):
            programme_subject(user, programme.reference)
        with pytest.raises(Http404):
            reports.request_report(user=user, kind_code="programme", reference=programme.reference)


def test_a_drafting_programme_is_not_a_governments_to_read(focal_point_kenya, programme):
    Programme.objects.filter(pk=programme.pk).update(status=S.DRAFTING)
    with pytest.raises(Http404):
        programme_subject(focal_point_kenya, programme.reference)


def test_the_programme_pdf_renders_in_arabic(desk_officer, programme):
    Programme.objects.filter(pk=programme.pk).update(title="دعم المساءلة في الشرطة")
    text = _text(_render(desk_officer, "programme", programme.reference, language="ar"))
    assert "المساءلة" in text or "ةلءاسملا" in text  # extractors differ on right-to-left order
    assert programme.reference in text


# --- the annual programme report ---


def _changed(obj, to_status: str, at: datetime.datetime) -> None:
    change = StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        action="test",
        from_status="",
        to_status=to_status,
    )
    StatusChange.objects.filter(pk=change.pk).update(at=at)


def _at(year: int, month: int = 6) -> datetime.datetime:
    return datetime.datetime(year, month, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture
def year_of_work(kenya, peru, desk_officer):
    """A year's work in Kenya and Peru, and what falls outside the year."""
    regular, voluntary, extra = (
        funding_source(c) for c in ("regular-budget", "voluntary-fund", "extrabudgetary")
    )
    themes = list(ThematicArea.objects.order_by("id")[:2])
    running = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    approved = ProgrammeFactory(countries=[peru], status=S.APPROVED)
    drafting = ProgrammeFactory(countries=[kenya], status=S.DRAFTING)
    ended = ProgrammeFactory(
        countries=[kenya],
        status=S.CLOSED,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )
    c1 = ComponentFactory(programme=running, thematic_area=themes[0])
    c2 = ComponentFactory(programme=approved, thematic_area=themes[1])
    lines = [
        BudgetLineFactory(
            programme=running, component=c1, funding_source=regular, amount="1000.10"
        ),
        BudgetLineFactory(programme=running, funding_source=voluntary, amount="2500.25"),
        BudgetLineFactory(programme=approved, component=c2, funding_source=extra, amount="400.00"),
        BudgetLineFactory(programme=drafting, funding_source=voluntary, amount="9999.99"),
        BudgetLineFactory(programme=ended, funding_source=voluntary, amount="5555.55"),
    ]
    spend = [
        (lines[0], "300.30", datetime.date(YEAR, 2, 1), "recorded"),
        (lines[1], "1200.05", datetime.date(YEAR, 7, 1), "recorded"),
        (lines[2], "150.00", datetime.date(YEAR, 9, 1), "recorded"),
        (lines[1], "88.00", datetime.date(YEAR - 1, 12, 31), "recorded"),  # the year before
        (lines[1], "66.00", datetime.date(YEAR, 3, 1), "awaiting_approval"),  # not spent yet
        (lines[4], "44.00", datetime.date(2021, 3, 1), "recorded"),
    ]
    for line, amount, date, status in spend:
        ExpenditureFactory(
            budget_line=line, amount=amount, date=date, status=status, recorded_by=desk_officer
        )
    A = AssistanceRequest.Status
    for country, status, submitted, decided in [
        (kenya, A.SUBMITTED, _at(YEAR), None),
        (kenya, A.ACCEPTED, _at(YEAR, 1), _at(YEAR, 3)),
        (peru, A.DECLINED, _at(YEAR - 1, 11), _at(YEAR, 2)),
        (peru, A.ACCEPTED, _at(YEAR - 1), _at(YEAR - 1, 9)),
    ]:
        AssistanceRequestFactory(
            country=country, status=status, submitted_at=submitted, decided_at=decided
        )
    validated = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.VALIDATED
    )
    _changed(validated, "validated", _at(YEAR, 4))
    earlier = NeedsAssessmentFactory(request__country=peru, status=NeedsAssessment.Status.SHARED)
    _changed(earlier, "validated", _at(YEAR - 1, 4))
    _changed(earlier, "shared_with_government", _at(YEAR, 1))
    return {"running": running, "approved": approved}


def _expected(region_q: Q = Q()) -> dict:
    """The figures, computed independently with plain ORM queries."""
    in_year = Q(
        start_date__lte=datetime.date(YEAR, 12, 31), end_date__gte=datetime.date(YEAR, 1, 1)
    )
    shared = [S.APPROVED, S.ACCEPTED, S.IN_IMPLEMENTATION, S.SUSPENDED, S.COMPLETED, S.CLOSED]
    programmes = Programme.objects.filter(in_year & region_q)
    lines = BudgetLine.objects.filter(programme__in=programmes.filter(status__in=shared))
    spent = Expenditure.objects.filter(
        status="recorded",
        date__year=YEAR,
        budget_line__programme__in=Programme.objects.filter(region_q),
    )

    def total(qs) -> Decimal:
        return qs.aggregate(t=Sum("amount"))["t"] or Decimal("0.00")

    return {
        "programmes": programmes.count(),
        "budget": total(lines),
        "spent": total(spent),
        "regular": total(spent.filter(budget_line__funding_source__kind="regular_budget")),
        "voluntary": total(spent.filter(budget_line__funding_source__kind="voluntary_fund")),
        "by_source_budget": {
            name: total(lines.filter(funding_source__name=name))
            for name in lines.values_list("funding_source__name", flat=True)
        },
    }


def test_the_annual_figures_equal_the_databases_sums(approver, year_of_work):
    figures = annual_figures(approver, YEAR)
    expected = _expected()

    assert figures.requests_received == 2  # submitted in the year
    assert (figures.requests_accepted, figures.requests_declined) == (1, 1)  # decided in it
    assert figures.assessments_done == 1  # validated in the year
    assert figures.programmes_total == expected["programmes"] == 3
    assert figures.under_implementation == 1
    assert figures.approved_to_begin == 1
    assert figures.budget_total == expected["budget"] == Decimal("3900.35")
    assert figures.spent_total == expected["spent"] == Decimal("1650.35")
    assert figures.spent_regular_budget == expected["regular"] == Decimal("300.30")
    assert figures.spent_voluntary_fund == expected["voluntary"] == Decimal("1200.05")
    assert figures.spent_other == Decimal("150.00")
    assert {r.label: r.budget for r in figures.by_source} == expected["by_source_budget"]
    assert sum(r.spent for r in figures.by_source) == figures.spent_total
    assert {r.label: (r.budget, r.spent) for r in figures.by_country} == {
        "Kenya": (Decimal("3500.35"), Decimal("1500.35")),
        "Peru": (Decimal("400.00"), Decimal("150.00")),
    }
    assert {r.label: r.budget for r in figures.by_region} == {
        "Africa": Decimal("3500.35"),
        "Americas": Decimal("400.00"),
    }
    assert sum(r.budget for r in figures.by_thematic_area) == figures.budget_total


def test_the_annual_pdf_prints_the_figures(approver, year_of_work):
    report = _render(approver, "annual", str(YEAR))
    text = _text(report)
    assert report.pages >= 3
    for expected in (
        "Annual programme report 2026",
        "Contents",
        "The total expenditure for technical cooperation in 2026 was US$ 1,650.35",
        "US$ 300.30",
        "US$ 1,200.05",
        "3,900.35",
        "1 programme was under implementation",
        "Kenya",
        "Peru",
        "Evaluations and follow-up",
    ):
        assert expected in text, expected


def test_the_region_filter_keeps_the_programmes_of_its_countries(approver, year_of_work):
    africa = annual_figures(approver, YEAR, "africa")
    expected = _expected(Q(countries__region="africa"))
    assert africa.budget_total == expected["budget"] == Decimal("3500.35")
    assert africa.spent_total == expected["spent"] == Decimal("1500.35")
    assert [r.label for r in africa.by_country] == ["Kenya"]
    assert africa.requests_received == 2
    assert africa.assessments_done == 1

    americas = annual_figures(approver, YEAR, "americas")
    assert americas.spent_total == Decimal("150.00")
    assert americas.requests_received == 0
    assert americas.assessments_done == 0

    text = _text(_render(approver, "annual", str(YEAR), region="americas"))
    assert "Americas" in text
    assert "Kenya" not in text


def test_a_desk_officer_reads_the_figures_of_their_portfolio_only(desk_officer, year_of_work):
    figures = annual_figures(desk_officer, YEAR)
    assert [r.label for r in figures.by_country] == ["Kenya"]
    assert figures.spent_total == Decimal("1500.35")


def test_the_annual_report_is_ohchrs(cast):
    for role in ("desk_officer", "approver", "auditor", "administrator"):
        assert annual_subject(cast[role], "2026").year == 2026
    for role in ("focal_point_kenya", "focal_point_peru", "outsider"):
        with pytest.raises(Http404):
            annual_subject(cast[role], "2026")
    for reference in ("", "twenty", "1800"):
        with pytest.raises(Http404):
            annual_subject(cast["approver"], reference)
    with pytest.raises(Http404):
        reports.request_report(user=cast["focal_point_kenya"], kind_code="annual", reference="2026")


def test_the_annual_pdf_renders_in_arabic(approver, year_of_work):
    ThematicArea.objects.filter(
        pk=year_of_work["running"].components.get().thematic_area_id
    ).update(name="إقامة العدل")
    text = _text(_render(approver, "annual", str(YEAR), language="ar"))
    assert "العدل" in text or "لدعلا" in text  # extractors differ on right-to-left order


def test_the_annual_figures_cost_the_same_queries_for_3_or_30_programmes(approver, kenya):
    def make(n: int) -> None:
        for _ in range(n):
            programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
            line = BudgetLineFactory(
                programme=programme, component=ComponentFactory(programme=programme)
            )
            ExpenditureFactory(budget_line=line)

    make(3)
    annual_figures(approver, YEAR)  # the scope and content types, cached from here
    with CaptureQueriesContext(connection) as few:
        annual_figures(approver, YEAR)
    make(27)
    with CaptureQueriesContext(connection) as many:
        figures = annual_figures(approver, YEAR)
    assert figures.programmes_total == 30
    assert len(many) == len(few)


def test_the_programme_list_offers_ohchr_the_annual_report(client, cast):
    from django.urls import reverse

    from tcp.models import Region

    client.force_login(cast["approver"])
    page = client.get(reverse("programmes:list")).content.decode()
    assert 'name="kind" value="annual"' in page
    regions = page[page.index('id="annual-region"') :].split("</select>")[0]
    assert set(re.findall(r'<option value="([a-z_]+)">', regions)) == set(Region.values)
    client.force_login(cast["focal_point_kenya"])
    assert 'value="annual"' not in client.get(reverse("programmes:list")).content.decode()


def test_asking_for_the_annual_report_of_a_region(client, approver):
    from django.urls import reverse

    client.force_login(approver)
    client.post(reverse("report_ask"), {"kind": "annual", "reference": "2026", "region": "africa"})
    report = Report.objects.get(requested_by=approver)
    assert (report.kind, report.reference, report.params) == (
        "annual",
        "2026",
        {"region": "africa"},
    )
    assert report.title == "Annual programme report 2026: Africa"

"""The IATI 2.03 activity file of the programmes (programmes/iati.py): valid against
the official schema (tests/data/iati-2.03), faithful to the database, and free
of anything internal or out of the reader's scope."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from programmes import iati, services
from programmes.models import (
    BudgetLine,
    Expenditure,
    IndicatorValue,
    Programme,
    ProgrammePartner,
    ProgrammeReview,
)
from requests_app.models import AssistanceRequest
from tcp.documents import Visibility
from tcp.models import (
    Country,
    FundingSource,
    PartnerOrganisation,
    StatusChange,
    SustainableDevelopmentGoal,
    User,
)
from tests.factories import (
    BudgetLineFactory,
    ComponentFactory,
    ExpenditureFactory,
    IndicatorFactory,
    ProgrammeFactory,
    RequestDocumentFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "iati-2.03"
URL = "programmes:iati"
S = Programme.Status
ORG = "XM-DAC-41313"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def _export(user: User, params: dict | None = None) -> tuple[bytes, etree._Element]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(URL), params or {})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/xml"
    day = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="iati-activities-{day}.xml"'
    return response.content, etree.fromstring(response.content)


def _assert_valid(schema: etree.XMLSchema, root: etree._Element) -> None:
    valid = schema.validate(root)
    assert valid, "\n".join(str(e) for e in schema.error_log)


def _activities(root: etree._Element) -> dict[str, etree._Element]:
    return {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}


def _indicator(activity: etree._Element, name: str) -> etree._Element:
    (found,) = activity.xpath("result/indicator[title/narrative=$name]", name=name)
    return found


def _total(elements: list[etree._Element]) -> Decimal:
    return sum((Decimal(e.text) for e in elements), Decimal("0"))


@pytest.fixture
def demo() -> dict[str, User]:
    call_command("seed_demo", "--password", "x-demo-password-x", verbosity=0)
    return {u.username: u for u in User.objects.all()}


# --- the demo, as the approver (every country) publishes it ---


def test_the_demo_export_validates_against_the_iati_203_schema(demo, schema):
    content, root = _export(demo["approver"])
    _assert_valid(schema, root)
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime")
    assert content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_the_demo_export_holds_the_published_programmes_and_their_figures(demo, schema):
    _content, root = _export(demo["approver"])
    activities = _activities(root)
    published = Programme.objects.filter(status__in=iati.PUBLISHED_STATUSES)
    assert published.count() >= 4  # Kenya, Cambodia, Peru, the regional project
    assert set(activities) == {f"{ORG}-{p.reference}" for p in published}
    # Uganda's programme is under review: not published.
    uganda = Programme.objects.get(status=S.UNDER_REVIEW)
    assert f"{ORG}-{uganda.reference}" not in activities

    for programme in published:
        activity = activities[f"{ORG}-{programme.reference}"]
        reporting = activity.find("reporting-org")
        assert (reporting.get("ref"), reporting.get("type")) == (ORG, "40")
        assert activity.find("title/narrative").text == programme.title
        assert activity.get("default-currency") == "USD"
        sectors = activity.findall("sector")
        assert [(s.get("vocabulary"), s.get("code")) for s in sectors] == [("1", "15160")]
        assert (
            activity.find("activity-status").get("code") == iati.ACTIVITY_STATUS[programme.status]
        )
        roles = {
            (o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")
        }
        ohchr = "Office of the United Nations High Commissioner for Human Rights"
        assert {("2", ohchr), ("3", ohchr)} <= roles
        # Budgets: the budget lines to the cent, in periods of a year at most.
        lines = BudgetLine.objects.filter(programme=programme).aggregate(t=Sum("amount"))["t"]
        budgets = activity.findall("budget")
        assert _total([b.find("value") for b in budgets]) == (lines or Decimal("0"))
        for budget in budgets:
            start = datetime.date.fromisoformat(budget.find("period-start").get("iso-date"))
            end = datetime.date.fromisoformat(budget.find("period-end").get("iso-date"))
            assert start <= end and start.year == end.year
        # Funding sources of its lines are its funding organisations.
        sources = set(
            FundingSource.objects.filter(
                pk__in=BudgetLine.objects.filter(programme=programme).values("funding_source")
            ).values_list("name", flat=True)
        )
        assert {name for role, name in roles if role == "1"} >= sources
        # Transactions: recorded expenditure only, to the cent.
        recorded = Expenditure.objects.filter(
            budget_line__programme=programme, status=Expenditure.Status.RECORDED
        ).aggregate(t=Sum("amount"))["t"] or Decimal("0")
        transactions = activity.findall("transaction")
        assert {t.find("transaction-type").get("code") for t in transactions} <= {"4"}
        assert _total([t.find("value") for t in transactions]) == recorded
        for transaction in transactions:
            assert transaction.findtext("provider-org/narrative") in sources
        # Recipient countries: ISO codes, shares of 100 when several.
        countries = activity.findall("recipient-country")
        assert {c.get("code") for c in countries} == {c.iso2 for c in programme.countries.all()}
        if len(countries) > 1:
            assert sum(Decimal(c.get("percentage")) for c in countries) == Decimal("100")
        assert activity.find("recipient-region") is None
        assert activity.find("document-link") is None

    kenya = Programme.objects.get(status=S.IN_IMPLEMENTATION, countries__iso3="KEN")
    activity = activities[f"{ORG}-{kenya.reference}"]
    assert activity.find("activity-status").get("code") == "2"
    tags = {(t.get("vocabulary"), t.get("code")) for t in activity.findall("tag")}
    assert tags == {("2", "5"), ("2", "16")}
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates["1"] == kenya.start_date.isoformat()
    assert dates["3"] == kenya.end_date.isoformat()
    assert "2" in dates  # implementation started: the actual start is known
    # UNDP implements jointly with OHCHR; the Commission, a beneficiary, has no IATI role.
    implementing = {
        o.findtext("narrative") for o in activity.findall("participating-org[@role='4']")
    }
    ohchr = "Office of the United Nations High Commissioner for Human Rights"
    assert implementing == {ohchr, "United Nations Development Programme"}
    assert "Kenya National Commission on Human Rights" not in etree.tostring(activity).decode()
    # Results: one output per component, indicators with baseline, target and the latest actual.
    results = activity.findall("result")
    assert len(results) == 2 and {r.get("type") for r in results} == {"1"}
    trained = _indicator(activity, "Officers trained on the use of force")
    assert trained.find("baseline").get("value") == "0"
    assert trained.find("period/target").get("value") == "300"
    assert trained.find("period/actual").get("value") == "112"  # the latest of 30 and 112
    percent = _indicator(activity, "Complaints of ill-treatment in custody answered within 30 days")
    assert percent.get("measure") == "2"
    assert percent.find("period/actual") is None  # never measured

    regional = Programme.objects.get(scope=Programme.Scope.REGIONAL)
    countries = _activities(root)[f"{ORG}-{regional.reference}"].findall("recipient-country")
    assert sorted(c.get("code") for c in countries) == ["KE", "UG"]
    assert [c.get("percentage") for c in countries] == ["50.00", "50.00"]


def test_nothing_internal_enters_the_demo_export(demo):
    internal_doc = RequestDocumentFactory(
        request=AssistanceRequest.objects.filter(country__iso3="KEN").first(),
        visibility=Visibility.INTERNAL,
        original_name="internal-mission-debrief-do-not-publish.pdf",
    )
    content, _root = _export(demo["approver"])
    text = content.decode()
    held = Expenditure.objects.filter(status=Expenditure.Status.AWAITING_APPROVAL)
    assert held.exists()
    for entry in held:
        assert entry.description not in text
    # No expenditure description at all, nor the reason given to allow one.
    for entry in Expenditure.objects.all():
        assert entry.description not in text
        if entry.decision_note:
            assert entry.decision_note not in text
    for review in ProgrammeReview.objects.all():
        assert review.comment not in text
    for note in StatusChange.objects.exclude(note="").values_list("note", flat=True):
        assert note not in text
    assert internal_doc.original_name not in text
    # No staff or official is named (reviewers, who recorded what).
    for user in User.objects.all():
        assert user.get_full_name() not in text
    assert "Mombasa human rights defenders network" not in text  # a grant's recipient


def test_a_desk_officer_publishes_only_their_own_countries(demo, schema):
    # The Americas desk officer: Peru and Cambodia.
    _content, root = _export(demo["desk.americas"])
    _assert_valid(schema, root)
    codes = {c.get("code") for c in root.iter("recipient-country")}
    assert codes == {"PE", "KH"}
    kenya = Programme.objects.get(status=S.IN_IMPLEMENTATION, countries__iso3="KEN")
    assert f"{ORG}-{kenya.reference}" not in _activities(root)


def test_a_government_may_not_publish(demo):
    client = Client()
    client.force_login(demo["gov.kenya"])
    assert client.get(reverse(URL)).status_code == 403


def test_the_file_answers_only_get(client, approver):
    client.force_login(approver)
    assert client.post(reverse(URL)).status_code == 405


# --- the rule on statuses ---


def test_drafts_and_programmes_under_review_are_never_published(approver, kenya):
    drafting = ProgrammeFactory(countries=[kenya], title="Drafting programme")
    review = ProgrammeFactory(countries=[kenya], status=S.UNDER_REVIEW, title="Reviewed one")
    approved = ProgrammeFactory(countries=[kenya], status=S.APPROVED, title="Approved one")
    _content, root = _export(approver)
    assert set(_activities(root)) == {f"{ORG}-{approved.reference}"}
    # Chosen explicitly, a draft is still not published.
    _content, root = _export(approver, {"programme": [drafting.pk, review.pk]})
    assert root.findall("iati-activity") == []


def _through_review(programme: Programme, desk: User, approver: User) -> None:
    ComponentFactory(programme=programme)
    services.perform(programme, "submit_for_review", by=desk)
    services.perform(programme, "approve", by=approver)


def test_cancelled_after_approval_is_published_and_cancelled_in_review_is_not(
    approver, desk_officer, kenya, schema
):
    after = ProgrammeFactory(countries=[kenya], created_by=desk_officer)
    _through_review(after, desk_officer, approver)
    services.perform(after, "cancel", by=approver, note="Secret reason: the minister resigned.")
    during = ProgrammeFactory(countries=[kenya], created_by=desk_officer)
    ComponentFactory(programme=during)
    services.perform(during, "submit_for_review", by=desk_officer)
    services.perform(during, "cancel", by=approver, note="Not viable.")
    content, root = _export(approver)
    _assert_valid(schema, root)
    activities = _activities(root)
    assert set(activities) == {f"{ORG}-{after.reference}"}
    assert activities[f"{ORG}-{after.reference}"].find("activity-status").get("code") == "5"
    assert b"Secret reason" not in content


def test_only_recorded_expenditure_becomes_transactions(approver, kenya, schema):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    source = FundingSource.objects.get(code="voluntary-fund")
    line = BudgetLineFactory(programme=programme, funding_source=source, amount=Decimal("1000"))
    day = datetime.date(2026, 3, 10)
    ExpenditureFactory(budget_line=line, date=day, amount=Decimal("100.10"))
    ExpenditureFactory(budget_line=line, date=day.replace(day=20), amount=Decimal("0.95"))
    ExpenditureFactory(budget_line=line, date=datetime.date(2026, 4, 2), amount=Decimal("50"))
    ExpenditureFactory(
        budget_line=line, amount=Decimal("900"), status=Expenditure.Status.AWAITING_APPROVAL
    )
    ExpenditureFactory(
        budget_line=line,
        amount=Decimal("700"),
        status=Expenditure.Status.REFUSED,
        decision_note="Refused: not eligible",
    )
    content, root = _export(approver)
    _assert_valid(schema, root)
    transactions = root.findall("iati-activity/transaction")
    # One per funding source and month, dated on the month's last expenditure.
    assert [
        (t.find("transaction-date").get("iso-date"), t.findtext("value")) for t in transactions
    ] == [("2026-03-20", "101.05"), ("2026-04-02", "50")]
    assert {t.findtext("provider-org/narrative") for t in transactions} == {source.name}
    assert b"not eligible" not in content


def test_a_multi_year_budget_is_split_by_calendar_year_to_the_cent(approver, kenya, peru, schema):
    programme = ProgrammeFactory(
        countries=[kenya, peru, Country.objects.get(iso3="UGA")],
        scope=Programme.Scope.REGIONAL,
        region="africa",
        status=S.ACCEPTED,
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2028, 6, 30),
    )
    BudgetLineFactory(programme=programme, amount=Decimal("100000.01"))
    BudgetLineFactory(programme=programme, amount=Decimal("333.33"))
    _content, root = _export(approver)
    _assert_valid(schema, root)
    budgets = root.findall("iati-activity/budget")
    assert [b.find("period-start").get("iso-date") for b in budgets] == [
        "2026-07-01",
        "2027-01-01",
        "2028-01-01",
    ]
    assert _total([b.find("value") for b in budgets]) == Decimal("100333.34")
    shares = [c.get("percentage") for c in root.findall("iati-activity/recipient-country")]
    assert shares == ["33.33", "33.33", "33.34"]
    assert root.find("iati-activity/activity-scope").get("code") == "2"


def test_a_global_programme_with_no_country_names_a_region(approver, schema):
    programme = ProgrammeFactory(scope=Programme.Scope.GLOBAL, status=S.APPROVED)
    programme.countries.clear()
    _content, root = _export(approver)
    _assert_valid(schema, root)
    region = root.find("iati-activity/recipient-region")
    assert (region.get("code"), region.get("vocabulary"), region.get("percentage")) == (
        "998",
        "1",
        "100",
    )
    assert root.find("iati-activity/recipient-country") is None


# --- filters and the chosen set ---


def test_the_list_filters_and_a_chosen_set_narrow_the_file(approver, kenya, peru):
    ken = ProgrammeFactory(countries=[kenya], status=S.APPROVED, title="Kenya policing")
    per = ProgrammeFactory(countries=[peru], status=S.IN_IMPLEMENTATION, title="Peru ombudsman")
    third = ProgrammeFactory(countries=[peru], status=S.APPROVED, title="Peru prisons")

    def published(params):
        return set(_activities(_export(approver, params)[1]))

    def ids(*programmes):
        return {f"{ORG}-{p.reference}" for p in programmes}

    assert published({}) == ids(ken, per, third)
    assert published({"status": S.IN_IMPLEMENTATION}) == ids(per)
    assert published({"country": peru.pk}) == ids(per, third)
    assert published({"q": "prisons"}) == ids(third)
    assert published({"programme": [ken.pk, third.pk]}) == ids(ken, third)
    assert published({"programme": [ken.pk, "x", "²"], "country": peru.pk}) == set()
    # An unreadable filter is dropped, the others kept.
    assert published({"status": "nonsense", "country": peru.pk}) == ids(per, third)


def test_the_list_page_links_to_the_file_with_its_filters(client, approver, focal_point_kenya):
    client.force_login(approver)
    page = client.get(reverse("programmes:list"), {"status": "approved"}).content.decode()
    assert f"{reverse(URL)}?status=approved" in page
    client.force_login(focal_point_kenya)
    page = client.get(reverse("programmes:list")).content.decode()
    assert reverse(URL) not in page


# --- the cost does not grow with the number of programmes ---


def _programmes(count: int, kenya: Country, user: User) -> None:
    source = FundingSource.objects.get(code="regular-budget")
    partner = PartnerOrganisation.objects.first()
    goals = list(SustainableDevelopmentGoal.objects.filter(number__in=[5, 16]))
    for _ in range(count):
        programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
        programme.sdgs.set(goals)
        ProgrammePartner.objects.create(
            programme=programme, partner=partner, role=ProgrammePartner.Role.IMPLEMENTING
        )
        component = ComponentFactory(programme=programme)
        indicator = IndicatorFactory(component=component)
        IndicatorValue.objects.create(
            indicator=indicator,
            date=datetime.date(2026, 2, 1),
            value=Decimal("3"),
            source="Records",
            recorded_by=user,
        )
        line = BudgetLineFactory(programme=programme, component=component, funding_source=source)
        ExpenditureFactory(budget_line=line, recorded_by=user)


def _queries(user: User) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(URL)).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_programmes(approver, kenya, schema):
    _programmes(2, kenya, approver)
    few = _queries(approver)
    _programmes(6, kenya, approver)
    many = _queries(approver)
    assert few == many
    _content, root = _export(approver)
    assert len(root.findall("iati-activity")) == 8
    _assert_valid(schema, root)


# --- pieces ---


def test_split_percentages_add_up_to_100():
    for count in range(1, 12):
        shares = iati.split_percentages(count)
        assert len(shares) == count and sum(shares) == Decimal("100")


def test_budget_periods_add_up_to_the_total():
    periods = iati.budget_periods(
        datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), Decimal("5")
    )
    assert periods == [(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), Decimal("5"))]
    periods = iati.budget_periods(
        datetime.date(2025, 12, 31), datetime.date(2029, 1, 1), Decimal("1000.03")
    )
    assert len(periods) == 5
    assert sum(amount for _f, _l, amount in periods) == Decimal("1000.03")


def test_text_xml_cannot_hold_is_dropped(approver, kenya, schema):
    ProgrammeFactory(countries=[kenya], status=S.APPROVED, title="Bell\x07 and\x0b tab")
    _content, root = _export(approver)
    _assert_valid(schema, root)
    assert root.findtext("iati-activity/title/narrative") == "Bell and tab"


def test_a_chosen_programme_out_of_scope_is_left_out(desk_officer_peru, kenya, peru):
    ken = ProgrammeFactory(countries=[kenya], status=S.APPROVED)
    per = ProgrammeFactory(countries=[peru], status=S.APPROVED)
    _content, root = _export(desk_officer_peru, {"programme": [ken.pk, per.pk]})
    assert set(_activities(root)) == {f"{ORG}-{per.reference}"}

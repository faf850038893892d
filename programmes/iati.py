"""The programmes as IATI 2.03 activities: one ``<iati-activity>`` per programme in
an ``<iati-activities version="2.03">`` file, for publishing the way UN
organisations publish their technical cooperation.

What may be published (the one rule; ``publishable_programmes`` applies it,
``activities_xml`` applies it again to whatever queryset it is given):

* only programmes the user may open (``visible_programmes``), and only once
  past OHCHR's internal review: approved, accepted, in implementation,
  suspended, completed or closed, and cancelled only when it had been
  approved before (a transition to ``approved`` is on record). Never a
  draft, never a programme under review;
* only the programme document's own content: title, objectives, dates,
  countries, SDGs, partners, components with their indicators (baseline,
  target, latest actual value), the budget summed by year, and the
  expenditure summed by funding source and month;
* never internal material: no reviews or reviewers, no transition notes or
  decision notes, no expenditure awaiting an approver or refused (only
  *recorded* expenditure counts, as in ``programmes.selectors`` and the
  annual report), no expenditure descriptions, no grants (they name civil
  society organisations), no activity reports, experts or amendments, no
  staff names, no uploaded document.

Documents: the product has no public address for any document (files and the
programme document PDF are served only to signed-in users by permission-checked
views), so no ``document-link`` is written.

The file is built with a fixed number of queries whatever the number of
programmes: the programmes with their countries, SDGs and partners
(prefetched), then one aggregate or one flat query each for the budget, the
expenditure, the dates of the lifecycle, the components and the indicators.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from lxml import etree

from programmes.models import (
    BudgetLine,
    Component,
    Expenditure,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammePartner,
)
from programmes.selectors import SHARED_STATUSES, visible_programmes
from tcp.models import FundingSource, PartnerOrganisation, Region, StatusChange

VERSION = "2.03"
S = Programme.Status
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

# Approved onwards: the programme document as OHCHR approved it.
PUBLISHED_STATUSES = tuple(SHARED_STATUSES)

# IATI ActivityStatus: 1 pipeline/identification, 2 implementation,
# 3 finalisation, 4 closed, 5 cancelled, 6 suspended.
ACTIVITY_STATUS = {
    S.APPROVED: "1",
    S.ACCEPTED: "1",
    S.IN_IMPLEMENTATION: "2",
    S.SUSPENDED: "6",
    S.COMPLETED: "3",
    S.CLOSED: "4",
    S.CANCELLED: "5",
}
# IATI ActivityScope: 1 global, 2 regional, 4 national.
ACTIVITY_SCOPE = {
    Programme.Scope.GLOBAL: "1",
    Programme.Scope.REGIONAL: "2",
    Programme.Scope.NATIONAL: "4",
}
# IATI ActivityDateType.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# IATI OrganisationRole.
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# IATI OrganisationType: 40 multilateral; 15 other public sector; 90 other.
MULTILATERAL = "40"
ORGANISATION_TYPE = {
    PartnerOrganisation.Kind.UN_AGENCY: MULTILATERAL,
    PartnerOrganisation.Kind.REGIONAL: MULTILATERAL,
    PartnerOrganisation.Kind.NHRI: "15",
    PartnerOrganisation.Kind.OTHER: "90",
}
# The UN regular budget and the Voluntary Fund are UN money: multilateral.
FUNDER_TYPE = {
    FundingSource.Kind.REGULAR_BUDGET: MULTILATERAL,
    FundingSource.Kind.VOLUNTARY_FUND: MULTILATERAL,
}
# A partner's role on the programme -> its IATI role; a beneficiary institution
# (or "other") has no IATI participating role and is not listed.
PARTNER_ROLE = {
    ProgrammePartner.Role.IMPLEMENTING: IMPLEMENTING,
    ProgrammePartner.Role.JOINT: IMPLEMENTING,
    ProgrammePartner.Role.TECHNICAL: IMPLEMENTING,
    ProgrammePartner.Role.FUNDING: FUNDING,
}
# Programme scope with no country: OECD-DAC regions (RegionVocabulary 1).
DAC_REGION = {
    Region.AFRICA: "298",  # Africa, regional
    Region.AMERICAS: "498",  # America, regional
    Region.ASIA_PACIFIC: "798",  # Asia, regional
    Region.EUROPE_CENTRAL_ASIA: "89",  # Europe, regional
    Region.MIDDLE_EAST_NORTH_AFRICA: "589",  # Middle East, regional
}
DEVELOPING_COUNTRIES_UNSPECIFIED = "998"
# OECD-DAC CRS purpose code (SectorVocabulary 1): human rights.
HUMAN_RIGHTS_SECTOR = "15160"
SDG_GOAL_VOCABULARY = "2"
EXPENDITURE = "4"  # TransactionType
OUTPUT = "1"  # ResultType
UNIT, PERCENTAGE = "1", "2"  # IndicatorMeasure
BUDGET_ORIGINAL, BUDGET_COMMITTED = "1", "2"  # BudgetType, BudgetStatus
OBJECTIVES, OTHER = "2", "4"  # DescriptionType

# Characters XML 1.0 cannot carry: dropped from user text rather than failing.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def reporting_org_ref() -> str:
    return settings.TCP_IATI_REPORTING_ORG_REF


def identifier(programme: Programme) -> str:
    """The activity's IATI identifier: the reporting organisation's, then the reference."""
    return f"{reporting_org_ref()}-{programme.reference}"


def _was_approved() -> Exists:
    content_type = ContentType.objects.get_for_model(Programme)
    return Exists(
        StatusChange.objects.filter(
            content_type=content_type, object_id=OuterRef("pk"), to_status=S.APPROVED
        )
    )


def published(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """``queryset`` narrowed to programmes past internal review (see the module)."""
    return queryset.filter(
        Q(status__in=PUBLISHED_STATUSES) | (Q(status=S.CANCELLED) & _was_approved())
    )


def publishable_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes ``user`` may open that may be published."""
    return published(visible_programmes(user))


# --- the document ---


def activities_xml(
    programmes: QuerySet[Programme], *, now: datetime.datetime | None = None
) -> bytes:
    """The IATI 2.03 activity file of ``programmes`` (already scoped to the reader)."""
    root = activities_tree(programmes, now=now)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activities_tree(
    programmes: QuerySet[Programme], *, now: datetime.datetime | None = None
) -> etree._Element:
    now = now or timezone.now()
    rows = list(
        published(programmes)
        .select_related("implementing_partner")
        .prefetch_related(
            "countries",
            "sdgs",
            Prefetch("partners", ProgrammePartner.objects.select_related("partner")),
        )
        .order_by("reference", "pk")
    )
    data = _Related([p.pk for p in rows])
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": _datetime(now)},
    )
    for programme in rows:
        root.append(_activity(programme, data))
    return root


class _Related:
    """Everything under the programmes, read in one query per kind."""

    def __init__(self, ids: list[int]) -> None:
        self.funders: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.budget: dict[int, Decimal] = defaultdict(Decimal)
        self.spent: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.actual_start: dict[int, datetime.date] = {}
        self.actual_end: dict[int, datetime.date] = {}
        self.components: dict[int, list[Component]] = defaultdict(list)
        self.indicators: dict[int, list[Indicator]] = defaultdict(list)
        if not ids:
            return
        self._money(ids)
        self._dates(ids)
        self._results(ids)

    def _money(self, ids: list[int]) -> None:
        lines = (
            BudgetLine.objects.filter(programme__in=ids)
            .order_by()
            .values(
                "programme_id", "funding_source_id", "funding_source__name", "funding_source__kind"
            )
            .annotate(total=Sum("amount"))
            .order_by("programme_id", "funding_source__name", "funding_source_id")
        )
        for row in lines:
            self.funders[row["programme_id"]].append(row)
            self.budget[row["programme_id"]] += row["total"]
        # Recorded expenditure only: awaiting an approver or refused is not spent.
        spent = (
            Expenditure.objects.filter(
                budget_line__programme__in=ids, status=Expenditure.Status.RECORDED
            )
            .order_by()
            .annotate(month=TruncMonth("date"))
            .values(
                "budget_line__programme_id",
                "budget_line__funding_source__name",
                "budget_line__funding_source__kind",
                "budget_line__funding_source_id",
                "month",
            )
            .annotate(total=Sum("amount"), last=Max("date"))
            .order_by("budget_line__programme_id", "month", "budget_line__funding_source__name")
        )
        for row in spent:
            self.spent[row["budget_line__programme_id"]].append(row)

    def _dates(self, ids: list[int]) -> None:
        """The actual start and end: when implementation started and was completed."""
        changes = (
            StatusChange.objects.filter(
                content_type=ContentType.objects.get_for_model(Programme),
                object_id__in=ids,
                to_status__in=(S.IN_IMPLEMENTATION, S.COMPLETED),
                from_status__in=(S.ACCEPTED, S.IN_IMPLEMENTATION),
            )
            .order_by("at", "id")
            .values_list("object_id", "from_status", "to_status", "at")
        )
        for object_id, from_status, to_status, at in changes:
            day = timezone.localdate(at, datetime.UTC)
            if from_status == S.ACCEPTED and to_status == S.IN_IMPLEMENTATION:
                self.actual_start.setdefault(object_id, day)
            elif to_status == S.COMPLETED:
                self.actual_end[object_id] = day

    def _results(self, ids: list[int]) -> None:
        components = (
            Component.objects.filter(programme__in=ids)
            .exclude(status=Component.Status.CANCELLED)
            .order_by("programme_id", "id")
        )
        for component in components:
            self.components[component.programme_id].append(component)
        latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-id")
        indicators = (
            Indicator.objects.filter(component__programme__in=ids)
            .annotate(
                actual=Subquery(latest.values("value")[:1]),
                actual_date=Subquery(latest.values("date")[:1]),
            )
            .order_by("component_id", "id")
        )
        for indicator in indicators:
            self.indicators[indicator.component_id].append(indicator)


def _activity(programme: Programme, data: _Related) -> etree._Element:
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _datetime(programme.updated_at),
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            "default-currency": "USD",
            "hierarchy": "1",
        },
    )
    _sub(activity, "iati-identifier", text=identifier(programme))
    reporting = _sub(activity, "reporting-org", ref=reporting_org_ref(), type=MULTILATERAL)
    _narrative(reporting, settings.TCP_IATI_REPORTING_ORG_NAME)
    _narrative(_sub(activity, "title"), programme.title)
    _descriptions(activity, programme)
    _participating_orgs(activity, programme, data)
    _sub(activity, "activity-status", code=ACTIVITY_STATUS[programme.status])
    _dates(activity, programme, data)
    _sub(activity, "activity-scope", code=ACTIVITY_SCOPE.get(programme.scope, "4"))
    _recipients(activity, programme)
    sector = _sub(activity, "sector", vocabulary="1", code=HUMAN_RIGHTS_SECTOR, percentage="100")
    _narrative(sector, "Human rights")
    for goal in sorted(programme.sdgs.all(), key=lambda g: g.number):
        tag = _sub(activity, "tag", vocabulary=SDG_GOAL_VOCABULARY, code=str(goal.number))
        _narrative(tag, goal.name)
    _budgets(activity, programme, data.budget.get(programme.pk))
    _transactions(activity, data.spent.get(programme.pk, []))
    _results(activity, programme, data)
    return activity


def _descriptions(activity: etree._Element, programme: Programme) -> None:
    objective = programme.objective.strip()
    description = _sub(activity, "description", type=OBJECTIVES if objective else "1")
    _narrative(description, objective or programme.title)
    outcome = programme.cooperation_framework_outcome.strip()
    if outcome:
        other = _sub(activity, "description", type=OTHER)
        _narrative(other, f"UN Sustainable Development Cooperation Framework outcome: {outcome}")


def _participating_orgs(activity: etree._Element, programme: Programme, data: _Related) -> None:
    seen: set[tuple[str, str]] = set()

    def org(role: str, name: str, *, ref: str = "", org_type: str = "") -> None:
        if (role, name) in seen:
            return
        seen.add((role, name))
        attributes = {"role": role}
        if ref:
            attributes["ref"] = ref
        if org_type:
            attributes["type"] = org_type
        _narrative(_sub(activity, "participating-org", **attributes), name)

    for row in data.funders.get(programme.pk, []):
        org(
            FUNDING,
            row["funding_source__name"],
            org_type=FUNDER_TYPE.get(row["funding_source__kind"], ""),
        )
    partners = sorted(programme.partners.all(), key=lambda p: (p.partner.name, p.pk))
    for link in partners:
        if PARTNER_ROLE.get(link.role) == FUNDING:
            org(FUNDING, link.partner.name, org_type=ORGANISATION_TYPE.get(link.partner.kind, ""))
    ohchr = settings.TCP_IATI_REPORTING_ORG_NAME
    org(ACCOUNTABLE, ohchr, ref=reporting_org_ref(), org_type=MULTILATERAL)
    org(EXTENDING, ohchr, ref=reporting_org_ref(), org_type=MULTILATERAL)
    # OHCHR implements itself unless an implementing partner does it for OHCHR.
    if programme.implementing_modality != Programme.Modality.PARTNER:
        org(IMPLEMENTING, ohchr, ref=reporting_org_ref(), org_type=MULTILATERAL)
    partner = programme.implementing_partner
    if partner is not None:
        org(IMPLEMENTING, partner.name, org_type=ORGANISATION_TYPE.get(partner.kind, ""))
    for link in partners:
        if PARTNER_ROLE.get(link.role) == IMPLEMENTING:
            org(
                IMPLEMENTING,
                link.partner.name,
                org_type=ORGANISATION_TYPE.get(link.partner.kind, ""),
            )


def _dates(activity: etree._Element, programme: Programme, data: _Related) -> None:
    dates = [
        (PLANNED_START, programme.start_date),
        (ACTUAL_START, data.actual_start.get(programme.pk)),
        (PLANNED_END, programme.end_date),
        (ACTUAL_END, data.actual_end.get(programme.pk)),
    ]
    written = False
    for kind, day in dates:
        if day is not None:
            _sub(activity, "activity-date", type=kind, **{"iso-date": day.isoformat()})
            written = True
    if not written:
        # The schema wants one date: an approved programme always has its period,
        # but should one lack it, its creation stands as the planned start.
        day = timezone.localdate(programme.created_at, datetime.UTC)
        _sub(activity, "activity-date", type=PLANNED_START, **{"iso-date": day.isoformat()})


def _recipients(activity: etree._Element, programme: Programme) -> None:
    """Its countries (shares of 100 when several); a region only when it names none:
    IATI forbids repeating a country's region beside the country."""
    countries = sorted(programme.countries.all(), key=lambda c: c.iso2)
    if countries:
        shares = split_percentages(len(countries))
        for country, share in zip(countries, shares, strict=True):
            attributes = {"code": country.iso2}
            if len(countries) > 1:
                attributes["percentage"] = str(share)
            _narrative(_sub(activity, "recipient-country", **attributes), country.name)
        return
    code = DAC_REGION.get(programme.region, DEVELOPING_COUNTRIES_UNSPECIFIED)
    if programme.scope == Programme.Scope.GLOBAL:
        code = DEVELOPING_COUNTRIES_UNSPECIFIED
    _sub(activity, "recipient-region", code=code, vocabulary="1", percentage="100")


def split_percentages(count: int) -> list[Decimal]:
    """``count`` equal shares of 100 to the hundredth, the last taking the rest."""
    if count <= 0:
        return []
    share = (HUNDRED / count).quantize(CENT, rounding=ROUND_HALF_UP)
    return [share] * (count - 1) + [HUNDRED - share * (count - 1)]


def budget_periods(
    start: datetime.date, end: datetime.date, total: Decimal
) -> list[tuple[datetime.date, datetime.date, Decimal]]:
    """The programme's budget in calendar-year slices of its period (IATI wants
    budget periods of a year at most), in proportion to the days of each slice;
    the last slice takes the rest, so the slices add up to ``total`` to the cent."""
    slices = []
    year = start.year
    while year <= end.year:
        first = max(start, datetime.date(year, 1, 1))
        last = min(end, datetime.date(year, 12, 31))
        slices.append((first, last))
        year += 1
    days = (end - start).days + 1
    result = []
    allocated = Decimal("0")
    for index, (first, last) in enumerate(slices):
        if index == len(slices) - 1:
            amount = total - allocated
        else:
            amount = (total * ((last - first).days + 1) / days).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
        allocated += amount
        result.append((first, last, amount))
    return result


def _budgets(activity: etree._Element, programme: Programme, total: Decimal | None) -> None:
    if total is None or programme.start_date is None or programme.end_date is None:
        return
    for first, last, amount in budget_periods(programme.start_date, programme.end_date, total):
        budget = _sub(activity, "budget", type=BUDGET_ORIGINAL, status=BUDGET_COMMITTED)
        _sub(budget, "period-start", **{"iso-date": first.isoformat()})
        _sub(budget, "period-end", **{"iso-date": last.isoformat()})
        _sub(budget, "value", text=_amount(amount), **{"value-date": first.isoformat()})


def _transactions(activity: etree._Element, rows: Iterable[dict[str, Any]]) -> None:
    """Expenditure, one transaction per funding source and month (dated on the
    month's last expenditure), provided by the funding source."""
    for row in rows:
        day = row["last"].isoformat()
        source = row["budget_line__funding_source__name"]
        transaction = _sub(activity, "transaction")
        _sub(transaction, "transaction-type", code=EXPENDITURE)
        _sub(transaction, "transaction-date", **{"iso-date": day})
        _sub(transaction, "value", text=_amount(row["total"]), **{"value-date": day})
        month = row["month"]
        _narrative(
            _sub(transaction, "description"),
            f"Expenditure of {month:%B %Y}: {source}",
        )
        attributes = {}
        funder_type = FUNDER_TYPE.get(row["budget_line__funding_source__kind"], "")
        if funder_type:
            attributes["type"] = funder_type
        _narrative(_sub(transaction, "provider-org", **attributes), source)


def _results(activity: etree._Element, programme: Programme, data: _Related) -> None:
    """One output result per component with indicators: baseline (the programme's
    start), and the target and latest actual value over the programme's period."""
    for component in data.components.get(programme.pk, []):
        indicators = data.indicators.get(component.pk, [])
        if not indicators:
            continue  # the schema wants at least one indicator per result
        result = _sub(activity, "result", type=OUTPUT, **{"aggregation-status": "false"})
        _narrative(_sub(result, "title"), component.title)
        if component.objective.strip():
            _narrative(_sub(result, "description"), component.objective.strip())
        for indicator in indicators:
            _indicator(result, indicator, programme)


def _indicator(result: etree._Element, indicator: Indicator, programme: Programme) -> None:
    percent = indicator.unit.strip() in ("%", "percent", "per cent", "percentage")
    element = _sub(
        result,
        "indicator",
        measure=PERCENTAGE if percent else UNIT,
        ascending="true" if indicator.target >= indicator.baseline else "false",
    )
    _narrative(_sub(element, "title"), indicator.name)
    _narrative(_sub(element, "description"), f"Unit: {indicator.unit}")
    start, end = programme.start_date, programme.end_date
    baseline_day = start or timezone.localdate(programme.created_at, datetime.UTC)
    _sub(
        element,
        "baseline",
        year=str(baseline_day.year),
        value=_amount(indicator.baseline),
        **{"iso-date": baseline_day.isoformat()},
    )
    if start is None or end is None:
        return
    period = _sub(element, "period")
    _sub(period, "period-start", **{"iso-date": start.isoformat()})
    _sub(period, "period-end", **{"iso-date": end.isoformat()})
    _sub(period, "target", value=_amount(indicator.target))
    if indicator.actual is not None:
        _sub(period, "actual", value=_amount(indicator.actual))


# --- helpers ---


def _sub(parent: etree._Element, tag: str, *, text: str | None = None, **attributes: str):
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = clean(text)
    return element


def _narrative(parent: etree._Element, text: str) -> etree._Element:
    return _sub(parent, "narrative", text=text)


def clean(text: str) -> str:
    """``text`` without the control characters XML cannot hold."""
    return _NOT_XML.sub("", str(text))


def _amount(value: Decimal) -> str:
    """A decimal as IATI reads it: no exponent, no trailing zeros past the point."""
    text = format(Decimal(value).quantize(CENT), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _datetime(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")

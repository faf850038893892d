"""CSV and XLSX exports of every list: the filters the user applied, exactly the
rows they may see, formulas kept as text, the same queries for 5 rows or 50,
and long exports written in the background like reports."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.selectors import visible_assessments
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Programme
from programmes.selectors import visible_activities, visible_programmes
from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp import exports
from tcp.models import Dispatch, Report
from tests.factories import (
    ActivityFactory,
    AssistanceRequestFactory,
    ComponentFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

S = AssistanceRequest.Status
P = Programme.Status

# Every list page, the export its links lead to, and the column that names a row.
LISTS = {
    "requests": ("requests_app:list", "Reference"),
    "recommendations": ("requests_app:recommendation_list", "Recommendation"),
    "assessments": ("assessments:list", "Reference"),
    "programmes": ("programmes:list", "Reference"),
    "activities": ("programmes:activity_list", "Activity"),
    "evaluations": ("evaluations:list", "Reference"),
    "follow-up-actions": ("evaluations:follow_up_list", "Action"),
}
ROLES = ["desk_officer", "focal_point_kenya", "field_officer_south_america", "approver", "auditor"]


def _url(code: str, fmt: str, **params: str) -> str:
    url = reverse("export", kwargs={"code": code, "fmt": fmt})
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else url


def _xlsx(response) -> list[dict]:
    assert response.status_code == 200, response
    assert response["Content-Type"] == exports.FORMATS["xlsx"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.fixture
def portfolio(kenya, peru, focal_point_kenya):
    """A bit of every stage in Kenya and in Peru, in several states."""
    records = {}
    for country, tag in ((kenya, "KE"), (peru, "PE")):
        for status in (S.DRAFT, S.SUBMITTED, S.ACCEPTED):
            AssistanceRequestFactory(
                country=country, status=status, title=f"{tag} {status} request"
            )
        NeedsAssessmentFactory(country=country, request__country=country)
        running = ProgrammeFactory(countries=[country], status=P.IN_IMPLEMENTATION)
        ProgrammeFactory(countries=[country], status=P.DRAFTING)
        component = ComponentFactory(programme=running)
        ActivityFactory(component=component, title=f"{tag} training course")
        accepted = EvaluationFactory(programme=running, status=Evaluation.Status.ACCEPTED)
        EvaluationFactory(programme=running)
        FollowUpActionFactory(evaluation=accepted, description=f"{tag} action plan adopted")
        records[tag] = running
    return records


@pytest.mark.parametrize("role", ROLES)
def test_the_xlsx_of_a_filtered_request_list_holds_exactly_the_requests_the_user_may_see(
    client, cast, portfolio, role
):
    user = cast[role]
    client.force_login(user)
    rows = _xlsx(client.get(_url("requests", "xlsx", status=S.SUBMITTED)))
    expected = visible_requests(user).filter(status=S.SUBMITTED)
    assert sorted(r["Reference"] for r in rows) == sorted(r.reference for r in expected)
    assert all(r["Status"] == "Submitted" for r in rows)


@pytest.mark.parametrize("role", ROLES)
def test_the_xlsx_of_a_filtered_programme_list_holds_exactly_the_programmes_the_user_may_see(
    client, cast, portfolio, kenya, role
):
    user = cast[role]
    client.force_login(user)
    response = client.get(_url("programmes", "xlsx", status=P.IN_IMPLEMENTATION))
    expected = visible_programmes(user).filter(status=P.IN_IMPLEMENTATION)
    assert sorted(r["Reference"] for r in _xlsx(response)) == sorted(p.reference for p in expected)


@pytest.mark.parametrize("role", ROLES)
def test_every_other_list_exports_exactly_its_rows(client, cast, portfolio, role):
    user = cast[role]
    client.force_login(user)
    checks = {
        "assessments": ("Reference", [a.reference for a in visible_assessments(user)]),
        "activities": ("Activity", [a.title for a in visible_activities(user)]),
    }
    for code, (column, expected) in checks.items():
        if not exports.get(code).allowed(user):
            assert client.get(_url(code, "xlsx")).status_code == 403
            continue
        assert sorted(r[column] for r in _xlsx(client.get(_url(code, "xlsx")))) == sorted(expected)


@pytest.mark.parametrize("code", sorted(LISTS))
@pytest.mark.parametrize("role", ROLES)
def test_each_export_holds_what_its_list_shows_on_all_its_pages(
    client, cast, portfolio, code, role
):
    """The list, read page by page, and its export name the same rows."""
    user = cast[role]
    client.force_login(user)
    list_name, column = LISTS[code]
    page = client.get(reverse(list_name))
    if page.status_code == 403:
        assert client.get(_url(code, "xlsx")).status_code == 403
        return
    listed = page.context["page_obj"].paginator.count
    links = dict(page.context["export_links"])
    assert links == {
        "CSV": _url(code, "csv"),
        "XLSX": _url(code, "xlsx"),
    }
    rows = _xlsx(client.get(links["XLSX"]))
    assert len(rows) == listed
    assert len(_csv(client.get(links["CSV"]))) == listed
    assert all(r[column] for r in rows)


def test_a_row_names_a_programme_only_if_the_user_may_open_it(client, cast, kenya):
    """An invited evaluator reads their evaluation, not its programme: the export,
    like the list, leaves the programme out."""
    from evaluations import services
    from tcp import scoping
    from tests.conftest import make_user

    expert = make_user("roster-expert", None)
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        programme__title="Confidential programme title",
        status=Evaluation.Status.IN_PROGRESS,
    )
    scoping.grant_exception(
        user=expert, perm=services.VIEW, obj=evaluation, by=cast["administrator"]
    )
    client.force_login(expert)
    rows = _xlsx(client.get(_url("evaluations", "xlsx")))
    assert [r["Reference"] for r in rows] == [evaluation.reference]
    assert rows[0]["Programme"] is None
    assert b"Confidential" not in client.get(_url("evaluations", "csv")).getvalue()
    # OHCHR staff of the country see it named.
    client.force_login(cast["desk_officer"])
    named = {r["Reference"]: r for r in _xlsx(client.get(_url("evaluations", "xlsx")))}
    assert "Confidential programme title" in named[evaluation.reference]["Programme"]


def test_the_export_keeps_the_search_and_the_sort(client, cast, portfolio):
    client.force_login(cast["approver"])
    rows = _csv(client.get(_url("requests", "csv", q="PE", sort="title")))
    assert [r["Title"] for r in rows] == sorted(r["Title"] for r in rows)
    assert rows and all(r["Country"] == "Peru" for r in rows)


def test_cells_are_typed_and_formulas_stay_text(client, cast, kenya):
    programme = ProgrammeFactory(
        countries=[kenya], status=P.IN_IMPLEMENTATION, title='=HYPERLINK("http://x","y")'
    )
    ActivityFactory(component=ComponentFactory(programme=programme), participants_women=7)
    client.force_login(cast["desk_officer"])
    response = client.get(_url("programmes", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=header.index("Title") + 1)
    assert title.data_type == "s"
    assert title.value == '=HYPERLINK("http://x","y")'
    start = sheet.cell(row=2, column=header.index("Start") + 1).value
    assert start.date() == datetime.date(2026, 1, 1)  # a date, not text
    activity = _xlsx(client.get(_url("activities", "xlsx")))[0]
    assert activity["Women"] == 7
    csv_row = _csv(client.get(_url("programmes", "csv")))[0]
    assert csv_row["Title"] == '\'=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("code", sorted(LISTS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_costs_the_same_queries_for_5_and_50_rows(client, cast, kenya, code, fmt):
    client.force_login(cast["approver"])
    url = _url(code, fmt)

    def grow(n: int) -> None:
        for i in range(n):
            running = ProgrammeFactory(countries=[kenya], status=P.IN_IMPLEMENTATION)
            ActivityFactory(component=ComponentFactory(programme=running))
            evaluation = EvaluationFactory(programme=running, status=Evaluation.Status.ACCEPTED)
            FollowUpActionFactory(evaluation=evaluation, description=f"Action {i}")
            NeedsAssessmentFactory(country=kenya, request__country=kenya)
            AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
            _recommendation(kenya, i)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(ctx)

    client.get(url)  # warm the caches
    grow(5)
    few = cost()
    grow(45)
    assert cost() == few


def _recommendation(country, n: int):
    from requests_app.models import Recommendation
    from tcp.models import Mechanism

    return Recommendation.objects.create(
        country=country,
        mechanism=Mechanism.objects.first(),
        text=f"Recommendation {n}: ratify the optional protocol.",
    )


def test_a_long_export_runs_in_the_background_and_is_the_requesters_alone(
    client, cast, portfolio, settings, django_capture_on_commit_callbacks
):
    settings.TCP_EXPORT_INLINE_ROWS = 2
    user = cast["approver"]
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url("requests", "xlsx", country=portfolio["KE"].countries.get().pk))
    report = Report.objects.get(requested_by=user, kind=Report.Kind.EXPORT)
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    # Tasks run eagerly here: the export is written by the time the page is read.
    report.refresh_from_db()
    assert (report.status, report.progress, report.rows) == (Report.Status.READY, 100, 3)
    assert report.file.name.endswith(".xlsx")
    page = client.get(report.get_absolute_url())
    assert "Download the XLSX file" in page.content.decode()
    rows = _xlsx(client.get(reverse("report_download", args=[report.pk])))
    kenyan = visible_requests(user).filter(country__iso3="KEN")
    assert sorted(r["Reference"] for r in rows) == sorted(r.reference for r in kenyan)
    assert Dispatch.objects.filter(recipient=user, object_id=report.pk).exists()
    # Someone else's export is not found.
    client.force_login(cast["auditor"])
    assert client.get(reverse("report_download", args=[report.pk])).status_code == 404
    assert client.get(report.get_absolute_url()).status_code == 404


def test_asking_twice_for_the_same_long_export_gives_the_one_on_its_way(cast, portfolio, rf):
    from django.http import QueryDict

    user = cast["approver"]
    query = QueryDict("status=submitted")
    first = Report.objects.create(
        kind=Report.Kind.EXPORT,
        reference="requests",
        params={"format": "csv", "query": "status=submitted"},
        language="en",
        requested_by=user,
    )
    from django.utils import translation

    with translation.override("en"):
        again = exports.request_export(user=user, code="requests", fmt="csv", query=query)
    assert again.pk == first.pk


def test_an_unknown_list_or_format_is_not_found(client, cast):
    client.force_login(cast["approver"])
    assert client.get(_url("nothing", "csv")).status_code == 404
    assert client.get(_url("requests", "ods")).status_code == 404


def test_an_export_whose_user_lost_the_permission_fails_with_the_reason(cast, portfolio):
    from django.contrib.auth.models import Group

    user = cast["auditor"]
    report = Report.objects.create(
        kind=Report.Kind.EXPORT,
        reference="follow-up-actions",
        params={"format": "csv", "query": ""},
        language="en",
        requested_by=user,
    )
    user.groups.set(Group.objects.none())
    user = type(user).objects.get(pk=user.pk)
    from tcp import reports

    reports.render(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "no longer export" in report.error
    assert not report.file


def test_follow_up_export_names_the_evaluation_only_when_it_is_shared(client, cast, portfolio):
    client.force_login(cast["focal_point_kenya"])
    rows = _xlsx(client.get(_url("follow-up-actions", "xlsx")))
    actions = {a.description: a for a in FollowUpAction.objects.select_related("evaluation")}
    for row in rows:
        action = actions[row["Action"]]
        assert action.evaluation.programme.countries.filter(iso3="KEN").exists()
        assert row["Evaluation"] == action.evaluation.reference

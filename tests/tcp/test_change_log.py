"""The change log: every change of every record, with its fields old and new;
a transition once; filters; keyset pages; deleted records; each record's
history behind its page's link; the export and the PDF for an audit file."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes import budget
from programmes.models import BudgetLine, Programme
from requests_app import services as request_services
from tcp import scoping
from tcp.history import acting_as
from tcp.models import ChangeEvent, Report
from tests.factories import (
    AssistanceRequestFactory,
    BudgetLineFactory,
    ProgrammeFactory,
    UserFactory,
    funding_source,
)

pytestmark = pytest.mark.django_db

A = ChangeEvent.Action


@pytest.fixture
def events(cast, kenya, peru):
    """Submitted requests of Kenya and Peru, and one Kenya draft nobody at OHCHR sees."""
    fp_ken, fp_per = cast["focal_point_kenya"], cast["focal_point_peru"]
    ken = AssistanceRequestFactory(country=kenya, created_by=fp_ken, title="Kenya request")
    per = AssistanceRequestFactory(country=peru, created_by=fp_per, title="Peru request")
    request_services.submit_request(req=ken, by=fp_ken)
    request_services.submit_request(req=per, by=fp_per)
    request_services.acknowledge_request(req=ken, by=cast["desk_officer"])
    draft = AssistanceRequestFactory(country=kenya, created_by=fp_ken, title="Secret draft")
    return {"ken": ken, "per": per, "draft": draft}


def _rows(client, **params) -> list:
    response = client.get(reverse("history"), params)
    assert response.status_code == 200
    return response.context["rows"]


def test_a_transition_shows_once_as_its_step_with_its_note(client, auditor, cast, events):
    client.force_login(auditor)
    ken = events["ken"]
    rows = [r for r in _rows(client, reference=ken.reference) if r.event.model.endswith("request")]
    steps = [(r.what, r.from_status, r.to_status) for r in rows if r.is_transition]
    assert steps == [
        ("Acknowledge", "Submitted", "Acknowledged"),
        ("Submit", "Draft", "Submitted"),
    ]
    # The status save of each step is not listed again as a "Changed" row.
    changed = [c.label for r in rows if r.event.action == A.CHANGED for c in r.changes]
    assert "Status" not in changed
    assert rows[0].event.user == cast["desk_officer"]
    assert rows == sorted(rows, key=lambda r: (r.event.at, r.event.pk), reverse=True)


def test_a_change_names_each_field_with_its_old_and_new_value(client, auditor, cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000.00"), description="Venue")
    with acting_as(cast["desk_officer"]):
        line.amount = Decimal("1250.50")
        line.funding_source = funding_source("regular-budget")
        line.save()
    client.force_login(auditor)
    row = _rows(client, model="programmes.budgetline", action=A.CHANGED)[0]
    assert row.event.user == cast["desk_officer"]
    assert row.event.reference == programme.reference
    changes = {c.label: (c.old, c.new) for c in row.changes}
    assert changes == {
        "Amount": ("US$ 1,000.00", "US$ 1,250.50"),
        "Funding source": (
            "Voluntary Fund for Technical Cooperation in the Field of Human Rights",
            "UN regular budget",
        ),
    }
    assert row.record_url == reverse("programmes:detail", args=[programme.pk])


def test_choices_read_as_labels_and_many_to_many_as_added_and_removed(client, auditor, kenya, peru):
    programme = ProgrammeFactory(countries=[kenya])
    programme.countries.add(peru)
    programme.countries.remove(kenya)
    programme.status = Programme.Status.UNDER_REVIEW
    programme.save()
    client.force_login(auditor)
    rows = _rows(client, model="programmes.programme", action=A.CHANGED)
    by_field = {c.label: c for r in rows for c in r.changes}
    assert (by_field["Status"].old, by_field["Status"].new) == ("Drafting", "Under review")
    moves = [(c.added, c.removed) for r in rows for c in r.changes if c.label == "Countries"]
    assert (("Peru",), ()) in moves
    assert ((), ("Kenya",)) in moves


def test_a_deleted_record_stays_findable_with_its_last_values(client, auditor, cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    line = BudgetLineFactory(
        programme=programme, amount=Decimal("900.00"), description="Interpreters"
    )
    line_id = line.pk
    with acting_as(cast["desk_officer"]):
        line.delete()
    client.force_login(auditor)
    row = _rows(client, reference=programme.reference, action=A.DELETED)[0]
    assert row.event.user == cast["desk_officer"]
    assert {c.label: c.old for c in row.changes}["Amount"] == "US$ 900.00"
    page = client.get(reverse("record_history", args=["programmes.budgetline", line_id]))
    assert page.status_code == 200
    assert "This record was deleted" in page.content.decode()
    assert "Interpreters" in page.content.decode()


def test_a_states_draft_stays_out_of_the_log_until_it_is_submitted(client, auditor, cast, events):
    client.force_login(auditor)
    draft = events["draft"]
    assert not [r for r in _rows(client) if "Secret draft" in r.event.label]
    assert (
        client.get(
            reverse("record_history", args=["requests_app.assistancerequest", draft.pk])
        ).status_code
        == 404
    )
    request_services.submit_request(req=draft, by=cast["focal_point_kenya"])
    shared = [r for r in _rows(client, reference=draft.reference) if r.event.object_id == draft.pk]
    # Its creation, now shared, and the submission.
    assert shared[0].event.action == A.TRANSITION
    assert shared[-1].event.action == A.CREATED


def test_the_log_filters(client, cast, auditor, events, kenya):
    client.force_login(auditor)
    assert _rows(client, model="programmes.programme") == []
    transitions = _rows(client, action=A.TRANSITION)
    assert {r.event.action for r in transitions} == {A.TRANSITION}
    by_desk = _rows(client, user=cast["desk_officer"].pk)
    assert [r.what for r in by_desk] == ["Acknowledge"]
    kenyan = _rows(client, country=kenya.pk)
    assert kenyan and {r.event.country_id for r in kenyan} == {kenya.pk}
    assert events["per"].reference not in {r.event.reference for r in kenyan}
    assert _rows(client, reference=events["ken"].reference.lower())  # any case
    today = timezone.now().date()
    assert len(_rows(client, date_from=today, date_to=today)) == len(_rows(client))
    tomorrow = today + datetime.timedelta(days=1)
    assert _rows(client, date_from=tomorrow) == []
    # An end before the start is a form error, and that filter is not applied.
    response = client.get(reverse("history"), {"date_from": tomorrow, "date_to": today})
    assert response.context["filter_form"].errors["date_to"]


def test_a_record_of_two_countries_is_listed_once_and_under_each_country(
    client, auditor, kenya, peru
):
    programme = ProgrammeFactory(countries=[kenya, peru])
    BudgetLineFactory(programme=programme)
    client.force_login(auditor)
    lines = [r for r in _rows(client) if r.event.model == "programmes.budgetline"]
    assert len(lines) == 1
    for country in (kenya, peru):
        assert [
            r for r in _rows(client, country=country.pk) if r.event.model == "programmes.budgetline"
        ]


def test_the_log_shows_only_the_countries_of_a_reader_with_a_narrower_scope(client, events, kenya):
    desk = UserFactory(username="desk-auditor")
    desk.user_permissions.add(Permission.objects.get(codename="view_history"))
    scoping.set_desk_officer(country=kenya, user=desk, by=desk)
    client.force_login(desk)
    rows = _rows(client)
    assert rows
    assert {r.event.country_id for r in rows} == {kenya.pk}
    assert {r.event.reference for r in rows} - {""} == {events["ken"].reference}


def test_keyset_pages_walk_the_whole_log_without_repeating_a_row(client, cast, auditor, kenya):
    fp = cast["focal_point_kenya"]
    for _ in range(40):
        req = AssistanceRequestFactory(country=kenya, created_by=fp)
        request_services.submit_request(req=req, by=fp)
    client.force_login(auditor)
    total = ChangeEvent.objects.filter(is_primary=True, private=False).count()
    assert total > 50
    seen, url, pages = [], reverse("history"), 0
    while url:
        response = client.get(url if url.startswith("/") else reverse("history") + url)
        page = response.context["page"]
        seen += [r.event.pk for r in response.context["rows"]]
        url, pages = page.older_url, pages + 1
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 50)
    # And back: "Newer" from the last page gives the page before it.
    response = client.get(reverse("history") + page.newer_url)
    assert [r.event.pk for r in response.context["rows"]] == seen[-(total % 50 or 50) - 50 :][:50]


def test_a_page_of_the_log_costs_the_same_queries_for_few_and_many_changes(
    client, cast, auditor, kenya
):
    fp = cast["focal_point_kenya"]

    def make(n: int) -> None:
        for _ in range(n):
            req = AssistanceRequestFactory(country=kenya, created_by=fp)
            request_services.submit_request(req=req, by=fp)

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    client.force_login(auditor)
    make(3)
    client.get(reverse("history"))
    client.get(reverse("dashboard"))
    few = cost(reverse("history"))
    dashboard = cost(reverse("dashboard"))
    make(60)
    assert cost(reverse("history")) == few
    assert cost(reverse("dashboard")) == dashboard


def test_record_links_follow_the_readers_permissions(client, cast, events):
    client.force_login(cast["auditor"])
    requests = [r for r in _rows(client) if r.event.anchor_model.endswith("assistancerequest")]
    assert requests and all(r.record_url for r in requests)
    reader = cast["outsider"]
    reader.user_permissions.add(Permission.objects.get(codename="view_history"))
    reader.user_permissions.add(Permission.objects.get(codename="see_all_countries"))
    client.force_login(reader)
    rows = _rows(client)
    assert rows
    assert all(r.record_url == "" for r in rows)


# --- one record's history ---


def _history_url(record) -> str:
    return reverse("record_history", args=[record._meta.label_lower, record.pk])


def test_every_record_page_links_to_its_history(client, cast, events):
    ken = events["ken"]
    for role in ("desk_officer", "auditor", "focal_point_kenya"):
        client.force_login(cast[role])
        page = client.get(ken.get_absolute_url()).content.decode()
        assert f'href="{_history_url(ken)}"' in page


def test_staff_read_every_field_and_a_government_only_the_shared_timeline(client, cast, events):
    ken = events["ken"]
    for role in ("desk_officer", "auditor"):
        client.force_login(cast[role])
        response = client.get(_history_url(ken))
        assert response.status_code == 200
        assert response.context["history"].full
        assert "Acknowledge" in response.content.decode()
    client.force_login(cast["focal_point_kenya"])
    response = client.get(_history_url(ken))
    assert response.status_code == 200
    assert not response.context["history"].full
    assert "rows" not in response.context
    assert [e.action for e in response.context["timeline"]] == ["Submit", "Acknowledge"]


def test_a_record_out_of_scope_has_no_history_to_read(client, cast, events):
    per = events["per"]
    for role in ("focal_point_kenya", "desk_officer", "field_officer_east_africa"):
        client.force_login(cast[role])
        assert client.get(_history_url(per)).status_code == 404, role
    # Without the permission of the record's page, as on that page.
    client.force_login(cast["outsider"])
    assert client.get(_history_url(per)).status_code == 403
    client.force_login(cast["desk_officer"])
    assert client.get(reverse("record_history", args=["tcp.nothing", 1])).status_code == 404
    assert client.get(reverse("record_history", args=["nonsense", 1])).status_code == 404


def test_a_programmes_history_holds_its_parts(client, cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    with acting_as(cast["desk_officer"]):
        line = BudgetLineFactory(programme=programme, description="Printing")
    line.refresh_from_db()
    client.force_login(cast["desk_officer"])
    rows = client.get(_history_url(programme)).context["rows"]
    assert {r.event.model for r in rows} >= {"programmes.programme", "programmes.budgetline"}


# --- export and PDF ---


def test_the_log_of_one_country_for_one_year_exports_as_xlsx(client, auditor, events, kenya):
    client.force_login(auditor)
    year = timezone.now().year
    params = {"country": kenya.pk, "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    listed = _rows(client, **params)
    response = client.get(reverse("export", kwargs={"code": "changes", "fmt": "xlsx"}), params)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == len(listed)
    references = {dict(zip(header, r, strict=True))["Reference"] for r in rows}
    assert events["ken"].reference in references
    assert events["per"].reference not in references


def test_a_records_history_is_a_pdf_for_the_audit_file(
    client, cast, events, django_capture_on_commit_callbacks
):
    ken = events["ken"]
    client.force_login(cast["auditor"])
    reference = f"requests_app.assistancerequest:{ken.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_ask"), {"kind": "history", "reference": reference})
    report = Report.objects.get(kind=Report.Kind.HISTORY)
    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    pdf = b"".join(client.get(reverse("report_download", args=[report.pk])).streaming_content)
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Acknowledge" in text and ken.reference in text
    # A government may not ask for another State's.
    client.force_login(cast["focal_point_peru"])
    assert (
        client.post(reverse("report_ask"), {"kind": "history", "reference": reference}).status_code
        == 404
    )


# --- append-only ---


def test_no_page_writes_the_log(client, auditor, events):
    client.force_login(auditor)
    before = ChangeEvent.objects.count()
    assert client.post(reverse("history")).status_code == 405
    ken = events["ken"]
    assert client.post(_history_url(ken)).status_code == 405
    assert ChangeEvent.objects.count() == before


def test_budget_service_writes_name_the_acting_user(cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    line = budget.add_budget_line(
        programme=programme,
        by=cast["desk_officer"],
        funding_source=funding_source(),
        description="Workshop",
        amount=Decimal("10.00"),
    )
    event = ChangeEvent.objects.get(model="programmes.budgetline", object_id=line.pk)
    assert (event.user, event.action) == (cast["desk_officer"], A.CREATED)
    assert BudgetLine.history.get(id=line.pk).history_user == cast["desk_officer"]


def test_the_log_is_rebuilt_from_the_history_tables(cast, events, kenya):
    """An upgraded database: the index written from the history rows equals the one
    written as the changes happened."""
    from django.core.management import call_command

    programme = ProgrammeFactory(countries=[kenya])
    with acting_as(cast["desk_officer"]):
        line = BudgetLineFactory(programme=programme)
        line.amount = Decimal("77.00")
        line.save()
        line.delete()

    def snapshot() -> list[tuple]:
        # Not the country: a record's creation written live may precede its
        # countries (a programme's are set just after); the rebuild knows them.
        fields = ("model", "history_id", "action", "user_id", "reference", "private")
        fields += ("transition", "from_status", "to_status", "note", "changes")
        rows = ChangeEvent.objects.filter(is_primary=True).values_list(*fields).order_by()
        return sorted(rows, key=repr)

    before = {repr(row) for row in snapshot()}
    call_command("rebuild_change_log", verbosity=0)
    rebuilt = {repr(row) for row in snapshot()}
    # Every line is written again as it was; history rows that had none (the
    # reference data the migrations load in bulk) get theirs too.
    assert before <= rebuilt
    assert {eval(r)[0] for r in rebuilt - before} <= {
        "auth.group",
        "evaluations.evaluationcriterion",
        "evaluations.ratingscale",
        "evaluations.ratinglevel",
        "tcp.thematicarea",
        "tcp.formofassistance",
        "tcp.boardcomponent",
        "tcp.sustainabledevelopmentgoal",
        "tcp.mechanism",
        "tcp.partnerorganisation",
        "tcp.fundingsource",
        "tcp.screeningcriterion",
        "tcp.country",
        "tcp.fieldpresence",
        "tcp.rosterexpert",
    }
    call_command("rebuild_change_log", "--keep", verbosity=0)
    assert {repr(row) for row in snapshot()} == rebuilt

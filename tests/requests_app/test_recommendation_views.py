"""Recommendation pages: the list, the detail and the UHRI CSV import, for each role."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import AssistanceRequest, Recommendation
from requests_app.recommendations import EXAMPLE_CSV
from tcp.models import Country, Mechanism, SustainableDevelopmentGoal, ThematicArea
from tests.factories import AssistanceRequestFactory
from tests.files import HTML_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
Rec = Recommendation
LIST = reverse("requests_app:recommendation_list")
IMPORT = reverse("requests_app:recommendation_import")
EXAMPLE = reverse("requests_app:recommendation_import_example")

_counter = iter(range(1, 10_000))


def _rec(country: Country, mechanism: str = "upr", **fields) -> Recommendation:
    themes = fields.pop("themes", [])
    sdgs = fields.pop("sdgs", [])
    n = next(_counter)
    fields.setdefault("text", f"Recommendation number {n}.")
    fields.setdefault("uhri_id", f"UHRI-{n:05d}")
    rec = Rec.objects.create(
        country=country, mechanism=Mechanism.objects.get(code=mechanism), **fields
    )
    rec.thematic_areas.set(ThematicArea.objects.filter(code__in=themes))
    rec.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    return rec


def _listed(response) -> list[str]:
    return [rec.uhri_id for rec in response.context["page_obj"].object_list]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- list: who sees what ---

SEES = {
    "desk_officer": {"KEN"},
    "desk_officer_peru": {"PER"},
    "focal_point_kenya": {"KEN"},
    "focal_point_peru": {"PER"},
    "field_officer_east_africa": {"KEN"},
    "field_officer_south_america": {"PER"},
    "approver": {"KEN", "PER"},
    "auditor": {"KEN", "PER"},
    "administrator": {"KEN", "PER"},
}


@pytest.mark.parametrize(("role", "countries"), SEES.items())
def test_list_shows_the_recommendations_of_the_users_countries(
    client, cast, kenya, peru, role, countries
):
    by_country = {"KEN": _rec(kenya).uhri_id, "PER": _rec(peru).uhri_id}
    client.force_login(cast[role])
    response = client.get(LIST)
    assert response.status_code == 200
    assert set(_listed(response)) == {by_country[c] for c in countries}


def test_outsider_may_not_open_the_list(client, outsider):
    client.force_login(outsider)
    assert client.get(LIST).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_nav_has_recommendations_after_requests(client, desk_officer):
    client.force_login(desk_officer)
    labels = [item.label for item in client.get(LIST).context["nav_items"]]
    assert labels.index("Recommendations") == labels.index("Requests") + 1
    current = [item.label for item in client.get(LIST).context["nav_items"] if item.current]
    assert current == ["Recommendations"]


# --- list: filters, search, sort ---


def test_list_filters_by_mechanism_kind_theme_sdg_status_and_position(client, approver, kenya):
    upr = _rec(
        kenya,
        "upr",
        upr_position=Rec.UprPosition.NOTED,
        implementation_status=Rec.Implementation.IMPLEMENTED,
        themes=["elections"],
        sdgs=[16],
    )
    cedaw = _rec(kenya, "cedaw", themes=["women-gender-equality"], sdgs=[5])
    torture = _rec(kenya, "sr-torture", themes=["administration-of-justice"], sdgs=[16])
    client.force_login(approver)

    def listed(**params) -> set[str]:
        return set(_listed(client.get(LIST, params)))

    assert listed(mechanism=Mechanism.objects.get(code="cedaw").pk) == {cedaw.uhri_id}
    assert listed(kind="special_procedure") == {torture.uhri_id}
    assert listed(kind="treaty_body") == {cedaw.uhri_id}
    assert listed(theme=ThematicArea.objects.get(code="elections").pk) == {upr.uhri_id}
    sdg16 = SustainableDevelopmentGoal.objects.get(number=16).pk
    assert listed(sdg=sdg16) == {upr.uhri_id, torture.uhri_id}
    assert listed(implementation="implemented") == {upr.uhri_id}
    assert listed(implementation="not_assessed") == {cedaw.uhri_id, torture.uhri_id}
    assert listed(position="noted") == {upr.uhri_id}
    assert listed(sdg=sdg16, kind="upr") == {upr.uhri_id}
    # A bad value is dropped, the valid ones still apply.
    assert listed(kind="nonsense", position="noted") == {upr.uhri_id}


def test_list_filters_by_country_for_ohchr_staff_only(
    client, approver, focal_point_kenya, kenya, peru
):
    ken, per = _rec(kenya), _rec(peru)
    client.force_login(approver)
    response = client.get(LIST, {"country": peru.pk})
    assert _listed(response) == [per.uhri_id]
    assert "country" in response.context["filter_form"].fields
    client.force_login(focal_point_kenya)
    response = client.get(LIST, {"country": peru.pk})
    assert "country" not in response.context["filter_form"].fields
    assert _listed(response) == [ken.uhri_id]


def test_list_searches_text_symbol_and_uhri_id(client, desk_officer, kenya):
    water = _rec(kenya, text="Guarantee access to safe drinking water.")
    symbol = _rec(kenya, document_symbol="CEDAW/C/KEN/CO/8")
    by_id = _rec(kenya, uhri_id="ZZ-UNIQUE-77")
    client.force_login(desk_officer)
    assert _listed(client.get(LIST, {"q": "drinking"})) == [water.uhri_id]
    assert _listed(client.get(LIST, {"q": "cedaw/c/ken"})) == [symbol.uhri_id]
    assert _listed(client.get(LIST, {"q": "unique-77"})) == [by_id.uhri_id]


def test_list_sorts_by_date_newest_first_and_by_whitelisted_keys(client, desk_officer, kenya):
    old = _rec(kenya, date=datetime.date(2015, 1, 1), text="B")
    new = _rec(kenya, date=datetime.date(2024, 1, 1), text="C")
    mid = _rec(kenya, date=datetime.date(2020, 1, 1), text="A")
    client.force_login(desk_officer)
    assert _listed(client.get(LIST)) == [new.uhri_id, mid.uhri_id, old.uhri_id]
    assert _listed(client.get(LIST, {"sort": "text"})) == [mid.uhri_id, old.uhri_id, new.uhri_id]
    assert _listed(client.get(LIST, {"sort": "-date"})) == [new.uhri_id, mid.uhri_id, old.uhri_id]
    # An unknown key falls back to the default order.
    assert _listed(client.get(LIST, {"sort": "password"})) == [
        new.uhri_id,
        mid.uhri_id,
        old.uhri_id,
    ]


def test_list_paginates_by_25(client, desk_officer, kenya):
    for _ in range(30):
        _rec(kenya)
    client.force_login(desk_officer)
    assert len(_listed(client.get(LIST))) == 25
    assert len(_listed(client.get(LIST, {"page": 2}))) == 5


@pytest.mark.parametrize("role", ["desk_officer", "focal_point_kenya", "administrator"])
def test_list_query_count_does_not_depend_on_the_rows(client, cast, kenya, role):
    client.force_login(cast[role])

    def queries(rows: int) -> int:
        Rec.objects.all().delete()
        for n in range(rows):
            _rec(kenya, document_symbol=f"A/HRC/{n}", themes=["elections"], sdgs=[5])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"q": "Recommendation", "kind": "upr"})
        assert len(_listed(response)) == min(rows, 25)
        return len(ctx.captured_queries)

    assert queries(5) == queries(50)


def test_import_button_only_for_those_who_may_import(client, desk_officer, focal_point_kenya):
    client.force_login(desk_officer)
    assert IMPORT in client.get(LIST).content.decode()
    client.force_login(focal_point_kenya)
    assert IMPORT not in client.get(LIST).content.decode()


# --- detail ---


def test_detail_shows_every_field(client, desk_officer, kenya):
    rec = _rec(
        kenya,
        "upr",
        uhri_id="KEN-UPR-9",
        text="Ratify the Optional Protocol.",
        session_or_cycle="4th cycle",
        date=datetime.date(2025, 1, 24),
        document_symbol="A/HRC/59/10",
        affected_persons="Children; Women",
        upr_position=Rec.UprPosition.SUPPORTED,
        implementation_status=Rec.Implementation.PARTIALLY_IMPLEMENTED,
        themes=["elections"],
        sdgs=[16],
    )
    client.force_login(desk_officer)
    response = client.get(reverse("requests_app:recommendation_detail", args=[rec.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "KEN-UPR-9",
        "Ratify the Optional Protocol.",
        "Kenya",
        "Universal Periodic Review",
        "4th cycle",
        "24 Jan 2025",
        "A/HRC/59/10",
        "Children; Women",
        "Supported",
        "Partially implemented",
        "Human rights and elections",
        "SDG 16",
    ):
        assert text in html, text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("desk_officer", 404),
        ("focal_point_kenya", 404),
        ("field_officer_east_africa", 404),
        ("desk_officer_peru", 200),
        ("focal_point_peru", 200),
        ("auditor", 200),
        ("outsider", 403),
    ],
)
def test_detail_out_of_scope_is_404(client, cast, peru, role, status):
    rec = _rec(peru)
    client.force_login(cast[role])
    url = reverse("requests_app:recommendation_detail", args=[rec.pk])
    assert client.get(url).status_code == status


def test_detail_lists_the_citing_requests_the_user_may_see(
    client, desk_officer, focal_point_kenya, kenya
):
    rec = _rec(kenya)
    submitted = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.SUBMITTED, title="Submitted one"
    )
    draft = AssistanceRequestFactory(
        country=kenya, status=AssistanceRequest.Status.DRAFT, title="Draft one"
    )
    AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.SUBMITTED)
    submitted.recommendations.add(rec)
    draft.recommendations.add(rec)
    url = reverse("requests_app:recommendation_detail", args=[rec.pk])

    client.force_login(desk_officer)
    assert list(client.get(url).context["citing_requests"]) == [submitted]
    client.force_login(focal_point_kenya)
    assert set(client.get(url).context["citing_requests"]) == {submitted, draft}


# --- import ---


def _post(client, name: str, data: bytes | None = None):
    data = data if data is not None else (DATA / name).read_bytes()
    return client.post(IMPORT, {"file": upload(name, data, "text/csv")})


def test_import_page_summarises_the_columns_and_links_the_example(client, desk_officer):
    client.force_login(desk_officer)
    response = client.get(IMPORT)
    assert response.status_code == 200
    html = response.content.decode()
    for header in ("UHRI ID", "Country", "Mechanism", "Themes", "SDGs", "Implementation status"):
        assert f"<code>{header}</code>" in html
    assert EXAMPLE in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("desk_officer", 200),
        ("administrator", 200),
        ("focal_point_kenya", 403),
        ("field_officer_east_africa", 403),
        ("approver", 403),
        ("auditor", 403),
        ("outsider", 403),
    ],
)
def test_import_page_and_example_only_for_those_who_may_import(client, cast, role, status):
    client.force_login(cast[role])
    assert client.get(IMPORT).status_code == status
    assert client.get(EXAMPLE).status_code == status


def test_focal_point_cannot_post_an_import(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    assert _post(client, "uhri_good.csv").status_code == 403
    assert not Rec.objects.exists()


def test_example_is_a_csv_attachment(client, desk_officer):
    client.force_login(desk_officer)
    response = client.get(EXAMPLE)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == EXAMPLE_CSV


def test_good_import_redirects_to_the_list_with_the_counts(client, desk_officer):
    client.force_login(desk_officer)
    response = _post(client, "uhri_good.csv")
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert _messages(response) == ["4 created, 0 updated."]
    assert Rec.objects.count() == 4
    assert Rec.objects.get(uhri_id="KEN-UPR3-001").history.first().history_user == desk_officer


def test_reimport_message_counts_updates_and_unchanged(client, desk_officer):
    client.force_login(desk_officer)
    _post(client, "uhri_good.csv")
    response = _post(client, "uhri_update.csv")
    assert _messages(response)[-1] == "1 created, 1 updated, 1 already up to date."


def test_bad_import_lists_every_row_error_and_imports_nothing(client, desk_officer):
    client.force_login(desk_officer)
    response = _post(client, "uhri_bad.csv")
    assert response.status_code == 200
    errors = response.context["row_errors"]
    assert [(e.line, e.column) for e in errors] == [
        (3, "Country"),
        (4, "Mechanism"),
        (5, "Date"),
        (6, "Themes"),
        (7, "SDGs"),
        (8, "Position"),
        (9, "Text"),
        (10, "UHRI ID"),
        (11, "Country"),
    ]
    html = response.content.decode()
    assert "Nothing was imported: 9 problems to fix." in html
    assert "You do not work on Peru." in html
    assert not Rec.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("export.pdf", PDF_BYTES), ("export.csv", PDF_BYTES), ("export.csv", HTML_BYTES)],
)
def test_a_file_that_is_not_a_csv_table_is_refused_on_the_form(client, desk_officer, name, data):
    client.force_login(desk_officer)
    response = _post(client, name, data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"“{name}” is not one of the accepted types (CSV table), whatever its name says."
    ]
    assert not response.context["row_errors"]
    assert not Rec.objects.exists()


def test_import_without_a_file_asks_for_one(client, desk_officer):
    client.force_login(desk_officer)
    response = client.post(IMPORT, {})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_pages_carry_no_inline_script_or_style(client, desk_officer, kenya):
    """CSP allows scripts and styles from our static files only."""
    rec = _rec(kenya, themes=["elections"], sdgs=[5])
    client.force_login(desk_officer)
    pages = [
        client.get(LIST),
        client.get(reverse("requests_app:recommendation_detail", args=[rec.pk])),
        client.get(IMPORT),
        _post(client, "uhri_bad.csv"),
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert "<style" not in page
        assert not re.search(r"\sstyle=", page)
        assert not re.search(r"\son[a-z]+=", page)

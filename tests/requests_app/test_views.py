"""Request pages: the list, the detail, the focal point's draft form and the transitions."""

from __future__ import annotations

import csv
import datetime
import io
import logging
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from requests_app import services
from requests_app.models import AssistanceRequest, Message, Recommendation, Screening
from tcp import scoping
from tcp.documents import Visibility
from tcp.lifecycle import TransitionRefused
from tcp.models import (
    Country,
    FormOfAssistance,
    Mechanism,
    ScreeningCriterion,
    StatusChange,
    SustainableDevelopmentGoal,
    ThematicArea,
)
from tests.factories import AssistanceRequestFactory
from tests.files import ELF_BYTES, HTML_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _refs(response) -> list[str]:
    return [req.reference for req in response.context["page_obj"].object_list]


# --- list ---


def test_list_shows_only_requests_in_scope(client, desk_officer, kenya, peru):
    mine = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    AssistanceRequestFactory(country=peru, status=S.SUBMITTED)
    AssistanceRequestFactory(country=kenya, status=S.DRAFT)
    client.force_login(desk_officer)
    response = client.get(reverse("requests_app:list"))
    assert _refs(response) == [mine.reference]


def test_list_filters_by_status_and_country(client, approver, kenya, peru):
    submitted_ke = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    AssistanceRequestFactory(country=kenya, status=S.ACKNOWLEDGED)
    submitted_pe = AssistanceRequestFactory(country=peru, status=S.SUBMITTED)
    client.force_login(approver)
    url = reverse("requests_app:list")
    by_status = client.get(url, {"status": S.SUBMITTED})
    assert set(_refs(by_status)) == {submitted_ke.reference, submitted_pe.reference}
    both = client.get(url, {"status": S.SUBMITTED, "country": peru.pk})
    assert _refs(both) == [submitted_pe.reference]


def test_list_searches_reference_and_title(client, desk_officer, kenya):
    water = AssistanceRequestFactory(
        country=kenya, status=S.SUBMITTED, title="Water and sanitation"
    )
    other = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, title="Prisons")
    client.force_login(desk_officer)
    url = reverse("requests_app:list")
    assert _refs(client.get(url, {"q": "sanitation"})) == [water.reference]
    assert _refs(client.get(url, {"q": other.reference.lower()})) == [other.reference]


def test_list_sorts_by_whitelisted_keys_and_ignores_others(client, desk_officer, kenya):
    b = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, title="B")
    a = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, title="A")
    c = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, title="C")
    client.force_login(desk_officer)
    url = reverse("requests_app:list")
    assert _refs(client.get(url, {"sort": "title"})) == [a.reference, b.reference, c.reference]
    assert _refs(client.get(url, {"sort": "-title"})) == [c.reference, b.reference, a.reference]
    # Not on the whitelist: the default order (newest first), no error.
    response = client.get(url, {"sort": "created_by__password"})
    assert response.status_code == 200
    assert _refs(response) == [c.reference, a.reference, b.reference]


def test_sort_header_toggles_and_keeps_filters(client, desk_officer, kenya):
    AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(desk_officer)
    response = client.get(reverse("requests_app:list"), {"sort": "title", "status": "submitted"})
    title = next(h for h in response.context["headers"] if h.label == "Title")
    assert title.aria_sort == "ascending"
    assert "sort=-title" in title.href
    assert "status=submitted" in title.href
    assert 'aria-sort="ascending"' in response.content.decode()


def test_list_paginates_25_per_page(client, desk_officer, kenya):
    for _ in range(30):
        AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, complete=False)
    client.force_login(desk_officer)
    url = reverse("requests_app:list")
    first = client.get(url)
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(url, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 5
    assert not set(_refs(first)) & set(_refs(second))
    # A page past the end shows the last one rather than failing.
    assert client.get(url, {"page": 99}).context["page_obj"].number == 2


def test_focal_point_gets_no_country_filter(client, focal_point_kenya, desk_officer):
    client.force_login(focal_point_kenya)
    assert "country" not in client.get(reverse("requests_app:list")).context["filter_form"].fields
    client.force_login(desk_officer)
    assert "country" in client.get(reverse("requests_app:list")).context["filter_form"].fields


def _bulk_requests(country, status: str, n: int, created_by) -> list[AssistanceRequest]:
    """``n`` requests written in a few queries, each with two thematic areas and two forms."""
    now = timezone.now()
    first = AssistanceRequest.objects.count()
    reqs = AssistanceRequest.objects.bulk_create(
        AssistanceRequest(
            country=country,
            reference=f"TCR-BULK-{country.iso3}-{first + i:05d}",
            title=f"Bulk request {first + i}",
            description="Training of trainers.",
            status=status,
            created_by=created_by,
            submitted_at=None if status == S.DRAFT else now,
        )
        for i in range(n)
    )
    themes = list(ThematicArea.objects.all()[:2])
    forms = list(FormOfAssistance.objects.all()[:2])
    ThemeLink = AssistanceRequest.thematic_areas.through
    FormLink = AssistanceRequest.forms_of_assistance.through
    ThemeLink.objects.bulk_create(
        ThemeLink(assistancerequest=r, thematicarea=t) for r in reqs for t in themes
    )
    FormLink.objects.bulk_create(
        FormLink(assistancerequest=r, formofassistance=f) for r in reqs for f in forms
    )
    return reqs


def _queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        # A streamed export runs its queries while it is read.
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(ctx), body


@pytest.mark.parametrize("url_name", ["requests_app:list", "requests_app:export"])
@pytest.mark.parametrize("user", ["desk_officer", "focal_point_kenya", "approver"])
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_list_and_export_cost_the_same_queries_for_5_and_500_requests(
    client, cast, kenya, user, url_name, filtered
):
    status = S.DRAFT if user == "focal_point_kenya" else S.SUBMITTED
    client.force_login(cast[user])
    url = reverse(url_name)
    if filtered:
        params = {"q": "bulk", "status": status, "sort": "-submitted"}
        params["thematic_area"] = ThematicArea.objects.first().pk
        if user != "focal_point_kenya":
            params.update(region="africa", desk_officer=cast["desk_officer"].pk)
        url = f"{url}?{urlencode(params)}"
    client.get(url)  # warm the content-type cache
    _bulk_requests(kenya, status, 5, cast["focal_point_kenya"])
    few, body = _queries(client, url)
    if url_name == "requests_app:export":
        assert len(body.decode("utf-8-sig").splitlines()) == 1 + 5
    _bulk_requests(kenya, status, 495, cast["focal_point_kenya"])
    many, body = _queries(client, url)
    if url_name == "requests_app:export":
        assert len(body.decode("utf-8-sig").splitlines()) == 1 + 500
    assert many == few


# --- detail ---


def test_detail_shows_fields_and_only_the_buttons_that_work(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(cast["desk_officer"])
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    page = response.content.decode()
    assert req.title in page
    assert [t.action for t in response.context["actions"].available] == ["acknowledge"]
    assert 'value="acknowledge"' in page
    assert 'value="withdraw"' not in page

    client.force_login(cast["focal_point_kenya"])
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    assert [t.action for t in response.context["actions"].available] == ["withdraw"]
    assert not response.context["can_edit"]


def test_incomplete_draft_shows_what_submission_still_needs(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, description="", complete=False)
    client.force_login(focal_point_kenya)
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    blocked = response.context["actions"].blocked
    assert [b.transition.action for b in blocked] == ["submit"]
    assert "description" in blocked[0].reason
    assert "thematic area" in blocked[0].reason
    assert response.context["can_edit"]


def test_note_field_is_labelled_for_transitions_that_need_one(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT, screened=True)
    client.force_login(cast["approver"])
    page = client.get(reverse("requests_app:detail", args=[req.pk])).content.decode()
    assert '<label for="note-req-decline">' in page
    assert 'id="note-req-decline" name="note"' in page
    # Declining cannot be undone: asked on the confirmation page, not by a script.
    assert "data-confirm=" not in page


# --- transitions through the web ---


def test_focal_point_submits_and_desk_officer_acknowledges(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=cast["focal_point_kenya"])
    url = reverse("requests_app:transition", args=[req.pk])

    client.force_login(cast["focal_point_kenya"])
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
    assert _messages(response) == [f"Done: Submit. {req.reference} is now: Submitted."]
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    assert req.submitted_at is not None

    client.force_login(cast["desk_officer"])
    client.post(url, {"action": "acknowledge"})
    req.refresh_from_db()
    assert req.status == S.ACKNOWLEDGED
    page = client.get(reverse("requests_app:detail", args=[req.pk])).content.decode()
    assert "Submit" in page and "Acknowledge" in page  # the timeline


def test_refused_transition_shows_the_reason_and_changes_nothing(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, justification="", complete=False)
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:transition", args=[req.pk]), {"action": "submit"}, follow=True
    )
    req.refresh_from_db()
    assert req.status == S.DRAFT
    assert not StatusChange.objects.exists()
    page = response.content.decode()
    assert "cannot be done yet" in page
    assert "justification" in page
    assert 'role="alert"' in page


def test_unknown_action_is_refused_with_a_message(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(desk_officer)
    response = client.post(reverse("requests_app:transition", args=[req.pk]), {"action": "pwn"})
    assert response.status_code == 302
    assert "Unknown action" in _messages(response)[0]


def test_question_needs_a_note_and_the_government_reads_it(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.ACKNOWLEDGED)
    url = reverse("requests_app:transition", args=[req.pk])
    client.force_login(cast["desk_officer"])
    response = client.post(url, {"action": "request_information", "note": "  "})
    assert "the question to the government" in _messages(response)[0]
    req.refresh_from_db()
    assert req.status == S.ACKNOWLEDGED

    client.post(url, {"action": "request_information", "note": "Which ministry leads?"})
    req.refresh_from_db()
    assert req.status == S.INFORMATION_REQUESTED
    client.force_login(cast["focal_point_kenya"])
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    assert "Which ministry leads?" in response.content.decode()
    assert response.context["can_edit"]
    assert [t.action for t in response.context["actions"].available] == ["resubmit", "withdraw"]


def test_approver_declines_with_a_reason(client, approver, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT, screened=True)
    client.force_login(approver)
    client.post(
        reverse("requests_app:transition", args=[req.pk]),
        {"action": "decline", "note": "Outside the programme's mandate.", "confirmed": "yes"},
    )
    req.refresh_from_db()
    assert req.status == S.DECLINED
    assert req.decline_reason == "Outside the programme's mandate."


# --- the draft form ---


def _form_data(**overrides) -> dict:
    data = {
        "title": "Support to the national preventive mechanism",
        "requesting_authority": "Ministry of Justice",
        "description": "Training for monitors of places of detention.",
        "justification": "CAT recommendations of 2024.",
        "thematic_areas": [ThematicArea.objects.first().pk],
        "forms_of_assistance": [FormOfAssistance.objects.first().pk],
        "sdgs": [SustainableDevelopmentGoal.objects.get(number=16).pk],
        "desired_start": "2027-01-01",
        "desired_end": "2027-12-31",
    }
    data.update(overrides)
    return data


def test_focal_point_creates_a_draft_for_their_state(client, focal_point_kenya, kenya):
    client.force_login(focal_point_kenya)
    page = client.get(reverse("requests_app:create"))
    assert page.context["form"].fields["country"].disabled
    response = client.post(reverse("requests_app:create"), _form_data())
    req = AssistanceRequest.objects.get()
    # Saved, the draft stays open in the form, now at its own address.
    assert response["Location"] == reverse("requests_app:edit", args=[req.pk])
    assert _messages(response) == [f"Draft {req.reference} saved."]
    assert req.country == kenya
    assert req.status == S.DRAFT
    assert req.created_by == focal_point_kenya
    assert req.reference.startswith("TCR-")
    assert req.desired_end == datetime.date(2027, 12, 31)
    assert list(req.sdgs.values_list("number", flat=True)) == [16]


def test_focal_point_of_several_states_chooses_one(client, focal_point_kenya, administrator):
    uganda = Country.objects.get(iso3="UGA")
    scoping.assign_focal_point(user=focal_point_kenya, country=uganda, by=administrator)
    client.force_login(focal_point_kenya)
    form = client.get(reverse("requests_app:create")).context["form"]
    assert not form.fields["country"].disabled
    assert set(form.fields["country"].queryset.values_list("iso3", flat=True)) == {"KEN", "UGA"}
    client.post(reverse("requests_app:create"), _form_data(country=uganda.pk))
    assert AssistanceRequest.objects.get().country == uganda
    # A State outside their scope is not a valid choice.
    response = client.post(
        reverse("requests_app:create"), _form_data(country=Country.objects.get(iso3="PER").pk)
    )
    assert response.status_code == 200
    assert "country" in response.context["form"].errors


def test_form_with_errors_keeps_everything_typed(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    data = _form_data(desired_start="2027-06-01", desired_end="2027-01-01")
    response = client.post(reverse("requests_app:create"), data)
    assert response.status_code == 200
    assert not AssistanceRequest.objects.exists()
    page = response.content.decode()
    assert "The end is before the start." in page
    assert 'value="Support to the national preventive mechanism"' in page
    assert "Training for monitors of places of detention." in page
    assert "CAT recommendations of 2024." in page
    assert 'value="2027-06-01"' in page
    sdg = SustainableDevelopmentGoal.objects.get(number=16).pk
    assert f'name="sdgs" value="{sdg}"' in page
    assert f'value="{sdg}" id="id_sdgs_15" checked' in page
    assert 'aria-invalid="true"' in page


def test_refusal_by_the_service_becomes_a_form_error(client, focal_point_kenya, monkeypatch):
    def refuse(**kwargs):
        raise TransitionRefused("Only a focal point of Kenya can make a request on its behalf.")

    monkeypatch.setattr(services, "create_request", refuse)
    client.force_login(focal_point_kenya)
    response = client.post(reverse("requests_app:create"), _form_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Only a focal point of Kenya can make a request on its behalf."
    ]
    assert 'value="Support to the national preventive mechanism"' in response.content.decode()


def test_focal_point_edits_a_draft(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, title="Old")
    client.force_login(focal_point_kenya)
    url = reverse("requests_app:edit", args=[req.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"] == "Old"
    assert "country" not in form.fields
    response = client.post(url, _form_data(title="New title", sdgs=[]))
    assert response["Location"] == url
    req.refresh_from_db()
    assert req.title == "New title"
    assert not req.sdgs.exists()


def test_edit_form_keeps_input_on_error(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, title="Old")
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:edit", args=[req.pk]), _form_data(title="", description="Typed")
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "Typed" in response.content.decode()
    req.refresh_from_db()
    assert req.title == "Old"


def test_submitted_request_is_no_longer_editable(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(focal_point_kenya)
    response = client.post(reverse("requests_app:edit", args=[req.pk]), _form_data(title="X"))
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
    assert "can no longer be edited" in _messages(response)[0]
    req.refresh_from_db()
    assert req.title != "X"


def test_create_button_only_for_focal_points(client, cast):
    client.force_login(cast["focal_point_kenya"])
    assert (
        reverse("requests_app:create") in client.get(reverse("requests_app:list")).content.decode()
    )
    client.force_login(cast["desk_officer"])
    assert (
        reverse("requests_app:create")
        not in client.get(reverse("requests_app:list")).content.decode()
    )


# --- list filters and the export ---


def _recommendation(country, mechanism_code: str | None = None, **fields) -> Recommendation:
    mechanism = (
        Mechanism.objects.get(code=mechanism_code) if mechanism_code else Mechanism.objects.first()
    )
    return Recommendation.objects.create(
        country=country, mechanism=mechanism, text=fields.pop("text", "Ratify OPCAT."), **fields
    )


def test_list_filters_by_region_theme_mechanism_and_dates(client, approver, kenya, peru):
    theme, other_theme = ThematicArea.objects.all()[:2]
    upr, treaty = (
        Mechanism.objects.filter(kind=Mechanism.Kind.UPR).first(),
        Mechanism.objects.filter(kind=Mechanism.Kind.TREATY_BODY).first(),
    )
    ke = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, complete=False)
    pe = AssistanceRequestFactory(country=peru, status=S.SUBMITTED, complete=False)
    ke.thematic_areas.set([theme])
    pe.thematic_areas.set([other_theme])
    # Two UPR recommendations: the request still appears once.
    ke.recommendations.set(
        [_recommendation(kenya, upr.code), _recommendation(kenya, upr.code, text="Another.")]
    )
    pe.recommendations.set([_recommendation(peru, treaty.code)])
    AssistanceRequest.objects.filter(pk=ke.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 3, 10))
    )
    AssistanceRequest.objects.filter(pk=pe.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 6, 10))
    )
    client.force_login(approver)
    url = reverse("requests_app:list")
    assert _refs(client.get(url, {"region": "africa"})) == [ke.reference]
    assert _refs(client.get(url, {"region": "americas"})) == [pe.reference]
    assert _refs(client.get(url, {"thematic_area": theme.pk})) == [ke.reference]
    assert _refs(client.get(url, {"mechanism": upr.pk})) == [ke.reference]
    assert _refs(client.get(url, {"mechanism": treaty.pk})) == [pe.reference]
    assert _refs(client.get(url, {"submitted_from": "2026-04-01"})) == [pe.reference]
    assert _refs(client.get(url, {"submitted_to": "2026-04-01"})) == [ke.reference]
    both = client.get(url, {"submitted_from": "2026-03-10", "submitted_to": "2026-06-10"})
    assert set(_refs(both)) == {ke.reference, pe.reference}


def test_list_filters_by_desk_officer_portfolio(client, cast, kenya, peru):
    ke = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, complete=False)
    pe = AssistanceRequestFactory(country=peru, status=S.SUBMITTED, complete=False)
    client.force_login(cast["approver"])
    url = reverse("requests_app:list")
    assert _refs(client.get(url, {"desk_officer": cast["desk_officer"].pk})) == [ke.reference]
    assert _refs(client.get(url, {"desk_officer": cast["desk_officer_peru"].pk})) == [pe.reference]
    choices = client.get(url).context["filter_form"].fields["desk_officer"].queryset
    assert set(choices) == {cast["desk_officer"], cast["desk_officer_peru"]}


def test_a_desk_officer_is_offered_only_their_countries_and_colleagues(client, cast, kenya):
    client.force_login(cast["desk_officer"])
    fields = client.get(reverse("requests_app:list")).context["filter_form"].fields
    assert list(fields["country"].queryset) == [kenya]
    assert list(fields["desk_officer"].queryset) == [cast["desk_officer"]]


def test_search_finds_words_of_the_description(client, desk_officer, kenya):
    hit = AssistanceRequestFactory(
        country=kenya, status=S.SUBMITTED, description="Prison monitoring in Kisumu."
    )
    AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(desk_officer)
    assert _refs(client.get(reverse("requests_app:list"), {"q": "kisumu"})) == [hit.reference]


def test_a_bad_filter_value_is_dropped_and_the_others_kept(client, desk_officer, kenya):
    hit = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, title="Water")
    AssistanceRequestFactory(country=kenya, status=S.ACKNOWLEDGED, title="Water too")
    client.force_login(desk_officer)
    response = client.get(
        reverse("requests_app:list"),
        {"status": S.SUBMITTED, "submitted_from": "not a date", "region": "atlantis"},
    )
    assert response.status_code == 200
    assert _refs(response) == [hit.reference]


def test_focal_point_filters_have_no_country_region_or_desk_officer(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    fields = client.get(reverse("requests_app:list")).context["filter_form"].fields
    assert not {"country", "region", "desk_officer"} & set(fields)
    assert {"q", "status", "thematic_area", "mechanism", "submitted_from"} <= set(fields)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_export_has_the_desk_officers_columns_and_follows_the_filters(client, cast, kenya, peru):
    ke = AssistanceRequestFactory(
        country=kenya, status=S.SUBMITTED, title="=HYPERLINK(evil)", submitted_at=timezone.now()
    )
    AssistanceRequestFactory(country=kenya, status=S.ACKNOWLEDGED)
    AssistanceRequestFactory(country=peru, status=S.SUBMITTED)
    client.force_login(cast["desk_officer"])
    response = client.get(reverse("requests_app:export"), {"status": S.SUBMITTED})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="requests-')
    header, *rows = _csv(response)
    assert header == [
        "Reference",
        "Country",
        "Region",
        "Title",
        "Status",
        "First submitted",
        "Resubmitted",
        "Decided",
        "Thematic areas",
        "Forms of assistance",
        "Desk officer",
    ]
    assert len(rows) == 1  # Peru is not in the portfolio; the other is acknowledged
    row = dict(zip(header, rows[0], strict=True))
    assert row["Reference"] == ke.reference
    assert (row["Country"], row["Region"], row["Status"]) == ("Kenya", "Africa", "Submitted")
    # What a government typed never runs as a spreadsheet formula.
    assert row["Title"] == "'=HYPERLINK(evil)"
    assert row["First submitted"] == timezone.localdate().isoformat()
    assert row["Resubmitted"] == ""
    assert row["Thematic areas"] == ke.thematic_areas.get().name
    assert row["Desk officer"] == str(cast["desk_officer"])


def test_government_export_has_its_own_requests_and_no_desk_officer(client, cast, kenya, peru):
    mine = AssistanceRequestFactory(country=kenya)
    AssistanceRequestFactory(country=peru)
    client.force_login(cast["focal_point_kenya"])
    header, *rows = _csv(client.get(reverse("requests_app:export")))
    assert "Desk officer" not in header
    assert [r[0] for r in rows] == [mine.reference]


def test_the_list_links_to_the_export_of_the_same_filters(client, desk_officer, kenya):
    AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(desk_officer)
    response = client.get(reverse("requests_app:list"), {"status": "submitted", "page": "1"})
    assert response.context["export_links"][0][1] == (
        reverse("export", kwargs={"code": "requests", "fmt": "csv"}) + "?status=submitted"
    )


# --- detail: recommendations, documents, thread, screening ---


def test_detail_links_the_recommendations(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    rec = _recommendation(kenya, document_symbol="A/HRC/59/12", text="Review the Public Order Act.")
    req.recommendations.set([rec])
    client.force_login(desk_officer)
    page = client.get(reverse("requests_app:detail", args=[req.pk])).content.decode()
    assert "A/HRC/59/12" in page
    assert "Review the Public Order Act." in page
    try:
        url = reverse("requests_app:recommendation_detail", args=[rec.pk])
    except NoReverseMatch:  # the recommendation pages are built alongside
        return
    assert f'href="{url}"' in page


def test_document_download_is_an_attachment_with_its_name_and_type(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, complete=False)
    document = services.attach_document(
        req=req, file=upload("Barua rasmi – 2026.pdf", PDF_BYTES), by=cast["desk_officer"]
    )
    for user in ("desk_officer", "focal_point_kenya"):
        client.force_login(cast[user])
        response = client.get(reverse("requests_app:document", args=[req.pk, document.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert (
            "filename*=utf-8''Barua%20rasmi%20%E2%80%93%202026.pdf"
            in (response["Content-Disposition"])
        )


def test_a_tampered_document_is_not_served(client, desk_officer, kenya, caplog):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, complete=False)
    document = services.attach_document(
        req=req, file=upload("letter.pdf", PDF_BYTES), by=desk_officer
    )
    Path(document.file.path).write_bytes(PDF_BYTES + b"<script>")
    client.force_login(desk_officer)
    with caplog.at_level(logging.ERROR, logger="tcp.views"):
        response = client.get(reverse("requests_app:document", args=[req.pk, document.pk]))
    assert response.status_code == 409
    assert "no longer matches the checksum" in response.content.decode()
    assert any(
        r.levelno == logging.ERROR and req.reference in r.getMessage() for r in caplog.records
    )


def test_a_document_of_another_request_is_404(client, desk_officer, kenya):
    one = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    other = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(desk_officer)
    letter = other.documents.get()
    assert client.get(reverse("requests_app:document", args=[one.pk, letter.pk])).status_code == 404


def test_government_and_ohchr_write_in_the_thread(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    url = reverse("requests_app:message_post", args=[req.pk])
    client.force_login(cast["focal_point_kenya"])
    form = client.get(reverse("requests_app:detail", args=[req.pk])).context["message_form"]
    assert "visibility" not in form.fields  # a government writes to the shared thread only
    response = client.post(url, {"body": "When can we meet?", "visibility": "internal"})
    question = Message.objects.get()
    assert response["Location"].endswith(f"#message-{question.pk}")
    assert (question.visibility, question.author) == (Visibility.SHARED, cast["focal_point_kenya"])

    client.force_login(cast["desk_officer"])
    client.post(url, {"body": "Check with UNDP first.", "visibility": "internal"})
    client.post(url, {"body": "In January.", "visibility": "shared"})
    page = client.get(reverse("requests_app:detail", args=[req.pk])).content.decode()
    assert "Check with UNDP first." in page
    assert "Internal note: OHCHR only" in page

    client.force_login(cast["focal_point_kenya"])
    page = client.get(reverse("requests_app:detail", args=[req.pk])).content.decode()
    assert "When can we meet?" in page and "In January." in page
    assert "Check with UNDP first." not in page
    assert "Internal" not in page


def test_an_empty_message_comes_back_with_an_error(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(desk_officer)
    response = client.post(
        reverse("requests_app:message_post", args=[req.pk]), {"body": "   ", "visibility": "shared"}
    )
    assert response.status_code == 200
    assert response.context["message_form"].errors["body"]
    assert not Message.objects.exists()


def test_an_auditor_reads_the_thread_but_does_not_write(client, auditor, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(auditor)
    assert "message_form" not in client.get(reverse("requests_app:detail", args=[req.pk])).context
    response = client.post(
        reverse("requests_app:message_post", args=[req.pk]), {"body": "Hello"}, follow=True
    )
    assert "You may not write on this request." in response.content.decode()
    assert not Message.objects.exists()


def _screening_data(comment: str = "Meets it.", skip: int | None = None) -> dict[str, str]:
    data = {"scr-summary": "A strong request."}
    for criterion in ScreeningCriterion.objects.filter(is_active=True):
        if criterion.pk == skip:
            continue
        data[f"scr-score_{criterion.pk}"] = "4"
        data[f"scr-comment_{criterion.pk}"] = comment
    return data


def test_desk_officer_records_the_screening_and_sees_the_total(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    client.force_login(desk_officer)
    detail = reverse("requests_app:detail", args=[req.pk])
    form = client.get(detail).context["screening_form"]
    criteria = list(ScreeningCriterion.objects.filter(is_active=True))
    assert [c for c, _s, _c in form.rows()] == criteria
    response = client.post(reverse("requests_app:screening", args=[req.pk]), _screening_data())
    assert response["Location"] == f"{detail}#screening"
    screening = Screening.objects.get(request=req)
    assert screening.screened_by == desk_officer
    assert screening.summary == "A strong request."
    total, maximum = services.screening_total(screening)
    assert total == 4 * sum(c.weight for c in criteria)
    page = client.get(detail).content.decode()
    assert f"{total} / {maximum}" in page


def test_an_incomplete_screening_comes_back_with_every_gap_marked(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    criteria = list(ScreeningCriterion.objects.filter(is_active=True))
    data = _screening_data(comment="Typed with care.", skip=criteria[0].pk)
    data[f"scr-comment_{criteria[1].pk}"] = ""
    client.force_login(desk_officer)
    response = client.post(reverse("requests_app:screening", args=[req.pk]), data)
    assert response.status_code == 200
    form = response.context["screening_form"]
    assert form.errors[f"score_{criteria[0].pk}"] == ["Give a score."]
    assert form.errors[f"comment_{criteria[1].pk}"] == ["Explain the score."]
    page = response.content.decode()
    assert "The screening is incomplete." in page
    assert criteria[0].name in page
    assert "Typed with care." in page  # nothing typed is lost
    assert not Screening.objects.exists()


def test_the_approver_reads_the_screening_but_does_not_score(client, approver, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT, screened=True)
    client.force_login(approver)
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    assert response.context["screening"] is not None
    assert "screening_form" not in response.context
    response = client.post(reverse("requests_app:screening", args=[req.pk]), _screening_data())
    assert "desk officer" in _messages(response)[0]
    assert Screening.objects.get().scores.first().score == 3  # unchanged


def test_ohchr_attaches_an_internal_document_from_the_request_page(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    client.force_login(cast["desk_officer"])
    url = reverse("requests_app:document_upload", args=[req.pk])
    response = client.post(
        url,
        {
            "doc-file": upload("field-note.png", PNG_BYTES),
            "doc-kind": "supporting",
            "doc-visibility": "internal",
        },
    )
    assert response.status_code == 302
    note = req.documents.get(original_name="field-note.png")
    assert (note.visibility, note.uploaded_by) == (Visibility.INTERNAL, cast["desk_officer"])
    # A refused file: the reason next to the field, the rest as chosen.
    response = client.post(
        url,
        {
            "doc-file": upload("minutes.pdf", HTML_BYTES),
            "doc-kind": "supporting",
            "doc-visibility": "shared",
        },
    )
    assert response.status_code == 200
    form = response.context["upload_form"]
    assert "not one of the accepted types" in form.errors["file"][0]
    assert form["visibility"].value() == "shared"

    client.force_login(cast["focal_point_kenya"])
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    assert "field-note.png" not in response.content.decode()
    assert "upload_form" not in response.context


# --- the guided form: uploads, submission, recommendations ---


def _pdf(name: str = "letter.pdf", extra: bytes = b""):
    return upload(name, PDF_BYTES + extra, "application/pdf")


def test_saving_with_the_letter_attaches_it_and_completes_the_progress(
    client, focal_point_kenya, kenya
):
    client.force_login(focal_point_kenya)
    response = client.post(reverse("requests_app:create"), {**_form_data(), "letter": _pdf()})
    req = AssistanceRequest.objects.get()
    assert response["Location"] == reverse("requests_app:edit", args=[req.pk])
    letter = req.documents.get()
    assert (letter.kind, letter.original_name) == ("official_letter", "letter.pdf")
    assert letter.uploaded_by == focal_point_kenya
    page = client.get(response["Location"])
    assert (page.context["done"], page.context["required"]) == (3, 3)
    assert "letter.pdf" in page.content.decode()


def test_submitting_an_incomplete_draft_lists_what_is_missing_and_keeps_it(
    client, focal_point_kenya
):
    client.force_login(focal_point_kenya)
    data = _form_data(description="", thematic_areas=[], intent="submit")
    response = client.post(reverse("requests_app:create"), data)
    # Saved: the reasons are shown on the draft's own form, after a redirect, so a
    # refresh never posts the new draft again.
    req = AssistanceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:edit", args=[req.pk])
    response = client.get(response["Location"])
    assert req.status == S.DRAFT
    assert req.title == data["title"]
    assert response.context["submit_refusal"].missing == [
        "description",
        "at least one thematic area",
        "the official letter, attached",
    ]
    page = response.content.decode()
    assert "Your draft is saved, but it cannot be submitted yet." in page
    assert "Description" in page and "The official letter, attached" in page
    # The page now posts to the draft's own form: a second save never makes a second draft.
    assert f'action="{reverse("requests_app:edit", args=[req.pk])}"' in page
    assert "CAT recommendations of 2024." in page


def test_a_complete_draft_is_submitted_from_the_form(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:create"), {**_form_data(intent="submit"), "letter": _pdf()}
    )
    req = AssistanceRequest.objects.get()
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
    assert req.status == S.SUBMITTED
    assert StatusChange.objects.get().by == focal_point_kenya


def test_a_refused_upload_is_named_next_to_its_field_and_the_rest_is_kept(
    client, focal_point_kenya, kenya
):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, complete=False)
    client.force_login(focal_point_kenya)
    data = {
        **_form_data(description="Typed just now."),
        "letter": upload("letter.pdf", ELF_BYTES),
        "supporting": [_pdf("annex.pdf")],
    }
    response = client.post(reverse("requests_app:edit", args=[req.pk]), data)
    assert response.status_code == 302
    response = client.get(response["Location"])
    errors = response.context["upload_errors"]
    assert "not one of the accepted types" in errors["letter"][0]
    assert errors["supporting"] == []
    page = response.content.decode()
    assert 'id="id_letter_error"' in page and 'aria-invalid="true"' in page
    assert "Typed just now." in page
    # The good file and the typed fields are saved; the refused file left nothing.
    assert list(req.documents.values_list("original_name", flat=True)) == ["annex.pdf"]
    req.refresh_from_db()
    assert req.description == "Typed just now."


def test_an_upload_on_an_invalid_form_is_not_attached_and_says_so(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:create"), {**_form_data(title=""), "letter": _pdf()}
    )
    assert response.status_code == 200
    assert "choose the file again" in response.context["upload_errors"]["letter"][0]
    assert not AssistanceRequest.objects.exists()


def test_the_focal_point_removes_a_document_and_keeps_what_they_typed(
    client, focal_point_kenya, kenya
):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, complete=False)
    letter = services.attach_document(req=req, file=_pdf(), by=focal_point_kenya)
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:edit", args=[req.pk]),
        {**_form_data(title="Typed before removing"), "remove_document": str(letter.pk)},
    )
    assert response["Location"].endswith("#section-documents")
    assert _messages(response) == ["“letter.pdf” removed.", f"Request {req.reference} saved."]
    assert not req.documents.exists()
    req.refresh_from_db()
    assert req.title == "Typed before removing"


def test_a_new_recommendation_is_recorded_and_linked(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    mechanism = Mechanism.objects.filter(kind=Mechanism.Kind.TREATY_BODY).first()
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:edit", args=[req.pk]),
        {
            **_form_data(intent="add_recommendation"),
            "rec-mechanism": mechanism.pk,
            "rec-session_or_cycle": "79th session",
            "rec-date": "2024-05-10",
            "rec-document_symbol": "CAT/C/KEN/CO/3",
            "rec-text": "Ensure independent monitoring of all places of detention.",
        },
    )
    assert response["Location"].endswith("#section-recommendations")
    rec = Recommendation.objects.get()
    assert (rec.country, rec.mechanism, rec.document_symbol) == (
        kenya,
        mechanism,
        "CAT/C/KEN/CO/3",
    )
    assert list(req.recommendations.all()) == [rec]
    form = client.get(response["Location"]).context["form"]
    assert form["recommendations"].value() == [rec.pk]


def test_an_incomplete_new_recommendation_is_refused_and_nothing_typed_is_lost(
    client, focal_point_kenya, kenya
):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    client.force_login(focal_point_kenya)
    response = client.post(
        reverse("requests_app:edit", args=[req.pk]),
        {**_form_data(intent="add_recommendation"), "rec-text": "Adopt a law on torture."},
    )
    assert response.status_code == 200
    assert response.context["rec_form"].errors["mechanism"]
    assert "Adopt a law on torture." in response.content.decode()
    assert not Recommendation.objects.exists()


def test_the_recommendation_search_narrows_the_list_but_keeps_the_linked_ones(
    client, focal_point_kenya, kenya, peru
):
    linked = _recommendation(kenya, text="Strengthen the national commission.")
    torture = _recommendation(kenya, text="Criminalise torture.", document_symbol="CAT/C/KEN/3")
    _recommendation(kenya, text="Protect journalists.")
    foreign = _recommendation(peru, text="Criminalise torture in Peru.")
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    req.recommendations.set([linked])
    client.force_login(focal_point_kenya)
    url = reverse("requests_app:edit", args=[req.pk])
    response = client.post(
        url, {**_form_data(recommendations=[linked.pk]), "intent": "find", "rq": "torture"}
    )
    assert response["Location"] == f"{url}?rq=torture#section-recommendations"
    form = client.get(response["Location"]).context["form"]
    shown = [value for value, _label in form.fields["recommendations"].widget.choices]
    assert shown == [linked.pk, torture.pk]
    assert foreign.pk not in shown
    # Another State's recommendation is not a valid choice either.
    response = client.post(url, _form_data(recommendations=[foreign.pk]))
    assert "recommendations" in response.context["form"].errors


def test_while_information_is_requested_the_form_saves_but_does_not_submit(
    client, focal_point_kenya, kenya
):
    req = AssistanceRequestFactory(
        country=kenya, created_by=focal_point_kenya, status=S.INFORMATION_REQUESTED
    )
    client.force_login(focal_point_kenya)
    page = client.get(reverse("requests_app:edit", args=[req.pk]))
    assert not page.context["can_submit"]
    assert 'value="submit"' not in page.content.decode()
    assert "Answer and resubmit" in page.content.decode()

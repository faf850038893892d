"""Request pages: the list, the detail, the focal point's draft form and the transitions."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import views as request_views
from requests_app.models import AssistanceRequest
from tcp import scoping
from tcp.lifecycle import TransitionRefused
from tcp.models import (
    Country,
    FormOfAssistance,
    StatusChange,
    SustainableDevelopmentGoal,
    ThematicArea,
)
from tests.factories import AssistanceRequestFactory

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


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("user", ["desk_officer", "focal_point_kenya", "approver"])
def test_list_query_count_does_not_grow_with_rows(client, cast, kenya, user):
    status = S.DRAFT if user == "focal_point_kenya" else S.SUBMITTED
    client.force_login(cast[user])
    url = reverse("requests_app:list")
    client.get(url)  # warm the content-type cache
    for _ in range(5):
        AssistanceRequestFactory(country=kenya, status=status, complete=False)
    few = _list_queries(client, url)
    for _ in range(45):
        AssistanceRequestFactory(country=kenya, status=status, complete=False)
    assert _list_queries(client, url) == few


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
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    client.force_login(cast["approver"])
    page = client.get(reverse("requests_app:detail", args=[req.pk])).content.decode()
    assert '<label for="note-req-decline">' in page
    assert 'id="note-req-decline" name="note"' in page
    assert "data-confirm=" in page  # decline is dangerous


# --- transitions through the web ---


def test_focal_point_submits_and_desk_officer_acknowledges(client, cast, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=cast["focal_point_kenya"])
    url = reverse("requests_app:transition", args=[req.pk])

    client.force_login(cast["focal_point_kenya"])
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
    assert _messages(response) == ["Done: Submit."]
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
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    client.force_login(approver)
    client.post(
        reverse("requests_app:transition", args=[req.pk]),
        {"action": "decline", "note": "Outside the programme's mandate."},
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
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
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

    monkeypatch.setattr(request_views.services, "create_request", refuse)
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
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
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

"""Programme pages: list, detail with its components, and their transitions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Component, Programme
from tests.factories import ComponentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
S = Programme.Status


def _refs(response) -> list[str]:
    return [p.reference for p in response.context["page_obj"].object_list]


def test_list_filters_by_country_through_the_programme_countries(client, approver, kenya, peru):
    national = ProgrammeFactory(countries=[kenya], title="Kenya national")
    regional = ProgrammeFactory(
        countries=[kenya, peru], scope=Programme.Scope.GLOBAL, title="Fellowships"
    )
    peru_only = ProgrammeFactory(countries=[peru], title="Peru national")
    client.force_login(approver)
    url = reverse("programmes:list")
    # A programme covering several countries appears once.
    assert sorted(_refs(client.get(url))) == sorted(
        [national.reference, regional.reference, peru_only.reference]
    )
    assert sorted(_refs(client.get(url, {"country": kenya.pk}))) == sorted(
        [national.reference, regional.reference]
    )
    assert _refs(client.get(url, {"q": "fellow"})) == [regional.reference]
    assert _refs(client.get(url, {"sort": "title"}))[0] == regional.reference


def test_field_officer_sees_a_multi_country_programme_once(client, field_officer_east_africa):
    from tcp.models import Country

    countries = list(Country.objects.filter(iso3__in=["KEN", "UGA", "RWA"]))
    programme = ProgrammeFactory(countries=countries, scope=Programme.Scope.REGIONAL)
    client.force_login(field_officer_east_africa)
    assert _refs(client.get(reverse("programmes:list"))) == [programme.reference]


def test_detail_shows_components_and_their_buttons(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    component = ComponentFactory(programme=programme, title="Training of prison staff")
    client.force_login(desk_officer)
    response = client.get(reverse("programmes:detail", args=[programme.pk]))
    page = response.content.decode()
    assert "Training of prison staff" in page
    [row] = response.context["parts"].components
    shown, actions = row.component, row.actions
    assert shown == component
    # A component starts once its programme is in implementation.
    assert [t.action for t in actions.available] == ["cancel"]
    assert "the programme in implementation" in actions.blocked[0].reason
    assert reverse("programmes:component_transition", args=[component.pk]) in page
    assert [t.action for t in response.context["actions"].available] == ["submit_for_review"]


def test_desk_officer_submits_and_approver_approves(client, cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    ComponentFactory(programme=programme)
    url = reverse("programmes:transition", args=[programme.pk])
    client.force_login(cast["desk_officer"])
    client.post(url, {"action": "submit_for_review"})
    client.force_login(cast["approver"])
    response = client.post(url, {"action": "return_to_drafting"}, follow=True)
    assert "what to change" in response.content.decode()
    client.post(url, {"action": "approve", "confirmed": "yes"})
    programme.refresh_from_db()
    assert programme.status == S.APPROVED


def test_submission_without_component_is_refused_with_the_reason(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:detail", args=[programme.pk]))
    [blocked] = page.context["actions"].blocked
    assert "at least one component" in blocked.reason
    response = client.post(
        reverse("programmes:transition", args=[programme.pk]),
        {"action": "submit_for_review"},
        follow=True,
    )
    assert "at least one component" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == S.DRAFTING


def test_component_transition_returns_to_the_programme(client, desk_officer, kenya):
    component = ComponentFactory(
        programme=ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    )
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:component_transition", args=[component.pk]), {"action": "start"}
    )
    assert response["Location"] == (
        reverse("programmes:detail", args=[component.programme_id]) + f"#component-{component.pk}"
    )
    component.refresh_from_db()
    assert component.status == Component.Status.ONGOING


def test_government_reads_the_approved_programme_without_review_notes(client, cast, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    ComponentFactory(programme=programme)
    url = reverse("programmes:transition", args=[programme.pk])
    client.force_login(cast["desk_officer"])
    client.post(url, {"action": "submit_for_review"})
    client.force_login(cast["approver"])
    client.post(url, {"action": "return_to_drafting", "note": "INTERNAL: budget too high"})
    client.force_login(cast["desk_officer"])
    client.post(url, {"action": "submit_for_review"})
    client.force_login(cast["approver"])
    client.post(url, {"action": "approve", "confirmed": "yes"})

    client.force_login(cast["focal_point_kenya"])
    response = client.get(reverse("programmes:detail", args=[programme.pk]))
    assert response.status_code == 200
    assert "INTERNAL: budget too high" not in response.content.decode()
    # Acceptance is the State's own act, not a button of the lifecycle's table.
    assert response.context["actions"].available == []
    assert response.context["can_accept"]
    client.post(url, {"action": "accept"})
    programme.refresh_from_db()
    assert programme.status == S.APPROVED
    client.post(reverse("programmes:accept", args=[programme.pk]), {"confirmed": "yes"})
    programme.refresh_from_db()
    assert programme.status == S.ACCEPTED
    assert [a.country for a in programme.acceptances.all()] == [kenya]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("user", ["desk_officer", "focal_point_kenya", "approver"])
def test_list_query_count_does_not_grow_with_rows(client, cast, kenya, peru, user):
    status = S.APPROVED if user == "focal_point_kenya" else S.DRAFTING
    client.force_login(cast[user])
    url = reverse("programmes:list")
    client.get(url)
    for _ in range(5):
        ProgrammeFactory(countries=[kenya, peru], status=status)
    few = _queries(client, url)
    for _ in range(45):
        ProgrammeFactory(countries=[kenya, peru], status=status)
    assert _queries(client, url) == few

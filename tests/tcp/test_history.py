"""Every write path leaves a history record naming the person who acted."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from requests_app import services
from requests_app.models import AssistanceRequest
from tcp.history import acting_as
from tcp.models import Country, CountryUserObjectPermission, FieldPresence, ThematicArea, User
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db


def test_admin_edit_records_the_administrator(client, administrator):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    area = ThematicArea.objects.first()
    url = reverse("admin:tcp_thematicarea_change", args=[area.pk])

    response = client.post(
        url,
        {
            "code": area.code,
            "name": "Renamed by the administrator",
            "description": area.description,
            "is_active": "on",
            "sort_order": area.sort_order,
        },
    )

    assert response.status_code == 302, response.content[:2000]
    record = area.history.latest()
    assert record.name == "Renamed by the administrator"
    assert record.history_user == administrator


def test_scope_change_in_admin_is_recorded_with_the_administrator(
    client, administrator, desk_officer, kenya
):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    successor = User.objects.create(username="do-successor")
    successor.groups.add(*desk_officer.groups.all())

    response = client.post(
        reverse("admin:tcp_country_change", args=[kenya.pk]),
        {
            "iso2": kenya.iso2,
            "iso3": kenya.iso3,
            "name": kenya.name,
            "region": kenya.region,
            "is_active": "on",
            "desk_officer": successor.pk,
            "focal_points": [],
        },
    )

    assert response.status_code == 302
    grants = Country.objects.get(pk=kenya.pk).countryuserobjectpermission_set
    assert [g.user for g in grants.filter(permission__codename="manage_country")] == [successor]
    removed = CountryUserObjectPermission.history.filter(history_type="-", user=desk_officer).get()
    added = CountryUserObjectPermission.history.filter(history_type="+", user=successor).get()
    assert removed.history_user == administrator
    assert added.history_user == administrator


def test_service_call_from_a_command_records_its_actor():
    call_command("seed_demo", "--password", "x-demo-password-x", verbosity=0)
    gov = User.objects.get(username="gov.kenya")
    req = AssistanceRequest.objects.filter(country__iso3="KEN", status="submitted").first()
    created = req.history.earliest()
    submitted = req.history.filter(status="submitted").earliest()
    assert created.history_user == gov
    assert submitted.history_user == gov
    assert submitted.history_change_reason == "submit: draft → submitted"
    # Scope grants made by the command carry the demo administrator.
    presence = FieldPresence.objects.get(code="east-africa-regional-office")
    grant = presence.fieldpresenceuserobjectpermission_set.get().history.latest()
    assert grant.history_user == User.objects.get(username="admin")


def test_seed_demo_is_safe_to_run_twice():
    call_command("seed_demo", "--password", "x-demo-password-x", verbosity=0)
    counts = (AssistanceRequest.objects.count(), User.objects.count())
    call_command("seed_demo", "--password", "x-demo-password-x", verbosity=0)
    assert (AssistanceRequest.objects.count(), User.objects.count()) == counts


def test_many_to_many_changes_are_recorded(focal_point_kenya, kenya):
    req = services.create_request(country=kenya, by=focal_point_kenya, title="Draft")
    areas = list(ThematicArea.objects.all()[:2])
    services.update_draft(req=req, by=focal_point_kenya, thematic_areas=areas)
    latest = req.history.latest()
    assert {row.thematicarea_id for row in latest.thematic_areas.all()} == {a.pk for a in areas}
    assert latest.history_user == focal_point_kenya


def test_acting_as_wins_over_the_absence_of_a_request(desk_officer):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.SUBMITTED)
    with acting_as(desk_officer):
        req.title = "Changed in a task"
        req.save()
    assert req.history.latest().history_user == desk_officer


def test_transition_history_records_the_actor_and_the_change_reason(desk_officer):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.SUBMITTED)
    services.acknowledge_request(req=req, by=desk_officer)
    record = req.history.latest()
    assert (record.status, record.history_user) == ("acknowledged", desk_officer)
    assert record.history_change_reason == "acknowledge: submitted → acknowledged"

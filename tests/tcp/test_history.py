"""Every write path leaves a history record naming the person who acted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from requests_app import services
from requests_app.models import AssistanceRequest
from tcp import scoping
from tcp.history import acting_as
from tcp.models import Country, CountryUserObjectPermission, FieldPresence, ThematicArea, User
from tcp.roles import ROLE_PERMISSIONS, Role, role_group, sync_roles
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


# --- users and roles ---


def test_user_history_stores_no_password_or_last_login():
    table = User.history.model._meta.db_table
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    assert "username" in columns
    assert "password" not in columns
    assert "last_login" not in columns


def test_a_login_leaves_no_user_history(client, focal_point_kenya, password):
    before = focal_point_kenya.history.count()
    response = client.post(
        reverse("login"), {"username": focal_point_kenya.username, "password": password}
    )
    assert response.status_code == 302
    assert focal_point_kenya.history.count() == before


def test_a_direct_permission_given_to_a_user_is_recorded(administrator, outsider):
    permission = Permission.objects.get(codename="see_all_countries")
    with acting_as(administrator):
        outsider.user_permissions.add(permission)
    record = outsider.history.latest()
    assert [row.permission for row in record.user_permissions.all()] == [permission]
    assert record.history_user == administrator


def test_a_role_given_to_a_user_is_recorded(administrator, outsider):
    auditor_role = role_group(Role.AUDITOR)
    scoping.set_roles(user=outsider, roles=[auditor_role], by=administrator)
    record = outsider.history.latest()
    assert [row.group for row in record.groups.all()] == [auditor_role]
    assert record.history_user == administrator


def test_a_change_to_a_roles_permissions_is_recorded(administrator):
    from tcp.roles import Role, role_group

    role = role_group(Role.AUDITOR)
    permission = Permission.objects.get(codename="manage_scope")
    with acting_as(administrator):
        role.permissions.add(permission)
    record = role.history.latest()
    assert permission in {row.permission for row in record.permissions.all()}
    assert record.history_user == administrator


def test_sync_roles_records_each_changed_role_once_and_leaves_the_others_alone():
    role = role_group(Role.AUDITOR)
    role.permissions.remove(role.permissions.first())
    counts = {r: role_group(r).history.count() for r in ROLE_PERMISSIONS}

    sync_roles()

    after = {r: role_group(r).history.count() for r in ROLE_PERMISSIONS}
    assert after == {**counts, Role.AUDITOR: counts[Role.AUDITOR] + 1}
    record = role.history.latest()
    assert record.history_user is None
    assert record.history_change_reason == "Role permissions synced with tcp/roles.py"
    assert {row.permission for row in record.permissions.all()} == set(role.permissions.all())
    assert len(role.permissions.all()) == len(ROLE_PERMISSIONS[Role.AUDITOR])
    sync_roles()
    assert role.history.count() == after[Role.AUDITOR]

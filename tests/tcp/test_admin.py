"""The admin changes who may do what, and where, only through tcp.scoping.

Roles are set on the user page but saved by ``scoping.set_roles``; direct
permissions and superuser status cannot be set at all; roles themselves are
read-only; a presence's countries are saved by
``scoping.set_presence_countries``; and no history "revert" goes around any
of it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from requests_app.models import AssistanceRequest
from tcp import scoping
from tcp.models import FieldPresence, User
from tcp.roles import Role, role_group
from tests.factories import AssistanceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    client.force_login(administrator)
    return client


def _user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return data


def _see_all_countries() -> Permission:
    return Permission.objects.get(content_type__app_label="tcp", codename="see_all_countries")


def test_user_form_cannot_grant_direct_permissions_or_superuser(admin_client, outsider):
    url = reverse("admin:tcp_user_change", args=[outsider.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="user_permissions"' not in page
    assert 'name="is_superuser"' not in page
    assert "Granted outside the admin" in page

    response = admin_client.post(
        url,
        _user_form(outsider, user_permissions=[_see_all_countries().pk], is_superuser="on"),
    )

    assert response.status_code == 302, response.content[:3000]
    outsider = User.objects.get(pk=outsider.pk)
    assert not outsider.is_superuser
    assert not outsider.user_permissions.exists()
    assert not scoping.scope_for(outsider).all_countries


def test_roles_changed_in_the_admin_are_recorded_with_the_administrator(
    admin_client, administrator, outsider
):
    auditor_role = role_group(Role.AUDITOR)

    response = admin_client.post(
        reverse("admin:tcp_user_change", args=[outsider.pk]),
        _user_form(outsider, groups=[auditor_role.pk]),
    )

    assert response.status_code == 302, response.content[:3000]
    outsider = User.objects.get(pk=outsider.pk)
    assert list(outsider.groups.all()) == [auditor_role]
    assert scoping.scope_for(outsider).all_countries
    record = outsider.history.latest()
    assert record.history_user == administrator
    assert [row.group for row in record.groups.all()] == [auditor_role]


def test_removing_every_role_in_the_admin_is_recorded(admin_client, administrator, auditor):
    response = admin_client.post(
        reverse("admin:tcp_user_change", args=[auditor.pk]), _user_form(auditor, groups=[])
    )

    assert response.status_code == 302, response.content[:3000]
    assert not auditor.groups.exists()
    record = auditor.history.latest()
    assert record.history_user == administrator
    assert not record.groups.exists()


def test_a_new_user_is_added_with_a_password_and_no_role(admin_client, administrator):
    response = admin_client.post(
        reverse("admin:tcp_user_add"),
        {
            "username": "new-officer",
            "usable_password": "true",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
            "is_superuser": "on",
        },
    )

    assert response.status_code == 302, response.content[:3000]
    user = User.objects.get(username="new-officer")
    assert not user.is_superuser
    assert not user.groups.exists()
    assert user.history.earliest().history_user == administrator


def test_administrator_cannot_change_a_superuser(admin_client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    url = reverse("admin:tcp_user_change", args=[root.pk])

    response = admin_client.post(url, _user_form(root, is_active=""))

    assert response.status_code == 403
    assert User.objects.get(pk=root.pk).is_active
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert admin_client.get(password_url).status_code == 403


def test_user_history_cannot_be_reverted_from_the_admin(admin_client, outsider):
    scoping.set_roles(user=outsider, roles=[role_group(Role.AUDITOR)], by=None)
    past = outsider.history.latest()
    scoping.set_roles(user=outsider, roles=[], by=None)
    url = reverse("admin:tcp_user_simple_history", args=[outsider.pk, past.history_id])

    response = admin_client.post(url, _user_form(outsider, groups=[role_group(Role.AUDITOR).pk]))

    assert response.status_code == 403
    assert not outsider.groups.exists()


def test_roles_are_read_only_in_the_admin(admin_client):
    role = role_group(Role.DESK_OFFICER)
    permissions = set(role.permissions.all())
    url = reverse("admin:auth_group_change", args=[role.pk])

    assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:auth_group_add")).status_code == 403
    response = admin_client.post(url, {"name": role.name, "permissions": [_see_all_countries().pk]})
    assert response.status_code == 403
    assert set(Group.objects.get(pk=role.pk).permissions.all()) == permissions
    assert admin_client.get(reverse("admin:auth_group_history", args=[role.pk])).status_code == 200


def test_read_only_records_cannot_be_changed_by_reverting_their_history(admin_client):
    req = AssistanceRequestFactory(status=AssistanceRequest.Status.SUBMITTED)
    past = req.history.latest()
    url = reverse("admin:requests_app_assistancerequest_simple_history", args=[req.pk, past.pk])

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"title": "Changed around the services", "status": "accepted"}
    )

    assert response.status_code == 403
    req.refresh_from_db()
    assert (req.title, req.status) != ("Changed around the services", "accepted")
    assert req.status == AssistanceRequest.Status.SUBMITTED


def _presence_form(presence: FieldPresence, countries, officers) -> dict:
    return {
        "code": presence.code,
        "name": presence.name,
        "kind": presence.kind,
        "region": presence.region,
        "partner": presence.partner_id or "",
        "is_active": "on",
        "countries": [c.pk for c in countries],
        "officers": [u.pk for u in officers],
    }


def test_presence_admin_changes_countries_through_the_scoping_service(
    admin_client, administrator, east_africa, peru, field_officer_east_africa
):
    covered = list(east_africa.countries.all())
    url = reverse("admin:tcp_fieldpresence_change", args=[east_africa.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="countries"' in page.content.decode()

    response = admin_client.post(
        url, _presence_form(east_africa, [*covered, peru], [field_officer_east_africa])
    )

    assert response.status_code == 302, response.content[:3000]
    assert set(east_africa.countries.all()) == {*covered, peru}
    officer = User.objects.get(pk=field_officer_east_africa.pk)
    assert scoping.scope_for(officer).covers(peru.pk)
    record = east_africa.history.latest()
    assert record.history_user == administrator
    assert {row.country_id for row in record.countries.all()} == {c.pk for c in [*covered, peru]}


def test_presence_admin_adds_a_presence_with_countries_and_officers(
    admin_client, peru, field_officer_south_america
):
    response = admin_client.post(
        reverse("admin:tcp_fieldpresence_add"),
        {
            "code": "peru-country-office",
            "name": "Peru country office",
            "kind": FieldPresence.Kind.COUNTRY_OFFICE,
            "region": "americas",
            "partner": "",
            "is_active": "on",
            "countries": [peru.pk],
            "officers": [field_officer_south_america.pk],
        },
    )

    assert response.status_code == 302, response.content[:3000]
    presence = FieldPresence.objects.get(code="peru-country-office")
    assert list(presence.countries.all()) == [peru]
    assert scoping.scope_for(User.objects.get(pk=field_officer_south_america.pk)).covers(peru.pk)

"""Login throttling (django-axes) through the real login pages, with no mocks.

A username, and separately a client address, is locked out after
AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME, on the product's login page
and the admin's alike, and the lockout page says nothing about whether the
username exists.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
LIMIT = settings.AXES_FAILURE_LIMIT


def _post(client: Client, url: str, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _page(response) -> str:
    """The page without what differs on every render (the masked CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_twenty_wrong_passwords_then_the_right_one_do_not_log_in(
    client, focal_point_kenya, password
):
    statuses = [
        _post(client, LOGIN, focal_point_kenya.username, f"wrong-{i}").status_code
        for i in range(20)
    ]

    response = _post(client, LOGIN, focal_point_kenya.username, password)

    # Wrong passwords are answered by the login form until the limit, then
    # by the lockout page; the right password does not get through either.
    assert statuses == [200] * (LIMIT - 1) + [429] * (20 - LIMIT + 1)
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    assert not _logged_in(client)
    assert client.get(reverse("dashboard"))["Location"].startswith(LOGIN)


def test_the_username_is_locked_from_another_address_too(client, focal_point_kenya, password):
    for i in range(LIMIT):
        _post(client, LOGIN, focal_point_kenya.username, f"wrong-{i}", ip="10.0.0.1")

    response = _post(Client(), LOGIN, focal_point_kenya.username, password, ip="10.0.0.2")

    assert response.status_code == 429
    assert not _logged_in(client)


def test_an_address_guessing_many_usernames_is_locked(client, focal_point_kenya, password):
    for i in range(LIMIT):
        _post(client, LOGIN, f"guess-{i}", "wrong", ip="10.0.0.3")

    response = _post(client, LOGIN, focal_point_kenya.username, password, ip="10.0.0.3")

    assert response.status_code == 429
    assert not _logged_in(client)


def test_behind_a_proxy_clients_are_told_apart_by_the_address_it_forwards(
    client, settings, focal_point_kenya, password
):
    settings.TCP_TRUSTED_PROXY_COUNT = 1
    proxy, attacker = "10.9.9.9", "198.51.100.7"
    for i in range(LIMIT):
        # What the client claims on the left changes; what the proxy appended does not.
        forwarded = f"192.0.2.{i}, {attacker}"
        client.post(
            LOGIN,
            {"username": f"guess-{i}", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    locked = client.post(
        LOGIN,
        {"username": "another-guess", "password": "wrong"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {attacker}",
    )
    colleague = Client().post(
        LOGIN,
        {"username": focal_point_kenya.username, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )

    assert locked.status_code == 429
    assert colleague.status_code == 302


def test_lockout_looks_the_same_for_an_unknown_username(client, focal_point_kenya):
    known, unknown = focal_point_kenya.username, "nobody-by-this-name"
    # From two addresses, so that each username meets only its own failures.
    known_answers = [_post(client, LOGIN, known, f"wrong-{i}", "10.0.1.1") for i in range(LIMIT)]
    unknown_answers = [
        _post(client, LOGIN, unknown, f"wrong-{i}", "10.0.1.2") for i in range(LIMIT)
    ]

    for k, u in zip(known_answers, unknown_answers, strict=True):
        assert k.status_code == u.status_code
        # The login form shows back what was typed in its username field, nothing else.
        assert _page(k).replace(known, "USERNAME") == _page(u).replace(unknown, "USERNAME")
    locked_known, locked_unknown = known_answers[-1], unknown_answers[-1]
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert _page(locked_known) == _page(locked_unknown)
    assert known not in locked_known.content.decode()
    assert "try again later" in locked_known.content.decode()


def test_admin_login_is_throttled_too(client, administrator, password):
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    for i in range(LIMIT):
        _post(client, ADMIN_LOGIN, administrator.username, f"wrong-{i}")

    response = _post(client, ADMIN_LOGIN, administrator.username, password)

    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    assert not _logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_failures_on_the_admin_login_lock_the_product_login(client, administrator, password):
    for i in range(LIMIT):
        _post(client, ADMIN_LOGIN, administrator.username, f"wrong-{i}")

    assert _post(client, LOGIN, administrator.username, password).status_code == 429
    assert not _logged_in(client)


def test_right_password_works_again_after_the_cool_off(client, focal_point_kenya, password):
    cool_off = settings.AXES_COOLOFF_TIME
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for i in range(LIMIT):
            _post(client, LOGIN, focal_point_kenya.username, f"wrong-{i}")

        # Still locked just before the end; and that attempt starts the wait again.
        clock.shift(cool_off - datetime.timedelta(minutes=1))
        assert _post(client, LOGIN, focal_point_kenya.username, password).status_code == 429
        clock.shift(cool_off - datetime.timedelta(minutes=1))
        assert _post(client, LOGIN, focal_point_kenya.username, password).status_code == 429

        clock.shift(cool_off + datetime.timedelta(minutes=1))
        response = _post(client, LOGIN, focal_point_kenya.username, password)

        # Inside the travel: the session expires two weeks after this past date.
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")
        assert _logged_in(client)


def test_administrator_sees_the_lockout_and_can_lift_it(
    client, administrator, focal_point_kenya, password
):
    for i in range(LIMIT):
        _post(client, LOGIN, focal_point_kenya.username, f"wrong-{i}", ip="10.0.2.1")
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    admin_client = Client()
    admin_client.force_login(administrator)

    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))

    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert focal_point_kenya.username in page
    assert "10.0.2.1" in page
    assert "Locked Out" in page
    attempt = AccessAttempt.objects.get(username=focal_point_kenya.username)
    deleted = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()
    response = _post(client, LOGIN, focal_point_kenya.username, password, ip="10.0.2.1")
    assert response["Location"] == reverse("dashboard")
    assert _logged_in(client)


def test_other_roles_do_not_see_lockouts(client, auditor):
    auditor.is_staff = True
    auditor.save(update_fields=["is_staff"])
    client.force_login(auditor)

    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403

"""The cast: one user per role, scoped the way the design describes.

Kenya is covered by the East Africa regional office and sits in the desk
officer's portfolio; Peru by the South America regional office and another
desk officer. Every fixture grants scope through tcp.scoping, the one
service that does it in the product.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group

from tcp import scoping
from tcp.history import install_write_guard
from tcp.models import Country, FieldPresence, User
from tcp.roles import Role
from tests.factories import PASSWORD, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.worker"]


@pytest.fixture
def password() -> str:
    return PASSWORD


def make_user(username: str, role: Role | None) -> User:
    user = UserFactory(username=username)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def kenya(db) -> Country:
    return Country.objects.get(iso3="KEN")


@pytest.fixture
def peru(db) -> Country:
    return Country.objects.get(iso3="PER")


@pytest.fixture
def east_africa(db) -> FieldPresence:
    return FieldPresence.objects.get(code="east-africa-regional-office")


@pytest.fixture
def south_america(db) -> FieldPresence:
    return FieldPresence.objects.get(code="south-america-regional-office")


@pytest.fixture
def administrator(db) -> User:
    return make_user("admin", Role.ADMINISTRATOR)


@pytest.fixture
def focal_point_kenya(kenya, administrator) -> User:
    user = make_user("fp-kenya", Role.FOCAL_POINT)
    scoping.assign_focal_point(user=user, country=kenya, by=administrator)
    return user


@pytest.fixture
def focal_point_peru(peru, administrator) -> User:
    user = make_user("fp-peru", Role.FOCAL_POINT)
    scoping.assign_focal_point(user=user, country=peru, by=administrator)
    return user


@pytest.fixture
def field_officer_east_africa(east_africa, administrator) -> User:
    user = make_user("fo-east-africa", Role.FIELD_OFFICER)
    scoping.add_presence_officer(user=user, presence=east_africa, by=administrator)
    return user


@pytest.fixture
def field_officer_south_america(south_america, administrator) -> User:
    user = make_user("fo-south-america", Role.FIELD_OFFICER)
    scoping.add_presence_officer(user=user, presence=south_america, by=administrator)
    return user


@pytest.fixture
def desk_officer(kenya, administrator) -> User:
    """Desk officer whose portfolio is Kenya."""
    user = make_user("do-kenya", Role.DESK_OFFICER)
    scoping.set_desk_officer(country=kenya, user=user, by=administrator)
    return user


@pytest.fixture
def desk_officer_peru(peru, administrator) -> User:
    user = make_user("do-peru", Role.DESK_OFFICER)
    scoping.set_desk_officer(country=peru, user=user, by=administrator)
    return user


@pytest.fixture
def approver(db) -> User:
    return make_user("approver", Role.PROGRAMME_APPROVER)


@pytest.fixture
def auditor(db) -> User:
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def outsider(db) -> User:
    """Logged in, but with no role and no scope."""
    return make_user("outsider", None)


@pytest.fixture
def cast(
    focal_point_kenya,
    focal_point_peru,
    field_officer_east_africa,
    field_officer_south_america,
    desk_officer,
    desk_officer_peru,
    approver,
    auditor,
    administrator,
    outsider,
) -> dict[str, User]:
    return {
        "focal_point_kenya": focal_point_kenya,
        "focal_point_peru": focal_point_peru,
        "field_officer_east_africa": field_officer_east_africa,
        "field_officer_south_america": field_officer_south_america,
        "desk_officer": desk_officer,
        "desk_officer_peru": desk_officer_peru,
        "approver": approver,
        "auditor": auditor,
        "administrator": administrator,
        "outsider": outsider,
    }


# Plain QuerySet.update()/bulk_create()/bulk_update() on a model with history
# write no history record: every test run refuses them (tcp/history.py), so a
# product path that uses one fails its tests. A test's own data set-up (a call
# written in a test file) is let through; test_history_writes checks the guard.
_TESTS = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _test_set_up(filename: str) -> bool:
    return filename.startswith(_TESTS) and not filename.endswith("test_history_writes.py")


install_write_guard(exempt=_test_set_up)


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request activates its reader's language for the rest of the thread (as
    Django's LocaleMiddleware does); the next test starts in the default one."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)

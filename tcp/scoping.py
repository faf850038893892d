"""Where each person works, and the one service that changes it.

Scope lives on the scope objects only (guardian grants on `Country` and
`FieldPresence`): a focal point's State (`act_for_country`), a desk
officer's portfolio (`manage_country`), a field presence's officers
(`work_in_presence`, the presence covering countries). Reassigning a country
or a portfolio moves a handful of rows here and nothing on the records under
it, so what people see changes at once and no stale grant survives.

Model-wide (global) permissions never widen scope: every lookup passes
``accept_global_perms=False``. The single deliberate exception is the
``tcp.see_all_countries`` permission of the approver, auditor and
administrator roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import CharField, Model, Q, QuerySet, Value
from guardian.ctypes import get_content_type
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from tcp import access_log
from tcp.history import acting_as
from tcp.models import (
    Country,
    CountryGroupObjectPermission,
    CountryUserObjectPermission,
    FieldPresence,
    FieldPresenceGroupObjectPermission,
    FieldPresenceUserObjectPermission,
)

ACT_FOR_COUNTRY = "tcp.act_for_country"
MANAGE_COUNTRY = "tcp.manage_country"
WORK_IN_PRESENCE = "tcp.work_in_presence"
SEE_ALL_COUNTRIES = "tcp.see_all_countries"
GRANT, REVOKE = access_log.Kind.GRANT, access_log.Kind.REVOKE


@dataclass(frozen=True)
class Scope:
    """The countries a user works on, split by the side they work for.

    ``ohchr`` countries show everything in them, internal material included;
    ``government`` countries show only what OHCHR shared with that State.
    """

    all_countries: bool
    ohchr: frozenset[int]
    government: frozenset[int]

    @property
    def is_empty(self) -> bool:
        return not (self.all_countries or self.ohchr or self.government)

    def covers(self, country_id: int) -> bool:
        return self.all_countries or country_id in self.ohchr or country_id in self.government

    def is_ohchr_for(self, country_id: int) -> bool:
        return self.all_countries or country_id in self.ohchr


NO_SCOPE = Scope(all_countries=False, ohchr=frozenset(), government=frozenset())


# Bumped by every change the scoping service makes, so a scope cached on a
# user object (for the rest of a request or a task) is never read after a grant
# or revocation in this process. Other processes cache only per request.
_generation = 0


def _bump() -> None:
    global _generation
    _generation += 1


def per_request(user: Any, key: str, compute: Any) -> Any:
    """``compute()``, cached on the user object for the rest of the request (or task)
    and forgotten whenever the scoping service changes a grant."""
    cache = user.__dict__.setdefault("_tcp_scope_cache", {})
    hit = cache.get(key)
    if hit is not None and hit[0] == _generation:
        return hit[1]
    value = compute()
    cache[key] = (_generation, value)
    return value


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per request (or task) and cached on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    return per_request(user, "scope", lambda: _compute_scope(user))


def _compute_scope(user: Any) -> Scope:
    if user.is_superuser or user.has_perm(SEE_ALL_COUNTRIES):
        return Scope(all_countries=True, ohchr=frozenset(), government=frozenset())
    # One query: the user's own and their groups' grants on countries, and the
    # countries of the presences they work in, read from the permission tables.
    codes = ("act_for_country", "manage_country")
    work = "work_in_presence"
    in_presences = Q(
        fieldpresence_id__in=FieldPresenceUserObjectPermission.objects.filter(
            user=user, permission__codename=work
        ).values("content_object_id")
    ) | Q(
        fieldpresence_id__in=FieldPresenceGroupObjectPermission.objects.filter(
            group__user=user, permission__codename=work
        ).values("content_object_id")
    )
    rows = (
        CountryUserObjectPermission.objects.filter(user=user, permission__codename__in=codes)
        .values_list("content_object_id", "permission__codename")
        .union(
            CountryGroupObjectPermission.objects.filter(
                group__user=user, permission__codename__in=codes
            ).values_list("content_object_id", "permission__codename"),
            FieldPresence.countries.through.objects.filter(in_presences)
            .annotate(code=Value(work, output_field=CharField()))
            .values_list("country_id", "code"),
            all=True,
        )
    )
    ohchr, government = set(), set()
    for country_id, code in rows:
        (government if code == "act_for_country" else ohchr).add(country_id)
    return Scope(all_countries=False, ohchr=frozenset(ohchr), government=frozenset(government))


def exception_ids(user: Any, model: type[Model], perm: str) -> frozenset[int]:
    """Ids of the ``model`` records ``user`` holds the single-record grant ``perm`` on.

    Read from the direct permission tables, user's and groups', once per
    request: selectors filter by these ids, never by a subquery that joins
    the records' own table.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    codename = perm.split(".")[-1]

    def compute() -> frozenset[int]:
        user_model = get_user_obj_perms_model(model)
        group_model = get_group_obj_perms_model(model)
        ids = (
            user_model.objects.filter(user=user, permission__codename=codename)
            .values_list("content_object_id", flat=True)
            .union(
                group_model.objects.filter(
                    group__user=user, permission__codename=codename
                ).values_list("content_object_id", flat=True)
            )
        )
        return frozenset(ids)

    return per_request(user, f"exception:{model._meta.label_lower}:{codename}", compute)


def people_working_on(country_ids: list[int]) -> QuerySet:
    """Active users whose scope covers any of ``country_ids`` (for notifications)."""
    presences = FieldPresence.objects.filter(countries__in=country_ids).values("pk")
    see_all = Permission.objects.filter(
        content_type__app_label="tcp", codename="see_all_countries"
    ).values("pk")
    condition = (
        Q(
            pk__in=CountryUserObjectPermission.objects.filter(
                content_object__in=country_ids
            ).values("user")
        )
        | Q(
            pk__in=FieldPresenceUserObjectPermission.objects.filter(
                content_object__in=presences
            ).values("user")
        )
        | Q(
            groups__in=CountryGroupObjectPermission.objects.filter(
                content_object__in=country_ids
            ).values("group")
        )
        | Q(
            groups__in=FieldPresenceGroupObjectPermission.objects.filter(
                content_object__in=presences
            ).values("group")
        )
        | Q(groups__permissions__in=see_all)
        | Q(user_permissions__in=see_all)
        | Q(is_superuser=True)
    )
    return get_user_model().objects.filter(condition, is_active=True).distinct()


# --- the service: every grant and revocation of scope goes through here ---


@contextmanager
def _changing_scope(by: Any) -> Iterator[None]:
    """One change of scope: atomic, recorded as ``by``, and no cached scope outlives it
    (nor one computed inside a transaction that is then rolled back)."""
    with transaction.atomic(), acting_as(by):
        yield
        _bump()
        transaction.on_commit(_bump)


def _holds(user: Any, perm: str, obj: Model) -> bool:
    """Does ``user`` hold ``perm`` on ``obj`` directly (not through a group)?"""
    model = get_user_obj_perms_model(obj)
    rows = model.objects.filter(user=user, permission__codename=perm.split(".")[-1])
    if model.objects.is_generic():
        return rows.filter(content_type=get_content_type(obj), object_pk=str(obj.pk)).exists()
    return rows.filter(content_object=obj).exists()


def _grant(perm: str, user: Any, obj: Model, *, by: Any, what: str, reference: str) -> None:
    """Grant ``perm`` and log it, unless ``user`` held it already (nothing changed)."""
    if not _holds(user, perm, obj):
        assign_perm(perm, user, obj)
        access_log.record(GRANT, user=by, subject_user=user, what=what, reference=reference)


def _revoke(perm: str, user: Any, obj: Model, *, by: Any, what: str, reference: str) -> None:
    """Take ``perm`` away and log it, if ``user`` held it."""
    removed = remove_perm(perm, user, obj)
    if removed and removed[0]:
        access_log.record(REVOKE, user=by, subject_user=user, what=what, reference=reference)


# The access log's texts are kept in English, the stored names (``.name``) with
# them: not the names as the acting administrator's language shows them.


def _coverage(presence: FieldPresence, country: Country, kind: str, by: Any) -> None:
    # A presence covering a country gives its officers that country: no one person's grant.
    what = f"{presence.name}: covers {country.name}"
    access_log.record(kind, user=by, what=what, reference=country.iso3)


def assign_focal_point(*, user: Any, country: Country, by: Any) -> None:
    with _changing_scope(by):
        what = f"{country.name}: government focal point"
        _grant(ACT_FOR_COUNTRY, user, country, by=by, what=what, reference=country.iso3)


def remove_focal_point(*, user: Any, country: Country, by: Any) -> None:
    with _changing_scope(by):
        what = f"{country.name}: government focal point"
        _revoke(ACT_FOR_COUNTRY, user, country, by=by, what=what, reference=country.iso3)


def set_desk_officer(*, country: Country, user: Any | None, by: Any) -> None:
    """Give the country's portfolio to ``user`` (or to nobody), taking it from whoever had it."""
    what = f"{country.name}: desk officer (portfolio)"
    with _changing_scope(by):
        holders = get_users_with_perms(
            country, only_with_perms_in=["manage_country"], with_group_users=False
        )
        for holder in holders:
            if holder != user:
                _revoke(MANAGE_COUNTRY, holder, country, by=by, what=what, reference=country.iso3)
        if user is not None:
            _grant(MANAGE_COUNTRY, user, country, by=by, what=what, reference=country.iso3)


def add_presence_officer(*, user: Any, presence: FieldPresence, by: Any) -> None:
    with _changing_scope(by):
        what = f"{presence.name}: field presence officer"
        _grant(WORK_IN_PRESENCE, user, presence, by=by, what=what, reference=presence.code)


def remove_presence_officer(*, user: Any, presence: FieldPresence, by: Any) -> None:
    with _changing_scope(by):
        what = f"{presence.name}: field presence officer"
        _revoke(WORK_IN_PRESENCE, user, presence, by=by, what=what, reference=presence.code)


def move_country(
    *, country: Country, to_presence: FieldPresence, from_presence: FieldPresence | None, by: Any
) -> None:
    """Hand a country from one presence to another (or add a covering presence)."""
    with _changing_scope(by):
        if from_presence is not None and from_presence.countries.filter(pk=country.pk).exists():
            from_presence.countries.remove(country)
            _coverage(from_presence, country, REVOKE, by)
        if not to_presence.countries.filter(pk=country.pk).exists():
            to_presence.countries.add(country)
            _coverage(to_presence, country, GRANT, by)


def _exception_what(perm: str, obj: Model) -> tuple[str, str]:
    reference = str(getattr(obj, "reference", "") or "")
    return f"{reference or obj}: {perm} (this record only)", reference


def grant_exception(*, user: Any, perm: str, obj: Model, by: Any) -> None:
    """A grant on a single record, for exceptions only (a roster expert, a second ministry)."""
    what, reference = _exception_what(perm, obj)
    with _changing_scope(by):
        _grant(perm, user, obj, by=by, what=what, reference=reference)


def revoke_exception(*, user: Any, perm: str, obj: Model, by: Any) -> None:
    what, reference = _exception_what(perm, obj)
    with _changing_scope(by):
        _revoke(perm, user, obj, by=by, what=what, reference=reference)


def set_roles(*, user: Any, roles: Any, by: Any) -> None:
    """Give ``user`` exactly the groups ``roles`` (role groups, or groups holding scope grants).

    A role carries model permissions, ``tcp.see_all_countries`` among them, and
    a group may hold grants on a presence or a country, so changing someone's
    groups changes their scope: it goes through here like every other grant.
    The access log records each group given or taken (``access_log.groups_changed``
    on ``User.groups``, wherever the change is made), so this adds no line itself.
    """
    with _changing_scope(by):
        user.groups.set(list(roles))
        # ModelBackend caches permissions on the user object; drop them with the scope.
        for cached in ("_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(cached, None)


def set_presence_countries(*, presence: FieldPresence, countries: Any, by: Any) -> None:
    """Make ``presence`` cover exactly ``countries`` (any iterable of them); its officers'
    scope follows."""
    countries = list(countries)
    with _changing_scope(by):
        before = set(presence.countries.all())
        presence.countries.set(countries)
        for country in sorted(before - set(countries), key=str):
            _coverage(presence, country, REVOKE, by)
        for country in sorted(set(countries) - before, key=str):
            _coverage(presence, country, GRANT, by)

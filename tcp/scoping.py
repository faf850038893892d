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

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, get_users_with_perms, remove_perm

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


def _granted(user: Any, perm: str, klass: type[Model]) -> Any:
    return get_objects_for_user(
        user, perm, klass=klass, accept_global_perms=False, with_superuser=False
    )


def scope_for(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser or user.has_perm(SEE_ALL_COUNTRIES):
        return Scope(all_countries=True, ohchr=frozenset(), government=frozenset())
    portfolio = _granted(user, MANAGE_COUNTRY, Country).values("pk")
    presences = _granted(user, WORK_IN_PRESENCE, FieldPresence).values("pk")
    ohchr = Country.objects.filter(pk__in=portfolio) | Country.objects.filter(
        field_presences__in=presences
    )
    government = _granted(user, ACT_FOR_COUNTRY, Country)
    return Scope(
        all_countries=False,
        ohchr=frozenset(ohchr.values_list("pk", flat=True)),
        government=frozenset(government.values_list("pk", flat=True)),
    )


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


def assign_focal_point(*, user: Any, country: Country, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        assign_perm(ACT_FOR_COUNTRY, user, country)


def remove_focal_point(*, user: Any, country: Country, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        remove_perm(ACT_FOR_COUNTRY, user, country)


def set_desk_officer(*, country: Country, user: Any | None, by: Any) -> None:
    """Give the country's portfolio to ``user`` (or to nobody), taking it from whoever had it."""
    with transaction.atomic(), acting_as(by):
        holders = get_users_with_perms(
            country, only_with_perms_in=["manage_country"], with_group_users=False
        )
        for holder in holders:
            if holder != user:
                remove_perm(MANAGE_COUNTRY, holder, country)
        if user is not None:
            assign_perm(MANAGE_COUNTRY, user, country)


def add_presence_officer(*, user: Any, presence: FieldPresence, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        assign_perm(WORK_IN_PRESENCE, user, presence)


def remove_presence_officer(*, user: Any, presence: FieldPresence, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        remove_perm(WORK_IN_PRESENCE, user, presence)


def move_country(
    *, country: Country, to_presence: FieldPresence, from_presence: FieldPresence | None, by: Any
) -> None:
    """Hand a country from one presence to another (or add a covering presence)."""
    with transaction.atomic(), acting_as(by):
        if from_presence is not None:
            from_presence.countries.remove(country)
        to_presence.countries.add(country)


def grant_exception(*, user: Any, perm: str, obj: Model, by: Any) -> None:
    """A grant on a single record, for exceptions only (a roster expert, a second ministry)."""
    with transaction.atomic(), acting_as(by):
        assign_perm(perm, user, obj)


def revoke_exception(*, user: Any, perm: str, obj: Model, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        remove_perm(perm, user, obj)

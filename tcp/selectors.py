"""Building blocks for the one selector per model that every read goes through.

An app's selector says which field leads to the country (or countries) of
its records and what a government may see of them; this module turns the
user's scope into a single indexed ``country_id IN (...)`` filter, plus the
records the user holds an exception grant on.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from tcp.models import Country
from tcp.scoping import Scope, scope_for


def scoped(
    queryset: QuerySet,
    user: Any,
    *,
    country_path: str,
    shared_with_government: Q | None = None,
    ohchr_visible: Q | None = None,
    exception_perm: str | None = None,
    scope: Scope | None = None,
) -> QuerySet:
    """Filter ``queryset`` to what ``user`` may see.

    ``country_path`` leads from the model to ``Country`` (``"country"``,
    ``"programme__countries"``). Through a to-many path the match becomes a
    subquery on primary keys, so a record covering several countries of the
    user's scope still appears once. ``shared_with_government`` is what a
    focal point sees of the records of their State; ``None`` means nothing.
    ``ohchr_visible`` narrows what OHCHR staff see (a State's drafts are its own).
    """
    scope = scope if scope is not None else scope_for(user)
    ohchr_visible = ohchr_visible if ohchr_visible is not None else Q()
    if scope.all_countries:
        return queryset.filter(ohchr_visible)
    condition = Q(pk__in=[])
    if scope.ohchr:
        condition |= _in_countries(queryset.model, country_path, scope.ohchr) & ohchr_visible
    if scope.government and shared_with_government is not None:
        condition |= _in_countries(queryset.model, country_path, scope.government) & (
            shared_with_government
        )
    if exception_perm and user.is_authenticated:
        granted = get_objects_for_user(
            user, exception_perm, klass=queryset.model, accept_global_perms=False
        )
        condition |= Q(pk__in=granted.values("pk"))
    return queryset.filter(condition)


def _in_countries(model: type[Model], country_path: str, ids: frozenset[int]) -> Q:
    lookup = f"{country_path}__in"
    if _is_to_many(model, country_path):
        return Q(pk__in=model._default_manager.filter(**{lookup: sorted(ids)}).values("pk"))
    return Q(**{lookup: sorted(ids)})


def _is_to_many(model: type[Model], path: str) -> bool:
    opts = model._meta
    for name in path.split("__"):
        field = opts.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


def visible_countries(user: Any) -> QuerySet[Country]:
    scope = scope_for(user)
    if scope.all_countries:
        return Country.objects.all()
    return Country.objects.filter(pk__in=sorted(scope.ohchr | scope.government))

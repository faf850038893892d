"""Building blocks for the one selector per model that every read goes through.

An app's selector says which field leads to the country (or countries) of
its records and what a government may see of them; this module turns the
user's scope into literal id filters: ``country_id IN (1, 2, 3)`` for a
record that belongs to one country, a subquery on the many-to-many table
(never on the records' own table) for one that covers several, and
``id IN (…)`` for the records the user holds an exception grant on. Each
part is an index scan whatever the size of the table; the scope and the
grants are read once per request (``tcp.scoping``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from tcp.models import Country
from tcp.scoping import Scope, exception_ids, per_request, scope_for


def scoped(
    queryset: QuerySet,
    user: Any,
    *,
    country_path: str,
    shared_with_government: Q | None = None,
    government_path: str | None = None,
    ohchr_visible: Q | None = None,
    exception_perm: str | None = None,
    exception_path: str = "pk",
    scope: Scope | None = None,
) -> QuerySet:
    """Filter ``queryset`` to what ``user`` may see.

    ``country_path`` leads from the model to ``Country`` (``"country"``,
    ``"programme__countries"``): OHCHR staff see the records of their
    countries, narrowed by ``ohchr_visible`` (a State's drafts are its own).
    ``government_path`` leads to the States a record is *shared with*
    (defaults to ``country_path``): a focal point sees a record when it is
    shared with their own State and ``shared_with_government`` holds; ``None``
    means a government sees none. ``exception_perm`` adds the records the
    user was invited to one by one; ``exception_path`` leads to the record that
    holds the grant when it is a parent (a programme's reviewer reads its
    components).
    """
    scope = scope if scope is not None else scope_for(user)
    ohchr_visible = ohchr_visible if ohchr_visible is not None else Q()
    if scope.all_countries:
        return queryset.filter(ohchr_visible)
    model = queryset.model
    condition = Q(pk__in=[])
    if scope.ohchr:
        condition |= in_countries(model, country_path, scope.ohchr) & ohchr_visible
    if scope.government and shared_with_government is not None:
        path = government_path or country_path
        condition |= in_countries(model, path, scope.government) & shared_with_government
    if exception_perm:
        holder = _model_at(model, exception_path)
        invited = exception_ids(user, holder, exception_perm)
        if invited:
            condition |= Q(**{f"{exception_path}__in": sorted(invited)})
            bound = _country_bound(user, model, country_path, exception_path, invited, scope)
            if bound is not None:
                condition = bound & condition
    return queryset.filter(condition)


def _country_bound(
    user: Any,
    model: type[Model],
    country_path: str,
    exception_path: str,
    invited: frozenset[int],
    scope: Scope,
) -> Q | None:
    """A condition every visible row meets anyway: its country is in the user's scope
    or is the country of a record they were invited to.

    Logically redundant, it is there for the planner: ``country_id IN (…) AND
    (country_id IN (…) OR id IN (…))`` is an index-only scan on
    (country, id), where the bare ``… OR id IN (…)`` is a bitmap over the heap
    (a focal point's list at a million requests: 170 ms instead of 10).
    Only for records that belong to one country directly.
    """
    if exception_path != "pk" or _to_many_step(model, country_path)[1] is not None:
        return None

    def invited_countries() -> frozenset[int]:
        rows = model._default_manager.filter(pk__in=sorted(invited))
        return frozenset(rows.values_list(country_path, flat=True))

    key = f"invited-countries:{model._meta.label_lower}:{','.join(map(str, sorted(invited)))}"
    countries = per_request(user, key, invited_countries)
    return Q(**{f"{country_path}__in": sorted(scope.ohchr | scope.government | countries)})


def _model_at(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__"):
        if name == "pk":
            continue
        model = model._meta.get_field(name).related_model
    return model


def in_countries(model: type[Model], country_path: str, ids: frozenset[int] | set[int]) -> Q:
    """``country_path`` leads to one of ``ids``, as a filter that uses an index.

    Through a to-many step (``programme__countries``) the match is a subquery
    on that many-to-many table (``programme_id IN (SELECT programme_id FROM
    programme_countries WHERE country_id IN (…))``), so a record covering
    several countries of the scope still appears once, and the records' own
    table is never scanned for it.
    """
    prefix, through, owner, target = _to_many_step(model, country_path)
    if through is None:
        return Q(**{f"{country_path}__in": sorted(ids)})
    owners = through.objects.filter(**{f"{target}__in": sorted(ids)}).values(owner)
    return Q(**{f"{prefix}__in" if prefix else "pk__in": owners})


def _to_many_step(model: type[Model], path: str) -> tuple[str, Any, str, str]:
    """(path before the many-to-many, its through model, owner column, country column)."""
    opts = model._meta
    names = path.split("__")
    for i, name in enumerate(names):
        field = opts.get_field(name)
        if field.many_to_many:
            if i != len(names) - 1 or field.related_model is not Country or field.auto_created:
                raise ValueError(f"{model.__name__}.{path}: a to-many step must end at Country")
            return (
                "__".join(names[:i]),
                field.remote_field.through,
                field.m2m_field_name(),
                field.m2m_reverse_field_name(),
            )
        if field.one_to_many:
            raise ValueError(f"{model.__name__}.{path}: reverse foreign keys are not scope paths")
        opts = field.related_model._meta
    return path, None, "", ""


def visible_countries(user: Any) -> QuerySet[Country]:
    scope = scope_for(user)
    if scope.all_countries:
        return Country.objects.all()
    return Country.objects.filter(pk__in=sorted(scope.ohchr | scope.government))

"""Who reads a record: the one answer to "internal material or shared material, and
shared with which States".

Every record belongs to one country (a request, an assessment) or covers
several (a regional or global programme, its evaluations). OHCHR staff whose
scope covers one of them, and people invited to the record itself, read its
internal material. A government reads only what OHCHR shared, and on a
record that covers several States only what was shared with its own State.
Selectors, views, templates, exports, PDFs and notifications ask here rather
than re-deriving the rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from tcp.documents import Visibility
from tcp.scoping import scope_for


@dataclass(frozen=True)
class Audience:
    """One person facing one record.

    ``internal``: OHCHR staff of a covered country, or invited to this record.
    ``states``: for a government, the record's States the person acts for
    (empty for OHCHR, and for a person who may not see the record at all).
    """

    internal: bool
    states: frozenset[int]

    @property
    def government(self) -> bool:
        return not self.internal and bool(self.states)

    def reads(self, visibility: str, shared_with: Iterable[int] | None = None) -> bool:
        """Whether this person reads one item of the record's material.

        ``shared_with``: the States a shared item names on a record covering
        several; ``None`` for a single-country record, where shared means
        shared with its one State.
        """
        if self.internal:
            return True
        if visibility != Visibility.SHARED or not self.states:
            return False
        return shared_with is None or bool(self.states & set(shared_with))

    def material(
        self,
        queryset: QuerySet,
        *,
        visibility: str | None = "visibility",
        shared_with: str | None = None,
        shared: Q | None = None,
    ) -> QuerySet:
        """``queryset`` (a record's documents, notes, actions…) narrowed to what this
        person reads: everything when internal; otherwise items whose ``visibility``
        is shared, that name one of the person's States through ``shared_with``
        (a path to Country), and that satisfy ``shared`` (e.g. the parent is shared)."""
        if self.internal:
            return queryset
        if not self.states:
            return queryset.none()
        condition = Q(**{visibility: Visibility.SHARED}) if visibility else Q()
        if shared_with:
            condition &= Q(**{f"{shared_with}__in": sorted(self.states)})
        if shared is not None:
            condition &= shared
        return queryset.filter(condition)


NOBODY = Audience(internal=False, states=frozenset())


def audience_of(
    user: Any, country_ids: Iterable[int], *, team: bool = False, guest_of: Iterable[int] = ()
) -> Audience:
    """The audience ``user`` belongs to on a record of ``country_ids``.

    Exception grants on the record itself say which side an invited person
    is on: ``team`` for someone who works on it with OHCHR (a roster expert
    on one mission), ``guest_of`` the States on whose behalf someone was
    invited to it (a second ministry on one request).
    """
    ids = frozenset(country_ids)
    scope = scope_for(user)
    if team or scope.all_countries or scope.ohchr & ids:
        return Audience(internal=True, states=frozenset())
    return Audience(internal=False, states=(scope.government | frozenset(guest_of)) & ids)

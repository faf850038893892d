from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from programmes.models import Component, Programme, ProgrammeAcceptance
from tcp.audience import Audience, audience_of
from tcp.selectors import scoped

# What a government sees of a programme: the programme document once approved,
# when every covered State is asked to accept it.
SHARED_STATUSES = [
    Programme.Status.APPROVED,
    Programme.Status.ACCEPTED,
    Programme.Status.IN_IMPLEMENTATION,
    Programme.Status.SUSPENDED,
    Programme.Status.COMPLETED,
    Programme.Status.CLOSED,
]


def visible_programmes(user: Any) -> QuerySet[Programme]:
    return scoped(
        Programme.objects.all(),
        user,
        country_path="countries",
        shared_with_government=Q(status__in=SHARED_STATUSES),
    )


def programme_in_scope(programme: Programme, user: Any) -> bool:
    return visible_programmes(user).filter(pk=programme.pk).exists()


def audience(programme: Programme, user: Any) -> Audience:
    """OHCHR staff of any covered country read the programme's internal material;
    a government reads what is shared with its own State."""
    return audience_of(user, country_ids(programme))


def country_ids(programme: Programme) -> list[int]:
    """The covered countries' ids, from a prefetch when there is one."""
    cache = getattr(programme, "_prefetched_objects_cache", {})
    if "countries" in cache:
        return [c.pk for c in cache["countries"]]
    return list(programme.countries.values_list("pk", flat=True))


def visible_components(user: Any) -> QuerySet[Component]:
    """Components are part of the programme document: shared as the programme is."""
    return scoped(
        Component.objects.select_related("programme", "thematic_area"),
        user,
        country_path="programme__countries",
        shared_with_government=Q(programme__status__in=SHARED_STATUSES),
    )


# The functions below take a programme that came through visible_programmes.


def visible_acceptances(programme: Programme, user: Any) -> QuerySet[ProgrammeAcceptance]:
    """Which States accepted: OHCHR sees all; a government, its own State's."""
    return audience(programme, user).material(
        programme.acceptances.select_related("country", "accepted_by"),
        visibility=None,
        shared_with="country",
    )

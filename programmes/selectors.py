from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from programmes.models import Component, Programme
from tcp.selectors import scoped

# What a government sees of a programme: the programme document once approved.
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


def visible_components(user: Any) -> QuerySet[Component]:
    return Component.objects.filter(programme__in=visible_programmes(user)).select_related(
        "programme", "thematic_area"
    )

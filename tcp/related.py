"""Links from a record to the records of other stages that follow from it.

An earlier stage never imports a later one, yet a request's page shows the
assessment and programme it led to. Each later app registers, when ready, a
provider for the earlier model it follows from; the provider reaches its
records through the reverse relation *and its own selector*, so a page
links only to what the user may open, never by a foreign-key hop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class RelatedLink:
    label: str  # what kind of record: "Needs assessment"
    text: str  # which one: its reference and title
    url: str
    status: str = ""
    status_value: str = ""


Provider = Callable[[Any, Any], list[RelatedLink]]

_providers: dict[str, list[Provider]] = {}


def register(model: type[Model] | str, provider: Provider) -> None:
    label = model if isinstance(model, str) else model._meta.label_lower
    providers = _providers.setdefault(label.lower(), [])
    if provider not in providers:
        providers.append(provider)


def related_links(obj: Model, user: Any) -> list[RelatedLink]:
    """What the later stages registered for ``obj``, as ``user`` may open it."""
    links: list[RelatedLink] = []
    for provider in _providers.get(obj._meta.label_lower, ()):
        links.extend(provider(obj, user))
    return links

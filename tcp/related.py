"""Where a record sits in the cycle: the stage before it, the record, the stage after.

request ─► needs assessment ─► programme ─► evaluation ─► follow-up action ─► (new request)

An earlier stage never imports a later one, yet a request's page shows the
assessment and programme it led to. Each later app registers, when ready, a
provider for the earlier model it follows from; the provider reaches its
records through the reverse relation *and its own selector*, so a page
links only to what the user may open, never by a foreign-key hop. The
record's own app adds the stages before it (it may import them), and
``cycle`` puts the two together for the strip every record page shows
(``templates/includes/cycle.html``).

Besides links, a provider may offer the next step itself to whoever the
service would let take it ("Plan the needs assessment"), or, when the reader
may not take it, say in a short sentence who does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RelatedLink:
    label: str  # what kind of record: "Needs assessment"
    text: str  # which one: its reference and title (or the step: "Plan the needs assessment")
    url: str = ""
    status: str = ""
    status_value: str = ""
    # The link is a step to take (a form to fill), shown as a button; ``post``:
    # a button that posts to ``url`` at once (it starts a draft, nothing is lost).
    step: bool = False
    post: bool = False
    # A short sentence: who takes the next step, or when it comes. Alone
    # (no ``url``) it stands for a record the reader cannot open or that does
    # not exist yet; with a step it explains what the step does.
    note: str = ""
    # The record comes *before* this one in the cycle (the follow-up action a
    # request answers), although a later stage registered it.
    previous: bool = False

    @property
    def is_record(self) -> bool:
        return bool(self.url) and not self.step


def link_to(label: str, record: Any, text: str = "", *, previous: bool = False) -> RelatedLink:
    """A link to ``record``, which came through its own selector: its reference and
    title unless ``text`` says otherwise, and its status."""
    return RelatedLink(
        label=label,
        text=text or f"{record.reference} {record.title}",
        url=record.get_absolute_url(),
        status=record.get_status_display(),
        status_value=record.status,
        previous=previous,
    )


def note(label: str, text: str, *, previous: bool = False) -> RelatedLink:
    """A stage with no link to follow: who takes it, or when it comes."""
    return RelatedLink(label=label, text="", note=text, previous=previous)


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


# The stages of the cycle, in order: (key, label).
STAGES = (
    ("request", _("Request")),
    ("assessment", _("Needs assessment")),
    ("programme", _("Programme")),
    ("evaluation", _("Evaluation")),
    ("follow_up", _("Follow-up action")),
)
_NUMBER = {key: number for number, (key, _label) in enumerate(STAGES, start=1)}
_LABEL = dict(STAGES)


@dataclass(frozen=True)
class Cycle:
    """What the strip shows: the stage before, this record, the stage after."""

    stage: str
    previous: list[RelatedLink] = field(default_factory=list)
    next: list[RelatedLink] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(_LABEL[self.stage])

    @property
    def number(self) -> int:
        return _NUMBER[self.stage]

    @property
    def total(self) -> int:
        return len(STAGES)


def cycle(obj: Model, user: Any, *, stage: str, previous: list[RelatedLink]) -> Cycle:
    """The strip of ``obj``: ``previous`` from its own app (the stages it follows
    from, each through its selector), the rest from the later stages' providers."""
    later = related_links(obj, user)
    return Cycle(
        stage=stage,
        previous=[*previous, *(link for link in later if link.previous)],
        next=[link for link in later if not link.previous],
    )

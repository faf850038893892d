"""Domain events and who listens to them.

``tcp.lifecycle`` publishes every transition (topic ``"transition"``), and
services publish other facts later stages react to (``"programme.dates"``:
a programme's dates were changed by an amendment), inside the transaction
that made them; subscribers (notifications, an app's follow-on work such as
scheduling evaluations) register when the apps are ready. The publisher
knows nothing of its listeners, so an earlier stage reaches later ones
without importing them, and the core has no import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TRANSITION = "transition"
PROGRAMME_DATES = "programme.dates"

Subscriber = Callable[..., None]

_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(subscriber: Subscriber, topic: str = TRANSITION) -> None:
    """Call ``subscriber`` for every event of ``topic``.

    A ``"transition"`` subscriber receives (event, the record as it is after
    the transition, the transition); others receive the keyword arguments
    their publisher documents.
    """
    listeners = _subscribers.setdefault(topic, [])
    if subscriber not in listeners:
        listeners.append(subscriber)


def publish(*args: Any, topic: str = TRANSITION, **kwargs: Any) -> None:
    """Tell every subscriber, in the transaction: what they write commits with the change."""
    for subscriber in _subscribers.get(topic, ()):
        subscriber(*args, **kwargs)

"""Lifecycle events and who listens to them.

``tcp.lifecycle`` publishes every transition here, inside the transaction
that made it; subscribers (notifications, an app's own follow-on work) are
registered when the apps are ready. The lifecycle knows nothing of its
listeners, so the core has no import circle between the lifecycle, the
tasks and the notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (event, the record as it is after the transition, the transition)
Subscriber = Callable[[Any, Any, Any], None]

_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def publish(event: Any, obj: Any, transition: Any) -> None:
    """Tell every subscriber, in the transaction: what they write commits with the change."""
    for subscriber in _subscribers:
        subscriber(event, obj, transition)

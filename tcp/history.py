"""Who did it: the acting user for every history record.

Web requests and the admin are covered by simple-history's middleware. A
Celery task or a management command has no request, so it names its actor
with ``acting_as(user)``; every history record written inside the block
carries that user. An explicit actor wins over the request's user, so a
service called from a view with ``by=`` records the same person either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from simple_history.models import HistoricalRecords

_acting_user: ContextVar[Any] = ContextVar("tcp_acting_user", default=None)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_actor() -> Any:
    return _acting_user.get()


def _get_history_user(instance: Any, request: Any = None, **kwargs: Any) -> Any:
    actor = _acting_user.get()
    if actor is not None:
        return actor
    if request is not None:
        return request.user
    return None


def history(**kwargs: Any) -> HistoricalRecords:
    """HistoricalRecords that find the actor through ``acting_as`` or the request."""
    kwargs.setdefault("get_user", _get_history_user)
    return HistoricalRecords(**kwargs)

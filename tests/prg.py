"""Post/Redirect/Get, checked on every request the test suite makes.

A POST that changed a record must answer with a redirect: a page rendered
straight from it is posted again when the person refreshes it (a second
draft, a second message). The settings of the tests put this middleware
first; a POST that kept a history row (every record of the product has
history) and answered a page fails the test, naming the URL. A write rolled
back with its refusal does not count: the marker is an on-commit callback,
which Django drops with the savepoint it was registered in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from simple_history.signals import post_create_historical_record

_state = threading.local()


class _Written:
    """An on-commit marker for one history row written during the request."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.committed = False

    def __call__(self) -> None:
        self.committed = True


@receiver(post_create_historical_record)
def _history_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    markers = getattr(_state, "markers", None)
    if markers is None:
        return
    marker = _Written(instance._meta.label)
    markers.append(marker)
    transaction.on_commit(marker)


def _kept(marker: _Written) -> bool:
    if marker.committed:
        return True
    # Inside a test's transaction: still waiting for the commit, unless rolled back.
    pending = connections["default"].run_on_commit
    return any(func is marker for _sids, func, *_rest in pending)


class PostRedirectGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        _state.markers = []
        try:
            response = self.get_response(request)
            kept = sorted({m.label for m in _state.markers if _kept(m)})
        finally:
            _state.markers = None
        if kept and 200 <= response.status_code < 300:
            raise AssertionError(
                f"POST {request.path} changed records ({', '.join(kept)}) "
                f"and answered {response.status_code} instead of a redirect"
            )
        return response

"""The access log: who logged in, failed to, was locked out or logged out, whose
scope or roles changed, and who downloaded what, from which address.

``record`` writes one ``AccessEvent``; nothing updates or deletes one (no
view, API or admin action does). The receivers below are connected in
``TcpConfig.ready``; the scoping service records grants and revocations
itself (it is the one place that makes them), and every view that serves a
file calls ``record`` with ``Kind.DOWNLOAD``.

The address is the client's as django-axes sees it (``AXES_CLIENT_IP_CALLABLE``,
so ``TCP_TRUSTED_PROXY_COUNT`` applies): the lockouts and the log name the same
address. Without a request at hand (a service called from the admin), the
request simple-history's middleware holds is used. The text of a line (``what``)
is written once, in English, and never translated afterwards.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

from tcp.history import current_actor
from tcp.models import AccessEvent

Kind = AccessEvent.Kind


def current_request() -> Any:
    """The request being answered in this thread, if any (simple-history's middleware)."""
    return getattr(HistoricalRecords.context, "request", None)


def client_address(request: Any) -> str | None:
    """The client's address as django-axes reads it; None when it is not an address."""
    if request is None or not hasattr(request, "META"):
        return None
    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def current_user() -> Any:
    """Who is acting: ``acting_as``'s user, else the request's authenticated user."""
    actor = current_actor()
    if actor is not None:
        return actor
    request = current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(
    kind: str,
    *,
    user: Any = None,
    username: str = "",
    subject_user: Any = None,
    what: str = "",
    reference: str = "",
    request: Any = None,
) -> AccessEvent:
    """Append one line to the access log (in the caller's transaction, so a grant
    rolled back leaves no line)."""
    if request is None:
        request = current_request()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None  # AnonymousUser
    if user is not None and not username:
        username = user.get_username()
    return AccessEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:150],
        subject_user=subject_user,
        what=(what or "")[:300],
        reference=(reference or "")[:60],
        address=client_address(request),
    )


def download(request: Any, what: str, reference: str = "") -> AccessEvent:
    """A file served to ``request.user``."""
    return record(Kind.DOWNLOAD, user=request.user, what=what, reference=reference, request=request)


# --- receivers (connected in TcpConfig.ready) ---


def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Kind.LOGIN, user=user, request=request)


def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request)


def _account(username: str) -> Any:
    """The account of a typed username, or None when there is none."""
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    """The username typed is kept even when no account has it (someone guessing)."""
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    record(Kind.LOGIN_FAILED, user=_account(username), username=username, request=request)


def locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    """django-axes refused a login (the attempt that reached the limit, and each one
    made during the lockout)."""
    username = username or ""
    record(Kind.LOCKOUT, user=_account(username), username=username, request=request)


def groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """A user given or taken a role group, from either side of ``User.groups``.

    ``clear()`` names no groups, so the ones there are read before it runs.
    """
    if action == "pre_clear":
        instance._tcp_cleared = list(
            model._default_manager.filter(**_members_of(instance, reverse))
        )
        return
    if action == "post_clear":
        related = instance.__dict__.pop("_tcp_cleared", [])
        kind = Kind.ROLE_REMOVED
    elif action in ("post_add", "post_remove") and pk_set:
        related = list(model._default_manager.filter(pk__in=pk_set))
        kind = Kind.ROLE_ADDED if action == "post_add" else Kind.ROLE_REMOVED
    else:
        return
    actor = current_user()
    for other in related:
        user, group = (other, instance) if reverse else (instance, other)
        record(kind, user=actor, subject_user=user, what=group.name)


def _members_of(instance: Any, reverse: bool) -> dict[str, Any]:
    # Forward: the groups of a user; reverse: the users of a group.
    return {"groups": instance} if reverse else {"user": instance}

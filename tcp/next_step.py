"""Who takes a record's next step, said on its page when the reader cannot take it.

Derived from the lifecycle table, never written per page: the steps a record
in its state waits on (``Transition.is_awaited``), and for each the roles that
hold its permission (``tcp.roles.ROLE_PERMISSIONS``), narrowed where the
lifecycle names a responsible party (``Lifecycle.takers``). A reader who may
take one of those steps sees its button instead. A government reads only that
OHCHR takes the next step, never which of OHCHR's internal steps or roles.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcp.audience import audience_of
from tcp.lifecycle import Lifecycle, Transition, lifecycle_for
from tcp.roles import ROLE_PERMISSIONS, Role

# One whole sentence per role (or pair of roles) a step waits on, so that no
# translation has to agree a role's name with a verb glued to it.
_WAITING = {
    frozenset({Role.DESK_OFFICER}): gettext_lazy("Waiting for the desk officer: %(steps)s."),
    frozenset({Role.PROGRAMME_APPROVER}): gettext_lazy(
        "Waiting for a programme approver: %(steps)s."
    ),
    frozenset({Role.FIELD_OFFICER}): gettext_lazy("Waiting for the field presence: %(steps)s."),
    frozenset({Role.FOCAL_POINT}): gettext_lazy("Waiting for the government: %(steps)s."),
    frozenset({Role.DESK_OFFICER, Role.FIELD_OFFICER}): gettext_lazy(
        "Waiting for the desk officer or the field presence: %(steps)s."
    ),
}


@functools.cache
def roles_holding(permission: str) -> frozenset[Role]:
    """The roles whose members hold ``permission`` (the table ``sync_roles`` applies)."""
    return frozenset(role for role, codes in ROLE_PERMISSIONS.items() if permission in codes)


def takers(obj: Any, lifecycle: Lifecycle, t: Transition) -> frozenset[Role]:
    """The roles expected to take ``t`` on ``obj``."""
    named = lifecycle.takers(obj, t) if lifecycle.takers is not None else None
    if named is not None:
        return frozenset(Role(role) for role in named)
    return roles_holding(t.permission)


def awaited_steps(obj: Any, lifecycle: Lifecycle) -> list[Transition]:
    """The steps ``obj`` waits on in its current state (its decision's "no" included)."""
    status = getattr(obj, lifecycle.status_field)
    return [t for t in lifecycle.transitions if status in t.sources and t.is_awaited]


def either(labels: Iterable[Any]) -> str:
    """“A”, or “A” or “B”: the steps a sentence names, each quoted."""
    # Translators: a step's name (a button's label) quoted in a sentence.
    quoted = [_("“%(step)s”") % {"step": label} for label in labels]
    text = quoted[0] if quoted else ""
    for label in quoted[1:]:
        # Translators: two steps of which one is taken, e.g. “Accept” or “Decline”.
        text = _("%(first)s or %(second)s") % {"first": text, "second": label}
    return text


def waiting_on(obj: Any, user: Any, lifecycle: Lifecycle | None = None) -> list[str]:
    """The sentences saying who takes ``obj``'s next step, for ``user``: none when
    the record waits on nothing, or on a step ``user`` may take themselves."""
    lifecycle = lifecycle or lifecycle_for(type(obj))
    steps = awaited_steps(obj, lifecycle)
    if not steps or any(lifecycle.may_take(obj, t, user) for t in steps):
        return []
    by_roles: dict[frozenset[Role], list[Transition]] = {}
    for t in steps:
        roles = takers(obj, lifecycle, t)
        if roles:
            by_roles.setdefault(roles, []).append(t)
    if audience_of(user, lifecycle.countries_of(obj)).government:
        return _for_government(by_roles)
    sentences = []
    for roles, group in by_roles.items():
        steps_text = either(t.label for t in group)
        if roles in _WAITING:
            sentences.append(str(_WAITING[roles]) % {"steps": steps_text})
            continue
        # A combination no sentence is written for: one sentence per role.
        sentences += [
            str(_WAITING[frozenset({role})]) % {"steps": steps_text}
            for role in sorted(roles)
            if frozenset({role}) in _WAITING
        ]
    # What those steps still need (a screening before a decision), so that the
    # reader who provides it knows the record waits on them first.
    missing = list(
        dict.fromkeys(str(m) for t in steps for check in t.preconditions for m in check(obj))
    )
    if sentences and missing:
        sentences.append(_("It still needs: %(missing)s.") % {"missing": "; ".join(missing)})
    return sentences


def _for_government(by_roles: dict[frozenset[Role], list[Transition]]) -> list[str]:
    """A government reads the steps its own State takes, and that OHCHR takes the others."""
    sentences = []
    ohchr = False
    for roles, group in by_roles.items():
        if Role.FOCAL_POINT in roles:
            steps_text = either(t.label for t in group)
            sentences.append(str(_WAITING[frozenset({Role.FOCAL_POINT})]) % {"steps": steps_text})
        else:
            ohchr = True
    if ohchr:
        sentences.append(_("Waiting for OHCHR."))
    return sentences

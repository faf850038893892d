"""Lifecycles as explicit transition tables.

Each app declares a ``Lifecycle`` for a model: its transitions (action,
from which states, to which state, the model permission it takes, the
preconditions). The same table answers "which actions may this user take on
this object now" (for the buttons a page shows and the actions the API
lists) and performs a transition: check, lock, write, record the event,
notify after commit. Views never assign ``status``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcp import events
from tcp.history import acting_as
from tcp.models import StatusChange


class TransitionRefused(Exception):
    """A transition that may not happen, with what a person can do about it."""

    def __init__(self, message: str, *, missing: Iterable[str] = ()) -> None:
        self.missing = [str(item) for item in missing]
        if self.missing:
            message = _("%(refusal)s Missing: %(missing)s.") % {
                "refusal": message,
                "missing": "; ".join(self.missing),
            }
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)


Precondition = Callable[[Any], list[str]]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str
    # Each returns what is still missing before the transition may happen.
    preconditions: tuple[Precondition, ...] = ()
    note_required: bool = False
    note_label: str = gettext_lazy("Note")
    # Asks for a note only in some cases: returns what the note must explain
    # (marking a programme completed while activities are still open), or None.
    note_required_if: Callable[[Any], str | None] | None = None
    # The record's own field that keeps the note (a decline reason the government reads).
    note_field: str | None = None
    # The button is styled as destructive (decline, cancel, withdraw).
    dangerous: bool = False
    # No way back: the step is taken only once confirmed on a page of its own
    # (``tcp.views.transition`` answers a first POST with that page), so a slip
    # of the finger, with or without JavaScript, changes nothing.
    irreversible: bool = False
    # What else happens, for that confirmation page (applied to the programme…).
    consequence: str = ""
    # The government hears of it even when it has nothing to do next (decisions).
    inform_government: bool = False
    # The note is meant for the government too (a question, a decline reason).
    note_shared: bool = False
    # Fields of the record set to the time of the transition (submitted_at…).
    stamps: tuple[str, ...] = ()
    # Taken by a service when its preconditions are met (the last State's
    # acceptance), never offered as a button.
    automatic: bool = False
    # Whether a government reads this step in its timelines (the record's page, its
    # history, PDFs). Unset: the steps it is told of (``inform_government``) or whose
    # note is meant for it (``note_shared``). Set it for a government's own steps
    # and for milestones it shares (submitting, implementation starting); OHCHR's
    # own handling (starting the screening, reviews, validation) stays internal.
    shared: bool | None = None
    # Whether a record in a source state waits on this step, so that its page says
    # who takes it. Unset: every step but the destructive ones (withdraw, cancel)
    # and the automatic ones; set it for a decision's "no" (decline, reject) and
    # for a step taken through a form of its own (a government's acceptance).
    awaited: bool | None = None

    @property
    def shared_with_government(self) -> bool:
        if self.shared is not None:
            return self.shared
        return self.inform_government or self.note_shared

    @property
    def is_awaited(self) -> bool:
        if self.awaited is not None:
            return self.awaited
        return not (self.dangerous or self.automatic)


@dataclass
class Lifecycle:
    model: type[models.Model]
    transitions: list[Transition]
    in_scope: Callable[[Any, Any], bool]
    # The ids of the countries a record belongs to (who to notify).
    countries_of: Callable[[Any], list[int]]
    status_field: str = "status"
    # Whether a permission granted on a single record counts (see refusal).
    record_grants: bool = False
    # Who is expected to take a step on a record, when it is narrower than every
    # role holding the step's permission (a follow-up action's responsible party):
    # the role names (``tcp.roles.Role``), or None for every role holding it.
    takers: Callable[[Any, Transition], Iterable[str] | None] | None = None
    _by_action: dict[str, Transition] = field(init=False)

    def __post_init__(self) -> None:
        self._by_action = {t.action: t for t in self.transitions}
        states = {value for value, _label in self.model._meta.get_field(self.status_field).choices}
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - states
            if unknown:
                raise ValueError(f"{self.model.__name__}.{t.action}: unknown states {unknown}")
            if t.shared is False and (t.inform_government or t.note_shared):
                # The government would be told of a step its timeline hides.
                raise ValueError(f"{self.model.__name__}.{t.action}: told to the government")
        _REGISTRY[self.model._meta.label_lower] = self

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise TransitionRefused(_("Unknown action “%s”.") % action) from None

    def refusal(self, obj: Any, action: str, user: Any) -> TransitionRefused | None:
        """Why ``user`` may not take ``action`` on ``obj`` now, or None if they may."""
        t = self.transition(action)
        status = getattr(obj, self.status_field)
        if status not in t.sources:
            return TransitionRefused(
                _("“%(action)s” is not possible while the %(model)s is %(status)s.")
                % {
                    "action": t.label,
                    "model": self.model._meta.verbose_name,
                    "status": obj.get_status_display(),
                }
            )
        if not self.may_take(obj, t, user):
            return TransitionRefused(
                _("“%(action)s” needs the permission “%(perm)s” for this country.")
                % {"action": t.label, "perm": _permission_name(t.permission)}
            )
        missing = [item for check in t.preconditions for item in check(obj)]
        if missing:
            return TransitionRefused(_("“%s” cannot be done yet.") % t.label, missing=missing)
        return None

    def may_take(self, obj: Any, t: Transition, user: Any) -> bool:
        """Whether ``t`` is ``user``'s to take on ``obj`` (permission and scope), whatever
        its state and preconditions: the step is theirs, even if not possible now."""
        # The role's permission, or where the lifecycle allows it, a grant on this
        # one record (an evaluator invited from the roster).
        allowed = user.has_perm(t.permission) or (
            self.record_grants and user.has_perm(t.permission, obj)
        )
        return allowed and self.in_scope(obj, user)

    def note_needed(self, obj: Any, t: Transition) -> str | None:
        """What the note of ``t`` must say on ``obj`` now, or None if none is required."""
        if t.note_required:
            return str(t.note_label)
        if t.note_required_if is not None:
            return t.note_required_if(obj)
        return None

    def available(self, obj: Any, user: Any) -> list[Transition]:
        """The transitions that would succeed for ``user`` now (buttons to show)."""
        status = getattr(obj, self.status_field)
        return [
            t
            for t in self.transitions
            if status in t.sources and not t.automatic and self.refusal(obj, t.action, user) is None
        ]

    def apply(
        self,
        obj: Any,
        action: str,
        *,
        by: Any,
        note: str = "",
        changes: dict[str, Any] | None = None,
    ) -> StatusChange:
        """Perform ``action``: lock the row, re-check, write, record, notify after commit."""
        t = self.transition(action)
        note = note.strip()
        with transaction.atomic(), acting_as(by):
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            refusal = self.refusal(locked, action, by)
            needed = self.note_needed(locked, t)
            if refusal is None and needed and not note:
                refusal = TransitionRefused(
                    _("“%s” cannot be done yet.") % t.label, missing=[needed]
                )
            if refusal is not None:
                raise refusal
            before = getattr(locked, self.status_field)
            now = timezone.now()
            fields = {self.status_field: t.target, **{name: now for name in t.stamps}}
            fields.update(changes or {})
            if t.note_field:
                fields[t.note_field] = note
            for name, value in fields.items():
                setattr(locked, name, value)
                setattr(obj, name, value)
            locked._change_reason = f"{t.action}: {before} → {t.target}"
            # The change log shows this save once, as the step with its note.
            locked._tcp_transition = (t.action, before, t.target, note, self.status_field)
            locked.save(update_fields=[*fields, *_auto_now_fields(locked)])
            event = StatusChange.objects.create(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                action=t.action,
                from_status=before,
                to_status=t.target,
                note=note,
                by=by,
            )
            events.publish(event, locked, t)
        return event


_REGISTRY: dict[str, Lifecycle] = {}


def lifecycle_for(model: type[models.Model]) -> Lifecycle:
    return _REGISTRY[model._meta.label_lower]


@contextmanager
def editing(
    obj: models.Model, *, by: Any, refusal: Callable[[Any], str | None] | None = None
) -> Iterator[Any]:
    """A write that is not a transition (editing a draft, a finding, a budget line).

    Locks ``obj``, the record the write belongs to, re-checks ``refusal`` on
    the locked row (its state as committed by anyone before us), and records
    what is written inside as ``by``. Like a transition, so nobody edits a
    record that was submitted, validated or shared a moment before: the
    transition holds the same lock until it commits.
    """
    with transaction.atomic(), acting_as(by):
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        reason = refusal(locked) if refusal is not None else None
        if reason:
            raise TransitionRefused(reason)
        yield locked


def _auto_now_fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]


def _permission_name(perm: str) -> str:
    # Stored in English (Meta.permissions, marked there): translated when shown.
    name = _stored_permission_name(perm)
    return _(name) if name else perm


@functools.lru_cache(maxsize=256)
def _stored_permission_name(perm: str) -> str:
    # Permission names are fixed by the code (Meta.permissions): one lookup per process.
    app_label, codename = perm.split(".")
    found = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).values_list("name", flat=True)
    return found.first() or ""


def status_changes(obj: models.Model) -> models.QuerySet[StatusChange]:
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("by")


def status_since(queryset: models.QuerySet, fallback: str = "created_at") -> models.QuerySet:
    """``queryset`` with ``waiting_since``: when each record entered its current
    status (its latest transition into it), or, for a record still in the status
    it was created in, ``fallback`` (its creation).

    One subquery per row on the status-change index (content type, object,
    at), in the rows' own query: meant for the few rows a page shows, not
    for counting or sorting a whole table.
    """
    model = queryset.model
    entered = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=models.OuterRef("pk"),
        to_status=models.OuterRef(lifecycle_for(model).status_field),
    ).order_by("-at", "-id")
    return queryset.annotate(
        waiting_since=Coalesce(
            models.Subquery(entered.values("at")[:1], output_field=models.DateTimeField()),
            models.F(fallback),
        )
    )

"""The evaluations a programme's dates call for, kept in step with the programme.

When a programme is approved, a periodic evaluation falls due every
``TCP_EVALUATION_INTERVAL_MONTHS`` from its start date, for as long as that
is before its end date, each covering the interval before it; a
post-implementation evaluation falls due ``TCP_POST_EVALUATION_DELAY_MONTHS``
after the end, covering the whole programme. An amendment that moves the
dates reschedules the evaluations that have not started (adds, moves, drops);
a cancelled programme drops every evaluation not started. Started ones are
never touched: what is being evaluated stays as it was planned.

These react to the programme's own changes (``tcp.events``), inside the
transaction that made them, as the person who made them.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from evaluations.services import LIFECYCLE, new_evaluation
from programmes.models import Programme
from tcp import events
from tcp.history import current_actor
from tcp.lifecycle import editing
from tcp.models import StatusChange

S = Evaluation.Status
K = Evaluation.Kind
POST_SEQUENCE = 0


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Slot:
    """One evaluation the programme's dates call for."""

    kind: str
    sequence: int
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date


def planned_slots(start: datetime.date | None, end: datetime.date | None) -> list[Slot]:
    """The evaluations a programme running from ``start`` to ``end`` calls for.

    Each periodic due date is counted from the start date itself (not from the
    previous due date), so a month-end start does not drift: 31 August, then
    28 or 29 February, then 31 August again.
    """
    if start is None or end is None:
        return []
    interval = settings.TCP_EVALUATION_INTERVAL_MONTHS
    slots = []
    n = 1
    while (due := add_months(start, n * interval)) < end:
        begins = add_months(start, (n - 1) * interval)
        slots.append(Slot(K.PERIODIC, n, begins, due - datetime.timedelta(days=1), due))
        n += 1
    post = add_months(end, settings.TCP_POST_EVALUATION_DELAY_MONTHS)
    slots.append(Slot(K.POST_IMPLEMENTATION, POST_SEQUENCE, start, end, post))
    return slots


def reschedule(programme: Programme, *, by: Any) -> list[Evaluation]:
    """Bring the scheduled evaluations in step with the programme's dates: add the
    missing ones, move those not started, drop those no longer called for.

    Evaluations added by hand are left alone, and so is every evaluation
    already started. Returns the evaluations added or moved.
    """
    with editing(programme, by=by) as locked:
        slots = planned_slots(locked.start_date, locked.end_date)
        wanted = {(slot.kind, slot.sequence): slot for slot in slots}
        existing = {
            (e.kind, e.sequence): e
            for e in locked.evaluations.filter(sequence__isnull=False).exclude(status=S.DROPPED)
        }
        changed = []
        for key, slot in wanted.items():
            evaluation = existing.get(key)
            if evaluation is None:
                changed.append(
                    new_evaluation(
                        locked,
                        kind=slot.kind,
                        due_date=slot.due_date,
                        sequence=slot.sequence,
                        period_start=slot.period_start,
                        period_end=slot.period_end,
                    )
                )
            elif evaluation.status == S.SCHEDULED and _move(evaluation, slot, locked):
                changed.append(evaluation)
        note = _("Not needed any more: the programme now runs from %(start)s to %(end)s.") % {
            "start": locked.start_date,
            "end": locked.end_date,
        }
        for key, evaluation in existing.items():
            if key not in wanted and evaluation.status == S.SCHEDULED:
                LIFECYCLE.apply(evaluation, "drop", by=by, note=note)
    return changed


def _move(evaluation: Evaluation, slot: Slot, programme: Programme) -> bool:
    dates = {
        "due_date": slot.due_date,
        "period_start": slot.period_start,
        "period_end": slot.period_end,
    }
    if all(getattr(evaluation, name) == value for name, value in dates.items()):
        return False
    for name, value in dates.items():
        setattr(evaluation, name, value)
    evaluation._change_reason = _("Rescheduled: the programme's dates moved")
    evaluation.full_clean()
    evaluation.save(update_fields=[*dates, "updated_at"])
    return True


def drop_not_started(programme: Programme, *, by: Any, reason: str) -> list[Evaluation]:
    """Drop every evaluation of the programme that has not started, saying why."""
    dropped = list(programme.evaluations.filter(status=S.SCHEDULED))
    for evaluation in dropped:
        LIFECYCLE.apply(evaluation, "drop", by=by, note=reason)
    return dropped


# --- reacting to the programme ---


def on_transition(event: StatusChange, record: Any, transition: Any) -> None:
    """A programme approved is scheduled; a programme cancelled drops what has not started."""
    if not isinstance(record, Programme):
        return
    if transition.action == "approve":
        reschedule(record, by=event.by)
    elif transition.action == "cancel":
        reason = _("The programme was cancelled.")
        if event.note:
            reason = f"{reason} {event.note}"
        drop_not_started(record, by=event.by, reason=reason)


def on_programme_dates(*, programme: Programme, **kwargs: Any) -> None:
    """An approved amendment moved the programme's dates (published in its transaction,
    as its approver)."""
    reschedule(programme, by=current_actor())


def subscribe() -> None:
    events.subscribe(on_transition, events.TRANSITION)
    events.subscribe(on_programme_dates, events.PROGRAMME_DATES)

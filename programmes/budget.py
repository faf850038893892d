"""The programme's money: budget lines (part of the programme document: drafting
only, then by amendment) and expenditure against them, with the approver's
decision on spending past a line.

Money is ``Decimal`` in US dollars; what is left on a line is summed by the
database when read, under the line's lock when spending.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from programmes.models import BudgetLine, Expenditure, Programme
from programmes.selectors import country_ids, line_balance, programme_in_scope
from programmes.services import REPORT, RUNNING, drafting_lock, drafting_refusal, ohchr_for
from tcp.l10n import money
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing

S = Programme.Status
X = Expenditure.Status
ALLOW = "programmes.allow_overspending"


# --- budget (the document: drafting only) and expenditure ---


def budget_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not add, change or remove budget lines now, or None: the
    budget is part of the programme document (drafting only, then by amendment)."""
    return drafting_refusal(programme=programme, user=user)


def _check_component(programme_id: int, fields: dict[str, Any]) -> None:
    component = fields.get("component")
    if component is not None and component.programme_id != programme_id:
        raise TransitionRefused(_("That component belongs to another programme."))


def add_budget_line(*, programme: Programme, by: Any, **fields: Any) -> BudgetLine:
    _check_component(programme.pk, fields)
    with drafting_lock(programme, by) as locked:
        line = BudgetLine(programme=locked, **fields)
        line.full_clean()
        line.save()
    return line


def update_budget_line(*, line: BudgetLine, by: Any, **fields: Any) -> BudgetLine:
    _check_component(line.programme_id, fields)
    with drafting_lock(line.programme, by):
        for name, value in fields.items():
            setattr(line, name, value)
        line.full_clean()
        line.save()
    return line


def delete_budget_line(*, line: BudgetLine, by: Any) -> None:
    with drafting_lock(line.programme, by):
        if line.expenditures.exists():
            raise TransitionRefused(_("A line with expenditure stays."))
        line.delete()


def expenditure_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not record expenditure on the programme now, or None.

    OHCHR staff of its countries who record progress (the field presence, the
    desk officer) record spending, and so does a programme approver, who may
    also spend past a line by giving the reason; while the programme runs and
    is not suspended.
    """
    spender = user.has_perm(REPORT) or user.has_perm(ALLOW)
    if not spender or not programme_in_scope(programme, user) or not ohchr_for(programme, user):
        return _(
            "The field presence, the desk officer or a programme approver of the programme "
            "records expenditure."
        )
    if programme.status not in RUNNING:
        return _("Expenditure is recorded while the programme runs; it is %s.") % (
            programme.get_status_display()
        )
    if programme.status == S.SUSPENDED:
        return _("Nothing is spent on a suspended programme.")
    return None


def allows_overspending(*, programme: Programme, user: Any) -> bool:
    """Whether ``user`` decides on spending past a line of the programme: a programme
    approver whose scope covers it. Their own spending past a line is recorded at
    once when they give the reason (``record_expenditure(overspend_reason=…)``)."""
    return user.has_perm(ALLOW) and ohchr_for(programme, user)


def overspending_note_accepted(*, programme: Programme, user: Any) -> bool:
    """Whether the expenditure form asks ``user`` for the reason to spend past a line."""
    return (
        allows_overspending(programme=programme, user=user)
        and expenditure_refusal(programme=programme, user=user) is None
    )


def record_expenditure(
    *,
    line: BudgetLine,
    by: Any,
    date: datetime.date,
    amount: Decimal,
    description: str,
    overspend_reason: str = "",
) -> Expenditure:
    """Money spent against a budget line.

    Within what is left on the line it is recorded. Past it, it is kept as
    awaiting a programme approver, who allows or refuses it; an approver who
    records it themselves allows it at once by giving the reason.
    """
    check = expenditure_refusal
    with editing(line.programme, by=by, refusal=lambda p: check(programme=p, user=by)) as programme:
        # The line's row too: two spendings at once see each other's amounts.
        locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
        balance = line_balance(locked)
        if date > timezone.now().date():
            raise ValidationError(
                {"date": _("Expenditure is recorded once spent: not in the future.")}
            )
        entry = Expenditure(
            budget_line=locked,
            date=date,
            amount=amount,
            description=description.strip(),
            recorded_by=by,
        )
        if amount > balance:
            if allows_overspending(programme=programme, user=by) and overspend_reason.strip():
                entry.decision_note = overspend_reason.strip()
            else:
                entry.status = X.AWAITING_APPROVAL
        entry.full_clean()
        entry.save()
    return entry


def overspend_message(entry: Expenditure) -> str | None:
    """What to tell whoever recorded ``entry`` when it waits for an approver."""
    if entry.status != X.AWAITING_APPROVAL:
        return None
    return _(
        "%(amount)s is more than is left on “%(line)s”: it waits for a programme approver "
        "to allow it, and does not count as spent until then."
    ) % {"amount": money(entry.amount), "line": entry.budget_line}


def _expenditure_in_scope(entry: Expenditure, user: Any) -> bool:
    # OHCHR staff of a covered country always see the programme, so ``ohchr_for``
    # alone answers, with no query when the programme's countries are prefetched:
    # a page of entries awaiting a decision costs the same whatever its length.
    return ohchr_for(entry.budget_line.programme, user)


EXPENDITURE_LIFECYCLE = Lifecycle(
    model=Expenditure,
    in_scope=_expenditure_in_scope,
    countries_of=lambda e: country_ids(e.budget_line.programme),
    transitions=[
        Transition(
            "allow",
            _l("Allow the overspending"),
            (X.AWAITING_APPROVAL,),
            X.RECORDED,
            ALLOW,
            note_required=True,
            note_label=_l("why spending past the line is allowed"),
            note_field="decision_note",
            irreversible=True,
        ),
        Transition(
            "refuse",
            _l("Refuse"),
            (X.AWAITING_APPROVAL,),
            X.REFUSED,
            ALLOW,
            note_required=True,
            note_label=_l("why it is refused"),
            note_field="decision_note",
            dangerous=True,
            awaited=True,
            irreversible=True,
        ),
    ],
)


def perform_expenditure(entry: Expenditure, action: str, *, by: Any, note: str = ""):
    return EXPENDITURE_LIFECYCLE.apply(entry, action, by=by, note=note)

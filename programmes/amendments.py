"""Amendments: the one way an approved programme changes.

An amendment is typed (no-cost extension, budget revision, change of scope,
correction), justified, and approved by a programme approver. It holds its
proposal as a *difference* against the programme as it stood (``changes``:
for each field changed, the value before and the value proposed), never as a
copy of the programme. Approval applies the difference to the programme's
own rows, in one transaction, refusing if any of them changed in between;
each row's history records the change under the amendment's reference, and
the amendment page reads before and after back from that history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from programmes.models import Amendment, BudgetLine, Component, Indicator, Programme
from programmes.selectors import country_ids, programme_in_scope
from programmes.services import DRAFT, ohchr_for
from tcp import events
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import FundingSource, ThematicArea

S = Programme.Status
M = Amendment.Status
K = Amendment.Kind
APPROVE = "programmes.approve_amendment"
AMENDABLE = (S.APPROVED, S.ACCEPTED, S.IN_IMPLEMENTATION, S.SUSPENDED)

# What an amendment may change, per kind of row, and how each value is read.
PROGRAMME_FIELDS = {
    "title": str,
    "objective": str,
    "start_date": datetime.date.fromisoformat,
    "end_date": datetime.date.fromisoformat,
    "cooperation_framework_outcome": str,
    "gender_marker": int,
    "gender_marker_justification": str,
    "human_rights_marker": int,
    "human_rights_marker_justification": str,
}
COMPONENT_FIELDS = {"title": str, "objective": str, "outputs": str}
INDICATOR_FIELDS = {"name": str, "unit": str, "baseline": Decimal, "target": Decimal}
LINE_FIELDS = {"description": str, "amount": Decimal}
ROWS = {
    "programme": (Programme, PROGRAMME_FIELDS),
    "components": (Component, COMPONENT_FIELDS),
    "indicators": (Indicator, INDICATOR_FIELDS),
    "budget_lines": (BudgetLine, LINE_FIELDS),
}


def _text(value: Any) -> str | None:
    """A value as the amendment stores it (JSON): ISO dates, decimals as text."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _read(kind: Any, value: Any) -> Any:
    if value in (None, ""):
        return None if kind is not str else ""
    try:
        return kind(value)
    except (ValueError, InvalidOperation, TypeError):
        raise TransitionRefused(_("“%s” is not a value this field takes.") % value) from None


# --- who may do what ---


def amendment_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not propose an amendment to the programme now, or None."""
    if not user.has_perm(DRAFT) or not programme_in_scope(programme, user):
        return _("The desk officer of the programme proposes amendments.")
    if not ohchr_for(programme, user):
        return _("The desk officer of the programme proposes amendments.")
    if programme.status not in AMENDABLE:
        if programme.status in (S.DRAFTING, S.UNDER_REVIEW):
            return _("A programme in drafting is edited directly; amendments follow approval.")
        return _("The programme is %s: it is no longer amended.") % programme.get_status_display()
    return None


def _editable(amendment: Amendment, user: Any) -> str | None:
    refusal = amendment_refusal(programme=amendment.programme, user=user)
    if refusal is None and amendment.status != M.DRAFT:
        return _("The amendment is %s: it is no longer edited.") % amendment.get_status_display()
    return refusal


def edit_refusal(*, amendment: Amendment, user: Any) -> str | None:
    """Why ``user`` may not change the proposal now, or None: a draft, by the desk
    officer of the programme, while the programme may still be amended."""
    return _editable(amendment, user)


# --- the proposal, as a difference ---


def difference(programme: Programme, proposal: dict[str, Any]) -> dict[str, Any]:
    """The changes ``proposal`` makes to ``programme``: [before, after] for each field
    that differs, plus the rows to add. ``proposal`` has the shape of ``changes``
    with new values only."""
    changes: dict[str, Any] = {}
    for key, (model, fields) in ROWS.items():
        wanted = proposal.get(key) or {}
        if key == "programme":
            wanted = {"": wanted}
        rows = _rows_of(programme, model, [k for k in wanted if k])
        diff: dict[str, Any] = {}
        for pk, values in wanted.items():
            row = programme if key == "programme" else rows.get(str(pk))
            if row is None:
                raise TransitionRefused(_("That part belongs to another programme."))
            for name, new in (values or {}).items():
                if name not in fields:
                    raise TransitionRefused(_("An amendment does not change “%s”.") % name)
                before, after = _text(getattr(row, name)), _text(_read(fields[name], new))
                if before != after:
                    diff.setdefault(str(pk), {})[name] = [before, after]
        if diff:
            changes[key] = diff[""] if key == "programme" else diff
    for key in ("new_components", "new_budget_lines"):
        if proposal.get(key):
            changes[key] = [_new_row(programme, key, row) for row in proposal[key]]
    return changes


def _rows_of(programme: Programme, model: type, pks: list[str]) -> dict[str, Any]:
    if model is Programme or not pks:
        return {}
    path = {
        Component: "programme",
        Indicator: "component__programme",
        BudgetLine: "programme",
    }[model]
    found = model.objects.filter(pk__in=[int(p) for p in pks], **{path: programme})
    return {str(row.pk): row for row in found}


def _new_row(programme: Programme, key: str, row: dict[str, Any]) -> dict[str, Any]:
    if key == "new_components":
        area = ThematicArea.objects.filter(pk=row.get("thematic_area")).first()
        if area is None or not (row.get("title") or "").strip():
            raise TransitionRefused(_("A new component needs a thematic area and a title."))
        return {
            "thematic_area": area.pk,
            "title": row["title"].strip(),
            "objective": (row.get("objective") or "").strip(),
            "outputs": (row.get("outputs") or "").strip(),
        }
    source = FundingSource.objects.filter(pk=row.get("funding_source")).first()
    component = row.get("component")
    if component and not programme.components.filter(pk=component).exists():
        raise TransitionRefused(_("That component belongs to another programme."))
    amount = _read(Decimal, row.get("amount"))
    if source is None or amount is None or amount < 0 or not (row.get("description") or "").strip():
        raise TransitionRefused(
            _("A new budget line needs a funding source, a description and an amount.")
        )
    return {
        "component": int(component) if component else None,
        "funding_source": source.pk,
        "description": row["description"].strip(),
        "amount": _text(amount.quantize(Decimal("0.01"))),
    }


def _invalid_rows(programme: Programme, changes: dict[str, Any]) -> list[str]:
    """What would be wrong with the programme's rows once ``changes`` applied (an end
    before the start, a marker out of range…), found when proposing rather than
    when the approver applies it."""
    problems: list[str] = []
    for key, (model, fields) in ROWS.items():
        entries = changes.get(key) or {}
        if key == "programme":
            entries = {str(programme.pk): entries} if entries else {}
        rows = {str(r.pk): r for r in model.objects.filter(pk__in=[int(k) for k in entries])}
        for pk, values in entries.items():
            row = rows.get(pk)
            if row is None:
                continue
            for name, (_before, after) in values.items():
                setattr(row, name, _read(fields[name], after))
            problems += _clean_problems(row, values)
    return problems


def _unchanged_fields(row: Any, changed: Any) -> list[str]:
    """The row's fields an amendment leaves alone: validated when they were written;
    checking them again would refuse an amendment for a field it does not touch."""
    return [f.name for f in row._meta.concrete_fields if f.name not in changed]


def _clean_problems(row: Any, changed: Any) -> list[str]:
    dated = isinstance(row, Programme) and row.start_date and row.end_date
    if dated and row.end_date < row.start_date:
        return [_("%(row)s: the end date is before the start date.") % {"row": row}]
    try:
        row.full_clean(exclude=_unchanged_fields(row, changed), validate_unique=False)
    except ValidationError as exc:
        return [
            f"{row}: {_field_label(type(row), name)}: {' '.join(messages)}"
            if name != NON_FIELD_ERRORS
            else f"{row}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        ]
    return []


def _field_label(model: type, name: str) -> str:
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def kind_refusal(kind: str, changes: dict[str, Any]) -> str | None:
    """Whether the changes are what an amendment of ``kind`` may make."""
    if not changes:
        return _("The amendment changes nothing yet.")
    touched = set(changes)
    if kind == K.NO_COST_EXTENSION:
        fields = set(changes.get("programme", {}))
        if touched != {"programme"} or fields != {"end_date"}:
            return _("A no-cost extension moves the end date only, and changes no money.")
        before, after = changes["programme"]["end_date"]
        if before and after and after <= before:
            return _("A no-cost extension moves the end date later.")
    if kind == K.BUDGET_REVISION and touched - {"budget_lines", "new_budget_lines"}:
        return _("A budget revision changes budget lines only.")
    return None


def _check(programme: Programme, kind: str, changes: dict[str, Any]) -> None:
    refusal = kind_refusal(kind, changes)
    if refusal:
        raise TransitionRefused(refusal)
    problems = _invalid_rows(programme, changes)
    if problems:
        raise TransitionRefused(
            _("The programme would not be valid once amended."), missing=problems
        )


def propose_amendment(
    *, programme: Programme, by: Any, kind: str, justification: str, proposal: dict[str, Any]
) -> Amendment:
    """A draft amendment to an approved programme."""
    if not justification.strip():
        raise TransitionRefused(_("An amendment is justified."))
    check = amendment_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        changes = difference(locked, proposal)
        _check(locked, kind, changes)
        number = locked.amendments.count() + 1
        amendment = Amendment(
            programme=locked,
            reference=f"{locked.reference}-A{number}",
            kind=kind,
            justification=justification.strip(),
            changes=changes,
            proposed_by=by,
        )
        amendment.full_clean()
        amendment.save()
    return amendment


def update_amendment(
    *, amendment: Amendment, by: Any, kind: str, justification: str, proposal: dict[str, Any]
) -> Amendment:
    if not justification.strip():
        raise TransitionRefused(_("An amendment is justified."))
    with editing(amendment, by=by, refusal=lambda a: _editable(a, by)) as locked:
        changes = difference(locked.programme, proposal)
        _check(locked.programme, kind, changes)
        locked.kind, locked.justification, locked.changes = kind, justification.strip(), changes
        locked.full_clean()
        locked.save(update_fields=["kind", "justification", "changes", "updated_at"])
    return locked


# --- approval applies it ---


def _unchanged_since(amendment: Amendment) -> list[str]:
    """What changed on the programme since the amendment was proposed (stale parts)."""
    programme = amendment.programme
    stale = []
    for key, (model, _fields) in ROWS.items():
        entries = amendment.changes.get(key) or {}
        if key == "programme":
            entries = {str(programme.pk): entries}
        rows = {str(r.pk): r for r in model.objects.filter(pk__in=[int(k) for k in entries])}
        for pk, values in entries.items():
            row = rows.get(pk)
            for name, (before, _after) in values.items():
                if row is None or _text(getattr(row, name)) != before:
                    stale.append(
                        _("%(row)s: %(field)s changed since the proposal")
                        % {"row": row or key, "field": _field_label(model, name)}
                    )
    return stale


def _apply(amendment: Amendment) -> None:
    reason = f"{amendment.reference}: {amendment.get_kind_display()}"
    programme = amendment.programme
    for key, (model, fields) in ROWS.items():
        entries = amendment.changes.get(key) or {}
        if key == "programme":
            # Saved only when changed: no empty record in the programme's history.
            entries = {str(programme.pk): entries} if entries else {}
        for pk, values in entries.items():
            row = programme if key == "programme" else model.objects.get(pk=int(pk))
            for name, (_before, after) in values.items():
                setattr(row, name, _read(fields[name], after))
            row._change_reason = reason
            row.full_clean(exclude=_unchanged_fields(row, values), validate_unique=False)
            row.save()
    for values in amendment.changes.get("new_components", ()):
        component = Component(programme=programme, thematic_area_id=values["thematic_area"])
        for name in ("title", "objective", "outputs"):
            setattr(component, name, values[name])
        component._change_reason = reason
        component.full_clean()
        component.save()
    for values in amendment.changes.get("new_budget_lines", ()):
        line = BudgetLine(
            programme=programme,
            component_id=values["component"],
            funding_source_id=values["funding_source"],
            description=values["description"],
            amount=Decimal(values["amount"]),
        )
        line._change_reason = reason
        line.full_clean()
        line.save()


def _amendment_in_scope(amendment: Amendment, user: Any) -> bool:
    programme = amendment.programme
    return programme_in_scope(programme, user) and ohchr_for(programme, user)


def _still_applies(amendment: Amendment) -> list[str]:
    missing = []
    if amendment.programme.status not in AMENDABLE:
        missing.append(_("the programme approved and not ended"))
    return missing


LIFECYCLE = Lifecycle(
    model=Amendment,
    in_scope=_amendment_in_scope,
    countries_of=lambda a: country_ids(a.programme),
    transitions=[
        Transition(
            "submit",
            _l("Submit for approval"),
            (M.DRAFT,),
            M.SUBMITTED,
            DRAFT,
            preconditions=(_still_applies,),
        ),
        Transition(
            "approve",
            _l("Approve and apply"),
            (M.SUBMITTED,),
            M.APPROVED,
            APPROVE,
            preconditions=(_still_applies, _unchanged_since),
            stamps=("applied_at",),
            irreversible=True,
            consequence=_l("Its changes are applied to the programme at once."),
        ),
        Transition(
            "reject",
            _l("Reject"),
            (M.SUBMITTED,),
            M.REJECTED,
            APPROVE,
            note_required=True,
            note_label=_l("why the amendment is rejected"),
            note_field="decision_note",
            dangerous=True,
            awaited=True,
            irreversible=True,
        ),
        Transition(
            "withdraw",
            _l("Withdraw"),
            (M.DRAFT, M.SUBMITTED),
            M.WITHDRAWN,
            DRAFT,
            dangerous=True,
            irreversible=True,
        ),
    ],
)


def perform(amendment: Amendment, action: str, *, by: Any, note: str = ""):
    """Any transition of the amendment; approving applies it to the programme, in
    the same transaction, the programme locked: all of it or nothing."""
    if action != "approve":
        return LIFECYCLE.apply(amendment, action, by=by, note=note)
    with transaction.atomic(), acting_as(by):
        Programme.objects.select_for_update().get(pk=amendment.programme_id)
        event = LIFECYCLE.apply(amendment, action, by=by, note=note)
        amendment.refresh_from_db()
        try:
            _apply(amendment)
        except ValidationError as exc:
            # Checked when proposed; a row changed since in a way the proposal
            # did not foresee: nothing is applied, the approver is told why.
            raise TransitionRefused(
                _("The amendment cannot be applied as it stands."),
                missing=[" ".join(messages) for messages in exc.message_dict.values()],
            ) from None
        dates = {"start_date", "end_date"} & set(amendment.changes.get("programme", {}))
        if dates:
            # Later stages follow the new dates (evaluations are rescheduled).
            events.publish(programme=amendment.programme, topic=events.PROGRAMME_DATES)
    return event


# --- before and after, from history ---


@dataclass(frozen=True)
class Change:
    what: str
    field: str
    before: Any
    after: Any
    # The model the field belongs to, for its label and how its values read.
    model: Any = None

    @property
    def label(self) -> str:
        return _field_label(self.model, self.field) if self.model else self.field


_FIELDS_OF = {model: fields for model, fields in ROWS.values()}


# Whole phrases: "new" agrees with the noun in most languages.
_NEW = {
    Programme: _l("New programme"),
    Component: _l("New component"),
    Indicator: _l("New indicator"),
    BudgetLine: _l("New budget line"),
}


def _what(model: type, label: str) -> str:
    """Which row a change is to, as a person reads it."""
    if model is Programme:
        return _("The programme")
    kind = {Component: _("Component"), Indicator: _("Indicator"), BudgetLine: _("Budget line")}
    return f"{kind[model]}: {label}"


def _reason_prefix(amendment: Amendment) -> str:
    # The reason ends with the kind's label in the language of whoever approved
    # it: the reference alone (unique, never reused) finds the records.
    return f"{amendment.reference}: "


def applied_changes(amendment: Amendment) -> list[Change]:
    """What the approved amendment changed, read back from the rows' history."""
    prefix = _reason_prefix(amendment)
    found: list[Change] = []
    for model, fields in _FIELDS_OF.items():
        records = model.history.filter(history_change_reason__startswith=prefix).order_by(
            "history_id"
        )
        for record in records:
            previous = record.prev_record
            if previous is None:
                what = str(_NEW[model])
                found += [
                    Change(what, name, "", getattr(record, name), model)
                    for name in fields
                    if getattr(record, name) not in ("", None)
                ]
                continue
            label = _what(model, str(record.instance))
            delta = record.diff_against(previous, included_fields=list(fields))
            for change in delta.changes:
                found.append(Change(label, change.field, change.old, change.new, model))
    return found


def proposed_changes(amendment: Amendment) -> list[Change]:
    """The proposal as stored: before and after for each field, and the rows to add."""
    found: list[Change] = []
    programme = amendment.programme
    components = {str(c.pk): str(c) for c in programme.components.all()}
    labels = {
        "components": components,
        "indicators": {
            str(i.pk): str(i) for i in Indicator.objects.filter(component__programme=programme)
        },
        "budget_lines": {str(b.pk): str(b) for b in programme.budget_lines.all()},
    }
    for key, (model, _fields) in ROWS.items():
        entries = amendment.changes.get(key) or {}
        if key == "programme":
            entries = {"": entries}
        for pk, values in entries.items():
            what = _what(model, "" if key == "programme" else labels[key].get(pk, pk))
            for name, (before, after) in values.items():
                found.append(Change(what, name, before, after, model))
    for values in amendment.changes.get("new_components", ()):
        what = _("New component: %s") % values["title"]
        found += [
            Change(what, name, "", values[name], Component)
            for name in ("title", "objective", "outputs")
            if values.get(name)
        ]
    new_lines = amendment.changes.get("new_budget_lines", ())
    sources = {
        s.pk: str(s)
        for s in FundingSource.objects.filter(pk__in=[v["funding_source"] for v in new_lines])
    }
    for values in new_lines:
        what = _("New budget line: %s") % values["description"]
        found += [
            Change(what, "description", "", values["description"], BudgetLine),
            Change(what, "amount", "", values["amount"], BudgetLine),
            Change(
                what, "funding_source", "", sources.get(values["funding_source"], ""), BudgetLine
            ),
        ]
        if values.get("component"):
            component = components.get(str(values["component"]), "")
            found.append(Change(what, "component", "", component, BudgetLine))
    return found


def stale_parts(amendment: Amendment) -> list[str]:
    """What changed on the programme since the proposal was made (an approver
    cannot apply it until it is proposed again against the programme as it is)."""
    if amendment.status not in (M.DRAFT, M.SUBMITTED):
        return []
    return _unchanged_since(amendment)

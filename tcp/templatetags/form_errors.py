"""``{% form_errors form [other forms or formsets] %}``: the one summary of errors on
top of every form of the product (``includes/form_errors.html``).

Every error at once: the errors of the whole form (and of a formset), then one
link per field in error to that field's input, so a person reads the list
first and jumps to each field (the field shows its own error too, marked
``aria-invalid`` and described by it: Django's own rendering does that).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms, template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


@dataclass(frozen=True)
class Item:
    """One field in error: the id of its input, its label and its messages."""

    id: str
    label: str
    messages: list[str]


@dataclass
class Summary:
    id: str
    # A sentence under the count (what happened to the rest of the form).
    lead: str = ""
    messages: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.messages) + len(self.items)


def input_id(bound: forms.BoundField) -> str:
    """The id of the first input of ``bound``: a list of boxes or radios and a
    widget of several inputs have one id each (``id_x_0``…), not the field's."""
    widget = bound.field.widget
    if not bound.auto_id:
        return ""
    if isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return widget.id_for_label(bound.auto_id, 0)
    return bound.auto_id


def _add_form(
    summary: Summary, form: forms.BaseForm, label: Callable[[str], str] | None = None
) -> None:
    """The errors of ``form``. A label alone may be ambiguous ("Score", once per
    criterion): ``label(name)``, or the form's own ``error_label(name)``, names the
    field in the summary instead."""
    if not form.is_bound:
        return
    label = label or getattr(form, "error_label", None)
    # A form that writes its own inputs says where each field's first one is.
    anchor_of = getattr(form, "error_anchor", None)
    summary.messages.extend(str(m) for m in form.non_field_errors())
    for name in form.errors:
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        messages = [str(m) for m in bound.errors]
        anchor = "" if bound.is_hidden else (anchor_of and anchor_of(name)) or input_id(bound)
        if anchor:
            text = label(name) if label is not None else bound.label or name
            summary.items.append(Item(anchor, str(text), messages))
        else:
            summary.messages.extend(messages)


def _add(summary: Summary, thing: Any) -> None:
    if thing is None or thing == "":
        return
    if isinstance(thing, forms.BaseFormSet):
        if thing.is_bound:
            summary.messages.extend(str(m) for m in thing.non_form_errors())
            # A formset names its rows: ``error_label(index, form, name)``.
            row_label = getattr(thing, "error_label", None)
            for index, form in enumerate(thing.forms):
                label = None
                if row_label is not None:
                    label = functools.partial(row_label, index, form)
                _add_form(summary, form, label)
    elif isinstance(thing, forms.BaseForm):
        _add_form(summary, thing)
    elif isinstance(thing, Iterable) and not isinstance(thing, str):
        for part in thing:
            _add(summary, part)


def summarise(
    *things: Any, extra: Iterable[Any] = (), id: str = "form-errors", lead: str = ""
) -> Summary:
    """The summary of ``things`` (forms, formsets, lists of them): their errors,
    plus ``extra``: more messages, or ``(input id, label, messages)`` items of
    inputs the forms do not render themselves (a file chosen beside a form)."""
    summary = Summary(id, str(lead or ""))
    for thing in things:
        _add(summary, thing)
    for entry in extra or ():
        if isinstance(entry, Item):
            summary.items.append(entry)
        elif isinstance(entry, tuple | list):
            anchor, label, messages = entry
            if isinstance(messages, str):
                messages = [messages]
            if messages:
                summary.items.append(Item(anchor, str(label), [str(m) for m in messages]))
        elif entry:
            summary.messages.append(str(entry))
    return summary


@register.inclusion_tag("includes/form_errors.html")
def form_errors(
    *things: Any, extra: Iterable[Any] = (), id: str = "form-errors", lead: str = ""
) -> dict:
    return {"summary": summarise(*things, extra=extra, id=id, lead=lead)}

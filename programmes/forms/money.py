"""Forms of the programme's money and amendments: budget lines, expenditure, the
filters of the budget page, and the amendment proposal.

They only validate input; the services decide whether it may be written (who,
in which state, past what is left on a line) and compute what an amendment
changes. Choice fields offer only what may be picked: the programme's own
components and lines, active reference data.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programmes import amendments
from programmes.models import USD, Amendment, BudgetLine, Component, Expenditure, Programme
from tcp.forms import DateInput, part_label
from tcp.l10n import money, number
from tcp.models import FundingSource, ThematicArea

# "1,234,567.89": thousands grouped with commas, as people copy amounts from a
# spreadsheet or a statement. Anything else is left to the decimal parser.
_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")


class MoneyField(forms.DecimalField):
    """US dollars to the cent: "1234.5", "1,234.50" or "US$ 1,234.50", exactly
    (a decimal, never a float); more than two decimal places is an error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", USD["max_digits"])
        kwargs.setdefault("decimal_places", USD["decimal_places"])
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("US$").removeprefix("$").strip()
            value = value.replace("\u00a0", "").replace(" ", "")
            if _GROUPED.match(value):
                value = value.replace(",", "")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # The text input takes "1,234.50": no min/max/step attributes of a number input.
        return {}


def _active(model: Any) -> QuerySet:
    return model.objects.filter(is_active=True)


class _ComponentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Component) -> str:
        return obj.title


class BudgetLineForm(forms.Form):
    component = _ComponentChoice(
        label=_("Component"),
        queryset=Component.objects.none(),
        required=False,
        empty_label=_("The programme as a whole"),
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding source"),
        queryset=FundingSource.objects.none(),
        empty_label=_("Choose the funding source"),
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = MoneyField(
        label=_("Amount (US$)"),
        min_value=Decimal("0"),
        help_text=_("In US dollars, to the cent: for example 12,500.00."),
    )

    def __init__(
        self, *args: Any, components: QuerySet[Component], line: BudgetLine | None = None, **kw: Any
    ) -> None:
        if line is not None and "initial" not in kw:
            kw["initial"] = {
                "component": line.component_id,
                "funding_source": line.funding_source_id,
                "description": line.description,
                "amount": line.amount,
            }
        super().__init__(*args, **kw)
        self.fields["component"].queryset = components
        sources = _active(FundingSource)
        if line is not None:
            # A source retired since stays offered to the lines that use it.
            sources = FundingSource.objects.filter(
                pk__in=[*sources.values_list("pk", flat=True), line.funding_source_id]
            )
        self.fields["funding_source"].queryset = sources


class ExpenditureForm(forms.Form):
    budget_line = forms.ModelChoiceField(
        label=_("Budget line"),
        queryset=BudgetLine.objects.none(),
        empty_label=_("Choose the line it is spent on"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    amount = MoneyField(label=_("Amount (US$)"), min_value=Decimal("0.01"))
    description = forms.CharField(label=_("Description"), max_length=300)
    overspend_reason = forms.CharField(
        label=_("Reason to spend past the line, if it does"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "As a programme approver you may allow spending past what is left on the "
            "line at once: the reason is recorded. Without one, it waits for a decision."
        ),
    )

    def __init__(self, *args: Any, lines: QuerySet[BudgetLine], may_overspend: bool, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["budget_line"]
        field.queryset = lines
        field.label_from_instance = _line_label
        if not may_overspend:
            del self.fields["overspend_reason"]


class GrantReportForm(forms.Form):
    """The day a grant's report arrived (the grants section of the programme page)."""

    received_on = forms.DateField(label=_("Report received on"), widget=DateInput())


def _line_label(line: BudgetLine) -> str:
    where = line.component.title if line.component_id else _("The programme as a whole")
    return f"{line.description} ({line.funding_source.translated_name}; {where})"


class LineFilterForm(forms.Form):
    """GET parameters of the budget lines table; invalid values are dropped."""

    component = _ComponentChoice(
        label=_("Component"),
        queryset=Component.objects.none(),
        required=False,
        empty_label=_("All components"),
    )
    source = forms.ModelChoiceField(
        label=_("Funding source"),
        queryset=FundingSource.objects.none(),
        required=False,
        empty_label=_("All funding sources"),
    )
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, components: QuerySet, sources: QuerySet, sorts: Iterable[str]):
        super().__init__(data)
        self.fields["component"].queryset = components
        self.fields["source"].queryset = sources
        keys = list(sorts)
        self.fields["sort"].choices = [(k, k) for k in keys] + [(f"-{k}", k) for k in keys]


class ExpenditureFilterForm(forms.Form):
    """GET parameters of the expenditure table (prefixed: the lines table has its own)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    line = forms.ModelChoiceField(
        label=_("Budget line"),
        queryset=BudgetLine.objects.none(),
        required=False,
        empty_label=_("All lines"),
    )

    def __init__(self, data: Any, *, lines: QuerySet[BudgetLine]) -> None:
        super().__init__(data, prefix="x")
        self.fields["status"].choices = [("", _("All statuses")), *Expenditure.Status.choices]
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = _line_label


# --- amendments ---


def as_text(value: Any) -> str:
    """A value as the amendment proposal carries it: ISO dates, decimals to the
    cent, text with its line ends as the database keeps them."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, str):
        # Browsers send a textarea's line ends as CRLF: the same text is no change.
        return value.replace("\r\n", "\n").strip()
    return str(value)


@dataclass(frozen=True)
class ProposedField:
    """One value an amendment may change: the field as typed (or prefilled), the
    programme's current value, and whether the two differ."""

    field: forms.BoundField
    current: str
    changed: bool
    # The model field's name ("amount"), for the layout.
    name: str


@dataclass
class RowFields:
    """One row the amendment may change (the programme, a component, an indicator,
    a budget line), with the form fields that carry its proposed values."""

    key: str
    pk: str
    label: str
    names: list[str]
    form: forms.Form
    # The row's indicators, under a component.
    children: list[RowFields] = field(default_factory=list)

    @property
    def fields(self) -> list[ProposedField]:
        return [
            ProposedField(
                self.form[self.field_name(name)],
                self.form.current_display(self.field_name(name)),
                self.form.is_changed_field(self.field_name(name)),
                name,
            )
            for name in self.names
        ]

    def field_name(self, name: str) -> str:
        return f"{self.key}-{self.pk}-{name}" if self.pk else f"{self.key}-{name}"

    @property
    def changed(self) -> bool:
        return any(self.form.is_changed_field(self.field_name(n)) for n in self.names) or any(
            child.changed for child in self.children
        )

    @property
    def has_errors(self) -> bool:
        return any(self.form.has_error(self.field_name(n)) for n in self.names) or any(
            child.has_errors for child in self.children
        )


class AmendmentForm(forms.Form):
    """The kind, the justification, and every value an amendment may change,
    prefilled with the programme as it is (or, editing a draft, as proposed).

    ``proposal()`` gives the service what the person changed; the service
    computes the difference and says whether the kind allows it.
    """

    kind = forms.ChoiceField(
        label=_("Kind of amendment"), choices=Amendment.Kind.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the programme needs to change: the approver decides on it."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        programme: Programme,
        components: list[Component],
        indicators: list[Any],
        lines: list[BudgetLine],
        amendment: Amendment | None = None,
    ) -> None:
        proposed = amendment.changes if amendment is not None else {}
        initial: dict[str, Any] = {}
        if amendment is not None:
            initial = {"kind": amendment.kind, "justification": amendment.justification}
        super().__init__(data, initial=initial)
        self._current: dict[str, str] = {}
        self.programme_row = self._row(
            "programme",
            "",
            str(programme),
            programme,
            amendments.PROGRAMME_FIELDS,
            proposed.get("programme", {}),
        )
        by_component: dict[int, list[Any]] = {}
        for indicator in indicators:
            by_component.setdefault(indicator.component_id, []).append(indicator)
        self.component_rows = []
        for component in components:
            row = self._row(
                "component",
                str(component.pk),
                component.title,
                component,
                amendments.COMPONENT_FIELDS,
                proposed.get("components", {}),
            )
            row.children = [
                self._row(
                    "indicator",
                    str(indicator.pk),
                    indicator.name,
                    indicator,
                    amendments.INDICATOR_FIELDS,
                    proposed.get("indicators", {}),
                )
                for indicator in by_component.get(component.pk, [])
            ]
            self.component_rows.append(row)
        self.line_rows = [
            self._row(
                "line",
                str(line.pk),
                line.description,
                line,
                amendments.LINE_FIELDS,
                proposed.get("budget_lines", {}),
            )
            for line in lines
        ]

    def _row(
        self,
        key: str,
        pk: str,
        label: str,
        obj: Any,
        fields: dict[str, Any],
        proposed: dict[str, Any],
    ) -> RowFields:
        row = RowFields(key, pk, label, list(fields), self)
        after = proposed if key == "programme" else proposed.get(pk, {})
        for name in fields:
            form_field = self._field_for(obj, name)
            current = getattr(obj, name)
            self._current[row.field_name(name)] = as_text(current)
            form_field.initial = after[name][1] if name in after else current
            self.fields[row.field_name(name)] = form_field
        return row

    def _field_for(self, obj: Any, name: str) -> forms.Field:
        model_field = type(obj)._meta.get_field(name)
        if isinstance(obj, BudgetLine) and name == "amount":
            form_field: forms.Field = MoneyField(label=_("Amount (US$)"), min_value=Decimal("0"))
        else:
            form_field = model_field.formfield()
        if isinstance(form_field, forms.DateField):
            form_field.widget = DateInput()
            form_field.widget.is_required = form_field.required
        elif isinstance(form_field.widget, forms.Textarea):
            # Many rows on one page: short text areas (people can drag them taller).
            form_field.widget.attrs["rows"] = 3
        return form_field

    def is_changed_field(self, name: str) -> bool:
        """Whether the value shown differs from the programme as it is (typed now,
        or proposed in the draft being edited)."""
        if name not in self._current:
            return False
        if not self.is_bound:
            value = self.fields[name].initial
        elif name in getattr(self, "cleaned_data", {}):
            value = self.cleaned_data[name]
        else:  # not valid: as typed
            value = self[name].value()
        return as_text(value) != self._current[name]

    @property
    def components_open(self) -> bool:
        return any(row.changed or row.has_errors for row in self.component_rows)

    @property
    def lines_open(self) -> bool:
        return any(row.changed or row.has_errors for row in self.line_rows)

    @property
    def components_changed(self) -> bool:
        return any(row.changed for row in self.component_rows)

    @property
    def lines_changed(self) -> bool:
        return any(row.changed for row in self.line_rows)

    def current_display(self, name: str) -> str:
        """The programme's current value as a person reads it (a marker's label)."""
        value = self._current.get(name, "")
        field = self.fields[name]
        choices = getattr(field, "choices", None)
        if choices and value:
            return str(dict((str(k), v) for k, v in choices).get(value, value))
        if value and isinstance(field, MoneyField):
            return money(value)
        if value and isinstance(field, forms.DecimalField):
            return number(value, 2)
        return value or "—"

    def error_label(self, name: str) -> str:
        """A field in the summary of errors, with the row it belongs to: "Title"
        alone is ambiguous (one per component)."""
        rows = [self.programme_row, *self.component_rows, *self.line_rows]
        rows += [child for row in self.component_rows for child in row.children]
        label = self.fields[name].label or name
        for row in rows:
            if any(row.field_name(n) == name for n in row.names):
                return part_label(row.label, label)
        return str(label)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("programme-start_date")
        end = data.get("programme-end_date")
        if start and end and end < start:
            self.add_error("programme-end_date", _("The programme ends before it starts."))
        return data

    def proposal(self, new_components: list[dict], new_lines: list[dict]) -> dict[str, Any]:
        """What the person changed, in the shape ``amendments.difference`` reads."""
        data = self.cleaned_data
        proposal: dict[str, Any] = {}

        def changed(row: RowFields) -> dict[str, str]:
            values = {}
            for name in row.names:
                key = row.field_name(name)
                typed = as_text(data.get(key))
                if typed != self._current[key]:
                    values[name] = typed
            return values

        programme = changed(self.programme_row)
        if programme:
            proposal["programme"] = programme
        groups = {"components": {}, "indicators": {}, "budget_lines": {}}
        for row in self.component_rows:
            if values := changed(row):
                groups["components"][row.pk] = values
            for child in row.children:
                if values := changed(child):
                    groups["indicators"][child.pk] = values
        for row in self.line_rows:
            if values := changed(row):
                groups["budget_lines"][row.pk] = values
        proposal.update({key: rows for key, rows in groups.items() if rows})
        if new_components:
            proposal["new_components"] = new_components
        if new_lines:
            proposal["new_budget_lines"] = new_lines
        return proposal


class NewComponentForm(forms.Form):
    """A component the amendment adds (a change of scope); an empty row adds nothing."""

    thematic_area = forms.ModelChoiceField(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.none(),
        required=False,
        empty_label=_("Choose the thematic area"),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    objective = forms.CharField(
        label=_("Objective"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outputs = forms.CharField(
        label=_("Outputs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["thematic_area"].queryset = _active(ThematicArea)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_empty():
            return data
        if not data.get("thematic_area"):
            self.add_error("thematic_area", _("A new component needs its thematic area."))
        if not (data.get("title") or "").strip():
            self.add_error("title", _("A new component needs a title."))
        return data

    def is_empty(self) -> bool:
        return _nothing_typed(self)

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "thematic_area": data["thematic_area"].pk,
            "title": as_text(data["title"]),
            "objective": as_text(data["objective"]),
            "outputs": as_text(data["outputs"]),
        }


class NewLineForm(forms.Form):
    """A budget line the amendment adds (a budget revision); an empty row adds nothing."""

    component = _ComponentChoice(
        label=_("Component"),
        queryset=Component.objects.none(),
        required=False,
        empty_label=_("The programme as a whole"),
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding source"),
        queryset=FundingSource.objects.none(),
        required=False,
        empty_label=_("Choose the funding source"),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    amount = MoneyField(label=_("Amount (US$)"), min_value=Decimal("0"), required=False)

    def __init__(self, *args: Any, components: QuerySet[Component], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components
        self.fields["funding_source"].queryset = _active(FundingSource)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_empty():
            return data
        if not data.get("funding_source"):
            self.add_error("funding_source", _("A new budget line needs its funding source."))
        if not (data.get("description") or "").strip():
            self.add_error("description", _("A new budget line needs a description."))
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("A new budget line needs an amount."))
        return data

    def is_empty(self) -> bool:
        return _nothing_typed(self)

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "component": data["component"].pk if data["component"] else None,
            "funding_source": data["funding_source"].pk,
            "description": as_text(data["description"]),
            "amount": as_text(data["amount"]),
        }


def _nothing_typed(form: forms.Form) -> bool:
    """A row left blank adds nothing (it is not an error)."""
    return not any(str(form[name].value() or "").strip() for name in form.fields)


class _NewComponentFormSet(forms.BaseFormSet):
    def error_label(self, index: int, form: forms.Form, name: str) -> str:
        part = _("New component %(number)s") % {"number": index + 1}
        return part_label(part, form.fields[name].label or name)


class _NewLineFormSet(forms.BaseFormSet):
    def error_label(self, index: int, form: forms.Form, name: str) -> str:
        part = _("New budget line %(number)s") % {"number": index + 1}
        return part_label(part, form.fields[name].label or name)


NewComponentFormSet = forms.formset_factory(NewComponentForm, formset=_NewComponentFormSet, extra=1)
NewLineFormSet = forms.formset_factory(NewLineForm, formset=_NewLineFormSet, extra=2)


def new_rows_initial(amendment: Amendment | None, key: str) -> list[dict[str, Any]]:
    """The rows a draft already adds, to edit again."""
    if amendment is None:
        return []
    return [dict(row) for row in amendment.changes.get(key, ())]

"""Forms the shell shares: the filter bar of list pages and the history filters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tcp.models import User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ListFilterForm(forms.Form):
    """GET parameters of a list page. Invalid values are dropped, not fatal."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Reference or title"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    country = forms.ModelChoiceField(
        label=_("Country"), required=False, queryset=None, empty_label=_("All countries")
    )
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        statuses: Sequence[tuple[str, str]],
        countries: QuerySet | None,
        sorts: Iterable[str],
    ) -> None:
        super().__init__(data)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        if countries is None:
            # Governments work for one State: there is nothing to choose.
            del self.fields["country"]
        else:
            self.fields["country"].queryset = countries
        keys = list(sorts)
        self.fields["sort"].choices = [(k, k) for k in keys] + [(f"-{k}", k) for k in keys]


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record type"), required=False)
    origin = forms.ChoiceField(
        label=_("Kind of event"),
        required=False,
        choices=[
            ("", _("All events")),
            ("transition", _("Status changes")),
            ("change", _("Field changes")),
        ],
    )
    user = forms.ModelChoiceField(
        label=_("By"),
        required=False,
        queryset=User.objects.order_by("username"),
        empty_label=_("Anyone"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, data: Any = None, *, kinds: Sequence[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["kind"].choices = [("", _("All records")), *kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

"""The form a focal point fills in to draft or edit a request. It only validates
input; the services decide whether the draft may be written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from requests_app.models import AssistanceRequest
from tcp.forms import DateInput
from tcp.models import FormOfAssistance, SustainableDevelopmentGoal, ThematicArea

_M = AssistanceRequest._meta


class RequestForm(forms.Form):
    country = forms.ModelChoiceField(label=_("State"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=300)
    requesting_authority = forms.CharField(
        label=_("Requesting authority"),
        max_length=300,
        required=False,
        help_text=_M.get_field("requesting_authority").help_text,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("What is needed, for whom."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        help_text=_(
            "Why: the recommendations of the human rights mechanisms this request answers."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    thematic_areas = forms.ModelMultipleChoiceField(
        label=_("Thematic areas"),
        required=False,
        queryset=ThematicArea.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    forms_of_assistance = forms.ModelMultipleChoiceField(
        label=_("Forms of assistance"),
        required=False,
        queryset=FormOfAssistance.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        required=False,
        queryset=SustainableDevelopmentGoal.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    desired_start = forms.DateField(label=_("Desired start"), required=False, widget=DateInput())
    desired_end = forms.DateField(label=_("Desired end"), required=False, widget=DateInput())

    def __init__(self, *args: Any, countries: QuerySet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if countries is None:
            # Editing: the State of a request never changes.
            del self.fields["country"]
            return
        field = self.fields["country"]
        field.queryset = countries
        if len(countries) == 1:
            # Nothing to choose; shown, not submitted.
            field.initial = countries[0]
            field.disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("desired_start"), data.get("desired_end")
        if start and end and end < start:
            self.add_error("desired_end", _("The end is before the start."))
        return data

    def add_model_errors(self, error: ValidationError) -> None:
        """Put the model's validation errors on the fields shown, the rest on top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)

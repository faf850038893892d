"""Forms of the recommendation pages: the list's extra filters and the CSV upload.

They only read input; the selector decides what may be seen and the import
service what may be written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from requests_app.models import Recommendation
from tcp.models import Mechanism, SustainableDevelopmentGoal, ThematicArea

Rec = Recommendation


class RecommendationFilterForm(forms.Form):
    """The filters a recommendation list has beyond search, country and sort.

    Search, country, sort and pages come from ``tcp.views.list_page``; these
    are shown in the same filter bar. Invalid values are dropped, not fatal.
    """

    mechanism = forms.ModelChoiceField(
        label=_("Mechanism"),
        required=False,
        queryset=Mechanism.objects.all(),
        empty_label=_("All mechanisms"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of mechanism"),
        required=False,
        choices=[("", _("All kinds")), *Mechanism.Kind.choices],
    )
    theme = forms.ModelChoiceField(
        label=_("Thematic area"),
        required=False,
        queryset=ThematicArea.objects.all(),
        empty_label=_("All thematic areas"),
    )
    sdg = forms.ModelChoiceField(
        label=_("SDG"),
        required=False,
        queryset=SustainableDevelopmentGoal.objects.all(),
        empty_label=_("All SDGs"),
    )
    implementation = forms.ChoiceField(
        label=_("Implementation"),
        required=False,
        choices=[("", _("Any status")), *Rec.Implementation.choices],
    )
    position = forms.ChoiceField(
        label=_("UPR position"),
        required=False,
        choices=[("", _("Any position")), *Rec.UprPosition.choices],
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.fields["sdg"].label_from_instance = lambda goal: (
            f"{goal.number}. {goal.translated_name}"
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        # Keep what is valid: one bad parameter does not drop the others.
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def apply(self, queryset: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
        data = self.filters()
        lookups = {
            "mechanism": "mechanism",
            "kind": "mechanism__kind",
            "theme": "thematic_areas",
            "sdg": "sdgs",
            "implementation": "implementation_status",
            "position": "upr_position",
        }
        return queryset.filter(**{lookups[name]: value for name, value in data.items()})


class RecommendationImportForm(forms.Form):
    file = forms.FileField(
        label=_("UHRI export (CSV)"),
        help_text=_("UTF-8, comma separated, with a header line; at most one file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

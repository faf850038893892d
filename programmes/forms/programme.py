"""Forms of the programme pages: drafting (from an assessment or directly), the
programme's fields, its reviewers and their reviews.

They validate input and keep what was typed; the services decide whether it
may be written (who, in which state) and the views put their refusals on the
form, so every error shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import Finding
from programmes.models import Programme, ProgrammeReview
from tcp.forms import DateInput
from tcp.models import BoardComponent, PartnerOrganisation, SustainableDevelopmentGoal, User
from tcp.translated import AlphabeticalModelMultipleChoiceField

P = Programme.Scope
M = Programme.Modality
# Modalities that name the agency or partner implementing with or for OHCHR.
_NAMES_PARTNER = (M.JOINT_AGENCY, M.PARTNER)
MARKERS = (
    ("gender_marker", "gender_marker_justification"),
    ("human_rights_marker", "human_rights_marker_justification"),
)


class _RecommendationField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = (
            obj.document_symbol
            or obj.mechanism.translated_abbreviation
            or obj.mechanism.translated_name
        )
        text = obj.text if len(obj.text) <= 200 else f"{obj.text[:197]}…"
        return f"{obj.country.translated_name} · {label}: {text}"


class _StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


def _check_dates(form: forms.Form, data: dict[str, Any]) -> None:
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        form.add_error("end_date", _("The programme ends before it starts."))


def _check_scope(form: forms.Form, data: dict[str, Any]) -> None:
    """The shape the scope asks for, so that it shows next to the fields with every
    other error (the service checks it again when it writes)."""
    scope, countries = data.get("scope"), data.get("countries")
    if countries is not None and scope == P.NATIONAL and len(countries) != 1:
        form.add_error("countries", _("A national programme covers exactly one country."))
    if scope == P.REGIONAL and not data.get("region"):
        form.add_error("region", _("Name the region of a regional programme."))


def _region_choices() -> list[tuple[str, Any]]:
    return [("", _("No region")), *Programme._meta.get_field("region").choices]


_LABELS = {
    "title": _("Title"),
    "objective": _("Objectives"),
    "start_date": _("Starts"),
    "end_date": _("Ends"),
    "scope": _("Scope"),
    "countries": _("Countries covered"),
    "region": _("Region"),
}
_HELP = {
    "objective": _("What the programme is to achieve, for whom."),
    "countries": _("Only the countries you work on are offered."),
    "region": _("Required for a regional programme."),
}


class ProgrammeCreateForm(forms.Form):
    """A regional or global/interregional programme, created directly with the
    countries it covers (national programmes are drawn from an assessment)."""

    title = forms.CharField(label=_LABELS["title"], max_length=300)
    scope = forms.ChoiceField(
        label=_LABELS["scope"],
        choices=[(P.REGIONAL, P.REGIONAL.label), (P.GLOBAL, P.GLOBAL.label)],
        initial=P.REGIONAL,
        widget=forms.RadioSelect,
        help_text=_("A national programme is drafted from the needs assessment of its State."),
    )
    countries = AlphabeticalModelMultipleChoiceField(
        label=_LABELS["countries"],
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_HELP["countries"],
    )
    region = forms.ChoiceField(label=_LABELS["region"], required=False, help_text=_HELP["region"])
    objective = forms.CharField(
        label=_LABELS["objective"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_HELP["objective"],
    )
    start_date = forms.DateField(label=_LABELS["start_date"], required=False, widget=DateInput())
    end_date = forms.DateField(label=_LABELS["end_date"], required=False, widget=DateInput())

    def __init__(self, *args: Any, countries: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = countries.order_by("name")
        self.fields["region"].choices = _region_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_dates(self, data)
        _check_scope(self, data)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["countries"] = list(data["countries"])
        return data


class DraftFromAssessmentForm(forms.Form):
    """A national programme drawn from a validated assessment: every finding the
    drafter may read is offered as a starting component, all ticked, so nothing
    found is lost between the stages unless someone unticks it."""

    title = forms.CharField(label=_LABELS["title"], max_length=300)
    objective = forms.CharField(
        label=_LABELS["objective"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_HELP["objective"],
    )
    start_date = forms.DateField(label=_LABELS["start_date"], required=False, widget=DateInput())
    end_date = forms.DateField(label=_LABELS["end_date"], required=False, widget=DateInput())
    findings = forms.ModelMultipleChoiceField(
        label=_("Findings to start from"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, findings: list[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._findings = findings
        field = self.fields["findings"]
        field.queryset = Finding.objects.filter(pk__in=[f.pk for f in findings])
        field.initial = [f.pk for f in findings]

    def error_anchor(self, name: str) -> str | None:
        """The template writes a box per finding (``finding-<pk>``), not Django's ids."""
        if name == "findings" and self._findings:
            return f"finding-{self._findings[0].pk}"
        return None

    def finding_rows(self) -> list[FindingRow]:
        """Each finding with whether its box is ticked (as typed, or all at first)."""
        value = self["findings"].value() or []
        ticked = {str(v) for v in value}
        return [FindingRow(f, str(f.pk) in ticked) for f in self._findings]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_dates(self, data)
        return data

    def service_fields(self) -> dict[str, Any]:
        chosen = {f.pk for f in self.cleaned_data["findings"]}
        return {
            "title": self.cleaned_data["title"],
            "objective": self.cleaned_data["objective"],
            "start_date": self.cleaned_data["start_date"],
            "end_date": self.cleaned_data["end_date"],
            # In the assessment's order, as the drafter saw them.
            "findings": [f for f in self._findings if f.pk in chosen],
        }


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    checked: bool


class ProgrammeForm(forms.ModelForm):
    """Every field the desk officer drafts."""

    countries = AlphabeticalModelMultipleChoiceField(
        label=_LABELS["countries"],
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_HELP["countries"],
    )
    board_components = forms.ModelMultipleChoiceField(
        label=_("Board of Trustees components"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recommendations = _RecommendationField(
        label=_("Mechanism recommendations it answers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = (
            "title",
            "objective",
            "start_date",
            "end_date",
            "scope",
            "countries",
            "region",
            "implementing_modality",
            "implementing_partner",
            "cooperation_framework_outcome",
            "board_components",
            "sdgs",
            "recommendations",
            "gender_marker",
            "gender_marker_justification",
            "human_rights_marker",
            "human_rights_marker_justification",
        )
        labels = {
            **_LABELS,
            "implementing_modality": _("Implementing modality"),
            "implementing_partner": _("Implementing agency or partner"),
            "cooperation_framework_outcome": _("UN Cooperation Framework outcome"),
            "gender_marker": _("Gender equality marker"),
            "gender_marker_justification": _("Why this gender equality marker"),
            "human_rights_marker": _("Human rights marker"),
            "human_rights_marker_justification": _("Why this human rights marker"),
        }
        help_texts = {
            **_HELP,
            "implementing_partner": _(
                "Needed when implemented jointly with another agency or through a partner."
            ),
            "gender_marker_justification": _("Required once a marker is chosen."),
            "human_rights_marker_justification": _("Required once a marker is chosen."),
        }
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 5}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "scope": forms.RadioSelect,
            "implementing_modality": forms.RadioSelect,
            "cooperation_framework_outcome": forms.Textarea(attrs={"rows": 3}),
            "gender_marker_justification": forms.Textarea(attrs={"rows": 2}),
            "human_rights_marker_justification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        countries: QuerySet,
        recommendations: QuerySet,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = countries.order_by("name")
        self.fields["board_components"].queryset = BoardComponent.objects.filter(is_active=True)
        self.fields["sdgs"].queryset = SustainableDevelopmentGoal.objects.filter(is_active=True)
        self.fields["implementing_partner"].queryset = PartnerOrganisation.objects.filter(
            is_active=True
        ).order_by("name")
        self.fields["implementing_partner"].empty_label = _("None")
        self.fields["region"].choices = _region_choices()
        field = self.fields["recommendations"]
        field.queryset = recommendations
        if not recommendations.exists():
            field.disabled = True
            field.help_text = _(
                "No recommendation of the mechanisms is recorded for the countries covered."
            )
        else:
            field.help_text = _("Recommendations to the countries the programme covers.")
        for marker, _justification in MARKERS:
            self.fields[marker].choices = [
                ("", _("Not assessed yet")),
                *self.fields[marker].choices[1:],
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_dates(self, data)
        _check_scope(self, data)
        modality = data.get("implementing_modality")
        if modality in _NAMES_PARTNER and not data.get("implementing_partner"):
            self.add_error("implementing_partner", _("Name the agency or partner."))
        if modality == M.OHCHR:
            data["implementing_partner"] = None
        for marker, justification in MARKERS:
            if data.get(marker) is not None and not (data.get(justification) or "").strip():
                self.add_error(justification, _("Say in a sentence why this marker applies."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.cleaned_data and not self.fields[name].disabled
        }
        for name in ("countries", "board_components", "sdgs", "recommendations"):
            if name in data:
                data[name] = list(data[name])
        return data


class ReviewersForm(forms.Form):
    reviewers = _StaffField(
        label=_("Reviewers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "OHCHR staff asked to comment while the programme is under review. Someone "
            "outside its countries may read this programme once named."
        ),
    )

    def __init__(self, *args: Any, candidates: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = candidates


class ReviewForm(forms.ModelForm):
    class Meta:
        model = ProgrammeReview
        fields = ("verdict", "comment")
        labels = {"verdict": _("Your verdict"), "comment": _("Comment")}
        help_texts = {"comment": _("What should change, or why you recommend it.")}
        widgets = {
            "verdict": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A verdict is always chosen: no empty choice among the radio buttons.
        self.fields["verdict"].choices = ProgrammeReview.Verdict.choices

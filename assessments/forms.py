"""Forms of the needs-assessment pages. They only validate input; the services
decide whether it may be written (who, in which state)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import Consultation, Finding, NeedsAssessment
from assessments.selectors import roster, team_candidates
from tcp.documents import Visibility
from tcp.forms import DateInput
from tcp.models import FieldPresence, FormOfAssistance, RosterExpert, ThematicArea, User
from tcp.translated import AlphabeticalModelChoiceField

M = NeedsAssessment.Mode
# What belongs to a mission only; cleared when the presence conducts the assessment.
_MISSION_FIELDS = ("mission_start", "mission_end", "team_staff", "team_experts")


class _StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class PlanningForm(forms.ModelForm):
    """What the desk officer decides: who conducts the assessment, when, on what terms."""

    team_staff = _StaffField(
        label=_("OHCHR staff"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NeedsAssessment
        field_classes = {"field_presence": AlphabeticalModelChoiceField}
        fields = (
            "title",
            "mode",
            "field_presence",
            "mission_start",
            "mission_end",
            "team_staff",
            "team_experts",
            "terms_of_reference",
            "due_date",
        )
        labels = {
            "title": _("Title"),
            "mode": _("Conducted"),
            "field_presence": _("Field presence"),
            "mission_start": _("Mission starts"),
            "mission_end": _("Mission ends"),
            "team_experts": _("Roster experts"),
            "terms_of_reference": _("Terms of reference"),
            "due_date": _("Findings due"),
        }
        help_texts = {
            "field_presence": _("Only the presences covering the State are offered."),
            "due_date": _("When the findings are due to headquarters."),
        }
        widgets = {
            "mode": forms.RadioSelect,
            "mission_start": DateInput(),
            "mission_end": DateInput(),
            "team_experts": forms.CheckboxSelectMultiple,
            "terms_of_reference": forms.Textarea(attrs={"rows": 6}),
            "due_date": DateInput(),
        }

    def __init__(self, *args: Any, country: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        presences = FieldPresence.objects.filter(countries=country, is_active=True)
        # Only the staff who work on the country, and the roster's active experts.
        staff = team_candidates(country.pk)
        experts = roster()
        if instance.pk:
            # Whoever is already on the team stays offered, even if they left the role.
            staff = User.objects.filter(
                Q(pk__in=staff.values("pk")) | Q(pk__in=instance.team_staff.values("pk"))
            )
            experts = RosterExpert.objects.filter(
                Q(pk__in=experts.values("pk")) | Q(pk__in=instance.team_experts.values("pk"))
            )
        self.fields["field_presence"].queryset = presences.order_by("name")
        self.fields["field_presence"].empty_label = _("Choose the presence")
        self.fields["team_staff"].queryset = (
            User.objects.filter(pk__in=staff.values("pk"))
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["team_experts"].queryset = RosterExpert.objects.filter(
            pk__in=experts.values("pk")
        ).order_by("name")
        self.fields["mode"].choices = M.choices
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty, the request's title.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("title") or "").strip():
            # The service titles a new plan after its request; an edit keeps its title.
            data["title"] = self.instance.title if self.instance.pk else ""
        mode = data.get("mode")
        if mode == M.FIELD_PRESENCE:
            if not data.get("field_presence"):
                self.add_error("field_presence", _("Choose the presence that will conduct it."))
            for name in _MISSION_FIELDS:
                data[name] = [] if name.startswith("team_") else None
        elif mode == M.MISSION:
            data["field_presence"] = None
            start, end = data.get("mission_start"), data.get("mission_end")
            if start and end and end < start:
                self.add_error("mission_end", _("The mission ends before it starts."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Save as often as you like: the assessment stays in progress until you submit it."
        ),
    )


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = (
            "date",
            "place",
            "party",
            "organisation",
            "participants_women",
            "participants_men",
            "participants_other",
            "summary",
        )
        labels = {
            "party": _("Party consulted"),
            "participants_women": _("Women"),
            "participants_men": _("Men"),
            "participants_other": _("Other or not stated"),
        }
        help_texts = {"participants_other": ""}
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("participants_women", "participants_men", "participants_other"):
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})


class _RecommendationField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = (
            obj.document_symbol
            or obj.mechanism.translated_abbreviation
            or obj.mechanism.translated_name
        )
        text = obj.text if len(obj.text) <= 160 else f"{obj.text[:157]}…"
        return f"{label}: {text}"


class FindingForm(forms.ModelForm):
    recommendations = _RecommendationField(
        label=_("Mechanism recommendations it answers"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Finding
        fields = (
            "thematic_area",
            "need",
            "priority",
            "existing_capacity",
            "recommended_assistance",
            "recommendations",
            "visibility",
        )
        labels = {
            "need": _("The need"),
            "existing_capacity": _("Existing national capacity"),
            "recommended_assistance": _("Recommended form of assistance"),
        }
        help_texts = {
            "visibility": _("A shared finding is in the report the government receives."),
        }
        widgets = {
            "need": forms.Textarea(attrs={"rows": 4}),
            "existing_capacity": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args: Any, recommendations: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["thematic_area"].queryset = ThematicArea.objects.filter(is_active=True)
        self.fields["recommended_assistance"].queryset = FormOfAssistance.objects.filter(
            is_active=True
        )
        field = self.fields["recommendations"]
        field.queryset = recommendations
        if not recommendations.exists():
            field.disabled = True
            field.help_text = _("No recommendation of the mechanisms is recorded for this State.")
        self.fields["visibility"].choices = Visibility.choices

    def service_fields(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if not self.fields[name].disabled
        }
        if "recommendations" in data:
            data["recommendations"] = list(data["recommendations"])
        return data

"""Forms of the evaluation pages. They only validate input; the services decide
whether it may be written (who, in which state). Choice fields offer only what
the user may pick: the programmes they schedule for, the staff of the
programme's countries, the active roster, the programme's own States."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation, EvaluationDocument, EvaluationRecommendation
from evaluations.selectors import roster
from tcp import l10n
from tcp.forms import ACCEPT as FILE_TYPES
from tcp.forms import DateInput, DocumentUploadForm, part_label, upload_help
from tcp.models import Country, Region, RosterExpert, ThematicArea, User
from tcp.translated import AlphabeticalModelChoiceField, AlphabeticalModelMultipleChoiceField

K = Evaluation.EvaluatorKind


class _PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class _ExpertField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RosterExpert) -> str:
        areas = l10n.join(area.translated_name for area in obj.expertise.all())
        details = " · ".join(part for part in (areas, obj.languages) if part)
        return f"{obj.name} — {details}" if details else obj.name


class PlanForm(forms.ModelForm):
    """What the desk officer decides: when, over which period, by whom, on what terms."""

    evaluator_user = _PersonField(
        label=_("OHCHR staff member"), required=False, queryset=User.objects.none()
    )
    evaluator_expert = _ExpertField(
        label=_("Expert from the roster"),
        required=False,
        queryset=RosterExpert.objects.none(),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Evaluation
        fields = (
            "due_date",
            "period_start",
            "period_end",
            "evaluator_kind",
            "evaluator_user",
            "evaluator_expert",
            "evaluator_firm",
            "terms_of_reference",
        )
        labels = {
            "due_date": _("Due"),
            "period_start": _("Period covered: from"),
            "period_end": _("to"),
            "evaluator_kind": _("Evaluated by"),
            "evaluator_firm": _("External firm"),
            "terms_of_reference": _("Terms of reference"),
        }
        help_texts = {
            "evaluator_expert": _(
                "An expert with an account is given access to this evaluation only."
            ),
        }
        widgets = {
            "due_date": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "evaluator_kind": forms.RadioSelect,
            "terms_of_reference": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(
        self, *args: Any, staff: QuerySet[User], experts: QuerySet[RosterExpert], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            # Whoever evaluates stays offered, even if they left the roster or the country.
            staff = User.objects.filter(
                Q(pk__in=staff.values("pk")) | Q(pk=instance.evaluator_user_id)
            )
            experts = RosterExpert.objects.filter(
                Q(pk__in=experts.values("pk")) | Q(pk=instance.evaluator_expert_id)
            )
        self.fields["evaluator_user"].queryset = staff.order_by(
            "last_name", "first_name", "username"
        )
        self.fields["evaluator_user"].empty_label = _("Choose the staff member")
        self.fields["evaluator_expert"].queryset = experts.prefetch_related("expertise").order_by(
            "name"
        )
        self.fields["evaluator_kind"].choices = [("", _("Not decided yet")), *K.choices]
        self.fields["evaluator_kind"].required = False

    # The evaluator of the kind chosen and the period's order are the model's rules
    # (``Evaluation.clean``), reported on their fields by the model form.

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class _ProgrammeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} {obj.title}"


class ScheduleForm(PlanForm):
    """An evaluation the desk officer adds by hand: its programme and kind, then the plan."""

    programme = _ProgrammeField(label=_("Programme"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Evaluation.Kind.choices)

    field_order = ("programme", "kind")

    def __init__(self, *args: Any, programmes: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].empty_label = _("Choose the programme")
        self.fields["kind"].widget = forms.RadioSelect(choices=Evaluation.Kind.choices)


class RosterSearchForm(forms.Form):
    """A GET form narrowing the roster offered; an invalid value is dropped, not fatal."""

    expertise = forms.ModelChoiceField(
        label=_("Area of expertise"),
        required=False,
        queryset=ThematicArea.objects.none(),
        empty_label=_("Any area"),
    )
    language = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. French")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expertise"].queryset = ThematicArea.objects.filter(is_active=True)

    def experts(self) -> QuerySet[RosterExpert]:
        if not self.is_bound:
            return roster()
        self.is_valid()
        return roster(
            expertise=self.cleaned_data.get("expertise"),
            language=(self.cleaned_data.get("language") or "").strip(),
        )


class ReportForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ("methodology", "findings", "conclusions", "lessons_learned", "summary")
        labels = {
            "methodology": _("Methodology"),
            "findings": _("Findings"),
            "conclusions": _("Conclusions"),
            "lessons_learned": _("Lessons learned"),
            "summary": _("Summary"),
        }
        help_texts = {
            "summary": _(
                "What the governments read once the report is accepted: write it for them."
            ),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RatingsForm(forms.Form):
    """One level and one justification per criterion, on the criterion's own scale."""

    def __init__(
        self,
        *args: Any,
        criteria: list[Any],
        levels: dict[int, list[Any]],
        current: dict[int, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            rating = current.get(criterion.pk)
            choices = [("", _("Not rated"))] + [
                (str(level.pk), level.translated_label)
                for level in levels.get(criterion.scale_id, [])
            ]
            self.fields[f"level_{criterion.pk}"] = forms.ChoiceField(
                label=_("Rating"),
                choices=choices,
                required=False,
                initial=str(rating.level_id) if rating else "",
            )
            self.fields[f"justification_{criterion.pk}"] = forms.CharField(
                label=_("Justification"),
                required=False,
                initial=rating.justification if rating else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self._levels = {str(level.pk): level for scale in levels.values() for level in scale}

    def error_label(self, name: str) -> str:
        """The rating of each criterion is called "Rating": the summary names which."""
        for criterion in self.criteria:
            if name in (f"level_{criterion.pk}", f"justification_{criterion.pk}"):
                return part_label(criterion.name, self.fields[name].label)
        return str(self.fields[name].label)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        """(criterion, its level field, its justification field), for the template."""
        return [(c, self[f"level_{c.pk}"], self[f"justification_{c.pk}"]) for c in self.criteria]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for criterion in self.criteria:
            level = data.get(f"level_{criterion.pk}")
            text = (data.get(f"justification_{criterion.pk}") or "").strip()
            if level and not text:
                self.add_error(
                    f"justification_{criterion.pk}",
                    _("Justify the rating on %s.") % criterion.translated_name,
                )
            if text and not level:
                self.add_error(f"level_{criterion.pk}", _("Choose a rating, or clear the text."))
        return data

    def ratings(self) -> list[tuple[Any, Any, str]]:
        """(criterion, level or None, justification) for the service."""
        return [
            (
                c,
                self._levels.get(self.cleaned_data.get(f"level_{c.pk}") or ""),
                (self.cleaned_data.get(f"justification_{c.pk}") or "").strip(),
            )
            for c in self.criteria
        ]


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = EvaluationRecommendation
        fields = ("text",)
        labels = {"text": _("Recommendation")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ResponseForm(forms.Form):
    R = EvaluationRecommendation.Response
    response = forms.ChoiceField(
        label=_("OHCHR's management response"), choices=R.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless OHCHR agrees."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("response") not in (None, self.R.AGREE)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why, unless OHCHR agrees with the recommendation."))
        return data


class ActionForm(forms.Form):
    """An action of the follow-up plan: what, by whom, by when."""

    UNIT, STAFF, GOVERNMENT = "unit", "staff", "government"

    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}))
    party = forms.ChoiceField(
        label=_("Carried out by"),
        choices=(
            (UNIT, _("An OHCHR unit")),
            (STAFF, _("An OHCHR staff member")),
            (GOVERNMENT, _("The government of a State")),
        ),
        widget=forms.RadioSelect,
    )
    owner = forms.CharField(
        label=_("Unit or body, by name"),
        required=False,
        max_length=200,
        help_text=_(
            "The OHCHR unit; for a government, the ministry or body that leads (optional)."
        ),
    )
    owner_user = _PersonField(label=_("Staff member"), required=False, queryset=User.objects.none())
    responsible_state = AlphabeticalModelChoiceField(
        label=_("State"), required=False, queryset=Country.objects.none()
    )
    due_date = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args: Any, staff: QuerySet[User], states: QuerySet[Country], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = staff
        self.fields["owner_user"].empty_label = _("Choose the staff member")
        self.fields["responsible_state"].queryset = states
        self.fields["responsible_state"].empty_label = _("Choose the State")
        if states.count() == 1:
            self.fields["responsible_state"].initial = states.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        party = data.get("party")
        if party == self.UNIT and not (data.get("owner") or "").strip():
            self.add_error("owner", _("Name the unit."))
        if party == self.STAFF and not data.get("owner_user"):
            self.add_error("owner_user", _("Choose the staff member."))
        if party == self.GOVERNMENT and not data.get("responsible_state"):
            self.add_error("responsible_state", _("Choose the State."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        party = data["party"]
        return {
            "description": data["description"].strip(),
            "owner": (data.get("owner") or "").strip() if party != self.STAFF else "",
            "owner_user": data.get("owner_user") if party == self.STAFF else None,
            "responsible_state": (
                data.get("responsible_state") if party == self.GOVERNMENT else None
            ),
            "due_date": data["due_date"],
        }


class ProgressForm(forms.Form):
    """What was done, and a file that shows it: one POST, so a refused file keeps the
    text as typed, with the reason next to the file field."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    # Empty files and odd names reach the service, which refuses them with its own message.
    evidence = forms.FileField(label=_("Evidence"), required=False, allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.now().date()})
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = str(
            _("Optional: a document or photo that shows it. %s") % upload_help()
        )
        self.fields["evidence"].widget.attrs["accept"] = FILE_TYPES

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if day > timezone.now().date():
            raise forms.ValidationError(_("Progress is reported once made: not a future date."))
        return day


class ShareForm(forms.Form):
    states = AlphabeticalModelMultipleChoiceField(
        label=_("States whose governments read it once accepted"),
        required=False,
        queryset=Country.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, states: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["states"].queryset = states


class OverviewFilterForm(forms.Form):
    """GET parameters of the overview. Invalid values are dropped, not fatal."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.TypedChoiceField(label=_("Year due"), required=False, coerce=int, empty_value=None)

    def __init__(self, data: Any = None, *, years: list[int]) -> None:
        super().__init__(data)
        self.fields["region"].choices = [("", _("All regions")), *Region.choices]
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {"region": "", "year": None}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"region": data.get("region") or "", "year": data.get("year")}


def upload_form(data: Any = None, files: Any = None) -> DocumentUploadForm:
    return DocumentUploadForm(
        data,
        files,
        kinds=EvaluationDocument.Kind.choices,
        initial_kind=EvaluationDocument.Kind.REPORT,
        visibility_help=_(
            "A shared document is read by the governments of the States the evaluation is "
            "shared with, once it is accepted."
        ),
        prefix="document",
    )

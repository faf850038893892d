"""Forms of the request pages: the focal point's draft, a new recommendation,
the thread, the screening and OHCHR's uploads. They only validate input; the
services decide whether it may be written (who, in which state)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from requests_app.models import AssistanceRequest, Recommendation, ScreeningScore
from tcp import l10n
from tcp.documents import Visibility
from tcp.forms import DateInput, part_label
from tcp.models import (
    FormOfAssistance,
    Mechanism,
    ScreeningCriterion,
    SustainableDevelopmentGoal,
    ThematicArea,
)
from tcp.translated import AlphabeticalModelChoiceField


class RecommendationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Recommendation) -> str:
        source = (
            obj.document_symbol
            or obj.mechanism.translated_abbreviation
            or obj.mechanism.translated_name
        )
        details = ", ".join(
            part for part in (obj.session_or_cycle, obj.date and l10n.day(obj.date)) if part
        )
        head = f"{source} ({details})" if details else source
        return f"{head}: {truncatechars(obj.text, 220)}"


_M = AssistanceRequest._meta


class RequestForm(forms.Form):
    country = AlphabeticalModelChoiceField(label=_("State"), queryset=None, empty_label=None)
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
    recommendations = RecommendationChoiceField(
        label=_("Linked recommendations"),
        required=False,
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Recommendations of the human rights mechanisms this request answers."),
    )

    def __init__(
        self,
        *args: Any,
        countries: QuerySet | None = None,
        recommendations: QuerySet | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if recommendations is None:
            del self.fields["recommendations"]
        else:
            self.fields["recommendations"].queryset = recommendations
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

    def show_recommendations(self, shown: QuerySet) -> None:
        """Offer ``shown`` (a search's matches) plus whatever is already linked.

        Validation still accepts any of the State's recommendations; only the
        checkboxes drawn are limited, and a linked one is never hidden by a
        search (unchecked, it would be unlinked on the next save).
        """
        field = self.fields["recommendations"]
        selected = {str(v) for v in (self["recommendations"].value() or ())}
        linked = field.queryset.filter(pk__in=[int(v) for v in selected if v.isdigit()])
        rows = list(linked) + [r for r in shown if str(r.pk) not in selected]
        field.widget.choices = [(r.pk, field.label_from_instance(r)) for r in rows]


class RecommendationForm(forms.Form):
    """A recommendation entered by hand, linked to the request when saved."""

    mechanism = forms.ModelChoiceField(
        label=_("Mechanism"),
        required=False,
        queryset=Mechanism.objects.filter(is_active=True),
        empty_label=_("Choose the mechanism"),
    )
    session_or_cycle = forms.CharField(
        label=_("Session or cycle"),
        required=False,
        max_length=100,
        help_text=_("For example: UPR 4th cycle, or CAT 79th session."),
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    document_symbol = forms.CharField(
        label=_("Document symbol"),
        required=False,
        max_length=100,
        help_text=_("For example: A/HRC/59/12."),
    )
    text = forms.CharField(
        label=_("Text of the recommendation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def is_filled(self) -> bool:
        """Whether the person typed a recommendation at all (empty means: none to add)."""
        return self.is_bound and self.has_changed()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_changed():
            if not data.get("mechanism") and "mechanism" not in self.errors:
                self.add_error("mechanism", _("Choose the mechanism that made it."))
            if not (data.get("text") or "").strip():
                self.add_error("text", _("Enter the text of the recommendation."))
        return data


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Send as"),
        choices=[
            (Visibility.SHARED, _("Message to the government")),
            (Visibility.INTERNAL, _("Internal note (OHCHR only)")),
        ],
        initial=Visibility.SHARED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, ohchr: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ohchr:
            # A government writes to OHCHR, always in the shared thread.
            del self.fields["visibility"]
            self.fields["body"].label = _("Message to OHCHR")

    @property
    def chosen_visibility(self) -> str:
        return self.cleaned_data.get("visibility") or Visibility.SHARED


class ScreeningForm(forms.Form):
    """A score (0-5) and a comment per active criterion, and a summary.

    Fields are not required here: the service names every missing score or
    comment at once, with the criterion's name.
    """

    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The overall judgement of the screening, for the approver."),
    )

    SCORES = [("", "—"), *[(str(n), str(n)) for n in range(ScreeningScore.MAX_SCORE + 1)]]

    def __init__(
        self,
        *args: Any,
        criteria: list[ScreeningCriterion],
        initial_scores: dict[int, tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_scores = initial_scores or {}
        for criterion in criteria:
            score, comment = initial_scores.get(criterion.pk, (None, ""))
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=_("Score"),
                choices=self.SCORES,
                required=False,
                initial="" if score is None else str(score),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                initial=comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def error_label(self, name: str) -> str:
        """Each criterion has a "Score": the summary of errors names which."""
        for criterion in self.criteria:
            if name in (f"score_{criterion.pk}", f"comment_{criterion.pk}"):
                return part_label(criterion.name, self.fields[name].label)
        return str(self.fields[name].label)

    def rows(self) -> list[tuple[ScreeningCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        result: dict[int, tuple[int | None, str]] = {}
        for c in self.criteria:
            raw = data.get(f"score_{c.pk}")
            score = None if raw in (None, "") else int(raw)
            result[c.pk] = (score, data.get(f"comment_{c.pk}", ""))
        return result

    def mark_missing(self) -> None:
        """Put an error on every empty score or comment, next to the field."""
        for _criterion, score, comment in self.rows():
            if self.cleaned_data.get(score.name) in (None, ""):
                self.add_error(score.name, _("Give a score."))
            if not (self.cleaned_data.get(comment.name) or "").strip():
                self.add_error(comment.name, _("Explain the score."))

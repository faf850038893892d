"""Forms of a programme's parts: components, indicators and their values, activities
and their reports, the roster search and bookings, partners and grants.

They only validate input; the services decide whether it may be written (who,
in which state) and enforce the rules (the micro-grant ceiling, double
bookings). Choice fields offer only what may be picked: the programme's own
components, active reference data.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programmes.implementation import PARTICIPANTS, grant_ceiling
from programmes.models import (
    Activity,
    Component,
    Grant,
    Indicator,
    IndicatorValue,
    ProgrammePartner,
)
from tcp import translated
from tcp.forms import DateInput
from tcp.l10n import money
from tcp.models import FormOfAssistance, PartnerOrganisation, ThematicArea

_NUMBER = {"inputmode": "decimal", "step": "0.01"}
_COUNT = {"min": 0, "inputmode": "numeric"}


def _active(model: Any) -> QuerySet:
    return model.objects.filter(is_active=True)


class ComponentForm(forms.ModelForm):
    class Meta:
        model = Component
        fields = ("thematic_area", "title", "objective", "outputs")
        labels = {
            "thematic_area": _("Thematic area"),
            "title": _("Title"),
            "objective": _("Objective"),
            "outputs": _("Outputs"),
        }
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "outputs": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = _active(ThematicArea)
        if self.instance.pk:
            # An area retired since stays offered to the components that use it.
            areas = ThematicArea.objects.filter(
                pk__in=[*areas.values_list("pk", flat=True), self.instance.thematic_area_id]
            )
        self.fields["thematic_area"].queryset = areas
        self.fields["thematic_area"].empty_label = _("Choose the thematic area")


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ("name", "unit", "baseline", "target", "means_of_verification")
        labels = {
            "name": _("Indicator"),
            "unit": _("Unit"),
            "baseline": _("Baseline"),
            "target": _("Target"),
            "means_of_verification": _("Means of verification"),
        }
        help_texts = {
            "baseline": _("The value when the programme starts."),
            "target": _("The value to reach; lower than the baseline if it should fall."),
        }
        widgets = {
            "baseline": forms.NumberInput(attrs=_NUMBER),
            "target": forms.NumberInput(attrs=_NUMBER),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("baseline") is not None and data.get("baseline") == data.get("target"):
            self.add_error("target", _("A target equal to the baseline measures no progress."))
        return data


class IndicatorValueForm(forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = ("date", "value", "source")
        labels = {
            "date": _("Measured on"),
            "value": _("Value"),
            "source": _("Source"),
        }
        help_texts = {"source": _("Where the figure comes from: a report, a survey, records.")}
        widgets = {"date": DateInput(), "value": forms.NumberInput(attrs=_NUMBER)}


class _ComponentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Component) -> str:
        return obj.title


class _PartnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartnerOrganisation) -> str:
        name = obj.translated_name
        return f"{name} ({obj.acronym})" if obj.acronym else name


def _grouped_partners(field: forms.ModelChoiceField, first: Collection[int] = ()) -> None:
    """The partner list as option groups by kind (``first``: the programme's own
    partners, in a group on top), so a long reference list stays readable."""
    partners = translated.alphabetical(field.queryset, key=lambda p: p.translated_name)
    groups: list[tuple[str, list[tuple[Any, str]]]] = []
    own = [(p.pk, field.label_from_instance(p)) for p in partners if p.pk in first]
    if own:
        groups.append((str(_("Partners of this programme")), own))
    for kind, label in PartnerOrganisation.Kind.choices:
        options = [
            (p.pk, field.label_from_instance(p))
            for p in partners
            if p.kind == kind and p.pk not in first
        ]
        if options:
            groups.append((str(label), options))
    blank = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*blank, *groups]


class ActivityForm(forms.ModelForm):
    component = _ComponentChoice(label=_("Component"), queryset=Component.objects.none())
    partner = _PartnerChoice(
        label=_("Partner"),
        required=False,
        queryset=PartnerOrganisation.objects.none(),
        empty_label=_("No partner"),
    )

    class Meta:
        model = Activity
        fields = (
            "component",
            "form",
            "title",
            "description",
            "audience",
            "start_date",
            "end_date",
            "place",
            "partner",
            *PARTICIPANTS,
        )
        labels = {
            "form": _("Form of assistance"),
            "title": _("Title"),
            "description": _("Description"),
            "audience": _("Audience"),
            "start_date": _("Starts"),
            "end_date": _("Ends"),
            "place": _("Place"),
            "participants_women": _("Women"),
            "participants_men": _("Men"),
            "participants_other": _("Other or not stated"),
        }
        help_texts = {
            "audience": _("Who a training course or workshop is for."),
            "participants_other": "",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(
        self, *args: Any, components: QuerySet, programme_partners: Collection[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components
        self.fields["component"].empty_label = _("Choose the component")
        forms_offered = _active(FormOfAssistance)
        partners = _active(PartnerOrganisation)
        if self.instance.pk:
            forms_offered = FormOfAssistance.objects.filter(
                pk__in=[*forms_offered.values_list("pk", flat=True), self.instance.form_id]
            )
            if self.instance.partner_id:
                partners = PartnerOrganisation.objects.filter(
                    pk__in=[*partners.values_list("pk", flat=True), self.instance.partner_id]
                )
        self.fields["form"].queryset = forms_offered
        self.fields["form"].empty_label = _("Choose the form of assistance")
        self.fields["partner"].queryset = partners
        _grouped_partners(self.fields["partner"], first=programme_partners)
        self.fields["audience"].choices = [
            ("", _("Not a course or workshop")),
            *Activity.Audience.choices,
        ]
        for name in PARTICIPANTS:
            self.fields[name].widget.attrs.update(_COUNT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The activity ends before it starts."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "component"}


class ActivityFilterForm(forms.Form):
    """The activity list's filters beyond status, country and search (``list_page``):
    the form of assistance, a period the activities overlap, and one programme."""

    form = forms.ModelChoiceField(
        label=_("Form of assistance"),
        required=False,
        queryset=FormOfAssistance.objects.none(),
        empty_label=_("All forms"),
    )
    # Activities that take place, even in part, between the two days.
    date_from = forms.DateField(label=_("Taking place from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Taking place until"), required=False, widget=DateInput())
    programme = forms.IntegerField(required=False, widget=forms.HiddenInput)
    component = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = FormOfAssistance.objects.all()

    @property
    def data_ok(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        # Keep what is valid: one bad parameter does not drop the others.
        return self.cleaned_data

    def filter(self, queryset: QuerySet) -> QuerySet:
        data = self.data_ok
        if data.get("form") is not None:
            queryset = queryset.filter(form=data["form"])
        if data.get("date_from"):
            queryset = queryset.filter(end_date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(start_date__lte=data["date_to"])
        if data.get("programme"):
            queryset = queryset.filter(component__programme_id=data["programme"])
        if data.get("component"):
            queryset = queryset.filter(component_id=data["component"])
        return queryset

    def is_active(self) -> bool:
        data = self.data_ok
        return any(
            data.get(name) for name in ("form", "date_from", "date_to", "programme", "component")
        )

    def chosen_programme(self, visible: QuerySet) -> Any:
        """The programme the list is narrowed to, if the reader may open it."""
        pk = self.data_ok.get("programme")
        return visible.filter(pk=pk).first() if pk else None


class ActivityReportForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("Progress"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, with whom, and what changed."),
    )
    participants_women = forms.IntegerField(label=_("Women"), min_value=0)
    participants_men = forms.IntegerField(label=_("Men"), min_value=0)
    participants_other = forms.IntegerField(label=_("Other or not stated"), min_value=0)
    complete = forms.BooleanField(
        label=_("The activity is completed: mark it completed with this report"),
        required=False,
    )

    def __init__(self, *args: Any, may_complete: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PARTICIPANTS:
            self.fields[name].widget.attrs.update(_COUNT)
        if not may_complete:
            del self.fields["complete"]

    def participants(self, activity: Activity) -> dict[str, int] | None:
        """The counts that differ from what the activity holds (None: unchanged)."""
        changed = {
            name: self.cleaned_data[name]
            for name in PARTICIPANTS
            if self.cleaned_data[name] != getattr(activity, name)
        }
        return changed or None


class RosterSearchForm(forms.Form):
    """A GET form: an invalid value is dropped, not fatal."""

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
        self.fields["expertise"].queryset = _active(ThematicArea)

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            "expertise": self.cleaned_data.get("expertise"),
            "language": (self.cleaned_data.get("language") or "").strip(),
        }


class BookingForm(forms.Form):
    expert = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.CharField(label=_("Role"), required=False, max_length=200)


class PartnerForm(forms.Form):
    partner = _PartnerChoice(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.none(),
        empty_label=_("Choose the organisation"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ProgrammePartner.Role.choices)
    description = forms.CharField(
        label=_("What it does in the programme"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _active(PartnerOrganisation)
        _grouped_partners(self.fields["partner"])


class NewPartnerForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), required=False, max_length=32)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=PartnerOrganisation.Kind.choices
    )
    role = forms.ChoiceField(label=_("Role"), choices=ProgrammePartner.Role.choices)
    description = forms.CharField(
        label=_("What it does in the programme"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GrantForm(forms.Form):
    recipient = forms.CharField(label=_("Recipient"), max_length=300)
    recipient_kind = forms.ChoiceField(
        label=_("Kind of recipient"), choices=Grant.RecipientKind.choices
    )
    amount = forms.DecimalField(
        label=_("Amount (US$)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**_NUMBER, "min": "0.01"}),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    report_due = forms.DateField(label=_("Report due"), widget=DateInput())
    component = _ComponentChoice(
        label=_("Component"),
        required=False,
        queryset=Component.objects.none(),
        empty_label=_("Not tied to one component"),
    )

    def __init__(self, *args: Any, components: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components
        self.fields["amount"].help_text = _(
            "In US dollars, with cents. A micro-grant to civil society is at most %s."
        ) % money(grant_ceiling())

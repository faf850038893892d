"""The filters of the request list and its CSV export: one FilterSet for both.

Choice lists come from reference data and from the viewer's own scope, so
the form never offers a country (or a desk officer of a country) the viewer
cannot see. Filters on to-many relations (thematic areas, the mechanisms of
linked recommendations) go through primary-key subqueries: a request citing
three UPR recommendations still appears once, and no DISTINCT is needed.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from requests_app.models import AssistanceRequest
from tcp.forms import DateInput
from tcp.models import Country, CountryUserObjectPermission, Mechanism, Region, ThematicArea, User
from tcp.scoping import scope_for
from tcp.translated import AlphabeticalModelChoiceField

# Whitelisted sort keys -> the fields they order by (ascending).
SORTS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "title": ("title",),
    "country": ("country__name",),
    "status": ("status",),
    "created": ("created_at",),
    "submitted": ("submitted_at",),
    "decided": ("decided_at",),
}
DEFAULT_SORT = "-created"


def ordering(sort: str) -> list[str]:
    """The ORDER BY of a whitelisted sort key; the primary key breaks ties."""
    descending = sort.startswith("-")
    fields = SORTS[sort.lstrip("-")]
    if descending:
        fields = tuple(f"-{f}" for f in fields)
    return [*fields, "-pk" if descending else "pk"]


def desk_officer_grants(country_ids: Any = None) -> QuerySet[CountryUserObjectPermission]:
    """The portfolio grants (``manage_country``), optionally of some countries only."""
    grants = CountryUserObjectPermission.objects.filter(
        permission__codename="manage_country", permission__content_type__app_label="tcp"
    )
    if country_ids is not None:
        grants = grants.filter(content_object__in=country_ids)
    return grants


class _AlphabeticalChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = AlphabeticalModelChoiceField


class _DeskOfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        help_text=_("Reference, title or description"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AssistanceRequest.Status.choices, empty_label=_("All statuses")
    )
    country = _AlphabeticalChoiceFilter(
        label=_("Country"), queryset=Country.objects.none(), empty_label=_("All countries")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="country__region",
        choices=Region.choices,
        empty_label=_("All regions"),
    )
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.filter(is_active=True),
        method="with_thematic_area",
        empty_label=_("All thematic areas"),
    )
    mechanism = django_filters.ModelChoiceFilter(
        label=_("Mechanism"),
        queryset=Mechanism.objects.filter(is_active=True),
        method="citing_mechanism",
        empty_label=_("Any mechanism"),
        help_text=_("Of the linked recommendations"),
    )
    desk_officer = django_filters.ModelChoiceFilter(
        label=_("Desk officer"),
        queryset=User.objects.none(),
        method="in_portfolio_of",
        empty_label=_("Any desk officer"),
    )
    desk_officer.field_class = _DeskOfficerChoice
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=DateInput(),
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted to"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )
    # Applied last, in filter_queryset: an unknown key falls back to the default.
    sort = django_filters.ChoiceFilter(
        choices=[(k, k) for k in SORTS] + [(f"-{k}", k) for k in SORTS],
        method="keep",
        widget=forms.HiddenInput,
    )

    # What a government does not choose: it works for its own State only.
    OHCHR_ONLY = ("country", "region", "desk_officer")
    # Shown without opening "More filters".
    MAIN = ("q", "status")

    class Meta:
        model = AssistanceRequest
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        scope = scope_for(user)
        if scope.all_countries:
            countries = Country.objects.all()
            grants = desk_officer_grants()
        elif scope.ohchr:
            ids = sorted(scope.ohchr)
            countries = Country.objects.filter(pk__in=ids)
            grants = desk_officer_grants(ids)
        else:
            for name in self.OHCHR_ONLY:
                del self.filters[name]
            return
        self.filters["country"].queryset = countries
        self.filters["desk_officer"].queryset = User.objects.filter(
            pk__in=grants.values("user"), is_active=True
        ).order_by("last_name", "first_name", "username")

    # --- filter methods ---

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(reference__icontains=term) | Q(title__icontains=term) | Q(description__icontains=term)
        )

    def with_thematic_area(self, queryset: QuerySet, name: str, value: ThematicArea) -> QuerySet:
        through = AssistanceRequest.thematic_areas.through.objects.filter(thematicarea=value)
        return queryset.filter(pk__in=through.values("assistancerequest"))

    def citing_mechanism(self, queryset: QuerySet, name: str, value: Mechanism) -> QuerySet:
        through = AssistanceRequest.recommendations.through.objects.filter(
            recommendation__mechanism=value
        )
        return queryset.filter(pk__in=through.values("assistancerequest"))

    def in_portfolio_of(self, queryset: QuerySet, name: str, value: User) -> QuerySet:
        return queryset.filter(
            country__in=desk_officer_grants().filter(user=value).values("content_object")
        )

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    # --- the whole ---

    @property
    def sort_key(self) -> str:
        self.form.is_valid()  # cleaned_data keeps the valid values when others are not
        return self.form.cleaned_data.get("sort") or DEFAULT_SORT

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).order_by(*ordering(self.sort_key))

    @property
    def is_filtered(self) -> bool:
        self.form.is_valid()
        data = self.form.cleaned_data
        return any(data.get(name) not in (None, "") for name in self.filters if name != "sort")

    @property
    def extra_filters_active(self) -> int:
        """How many of the filters under "More filters" are set (to open it)."""
        self.form.is_valid()
        data = self.form.cleaned_data
        return sum(
            1
            for name in self.filters
            if name not in (*self.MAIN, "sort") and data.get(name) not in (None, "")
        )

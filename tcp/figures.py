"""The figures page: each role's dashboard of charts, each chart with its table.

Like the dashboard, the core never imports an app: each app hands in a
provider (``tcp/urls.py`` wires ``FIGURE_PROVIDERS``) that returns the panels
it contributes for a user and the filters. Which panels a user gets is which
permissions their role holds, and what they count is what the app's own
selectors let the user open:

* requests (the pipeline; by region and thematic area): whoever may view
  requests: every OHCHR role over their countries, a government focal point
  over its own State's requests;
* programmes (by status and Board of Trustees component; budget by funding
  source): whoever may view programmes: a government counts only the
  programmes shared with its State, and sees their planned budget but never
  the expenditure, which is OHCHR's;
* evaluation ratings: the evaluation overview's permission (OHCHR roles),
  counting only evaluations whose internal work the user reads;
* follow-up actions: whoever may view them, a government only its own State's.

A user with no panel at all is refused (403). Every panel costs a fixed
number of queries, whatever the number of records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tcp.charts import Figure
from tcp.models import Country, Region
from tcp.scoping import scope_for
from tcp.translated import AlphabeticalModelChoiceField

FIRST_YEAR = 2010


@dataclass(frozen=True)
class Filters:
    """What the figures are narrowed to: a year, a region, one country of the user's."""

    year: int | None = None
    region: str = ""
    country: Country | None = None

    @property
    def country_id(self) -> int | None:
        return self.country.pk if self.country is not None else None

    def list_query(self) -> str:
        """The filters a list page understands (its country filter), as a query string."""
        return f"?country={self.country.pk}" if self.country is not None else ""


@dataclass(frozen=True)
class Stat:
    label: str
    text: str
    value: Any = None


@dataclass(frozen=True)
class Panel:
    """One dashboard panel: what it counts, its headline figures and its charts."""

    key: str
    title: str
    counted: str
    figures: list[Figure]
    stats: list[Stat] = field(default_factory=list)
    link_url: str = ""
    link_label: str = ""
    note: str = ""
    # Wide figures (many columns in their tables) one under the other, not side by side.
    stacked: bool = False

    @property
    def is_empty(self) -> bool:
        return all(f.is_empty for f in self.figures)


# An app's provider: the panels it contributes for this user and these filters.
FigureProvider = Callable[[Any, Filters], list[Panel]]


def _years() -> list[tuple[str, str]]:
    this_year = timezone.now().year
    return [("", _("All years"))] + [
        (str(y), str(y)) for y in range(this_year + 1, FIRST_YEAR - 1, -1)
    ]


class FigureFilterForm(forms.Form):
    """The figures' filters. Country choices are limited to the user's countries;
    a value that is not on offer is reported on the form and ignored."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = AlphabeticalModelChoiceField(
        label=_("Country"), required=False, queryset=Country.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["region"].choices = [("", _("All regions")), *Region.choices]
        scope = scope_for(user)
        country = self.fields["country"]
        country.empty_label = str(_("All countries"))
        if scope.all_countries:
            country.queryset = Country.objects.order_by("name")
        else:
            ids = sorted(scope.ohchr | scope.government)
            country.queryset = Country.objects.filter(pk__in=ids).order_by("name")

    def filters(self) -> Filters:
        if not self.is_bound:
            return Filters()
        self.is_valid()
        # Keep what is valid: one bad parameter does not drop the others.
        data = self.cleaned_data
        return Filters(
            year=data.get("year"), region=data.get("region") or "", country=data.get("country")
        )


@login_required
def figures(request: HttpRequest, providers: Sequence[FigureProvider] = ()) -> HttpResponse:
    user = request.user
    form = FigureFilterForm(request.GET or None, user=user)
    chosen = form.filters()
    panels = [panel for provider in providers for panel in provider(user, chosen)]
    if not panels:
        raise PermissionDenied
    return render(
        request,
        "tcp/figures.html",
        {
            "filter_form": form,
            "filters": chosen,
            "is_filtered": bool(chosen.year or chosen.region or chosen.country),
            "panels": panels,
        },
    )


def year_window(filters: Filters, years: int = 5) -> list[int]:
    """The years a chart over time shows: ``years`` of them, ending with the year
    chosen (or this one)."""
    last = filters.year or timezone.now().year
    return list(range(last - years + 1, last + 1))

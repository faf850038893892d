"""A programme's parts: components and their indicators (values recorded over time,
progress charted against the target), activities (the workplan, progress
reports, experts booked from the roster), partners and grants.

Every record comes through its selector (outside scope: 404); a role that never
holds the permission an action takes answers 403; every write goes through
``programmes.services`` or ``programmes.implementation``, whose refusal becomes
a message or a form error and whose ``ValidationError`` becomes field errors.
Pages offer a form or button only when the service's ``*_refusal`` says it
would be accepted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.selectors import roster
from programmes import implementation, services
from programmes.forms.parts import (
    ActivityFilterForm,
    ActivityForm,
    ActivityReportForm,
    BookingForm,
    ComponentForm,
    GrantForm,
    IndicatorForm,
    IndicatorValueForm,
    NewPartnerForm,
    PartnerForm,
    RosterSearchForm,
)
from programmes.models import (
    Activity,
    Component,
    ExpertAssignment,
    Indicator,
    IndicatorValue,
    Programme,
)
from programmes.selectors import (
    activity_experts,
    activity_reports,
    audience,
    indicator_values,
    programme_activities,
    programme_components,
    programme_grants,
    programme_indicators,
    programme_partners,
    sees_progress,
    visible_activities,
    visible_assignments,
    visible_components,
    visible_indicators,
    visible_partners,
    visible_programmes,
)
from tcp import exports
from tcp.charts import nice_step
from tcp.forms import add_model_errors
from tcp.l10n import day, money, number
from tcp.lifecycle import TransitionRefused
from tcp.views import Column, ListSpec, actions_for, list_page, openable, timeline

VIEW = "programmes.view_programme"
DRAFT = services.DRAFT
REPORT = services.REPORT
A = Activity.Status
ROSTER_PAGE = 10
# How many of a programme's activities its page lists before "all activities".
ACTIVITIES_SHOWN = 10


def viewer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in and a viewer of programmes (403 otherwise); which records is the
    selectors' business (404 outside scope)."""
    return login_required(permission_required(VIEW, raise_exception=True)(view))


def _require(user: Any, perm: str) -> None:
    """A role that never holds ``perm`` may not use the page at all."""
    if not user.has_perm(perm):
        raise PermissionDenied


def _refused(request: HttpRequest, refusal: str | None, perm: str, back: str) -> Any:
    """None when the service would accept; otherwise 403 for a role without ``perm``,
    or the service's reason as a message and back to ``back``."""
    if refusal is None:
        return None
    _require(request.user, perm)
    messages.error(request, refusal)
    return HttpResponseRedirect(back)


def _save(form: Any, write: Callable[[], Any]) -> tuple[bool, Any]:
    """Call the service; its refusal or the model's errors go on the form."""
    try:
        result = write()
    except TransitionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_model_errors(form, exc)
    else:
        return True, result
    return False, None


def _programme_url(programme_id: int, anchor: str = "") -> str:
    url = reverse("programmes:detail", args=[programme_id])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request: HttpRequest,
    programme: Programme,
    form: Any,
    *,
    title: str,
    cancel: str,
    template: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {"programme": programme, "form": form, "title": title, "cancel": cancel, **extra},
    )


# --- charts: progress against the target, drawn as inline SVG ---


def _number(value: Decimal | None) -> str:
    """A measured value as the tables show it (1,320; 41.50), in the reader's locale."""
    if value is None:
        return "—"
    return number(value)


@dataclass(frozen=True)
class Progress:
    """An indicator's actual against its baseline and target: how far along the
    way from the one to the other it is, which reads the same whether the
    indicator should rise (officers trained) or fall (detainees awaiting trial)."""

    baseline: Decimal
    target: Decimal
    actual: Decimal | None

    @property
    def share(self) -> int | None:
        """Percent of the way from baseline to target: past 100 when exceeded,
        below 0 when it moved away."""
        if self.actual is None or self.target == self.baseline:
            return None
        return round((self.actual - self.baseline) * 100 / (self.target - self.baseline))

    @property
    def bar_width(self) -> int:
        """The bar, in percent of the way (0 to 100)."""
        return min(max(self.share or 0, 0), 100)

    @property
    def reached(self) -> bool:
        return self.share is not None and self.share >= 100

    @property
    def away(self) -> bool:
        return self.share is not None and self.share < 0

    @property
    def text(self) -> str:
        """The chart in words, for screen readers and for print."""
        values = {
            "baseline": _number(self.baseline),
            "target": _number(self.target),
            "actual": _number(self.actual),
            "share": self.share,
        }
        if self.actual is None:
            return _("Baseline %(baseline)s, target %(target)s; no actual value yet.") % values
        return (
            _(
                "Actual %(actual)s against a target of %(target)s from a baseline of "
                "%(baseline)s: %(share)s%% of the way."
            )
            % values
        )


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    value: str
    date: datetime.date
    source: str


@dataclass(frozen=True)
class Tick:
    at: str
    label: str


@dataclass(frozen=True)
class LineChart:
    """Values over time, with the baseline and target as lines across."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[Point]
    baseline_y: str
    target_y: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    # Where today falls on the period, if it does.
    today_x: str | None = None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def label_x(self) -> int:
        return self.right - 4


def line_chart(
    indicator: Indicator, values: list[IndicatorValue], programme: Programme
) -> LineChart | None:
    """Geometry of the values over the programme's period (or the values' own)."""
    if not values:
        return None
    width, height, left, right, top, bottom = 640, 260, 56, 620, 16, 220
    dates = [v.date for v in values]
    start = min([*dates, *([programme.start_date] if programme.start_date else [])])
    end = max([*dates, *([programme.end_date] if programme.end_date else [])])
    if start == end:
        start, end = start - datetime.timedelta(days=30), end + datetime.timedelta(days=30)
    numbers = [float(v.value) for v in values] + [
        float(indicator.baseline),
        float(indicator.target),
        0.0,
    ]
    step = nice_step((max(numbers) - min(numbers)) or 1.0)
    low = (min(numbers) // step) * step
    high = -((-max(numbers)) // step) * step
    if high <= low:
        high = low + step

    def x(when: datetime.date) -> str:
        return f"{left + (when - start).days * (right - left) / (end - start).days:.1f}"

    def y(value: float) -> str:
        return f"{bottom - (value - low) * (bottom - top) / (high - low):.1f}"

    y_ticks = []
    tick = low
    while tick <= high + step / 1000:
        y_ticks.append(Tick(y(tick), _number(Decimal(str(round(tick, 2))))))
        tick += step
    x_ticks = [Tick(x(start), day(start)), Tick(x(end), day(end))]
    today = timezone.now().date()
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=[
            Point(x(v.date), y(float(v.value)), _number(v.value), v.date, v.source) for v in values
        ],
        baseline_y=y(float(indicator.baseline)),
        target_y=y(float(indicator.target)),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        today_x=x(today) if start < today < end else None,
    )


@dataclass(frozen=True)
class Participants:
    women: int
    men: int
    other: int

    @property
    def total(self) -> int:
        return self.women + self.men + self.other

    def _width(self, part: int) -> int:
        """A multiple of 5 % (CSS classes w-0 … w-100: no inline style under the CSP)."""
        if part <= 0 or self.total <= 0:
            return 0
        return max(5, round(part * 20 / self.total) * 5)

    @property
    def women_width(self) -> int:
        return self._width(self.women)

    @property
    def men_width(self) -> int:
        return self._width(self.men)

    @property
    def other_width(self) -> int:
        return self._width(self.other)


def _participants(activity: Activity) -> Participants:
    return Participants(
        activity.participants_women, activity.participants_men, activity.participants_other
    )


# --- what the programme page shows of its parts ---


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    progress: Progress

    @property
    def actual(self) -> Decimal | None:
        return self.progress.actual


@dataclass(frozen=True)
class ComponentRow:
    component: Component
    actions: Any
    indicators: list[IndicatorRow]
    activity_count: int


@dataclass(frozen=True)
class StatusCount:
    value: str
    label: str
    count: int
    width: int


@dataclass(frozen=True)
class GrantRow:
    grant: Any
    overdue: bool


@dataclass
class Parts:
    """A programme's parts as one reader sees them, and what they may do to them."""

    programme: Programme
    components: list[ComponentRow]
    activities: list[Activity]
    activity_total: int
    activity_statuses: list[StatusCount]
    partners: list[Any]
    grants: list[GrantRow] = field(default_factory=list)
    grant_total: Decimal = Decimal("0.00")
    internal: bool = False
    progress_shown: bool = False
    # The service would accept: drafting the document, the workplan, progress.
    can_draft: bool = False
    can_plan: bool = False
    can_report: bool = False

    @property
    def activity_list_url(self) -> str:
        return f"{reverse('programmes:activity_list')}?programme={self.programme.pk}"


def _status_counts(counts: dict[str, int]) -> list[StatusCount]:
    total = sum(counts.values())
    rows = []
    for value, label in A.choices:
        n = counts.get(value, 0)
        width = 0 if not n else max(5, round(n * 20 / total) * 5)
        rows.append(StatusCount(value, str(label), n, width))
    return rows


def context(programme: Programme, user: Any) -> dict[str, Any]:
    """What the programme page shows of its parts (see programme_detail).

    A fixed number of queries whatever the number of components, indicators,
    activities, partners or grants: each kind is one query, grouped here.
    """
    reader = audience(programme, user)
    components = list(
        programme_components(programme, user).annotate(activity_count=Count("activities"))
    )
    indicators: dict[int, list[IndicatorRow]] = {}
    for indicator in programme_indicators(programme, user).order_by("component_id", "id"):
        indicators.setdefault(indicator.component_id, []).append(
            IndicatorRow(
                indicator, Progress(indicator.baseline, indicator.target, indicator.actual)
            )
        )
    rows = []
    for component in components:
        # The page's programme, its countries prefetched: asking the lifecycle
        # about each component does not fetch the programme again.
        component.programme = programme
        rows.append(
            ComponentRow(
                component,
                actions_for(component, services.COMPONENT_LIFECYCLE, user),
                indicators.get(component.pk, []),
                component.activity_count,
            )
        )
    activities = programme_activities(programme, user)
    statuses = {
        row["status"]: row["n"]
        for row in activities.order_by().values("status").annotate(n=Count("id"))
    }
    parts = Parts(
        programme=programme,
        components=rows,
        activities=list(activities[:ACTIVITIES_SHOWN]),
        activity_total=sum(statuses.values()),
        activity_statuses=_status_counts(statuses),
        partners=list(programme_partners(programme, user).order_by("partner__name", "role")),
        internal=reader.internal,
        progress_shown=sees_progress(programme, user),
        can_draft=services.drafting_refusal(programme=programme, user=user) is None,
        can_plan=implementation.workplan_refusal(programme=programme, user=user) is None,
        can_report=services.progress_refusal(programme=programme, user=user) is None,
    )
    if reader.internal:
        grants = programme_grants(programme, user)
        today = timezone.now().date()
        # A report received is no longer overdue (nor reminded: programmes.reminders).
        parts.grants = [
            GrantRow(g, g.report_received_on is None and g.report_due < today) for g in grants
        ]
        parts.grant_total = grants.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return {"parts": parts}


# --- components ---


def _programme(request: HttpRequest, pk: int) -> Programme:
    return get_object_or_404(visible_programmes(request.user).prefetch_related("countries"), pk=pk)


@viewer
def component_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    refused = _refused(
        request,
        services.drafting_refusal(programme=programme, user=user),
        DRAFT,
        _programme_url(programme.pk, "components"),
    )
    if refused:
        return refused
    form = ComponentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, component = _save(
            form,
            lambda: services.add_component(programme=programme, by=user, **form.cleaned_data),
        )
        if done:
            messages.success(request, _("Component “%s” added.") % component.title)
            return HttpResponseRedirect(_programme_url(programme.pk, f"component-{component.pk}"))
    return _form_page(
        request,
        programme,
        form,
        title=_("Add a component"),
        cancel=_programme_url(programme.pk, "components"),
        template="programmes/component_form.html",
    )


@viewer
def component_edit(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_object_or_404(visible_components(request.user), pk=pk)
    programme, user = component.programme, request.user
    back = _programme_url(programme.pk, f"component-{component.pk}")
    refused = _refused(
        request, services.drafting_refusal(programme=programme, user=user), DRAFT, back
    )
    if refused:
        return refused
    form = ComponentForm(request.POST or None, instance=component)
    if request.method == "POST" and form.is_valid():
        done, _result = _save(
            form,
            lambda: services.update_component(component=component, by=user, **form.cleaned_data),
        )
        if done:
            messages.success(request, _("Component saved."))
            return HttpResponseRedirect(back)
    return _form_page(
        request,
        programme,
        form,
        title=_("Edit the component"),
        cancel=back,
        template="programmes/component_form.html",
        component=component,
    )


@viewer
@require_POST
def component_delete(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_object_or_404(visible_components(request.user), pk=pk)
    _require(request.user, DRAFT)
    try:
        services.delete_component(component=component, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(
            _programme_url(component.programme_id, f"component-{component.pk}")
        )
    messages.success(request, _("Component “%s” deleted.") % component.title)
    return HttpResponseRedirect(_programme_url(component.programme_id, "components"))


# --- indicators and their values ---


@viewer
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_object_or_404(visible_components(request.user), pk=pk)
    programme, user = component.programme, request.user
    back = _programme_url(programme.pk, f"component-{component.pk}")
    refused = _refused(
        request, services.drafting_refusal(programme=programme, user=user), DRAFT, back
    )
    if refused:
        return refused
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = _save(
            form,
            lambda: services.add_indicator(component=component, by=user, **form.cleaned_data),
        )
        if done:
            messages.success(request, _("Indicator added to “%s”.") % component.title)
            return HttpResponseRedirect(back)
    return _form_page(
        request,
        programme,
        form,
        title=_("Add an indicator"),
        cancel=back,
        template="programmes/indicator_form.html",
        component=component,
    )


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    return get_object_or_404(
        visible_indicators(request.user).select_related("component__thematic_area"), pk=pk
    )


@viewer
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    component, user = indicator.component, request.user
    programme = component.programme
    back = reverse("programmes:indicator", args=[indicator.pk])
    refused = _refused(
        request, services.drafting_refusal(programme=programme, user=user), DRAFT, back
    )
    if refused:
        return refused
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        done, _result = _save(
            form,
            lambda: services.update_indicator(indicator=indicator, by=user, **form.cleaned_data),
        )
        if done:
            messages.success(request, _("Indicator saved."))
            return HttpResponseRedirect(back)
    return _form_page(
        request,
        programme,
        form,
        title=_("Edit the indicator"),
        cancel=back,
        template="programmes/indicator_form.html",
        component=component,
        indicator=indicator,
    )


@viewer
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    component = indicator.component
    _require(request.user, DRAFT)
    try:
        services.delete_indicator(indicator=indicator, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("programmes:indicator", args=[indicator.pk]))
    messages.success(request, _("Indicator “%s” deleted.") % indicator.name)
    return HttpResponseRedirect(_programme_url(component.programme_id, f"component-{component.pk}"))


def _render_indicator(
    request: HttpRequest, indicator: Indicator, value_form: Any = None
) -> HttpResponse:
    user = request.user
    programme = indicator.component.programme
    shown = sees_progress(programme, user)
    values = list(indicator_values(indicator, user).order_by("date", "id"))
    # The latest by date is the actual, as programme_indicators reads it.
    actual = values[-1].value if values else None
    can_record = services.progress_refusal(programme=programme, user=user) is None
    if can_record and value_form is None:
        value_form = IndicatorValueForm(initial={"date": timezone.now().date()})
    return render(
        request,
        "programmes/indicator_detail.html",
        {
            "programme": programme,
            "component": indicator.component,
            "indicator": indicator,
            "progress_shown": shown,
            "values": values,
            "progress": Progress(indicator.baseline, indicator.target, actual if shown else None),
            "chart": line_chart(indicator, values, programme) if shown else None,
            "can_draft": services.drafting_refusal(programme=programme, user=user) is None,
            "value_form": value_form if can_record else None,
        },
    )


@viewer
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_indicator(request, _indicator(request, pk))


@viewer
@require_POST
def indicator_value_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    user = request.user
    back = reverse("programmes:indicator", args=[indicator.pk])
    refused = _refused(
        request,
        services.progress_refusal(programme=indicator.component.programme, user=user),
        REPORT,
        back,
    )
    if refused:
        return refused
    form = IndicatorValueForm(request.POST)
    if form.is_valid():
        done, entry = _save(
            form,
            lambda: services.record_indicator_value(
                indicator=indicator, by=user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request,
                _("Value %(value)s of %(date)s recorded.")
                % {"value": _number(entry.value), "date": day(entry.date)},
            )
            return HttpResponseRedirect(f"{back}#values")
    return _render_indicator(request, indicator, value_form=form)


# --- activities ---


ACTIVITY_LIST = ListSpec(
    statuses=A.choices,
    search=("title", "place", "component__programme__reference", "component__programme__title"),
    sorts={
        "title": ("title",),
        "programme": ("component__programme__reference",),
        "form": ("form__name",),
        "start": ("start_date",),
        "end": ("end_date",),
        "status": ("status",),
    },
    default_sort="start",
    columns=(
        Column(gettext_lazy("Activity"), "title"),
        Column(gettext_lazy("Programme"), "programme"),
        Column(gettext_lazy("Form of assistance"), "form"),
        Column(gettext_lazy("Countries")),
        Column(gettext_lazy("Starts"), "start", css="num"),
        Column(gettext_lazy("Ends"), "end", css="num"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Participants"), css="num"),
    ),
    country_lookup="component__programme__countries",
)


@viewer
def activity_list(request: HttpRequest) -> HttpResponse:
    """The activities of the user's countries: filters, sorting, pages; the query
    count does not depend on the number of rows."""
    user = request.user
    extra = ActivityFilterForm(request.GET or None)
    queryset = extra.filter(
        visible_activities(user).prefetch_related("component__programme__countries")
    )
    page = list_page(request, queryset, ACTIVITY_LIST)
    rows = list(page["page_obj"].object_list)
    programmes = openable(visible_programmes(user), (a.component.programme_id for a in rows))
    return render(
        request,
        "programmes/activity_list.html",
        {
            **page,
            "extra_filters": extra,
            "is_filtered": page["is_filtered"] or extra.is_active(),
            "rows": [(a, a.component.programme_id in programmes) for a in rows],
            "programme_filter": extra.chosen_programme(visible_programmes(user)),
            "export_links": exports.links(request, "activities"),
        },
    )


@dataclass(frozen=True)
class RosterRow:
    expert: Any
    bookings: list[tuple[ExpertAssignment, bool]]
    clash: str | None


def _roster(
    request: HttpRequest, activity: Activity, search: RosterSearchForm
) -> tuple[Any, list[RosterRow]]:
    """One page of the roster search, each expert with their current bookings and
    whether they are free on the activity's dates: a fixed number of queries."""
    user = request.user
    experts = roster(**search.filters()).select_related("nationality")
    page = Paginator(experts, ROSTER_PAGE).get_page(request.GET.get("roster_page"))
    ids = [e.pk for e in page.object_list]
    today = timezone.now().date()
    current: dict[int, list[ExpertAssignment]] = {}
    for booking in (
        implementation.overlapping_bookings(ids, today, datetime.date.max)
        .select_related("activity")
        .order_by("start_date", "id")
    ):
        current.setdefault(booking.expert_id, []).append(booking)
    clashes = implementation.booking_clashes(ids, activity.start_date, activity.end_date)
    opened = openable(
        visible_activities(user),
        [b.activity_id for bookings in current.values() for b in bookings]
        + [c.activity_id for c in clashes.values()],
    )
    rows = []
    for expert in page.object_list:
        clash = clashes.get(expert.pk)
        if clash is not None:
            clash.expert = expert
            reason = (
                _("Booked on this activity already.")
                if clash.activity_id == activity.pk
                else _clash_text(clash, opened)
            )
        else:
            reason = None
        rows.append(
            RosterRow(
                expert,
                [(b, b.activity_id in opened) for b in current.get(expert.pk, [])],
                reason,
            )
        )
    return page, rows


def _clash_text(clash: ExpertAssignment, opened: set[int]) -> str:
    values = {"start": day(clash.start_date), "end": day(clash.end_date)}
    if clash.activity_id in opened:
        values["activity"] = clash.activity.title
        return _("Busy: booked from %(start)s to %(end)s on “%(activity)s”.") % values
    return _("Busy: booked from %(start)s to %(end)s on another programme.") % values


def _render_activity(
    request: HttpRequest,
    activity: Activity,
    *,
    report_form: Any = None,
) -> HttpResponse:
    user = request.user
    programme = activity.component.programme
    reader = audience(programme, user)
    actions = actions_for(activity, implementation.ACTIVITY_LIFECYCLE, user)
    can_report = implementation.report_refusal(activity=activity, user=user) is None
    may_complete = any(t.action == "complete" for t in actions.available)
    can_book = implementation.booking_refusal(activity=activity, user=user) is None
    context: dict[str, Any] = {
        "activity": activity,
        "programme": programme,
        "programme_open": bool(openable(visible_programmes(user), [programme.pk])),
        "internal": reader.internal,
        "actions": actions,
        "timeline": timeline(activity, implementation.ACTIVITY_LIFECYCLE, internal=reader.internal),
        "participants": _participants(activity),
        "reports": list(activity_reports(activity, user)),
        "experts": list(activity_experts(activity, user)),
        "can_plan": implementation.plan_refusal(activity=activity, user=user) is None,
        "can_book": can_book,
    }
    if can_report:
        context["report_form"] = report_form or ActivityReportForm(
            initial={
                "date": timezone.now().date(),
                **{name: getattr(activity, name) for name in implementation.PARTICIPANTS},
            },
            may_complete=may_complete,
        )
    if can_book:
        search = RosterSearchForm(
            request.GET if {"expertise", "language"} & set(request.GET) else None
        )
        page, rows = _roster(request, activity, search)
        context.update(
            {
                "search_form": search,
                "roster_page": page,
                "roster_rows": rows,
                # Kept through a booking, to come back to the same results.
                "search_params": list(QueryDict(_search_query(request.GET)).items()),
            }
        )
    return render(request, "programmes/activity_detail.html", context)


def _search_query(params: QueryDict) -> str:
    """The roster search as it stood, to come back to it after booking."""
    kept = QueryDict(mutable=True)
    for name in ("expertise", "language", "roster_page"):
        if params.get(name):
            kept[name] = params[name]
    return kept.urlencode()


def _activity(request: HttpRequest, pk: int) -> Activity:
    return get_object_or_404(
        visible_activities(request.user).select_related("component__thematic_area"), pk=pk
    )


@viewer
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_activity(request, _activity(request, pk))


def _activity_form(
    request: HttpRequest, programme: Programme, instance: Activity | None = None
) -> ActivityForm:
    user = request.user
    initial = {}
    if instance is None and request.GET.get("component", "").isdigit():
        initial["component"] = int(request.GET["component"])
    return ActivityForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        components=programme_components(programme, user),
        programme_partners={p.partner_id for p in programme_partners(programme, user)},
    )


@viewer
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    back = _programme_url(programme.pk, "activities")
    refused = _refused(
        request, implementation.workplan_refusal(programme=programme, user=user), DRAFT, back
    )
    if refused:
        return refused
    form = _activity_form(request, programme)
    if request.method == "POST" and form.is_valid():
        done, activity = _save(
            form,
            lambda: implementation.add_activity(
                component=form.cleaned_data["component"], by=user, **form.service_fields()
            ),
        )
        if done:
            messages.success(request, _("Activity “%s” planned.") % activity.title)
            return HttpResponseRedirect(activity.get_absolute_url())
    return _form_page(
        request,
        programme,
        form,
        title=_("Plan an activity"),
        cancel=back,
        template="programmes/activity_form.html",
    )


@viewer
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    programme, user = activity.component.programme, request.user
    back = activity.get_absolute_url()
    refused = _refused(
        request, implementation.plan_refusal(activity=activity, user=user), DRAFT, back
    )
    if refused:
        return refused
    form = _activity_form(request, programme, instance=activity)
    if request.method == "POST" and form.is_valid():
        done, _result = _save(
            form,
            lambda: implementation.update_activity(
                activity=activity,
                by=user,
                component=form.cleaned_data["component"],
                **form.service_fields(),
            ),
        )
        if done:
            messages.success(request, _("Activity saved."))
            return HttpResponseRedirect(back)
    return _form_page(
        request,
        programme,
        form,
        title=_("Edit the activity"),
        cancel=back,
        template="programmes/activity_form.html",
        activity=activity,
    )


@viewer
@require_POST
def activity_report(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    user = request.user
    back = f"{activity.get_absolute_url()}#reports"
    refused = _refused(
        request, implementation.report_refusal(activity=activity, user=user), REPORT, back
    )
    if refused:
        return refused
    may_complete = implementation.ACTIVITY_LIFECYCLE.refusal(activity, "complete", user) is None
    form = ActivityReportForm(request.POST, may_complete=may_complete)
    if form.is_valid():
        done, _result = _save(
            form,
            lambda: implementation.report_progress(
                activity=activity,
                by=user,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                participants=form.participants(activity),
                complete=bool(form.cleaned_data.get("complete")),
            ),
        )
        if done:
            if form.cleaned_data.get("complete"):
                messages.success(request, _("Progress recorded; the activity is completed."))
            else:
                messages.success(request, _("Progress recorded."))
            return HttpResponseRedirect(back)
        # A refused report changed nothing: show the activity as it is.
        activity.refresh_from_db()
    return _render_activity(request, activity, report_form=form)


# --- experts ---


@viewer
@require_POST
def expert_book(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    user = request.user
    _require(user, DRAFT)
    form = BookingForm(request.POST)
    search = _search_query(request.POST)
    back = f"{activity.get_absolute_url()}{'?' + search if search else ''}#experts"
    expert = roster().filter(pk=form.cleaned_data["expert"]).first() if form.is_valid() else None
    if expert is None:
        messages.error(request, _("Choose an expert of the roster."))
        return HttpResponseRedirect(back)
    try:
        implementation.assign_expert(
            activity=activity, expert=expert, by=user, role=form.cleaned_data["role"]
        )
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%s is booked on this activity.") % expert.name)
    return HttpResponseRedirect(back)


@viewer
@require_POST
def expert_unbook(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(visible_assignments(request.user), pk=pk)
    _require(request.user, DRAFT)
    back = f"{assignment.activity.get_absolute_url()}#experts"
    try:
        implementation.unassign_expert(assignment=assignment, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%s is no longer booked.") % assignment.expert.name)
    return HttpResponseRedirect(back)


# --- partners ---


def _partner_page(
    request: HttpRequest, programme: Programme, *, listed: Any = None, new: Any = None
) -> HttpResponse:
    return render(
        request,
        "programmes/partner_form.html",
        {
            "programme": programme,
            "listed_form": listed or PartnerForm(prefix="listed"),
            "new_form": new or NewPartnerForm(prefix="new"),
            "new_open": new is not None,
            "cancel": _programme_url(programme.pk, "partners"),
        },
    )


def _partner_refusal(request: HttpRequest, programme: Programme) -> Any:
    return _refused(
        request,
        services.drafting_refusal(programme=programme, user=request.user),
        DRAFT,
        _programme_url(programme.pk, "partners"),
    )


@viewer
def partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an organisation of the reference list, with its role on the programme."""
    programme = _programme(request, pk)
    refused = _partner_refusal(request, programme)
    if refused:
        return refused
    if request.method != "POST":
        return _partner_page(request, programme)
    form = PartnerForm(request.POST, prefix="listed")
    if form.is_valid():
        done, entry = _save(
            form,
            lambda: implementation.add_partner(
                programme=programme, by=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request, _("%s added to the partners.") % entry.partner.translated_name
            )
            return HttpResponseRedirect(_programme_url(programme.pk, "partners"))
    return _partner_page(request, programme, listed=form)


@viewer
@require_POST
def partner_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an organisation that is not in the list yet (a local NGO), with its role."""
    programme = _programme(request, pk)
    refused = _partner_refusal(request, programme)
    if refused:
        return refused
    form = NewPartnerForm(request.POST, prefix="new")
    if form.is_valid():
        done, entry = _save(
            form,
            lambda: implementation.add_new_partner(
                programme=programme, by=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request, _("%s added to the partners.") % entry.partner.translated_name
            )
            return HttpResponseRedirect(_programme_url(programme.pk, "partners"))
    return _partner_page(request, programme, new=form)


@viewer
@require_POST
def partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(visible_partners(request.user), pk=pk)
    _require(request.user, DRAFT)
    try:
        implementation.remove_partner(entry=entry, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%s removed from the partners.") % entry.partner.translated_name
        )
    return HttpResponseRedirect(_programme_url(entry.programme_id, "partners"))


# --- grants ---


@viewer
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    back = _programme_url(programme.pk, "grants")
    refused = _refused(
        request, implementation.workplan_refusal(programme=programme, user=user), DRAFT, back
    )
    if refused:
        return refused
    form = GrantForm(request.POST or None, components=programme_components(programme, user))
    if request.method == "POST" and form.is_valid():
        done, grant = _save(
            form,
            lambda: implementation.award_grant(programme=programme, by=user, **form.cleaned_data),
        )
        if done:
            messages.success(
                request,
                _("Grant of %(amount)s to %(recipient)s awarded.")
                % {"amount": money(grant.amount), "recipient": grant.recipient},
            )
            return HttpResponseRedirect(back)
    return _form_page(
        request,
        programme,
        form,
        title=_("Award a grant"),
        cancel=back,
        template="programmes/grant_form.html",
    )


urlpatterns = [
    path("<int:pk>/components/add/", component_add, name="component_add"),
    path("components/<int:pk>/edit/", component_edit, name="component_edit"),
    path("components/<int:pk>/delete/", component_delete, name="component_delete"),
    path("components/<int:pk>/indicators/add/", indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/", indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/values/add/", indicator_value_add, name="indicator_value_add"),
    path("activities/", activity_list, name="activity_list"),
    path("activities/<int:pk>/", activity_detail, name="activity"),
    path("<int:pk>/activities/add/", activity_add, name="activity_add"),
    path("activities/<int:pk>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:pk>/reports/add/", activity_report, name="activity_report"),
    path("activities/<int:pk>/experts/book/", expert_book, name="expert_book"),
    path("bookings/<int:pk>/delete/", expert_unbook, name="expert_unbook"),
    path("<int:pk>/partners/add/", partner_add, name="partner_add"),
    path("<int:pk>/partners/new/", partner_new, name="partner_new"),
    path("partners/<int:pk>/delete/", partner_remove, name="partner_remove"),
    path("<int:pk>/grants/add/", grant_add, name="grant_add"),
]

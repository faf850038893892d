"""The programme's money and its amendments: the budget page (lines by component
and funding source, the summary as numbers and charts, expenditure with the
approver's decision on spending past a line) and the amendment pages (propose,
edit, submit, approve and apply, before and after).

The planned budget is part of the programme document: a government reads it
once the programme is shared with its State. Expenditure, what is spent and
what is left, and amendments are OHCHR's: a government never reaches them,
not even by their address (404). Every record comes through its selector;
a role that never holds the permission a write takes answers 403; every write
goes through ``programmes.budget`` or ``programmes.amendments``, whose refusal
becomes a message or a form error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import DateField, DecimalField, ExpressionWrapper, F, Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programmes import amendments, budget, implementation, services
from programmes.forms.money import (
    AmendmentForm,
    BudgetLineForm,
    ExpenditureFilterForm,
    ExpenditureForm,
    GrantReportForm,
    LineFilterForm,
    NewComponentFormSet,
    NewLineFormSet,
    new_rows_initial,
)
from programmes.models import Amendment, BudgetLine, Expenditure, Indicator, Programme
from programmes.selectors import (
    ZERO,
    BudgetSummary,
    audience,
    budget_summary,
    lines_with_spent,
    programme_amendments,
    programme_components,
    visible_amendments,
    visible_budget_lines,
    visible_components,
    visible_expenditure,
    visible_grants,
    visible_programmes,
)
from tcp import l10n
from tcp.forms import add_model_errors
from tcp.lifecycle import TransitionRefused
from tcp.models import FundingSource
from tcp.views import Column, actions_for, sort_headers, timeline

VIEW = "programmes.view_programme"
DRAFT = services.DRAFT
REPORT = services.REPORT
X = Expenditure.Status
LINES_PAGE = 50
EXPENDITURE_PAGE = 25


def viewer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in and a viewer of programmes (403 otherwise); which records is the
    selectors' business (404 outside scope)."""
    return login_required(permission_required(VIEW, raise_exception=True)(view))


def _require(user: Any, *perms: str) -> None:
    """A role that holds none of ``perms`` may not use the page at all (403)."""
    if not any(user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _internal(programme: Programme, user: Any) -> None:
    """Expenditure and amendments are OHCHR's: to anyone else they do not exist."""
    if not audience(programme, user).internal:
        raise Http404


def _programme(request: HttpRequest, pk: int) -> Programme:
    queryset = visible_programmes(request.user).prefetch_related("countries")
    return get_object_or_404(queryset, pk=pk)


def _budget_url(programme_id: int, anchor: str = "") -> str:
    url = reverse("programmes:budget", args=[programme_id])
    return f"{url}#{anchor}" if anchor else url


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


# --- the summary, as numbers and bars ---


def bucket(value: Decimal, top: Decimal) -> int:
    """A bar's length as a multiple of 5 % (the w-0 … w-100 classes: no inline
    style under the CSP); anything above zero shows at least a sliver."""
    if value <= 0 or top <= 0:
        return 0
    return int(min(100, max(5, round(value * 20 / top) * 5)))


def _percent(part: Decimal, whole: Decimal) -> int | None:
    if whole <= 0:
        return None
    return int((part * 100 / whole).to_integral_value())


@dataclass(frozen=True)
class Bar:
    """One row of a chart: its budget as a track (against the largest row) and,
    for OHCHR, what is spent as the fill of that track."""

    label: str
    budget: Decimal
    spent: Decimal
    track: int
    fill: int
    # Percent of this row's budget spent (OHCHR), or of the whole budget (the share).
    percent: int | None
    share: int | None

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent

    @property
    def over(self) -> bool:
        return self.spent > self.budget


@dataclass(frozen=True)
class Summary:
    internal: bool
    budget: Decimal
    spent: Decimal
    awaiting: Decimal
    by_source: list[Bar]
    by_component: list[Bar]

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent

    @property
    def percent(self) -> int | None:
        return _percent(self.spent, self.budget)

    @property
    def fill(self) -> int:
        return bucket(self.spent, self.budget)

    @property
    def over(self) -> bool:
        return self.spent > self.budget

    @property
    def empty(self) -> bool:
        return not self.by_source


def _bars(rows: Iterable[Any], total: Decimal, internal: bool) -> list[Bar]:
    rows = list(rows)
    top = max((row.budget for row in rows), default=ZERO)
    return [
        Bar(
            label=row.label,
            budget=row.budget,
            # A government reads the planned budget only: nothing spent reaches it.
            spent=row.spent if internal else ZERO,
            track=bucket(row.budget, top) if row.budget > 0 else 0,
            fill=bucket(row.spent, row.budget) if internal else 0,
            percent=_percent(row.spent, row.budget) if internal else None,
            share=_percent(row.budget, total),
        )
        for row in rows
    ]


def summary_of(programme: Programme, internal: bool) -> Summary:
    """The budget, what is spent and what is left, in all, by source and by component
    (five aggregate queries, whatever the number of lines)."""
    figures: BudgetSummary = budget_summary(programme)
    total = figures.total.budget
    return Summary(
        internal=internal,
        budget=total,
        spent=figures.total.spent if internal else ZERO,
        awaiting=figures.awaiting_approval if internal else ZERO,
        by_source=_bars(figures.by_source, total, internal),
        by_component=_bars(figures.by_component, total, internal),
    )


# --- what the programme page shows (programme_detail includes _money.html) ---


def context(programme: Programme, user: Any) -> dict[str, Any]:
    """The budget summary and, for OHCHR, the amendments: a fixed number of queries
    whatever the number of budget lines or amendments."""
    internal = audience(programme, user).internal
    money: dict[str, Any] = {
        "summary": summary_of(programme, internal),
        "internal": internal,
        "can_budget": budget.budget_refusal(programme=programme, user=user) is None,
    }
    if internal:
        money["amendments"] = list(programme_amendments(programme, user))
        money["can_amend"] = amendments.amendment_refusal(programme=programme, user=user) is None
    return {"money": money}


# --- the budget page ---

LINE_SORTS: dict[str, tuple[str, ...]] = {
    "component": ("component_id", "funding_source__name"),
    "source": ("funding_source__name",),
    "description": ("description",),
    "budget": ("amount",),
    "spent": ("spent",),
    "balance": ("balance",),
}
LINE_COLUMNS = (
    Column(gettext_lazy("Line"), "description"),
    Column(gettext_lazy("Component"), "component"),
    Column(gettext_lazy("Funding source"), "source"),
    Column(gettext_lazy("Budget"), "budget", css="num"),
)
SPENT_COLUMNS = (
    Column(gettext_lazy("Spent"), "spent", css="num"),
    Column(gettext_lazy("Balance"), "balance", css="num"),
)
PUBLIC_SORTS = ("component", "source", "description", "budget")


def _ordering(sort: str, allowed: Iterable[str]) -> list[str]:
    key = sort.lstrip("-")
    if key not in allowed:
        key, sort = "component", "component"
    fields = LINE_SORTS[key]
    if sort.startswith("-"):
        fields = tuple(f"-{f}" for f in fields)
    # The primary key breaks ties, so a page never repeats or skips a row.
    return [*fields, "-pk" if sort.startswith("-") else "pk"]


def _valid_part(form: Any) -> dict[str, Any]:
    """What is valid of a filter form: one bad parameter does not drop the others."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


def _lines_table(request: HttpRequest, programme: Programme, internal: bool) -> dict[str, Any]:
    """The budget lines, filtered, sorted and paginated: a count and a page."""
    user = request.user
    components = programme_components(programme, user)
    sorts = LINE_SORTS if internal else PUBLIC_SORTS
    form = LineFilterForm(
        request.GET or None,
        components=components,
        sources=FundingSource.objects.all(),
        sorts=sorts,
    )
    data = _valid_part(form)
    if internal:
        lines = lines_with_spent(programme).annotate(
            balance=ExpressionWrapper(
                F("amount") - F("spent"), output_field=DecimalField(max_digits=16, decimal_places=2)
            )
        )
    else:
        lines = visible_budget_lines(user).filter(programme=programme)
    if data.get("component"):
        lines = lines.filter(component=data["component"])
    if data.get("source"):
        lines = lines.filter(funding_source=data["source"])
    sort = data.get("sort") or "component"
    lines = lines.order_by(*_ordering(sort, sorts))
    page = Paginator(lines, LINES_PAGE).get_page(request.GET.get("page"))
    columns = LINE_COLUMNS + (SPENT_COLUMNS if internal else ())
    return {
        "line_filter": form,
        "lines_filtered": bool(data.get("component") or data.get("source")),
        "lines": page,
        "line_headers": sort_headers(request, columns, sort),
    }


def _expenditure_table(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    user = request.user
    entries = (
        visible_expenditure(user)
        .filter(budget_line__programme=programme)
        .select_related("budget_line__component", "budget_line__funding_source")
    )
    lines = visible_budget_lines(user).filter(programme=programme).order_by("description", "pk")
    form = ExpenditureFilterForm(request.GET or None, lines=lines)
    data = _valid_part(form)
    if data.get("status"):
        entries = entries.filter(status=data["status"])
    if data.get("line"):
        entries = entries.filter(budget_line=data["line"])
    page = Paginator(entries.order_by("-date", "-pk"), EXPENDITURE_PAGE).get_page(
        request.GET.get("xpage")
    )
    return {
        "expenditure_filter": form,
        "expenditure_filtered": bool(data.get("status") or data.get("line")),
        "expenditure": page,
    }


def _awaiting(programme: Programme, user: Any) -> list[tuple[Expenditure, Any]]:
    """Spending past a line that waits for an approver, with the buttons this user
    has on each (the countries prefetched: no query per entry)."""
    entries = (
        visible_expenditure(user)
        .filter(budget_line__programme=programme, status=X.AWAITING_APPROVAL)
        .select_related("budget_line__component", "budget_line__funding_source")
        .prefetch_related("budget_line__programme__countries")
        .order_by("recorded_at", "pk")
    )
    return [(entry, actions_for(entry, budget.EXPENDITURE_LIFECYCLE, user)) for entry in entries]


def render_budget(
    request: HttpRequest,
    programme: Programme,
    *,
    line_form: BudgetLineForm | None = None,
    expenditure_form: ExpenditureForm | None = None,
) -> HttpResponse:
    """The budget page; a form that came back with errors is shown as typed."""
    user = request.user
    internal = audience(programme, user).internal
    budget_refusal = budget.budget_refusal(programme=programme, user=user)
    context: dict[str, Any] = {
        "programme": programme,
        "internal": internal,
        "summary": summary_of(programme, internal),
        "can_budget": budget_refusal is None,
        **_lines_table(request, programme, internal),
    }
    if budget_refusal is None:
        context["line_form"] = line_form or BudgetLineForm(
            components=programme_components(programme, user), prefix="line"
        )
    elif internal and user.has_perm(DRAFT):
        # The desk officer is told why the lines are fixed, and where changes go.
        context["budget_refusal"] = budget_refusal
        context["can_amend"] = amendments.amendment_refusal(programme=programme, user=user) is None
    if internal:
        expenditure_refusal = budget.expenditure_refusal(programme=programme, user=user)
        context["awaiting"] = _awaiting(programme, user)
        context.update(_expenditure_table(request, programme))
        if expenditure_refusal is None:
            context["expenditure_form"] = expenditure_form or _expenditure_form(request, programme)
        elif user.has_perm(REPORT) or user.has_perm(budget.ALLOW):
            context["expenditure_refusal"] = expenditure_refusal
    return render(request, "programmes/budget.html", context)


def _expenditure_form(request: HttpRequest, programme: Programme, data: Any = None) -> Any:
    user = request.user
    initial = {"date": timezone.now().date()}
    if request.method == "GET" and request.GET.get("line", "").isdigit():
        initial["budget_line"] = int(request.GET["line"])
    return ExpenditureForm(
        data,
        initial=initial,
        lines=visible_budget_lines(user).filter(programme=programme).order_by("description", "pk"),
        may_overspend=budget.overspending_note_accepted(programme=programme, user=user),
        prefix="spend",
    )


@viewer
def budget_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_budget(request, _programme(request, pk))


@viewer
@require_POST
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    refusal = budget.budget_refusal(programme=programme, user=user)
    if refusal is not None:
        _require(user, DRAFT)
        messages.error(request, refusal)
        return HttpResponseRedirect(_budget_url(programme.pk))
    form = BudgetLineForm(
        request.POST, components=programme_components(programme, user), prefix="line"
    )
    if form.is_valid():
        saved, _line = _save(
            form,
            lambda: budget.add_budget_line(programme=programme, by=user, **form.cleaned_data),
        )
        if saved:
            messages.success(request, _("Budget line added."))
            return HttpResponseRedirect(_budget_url(programme.pk, "lines"))
    return render_budget(request, programme, line_form=form)


def _line(request: HttpRequest, pk: int) -> BudgetLine:
    queryset = visible_budget_lines(request.user).prefetch_related("programme__countries")
    return get_object_or_404(queryset, pk=pk)


@viewer
def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    programme = line.programme
    user = request.user
    refusal = budget.budget_refusal(programme=programme, user=user)
    if refusal is not None:
        _require(user, DRAFT)
        messages.error(request, refusal)
        return HttpResponseRedirect(_budget_url(programme.pk))
    components = programme_components(programme, user)
    form = BudgetLineForm(request.POST or None, components=components, line=line)
    if request.method == "POST" and form.is_valid():
        saved, _line_saved = _save(
            form, lambda: budget.update_budget_line(line=line, by=user, **form.cleaned_data)
        )
        if saved:
            messages.success(request, _("Budget line saved."))
            return HttpResponseRedirect(_budget_url(programme.pk, "lines"))
    return render(
        request,
        "programmes/budget_line_form.html",
        {"programme": programme, "line": line, "form": form},
    )


@viewer
@require_POST
def budget_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    programme = line.programme
    _require(request.user, DRAFT)
    try:
        budget.delete_budget_line(line=line, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Budget line “%s” removed.") % line.description)
    return HttpResponseRedirect(_budget_url(programme.pk, "lines"))


@viewer
@require_POST
def expenditure_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    _internal(programme, user)
    refusal = budget.expenditure_refusal(programme=programme, user=user)
    if refusal is not None:
        _require(user, REPORT, budget.ALLOW)
        messages.error(request, refusal)
        return HttpResponseRedirect(_budget_url(programme.pk))
    form = _expenditure_form(request, programme, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved, entry = _save(
            form,
            lambda: budget.record_expenditure(
                line=data["budget_line"],
                by=user,
                date=data["date"],
                amount=data["amount"],
                description=data["description"],
                overspend_reason=data.get("overspend_reason") or "",
            ),
        )
        if saved:
            waiting = budget.overspend_message(entry)
            if waiting:
                messages.warning(request, waiting)
            elif entry.decision_note:
                messages.success(
                    request,
                    _("Expenditure of %s recorded past the line, with your reason.")
                    % l10n.money(entry.amount),
                )
            else:
                shown = l10n.money(entry.amount)
                messages.success(request, _("Expenditure of %s recorded.") % shown)
            return HttpResponseRedirect(_budget_url(programme.pk, f"expenditure-{entry.pk}"))
    return render_budget(request, programme, expenditure_form=form)


# --- grant reports ---


@viewer
@require_POST
def grant_report(request: HttpRequest, pk: int) -> HttpResponse:
    """“Report received on …”: the desk or field officer records the grant's report."""
    grant = get_object_or_404(visible_grants(request.user), pk=pk)
    user = request.user
    back = f"{reverse('programmes:detail', args=[grant.programme_id])}#grant-{grant.pk}"
    refusal = implementation.grant_report_refusal(grant=grant, user=user)
    if refusal is not None:
        _require(user, REPORT)
        messages.error(request, refusal)
        return HttpResponseRedirect(back)
    form = GrantReportForm(request.POST)
    saved = False
    if form.is_valid():
        saved, _recorded = _save(
            form,
            lambda: implementation.record_grant_report(
                grant=grant, by=user, received_on=form.cleaned_data["received_on"]
            ),
        )
    if saved:
        messages.success(
            request,
            _("The report of the grant to %(recipient)s was recorded as received on %(date)s.")
            % {"recipient": grant.recipient, "date": l10n.day(grant.report_received_on)},
        )
    else:
        # The form sits in a row of the programme page: its errors come back as a message.
        found = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(found))
    return HttpResponseRedirect(back)


# --- amendments ---


def _amendment(request: HttpRequest, pk: int) -> Amendment:
    queryset = visible_amendments(request.user).prefetch_related("programme__countries")
    return get_object_or_404(queryset, pk=pk)


def _document(programme: Programme, user: Any) -> tuple[list, list, list]:
    """The rows an amendment may change, three queries whatever their number."""
    components = list(programme_components(programme, user))
    indicators = list(
        Indicator.objects.filter(component__programme=programme).order_by("component_id", "pk")
    )
    lines = list(
        BudgetLine.objects.filter(programme=programme)
        .select_related("component", "funding_source")
        .order_by("component_id", "funding_source__name", "pk")
    )
    return components, indicators, lines


def _amendment_forms(
    request: HttpRequest, programme: Programme, amendment: Amendment | None
) -> tuple[AmendmentForm, Any, Any]:
    user = request.user
    data = request.POST if request.method == "POST" else None
    components, indicators, lines = _document(programme, user)
    form = AmendmentForm(
        data,
        programme=programme,
        components=components,
        indicators=indicators,
        lines=lines,
        amendment=amendment,
    )
    new_components = NewComponentFormSet(
        data, initial=new_rows_initial(amendment, "new_components"), prefix="new-component"
    )
    new_lines = NewLineFormSet(
        data,
        initial=new_rows_initial(amendment, "new_budget_lines"),
        prefix="new-line",
        form_kwargs={"components": visible_components(user).filter(programme=programme)},
    )
    return form, new_components, new_lines


def _open(formset: Any) -> bool:
    """Rows to add are shown open when a draft adds some, or one is in error."""
    return any(row.initial or (row.is_bound and row.errors) for row in formset)


def _new_rows(formset: Any) -> list[dict[str, Any]]:
    return [row.row() for row in formset if not row.is_empty()]


def _amendment_page(
    request: HttpRequest,
    programme: Programme,
    amendment: Amendment | None,
    write: Callable[[dict[str, Any], dict[str, Any]], Amendment],
) -> HttpResponse:
    """The proposal form: propose (``amendment`` None) or edit a draft."""
    form, new_components, new_lines = _amendment_forms(request, programme, amendment)
    if request.method == "POST":
        valid = all([form.is_valid(), new_components.is_valid(), new_lines.is_valid()])
        if valid:
            proposal = form.proposal(_new_rows(new_components), _new_rows(new_lines))
            saved, result = _save(form, lambda: write(form.cleaned_data, proposal))
            if saved:
                messages.success(
                    request,
                    _("Amendment %s saved as a draft: submit it for approval when ready.")
                    % l10n.isolate(result.reference),
                )
                return HttpResponseRedirect(result.get_absolute_url())
    return render(
        request,
        "programmes/amendment_form.html",
        {
            "programme": programme,
            "amendment": amendment,
            "form": form,
            "new_components": new_components,
            "new_lines": new_lines,
            "kinds": [(value, label, KIND_HELP[value]) for value, label in Amendment.Kind.choices],
            "new_components_open": _open(new_components),
            "new_lines_open": _open(new_lines),
        },
    )


KIND_HELP = {
    Amendment.Kind.NO_COST_EXTENSION: gettext_lazy(
        "Moves the end date later; changes nothing else and no money."
    ),
    Amendment.Kind.BUDGET_REVISION: gettext_lazy(
        "Changes the amounts or descriptions of budget lines, or adds lines."
    ),
    Amendment.Kind.CHANGE_OF_SCOPE: gettext_lazy(
        "Changes objectives, components or indicators, or adds components."
    ),
    Amendment.Kind.CORRECTION: gettext_lazy("Corrects a mistake in the programme document."),
}


@viewer
def amendment_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    _internal(programme, user)
    refusal = amendments.amendment_refusal(programme=programme, user=user)
    if refusal is not None:
        _require(user, DRAFT)
        messages.error(request, refusal)
        return HttpResponseRedirect(programme.get_absolute_url())
    return _amendment_page(
        request,
        programme,
        None,
        lambda data, proposal: amendments.propose_amendment(
            programme=programme,
            by=user,
            kind=data["kind"],
            justification=data["justification"],
            proposal=proposal,
        ),
    )


@viewer
def amendment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _amendment(request, pk)
    user = request.user
    refusal = amendments.edit_refusal(amendment=amendment, user=user)
    if refusal is not None:
        _require(user, DRAFT)
        messages.error(request, refusal)
        return HttpResponseRedirect(amendment.get_absolute_url())
    return _amendment_page(
        request,
        amendment.programme,
        amendment,
        lambda data, proposal: amendments.update_amendment(
            amendment=amendment,
            by=user,
            kind=data["kind"],
            justification=data["justification"],
            proposal=proposal,
        ),
    )


@dataclass(frozen=True)
class ChangeRow:
    what: str
    field: str
    before: str
    after: str


def _shown(change: amendments.Change, value: Any) -> str:
    """A value of the proposal or the history as a person reads it."""
    if value in (None, ""):
        return "—"
    model: type[Model] | None = change.model
    if model is not None and change.field in {f.name for f in model._meta.concrete_fields}:
        model_field = model._meta.get_field(change.field)
        if model_field.choices:
            try:
                return str(dict(model_field.flatchoices).get(int(value), value))
            except (TypeError, ValueError):
                return str(value)
        if model is BudgetLine and change.field == "amount":
            return l10n.money(value)
        if isinstance(model_field, DecimalField):
            return l10n.number(value, 2)
        if isinstance(model_field, DateField) and isinstance(value, str):
            try:  # the proposal keeps its dates as ISO text
                return l10n.day(datetime.date.fromisoformat(value))
            except ValueError:
                return value
    if isinstance(value, datetime.date):
        return l10n.day(value)
    return str(value)


def _rows(changes: list[amendments.Change]) -> list[ChangeRow]:
    return [ChangeRow(c.what, c.label, _shown(c, c.before), _shown(c, c.after)) for c in changes]


@viewer
def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _amendment(request, pk)
    user = request.user
    approved = amendment.status == Amendment.Status.APPROVED
    return render(
        request,
        "programmes/amendment_detail.html",
        {
            "amendment": amendment,
            "programme": amendment.programme,
            "proposed": _rows(amendments.proposed_changes(amendment)),
            "applied": _rows(amendments.applied_changes(amendment)) if approved else None,
            "stale": amendments.stale_parts(amendment),
            "can_edit": amendments.edit_refusal(amendment=amendment, user=user) is None,
            "actions": actions_for(amendment, amendments.LIFECYCLE, user),
            "timeline": timeline(
                amendment,
                amendments.LIFECYCLE,
                internal=audience(amendment.programme, user).internal,
            ),
        },
    )


urlpatterns = [
    path("<int:pk>/budget/", budget_page, name="budget"),
    path("<int:pk>/budget/lines/new/", budget_line_add, name="budget_line_add"),
    path("budget-lines/<int:pk>/edit/", budget_line_edit, name="budget_line_edit"),
    path("budget-lines/<int:pk>/delete/", budget_line_delete, name="budget_line_delete"),
    path("<int:pk>/expenditure/new/", expenditure_add, name="expenditure_add"),
    path("grants/<int:pk>/report/", grant_report, name="grant_report"),
    path("<int:pk>/amendments/new/", amendment_new, name="amendment_new"),
    path("amendments/<int:pk>/", amendment_detail, name="amendment"),
    path("amendments/<int:pk>/edit/", amendment_edit, name="amendment_edit"),
]

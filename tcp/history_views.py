"""The change log and each record's history, read from the change log's index
(``tcp.models.ChangeEvent``, written by ``tcp.changelog`` with every history record).

* ``/history/``: every change of every record, newest first, for auditors and
  administrators (``tcp.view_history``), filtered by record type, reference,
  country, user, kind of change and dates. Pages are keyset pages on
  ``(at, id)``: a deep page costs what the first costs, and nothing counts
  the whole log. Each row shows the fields that changed, old and new.
* ``/history/<model>/<id>/``: one record's history, behind the "History" link
  of its page. Auditors and administrators read every change (also of a
  deleted record); OHCHR staff who may open the record read its changes and
  its parts'; a government reads only the timeline of what is shared with
  its State (the record's page timeline: steps and shared notes, no fields).
* CSV/XLSX of a filtered log (``tcp.exports``), and a PDF of one record's
  history (``tcp.reports``, kind ``history``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tcp import changelog, exports, reports
from tcp.audience import audience_of
from tcp.forms import DateInput
from tcp.lifecycle import lifecycle_for
from tcp.models import ChangeEvent, Country, Report, User
from tcp.scoping import scope_for
from tcp.translated import AlphabeticalModelChoiceField
from tcp.views import HistorySource, timeline

VIEW_HISTORY = "tcp.view_history"
# The changes a record's PDF holds at most (its newest).
PDF_LIMIT = 5000
LOG_PAGE = 50
RECORD_PAGE = 100
A = ChangeEvent.Action


# --- the record pages, as the apps declare them ---

_sources: list[HistorySource] = []


def set_sources(sources: Sequence[HistorySource]) -> None:
    """The apps' record pages (``tcp/urls.py``, the one module naming every app)."""
    _sources[:] = sources


def history_sources() -> list[HistorySource]:
    if not _sources:
        # A worker may render before anything loaded the URLs, which declare them.
        import_module(settings.ROOT_URLCONF)
    return _sources


# --- filters ---


def _record_types() -> list[tuple[str, str]]:
    """Every model with history, by its name (no query)."""
    from simple_history.models import registered_models

    types = {
        model._meta.label_lower: changelog.model_label(model._meta.label_lower)
        for model in registered_models.values()
        if hasattr(model, "history") and model._meta.label_lower not in changelog.SKIPPED
    }
    return sorted(types.items(), key=lambda item: item[1])


class ChangeLogFilterForm(forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("Record type"), required=False)
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("The record's, or its programme's, request's…"),
    )
    country = AlphabeticalModelChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        queryset=Country.objects.order_by("name"),
        empty_label=gettext_lazy("All countries"),
    )
    user = forms.ModelChoiceField(
        label=gettext_lazy("By"),
        required=False,
        queryset=User.objects.order_by("last_name", "first_name", "username"),
        empty_label=gettext_lazy("Anyone"),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Kind of change"),
        required=False,
        choices=[("", gettext_lazy("All changes")), *A.choices],
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All records")), *_record_types()]

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


# The filters with an index of their own, most selective first.
# (The column, not the relation: ordering by ``user`` would sort by the user's name.)
LEADING = (
    ("reference", "reference"),
    ("user", "user_id"),
    ("model", "model"),
    ("action", "action"),
)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def log_events(user: Any, params: QueryDict) -> tuple[ChangeLogFilterForm, QuerySet[ChangeEvent]]:
    """The log's events for these filters, newest first, limited to the user's countries.

    The unfiltered log lists each change once (``is_primary``); the country filter
    lists every change of a record covering the country.
    """
    form = ChangeLogFilterForm(params or None)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # Keep what is valid: one bad parameter does not drop the others.
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    events = ChangeEvent.objects.select_related("user").filter(private=False)
    scope = scope_for(user)
    country = data.get("country")
    if country is not None:
        if not scope.all_countries and country.pk not in scope.ohchr:
            return form, ChangeEvent.objects.none()
        events = events.filter(country=country)
    elif scope.all_countries:
        events = events.filter(is_primary=True)
    else:
        events = events.filter(country__in=sorted(scope.ohchr))
    if data.get("model"):
        events = events.filter(model=data["model"])
    if data.get("reference"):
        events = events.filter(reference=data["reference"])
    if data.get("user") is not None:
        events = events.filter(user=data["user"])
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    # Ordered first by the most selective filter applied (constant within the
    # result, so the order is still newest first): the planner then reads the
    # index made for that filter instead of walking the whole log by time and
    # filtering, whatever it guesses of how the filter's rows spread over time.
    # With a country, its index (the only one holding every country's lines).
    lead = ["country_id"] if country is not None else []
    lead = lead or [column for name, column in LEADING if data.get(name) not in (None, "")][:1]
    return form, events.order_by(*lead, "-at", "-id")


# --- keyset pages ---


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    newer_url: str
    older_url: str


def _cursor(event: ChangeEvent) -> str:
    return f"{event.at.isoformat()}_{event.pk}"


def _parse_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    at, _sep, pk = value.rpartition("_")
    moment = parse_datetime(at) if at else None
    if moment is None or not pk.isdigit():
        return None
    return moment, int(pk)


def keyset_page(request: HttpRequest, events: QuerySet, size: int) -> KeysetPage:
    """One page of ``events`` (ordered newest first) after ``?before=`` or before
    ``?after=`` a cursor: an index range scan, whatever the depth."""
    key = Tuple("at", "id")
    after = _parse_cursor(request.GET.get("after", ""))
    before = _parse_cursor(request.GET.get("before", ""))
    if after is not None:
        # The same order backwards (a leading filter column is constant).
        backwards = [f[1:] if f.startswith("-") else f"-{f}" for f in events.query.order_by]
        rows = list(events.filter(TupleGreaterThan(key, after)).order_by(*backwards)[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        more_older = True
    else:
        if before is not None:
            events = events.filter(TupleLessThan(key, before))
        rows = list(events[: size + 1])
        more_older = len(rows) > size
        rows = rows[:size]
        more_newer = before is not None
    params = request.GET.copy()
    for name in ("before", "after"):
        params.pop(name, None)

    def url(name: str, event: ChangeEvent) -> str:
        query = params.copy()
        query[name] = _cursor(event)
        return f"?{query.urlencode()}"

    return KeysetPage(
        rows,
        url("after", rows[0]) if rows and more_newer else "",
        url("before", rows[-1]) if rows and more_older else "",
    )


# --- rows ---


@dataclass(frozen=True)
class LogRow:
    event: ChangeEvent
    record_type: str
    what: str
    from_status: str
    to_status: str
    changes: list[changelog.Change]
    record_url: str
    history_url: str

    @property
    def is_transition(self) -> bool:
        return self.event.action == A.TRANSITION


def _sources_by_model(sources: Sequence[HistorySource]) -> dict[str, HistorySource]:
    return {src.model._meta.label_lower: src for src in sources}


def log_rows(events: list[ChangeEvent], user: Any) -> list[LogRow]:
    """Readable rows for one page of events: no query (the users came with them).

    A record links to its page when the reader has that page's permission
    (an auditor opens every record page); a deleted record's row links to
    its history, which keeps its last values.
    """
    by_model = _sources_by_model(history_sources())
    rows = []
    for event in events:
        anchor = by_model.get(event.anchor_model)
        record_url = ""
        if anchor is not None and user.has_perm(anchor.view_permission):
            record_url = reverse(anchor.url_name, args=[event.anchor_id])
        transition = event.action == A.TRANSITION
        rows.append(
            LogRow(
                event=event,
                record_type=changelog.model_label(event.model),
                what=changelog.step_label(event) if transition else event.get_action_display(),
                from_status=changelog.status_label(event, event.from_status) if transition else "",
                to_status=changelog.status_label(event, event.to_status) if transition else "",
                changes=changelog.readable(event),
                record_url=record_url,
                history_url=reverse("record_history", args=[event.model, event.object_id]),
            )
        )
    return rows


def recent_changes(user: Any, limit: int = 20) -> list[LogRow]:
    """The auditor's dashboard: the newest changes, one query."""
    _form, events = log_events(user, QueryDict())
    return log_rows(list(events[:limit]), user)


# --- pages ---


@require_safe
@login_required
@permission_required(VIEW_HISTORY, raise_exception=True)
def change_log(request: HttpRequest) -> HttpResponse:
    form, events = log_events(request.user, request.GET)
    page = keyset_page(request, events, LOG_PAGE)
    return render(
        request,
        "tcp/history.html",
        {
            "filter_form": form,
            "page": page,
            "rows": log_rows(page.rows, request.user),
            "export_links": exports.links(request, "changes"),
        },
    )


@dataclass(frozen=True)
class RecordHistory:
    """What one user may read of one record's history."""

    model: type
    pk: int
    record: Any  # None once deleted
    label: str
    full: bool  # every field change; else only the shared timeline
    source: HistorySource | None

    @property
    def reference(self) -> str:
        return f"{self.model._meta.label_lower}:{self.pk}"

    def events(self) -> QuerySet[ChangeEvent]:
        label = self.model._meta.label_lower
        own = Q(model=label, object_id=self.pk)
        parts = Q(anchor_model=label, anchor_id=self.pk, is_primary=True)
        return (
            ChangeEvent.objects.select_related("user")
            .filter(own | parts, private=False)
            .order_by("-at", "-id")
        )


def record_history_for(user: Any, model_label: str, pk: int) -> RecordHistory:
    """The record's history as ``user`` may read it, or ``Http404``.

    Auditors and administrators read everything, deleted records included;
    anyone else reaches a record through its page's selector, reads every
    field if they work on one of its countries (OHCHR staff), and only its
    shared timeline otherwise.
    """
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not hasattr(model, "history"):
        raise Http404
    source = _sources_by_model(history_sources()).get(model._meta.label_lower)
    if user.has_perm(VIEW_HISTORY):
        record = model._default_manager.filter(pk=pk).first()
        if record is not None and source is not None:
            # A record its page's selector hides (a State's draft) has no history to read.
            record = source.visible(user).filter(pk=pk).first()
            if record is None:
                raise Http404
        last = (
            ChangeEvent.objects.filter(model=model._meta.label_lower, object_id=pk, private=False)
            .order_by("-at", "-id")
            .first()
        )
        if record is None and last is None:
            raise Http404
        label = str(record) if record is not None else last.label
        return RecordHistory(model, pk, record, label, True, source)
    if source is None:
        raise Http404
    if not user.has_perm(source.view_permission):
        raise PermissionDenied  # as on the record's own page
    record = source.visible(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    countries = changelog.countries_of(record)
    full = audience_of(user, countries).internal
    return RecordHistory(model, pk, record, str(record), full, source)


@require_safe
@login_required
def record_history(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    history = record_history_for(request.user, model, pk)
    context: dict[str, Any] = {"history": history, "record_type": changelog.model_label(model)}
    source, record = history.source, history.record
    if source is not None and record is not None:
        parent = getattr(record, f"{source.parent_field}_id") if source.parent_field else None
        context["record_url"] = source.url(pk, parent)
    if history.full:
        page = keyset_page(request, history.events(), RECORD_PAGE)
        context.update(page=page, rows=log_rows(page.rows, request.user))
    else:
        lifecycle = _lifecycle(history.model)
        context["timeline"] = (
            timeline(history.record, lifecycle, internal=False) if lifecycle else []
        )
    return render(request, "tcp/record_history.html", context)


def _lifecycle(model: type) -> Any:
    try:
        return lifecycle_for(model)
    except KeyError:
        return None


# --- exports and the PDF ---


def _changes_text(row: LogRow) -> str:
    parts = []
    for change in row.changes:
        if change.added or change.removed:
            moved = [f"+ {name}" for name in change.added]
            moved += [f"− {name}" for name in change.removed]
            parts.append(f"{change.label}: {', '.join(moved)}")
        else:
            parts.append(f"{change.label}: {change.old or '—'} → {change.new or '—'}")
    return "; ".join(parts)


def _export_context(user: Any, chunk: list[ChangeEvent]) -> dict[str, Any]:
    return {"rows": {row.event.pk: row for row in log_rows(chunk, user)}}


C = exports.ExportColumn
LOG_COLUMNS = (
    C(gettext_lazy("When"), lambda e, c: e.at, 18),
    C(gettext_lazy("Who"), lambda e, c: str(e.user) if e.user_id else "", 24),
    C(gettext_lazy("Record type"), lambda e, c: c["rows"][e.pk].record_type, 20),
    C(gettext_lazy("Reference"), lambda e, c: e.reference, 20),
    C(gettext_lazy("Record"), lambda e, c: e.label, 40),
    C(gettext_lazy("Change"), lambda e, c: c["rows"][e.pk].what, 20),
    C(gettext_lazy("From"), lambda e, c: c["rows"][e.pk].from_status, 16),
    C(gettext_lazy("To"), lambda e, c: c["rows"][e.pk].to_status, 16),
    C(gettext_lazy("Note or reason"), lambda e, c: e.note, 40),
    C(gettext_lazy("Fields: old → new"), lambda e, c: _changes_text(c["rows"][e.pk]), 80),
)


def register() -> None:
    exports.register(
        exports.ListExport(
            code="changes",
            title=gettext_lazy("Change log"),
            allowed=lambda user: user.has_perm(VIEW_HISTORY),
            rows=lambda user, params: log_events(user, params)[1],
            columns=lambda user: LOG_COLUMNS,
            context=_export_context,
            list_url_name="history",
        )
    )

    def subject(user: Any, reference: str) -> RecordHistory:
        model_label, _sep, pk = reference.partition(":")
        if not pk.isdigit():
            raise Http404
        return record_history_for(user, model_label, int(pk))

    def context(user: Any, history: RecordHistory, params: dict) -> dict:
        if history.full:
            events = list(history.events()[:PDF_LIMIT])
            return {"rows": log_rows(events, user), "history": history}
        lifecycle = _lifecycle(history.model)
        entries = timeline(history.record, lifecycle, internal=False) if lifecycle else []
        return {"timeline": entries, "history": history}

    reports.register(
        reports.ReportKind(
            code=Report.Kind.HISTORY,
            subject=subject,
            context=context,
            template="reports/history.html",
            title=lambda history, params: _("History of %(record)s") % {"record": history.label},
        )
    )

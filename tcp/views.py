"""The web shell: health check, dashboard, change history, and the pieces every
app's views share (list pages, the transition buttons, the timeline).

The core never imports an app. What the dashboard and the history show of
each app comes in as arguments (``providers`` and ``sources``) that
``tcp/urls.py``, the one module allowed to name every app, wires in.
"""

from __future__ import annotations

import datetime
import logging
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Model, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tcp import access_log
from tcp.documents import DocumentBase
from tcp.forms import ListFilterForm, NoteForm
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, status_changes, status_since
from tcp.models import Country, FieldPresence, User
from tcp.roles import Role, roles_of
from tcp.scoping import scope_for

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
DASHBOARD_ROWS = 10
RECENT_CHANGES = 20


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer: no session, no database."""
    return HttpResponse("ok", content_type="text/plain")


# --- roles of the current user, read once per request ---


def user_roles(user: Any) -> set[Role]:
    """The user's roles, cached on the user object for the rest of the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_tcp_roles", None)
    if cached is None:
        cached = roles_of(user)
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._tcp_roles = cached
    return cached


# The roles that work for OHCHR on the cycle: they wait on governments' answers.
OHCHR_STAFF = frozenset({Role.DESK_OFFICER, Role.PROGRAMME_APPROVER, Role.FIELD_OFFICER})

ROLE_LABELS = {
    Role.DESK_OFFICER: gettext_lazy("Desk officer"),
    Role.PROGRAMME_APPROVER: gettext_lazy("Programme approver"),
    Role.FIELD_OFFICER: gettext_lazy("Field presence officer"),
    Role.FOCAL_POINT: gettext_lazy("Government focal point"),
    Role.AUDITOR: gettext_lazy("Auditor"),
    Role.ADMINISTRATOR: gettext_lazy("Administrator"),
}


# --- dashboard ---


@dataclass(frozen=True)
class Row:
    label: str
    url: str
    status: str = ""
    meta: str = ""
    # The status value, for its colour.
    status_value: str = ""
    # Since when the record waits (it entered the state that makes it wait).
    since: datetime.datetime | None = None

    @property
    def age_days(self) -> int | None:
        """Whole days the record has waited, or None when it does not wait."""
        if self.since is None:
            return None
        return max(0, (timezone.now() - self.since).days)

    @property
    def waited_long(self) -> bool:
        return (self.age_days or 0) >= LONG_WAIT_DAYS


# A wait this long stands out on the dashboard.
LONG_WAIT_DAYS = 30


# A dashboard counts up to this many: past it, "100+" says enough, and the
# count stops early instead of visiting every row of a large portfolio.
COUNT_CAP = 100


class Section:
    """Where a block stands on the dashboard (see ``SECTIONS``)."""

    YOURS = "yours"  # what waits on the user
    GOVERNMENT = "government"  # what OHCHR waits for from a government
    STATE = "state"  # a focal point's view of its State's cycle


SECTIONS = (
    (Section.YOURS, gettext_lazy("Waiting on you")),
    (Section.GOVERNMENT, gettext_lazy("Waiting on the government")),
    (Section.STATE, gettext_lazy("Your State's records")),
)


@dataclass(frozen=True)
class Block:
    """One thing that needs the user's attention: a count and the first few items."""

    title: str
    count: int
    rows: list[Row]
    more_url: str = ""
    more_label: str = ""
    section: str = Section.YOURS

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


def block(
    title: str,
    queryset: QuerySet,
    row: Callable[[Any], Row],
    *,
    more_url: str = "",
    more_label: str = "",
    limit: int = DASHBOARD_ROWS,
    section: str = Section.YOURS,
    age: bool | str = False,
) -> Block:
    """Two queries at most, whatever the number of records (none when empty).

    The count is bounded (``COUNT_CAP``): it stops at the first hundred and one.
    ``age`` gives each row the time since when it waits, read in the rows'
    own query (never one per row): ``True``, when the record entered its
    current status (``status_since``); a field path, that stamp
    (``"recorded_at"``).
    """
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    if not count:
        return Block(title, count, [], more_url, more_label, section)
    if age is True:
        queryset = status_since(queryset)
    elif age:
        queryset = queryset.annotate(waiting_since=F(age))
    objects = list(queryset[:limit])
    rows = [row(obj) for obj in objects]
    if age:
        rows = [replace(r, since=obj.waiting_since) for r, obj in zip(rows, objects, strict=True)]
    return Block(title, count, rows, more_url, more_label, section)


def sections(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """The dashboard's blocks under their section headings, in the sections' order."""
    grouped = [(str(label), [b for b in blocks if b.section == key]) for key, label in SECTIONS]
    return [(label, found) for label, found in grouped if found]


# An app's dashboard provider: the blocks it contributes for a user with these roles.
DashboardProvider = Callable[[Any, set[Role]], list[Block]]


@login_required
def dashboard(
    request: HttpRequest,
    providers: Sequence[DashboardProvider] = (),
    sources: Sequence[HistorySource] = (),
) -> HttpResponse:
    user = request.user
    roles = user_roles(user)
    blocks = [b for provider in providers for b in provider(user, roles)]
    context: dict[str, Any] = {"blocks": blocks, "sections": sections(blocks), "roles": roles}
    if Role.AUDITOR in roles and user.has_perm("tcp.view_history"):
        from tcp.history_views import recent_changes

        context["recent_changes"] = recent_changes(user, RECENT_CHANGES)
    if Role.ADMINISTRATOR in roles:
        context["admin_counts"] = _admin_counts(user, sources)
    return render(request, "tcp/dashboard.html", context)


def _admin_counts(user: Any, sources: Sequence[HistorySource]) -> list[tuple[str, int]]:
    counts = [
        (_("Active users"), User.objects.filter(is_active=True).count()),
        (_("Field presences"), FieldPresence.objects.filter(is_active=True).count()),
        (_("Countries"), Country.objects.filter(is_active=True).count()),
    ]
    counts += [(str(src.label), src.visible(user).count()) for src in sources]
    return counts


# --- change history ---


@dataclass(frozen=True)
class HistorySource:
    """How the history browser reads one domain model, declared by its app."""

    key: str
    label: str
    model: type[Model]
    visible: Callable[[Any], QuerySet]
    url_name: str
    # The permission the detail page needs: without it, the row is not a link.
    view_permission: str
    label_field: str = "reference"
    # Records shown on their parent's page (a component on its programme's).
    parent_field: str | None = None
    action_labels: dict[str, Any] = field(default_factory=dict)

    def url(self, object_id: int, parent_id: int | None) -> str:
        return reverse(self.url_name, args=[parent_id or object_id])


def action_labels(*lifecycles: Lifecycle) -> dict[str, str]:
    return {t.action: t.label for lc in lifecycles for t in lc.transitions}


# --- list pages: filter by status and country, search, sort, paginate ---


@dataclass(frozen=True)
class Column:
    label: str
    sort: str | None = None
    css: str = ""


@dataclass(frozen=True)
class ListSpec:
    statuses: Sequence[tuple[str, str]]
    search: tuple[str, ...]
    # Whitelisted sort keys -> the fields they order by (ascending).
    sorts: dict[str, tuple[str, ...]]
    default_sort: str
    columns: tuple[Column, ...]
    # The lookup from the listed model to Country, for the country filter.
    country_lookup: str = "country"


@dataclass(frozen=True)
class HeaderCell:
    label: str
    href: str = ""
    aria_sort: str = ""
    css: str = ""


@dataclass(frozen=True)
class FilteredList:
    form: ListFilterForm
    queryset: QuerySet
    sort: str
    is_filtered: bool


def filter_list(user: Any, params: Any, queryset: QuerySet, spec: ListSpec) -> FilteredList:
    """Filter, search and sort an already scoped ``queryset`` by the list's
    parameters (``params``, a QueryDict): what the page shows, every page of
    it, and what its exports hold."""
    scope = scope_for(user)
    countries = None
    if scope.all_countries:
        countries = Country.objects.all()
    elif scope.ohchr:
        countries = Country.objects.filter(pk__in=sorted(scope.ohchr))
    form = ListFilterForm(
        params or None, statuses=spec.statuses, countries=countries, sorts=spec.sorts
    )
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # Keep what is valid: one bad parameter does not drop the others.
        data = form.cleaned_data
    qs = queryset
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("country") is not None:
        qs = qs.filter(**{spec.country_lookup: data["country"]})
    if data.get("q"):
        term = data["q"]
        qs = qs.filter(reduce(operator.or_, (Q(**{f"{f}__icontains": term}) for f in spec.search)))
    sort = data.get("sort") or spec.default_sort
    return FilteredList(
        form,
        qs.order_by(*_ordering(spec, sort)),
        sort,
        bool(data.get("status") or data.get("country") or data.get("q")),
    )


def list_page(request: HttpRequest, queryset: QuerySet, spec: ListSpec) -> dict[str, Any]:
    """Filter, search, sort and paginate an already scoped ``queryset``.

    The query count does not depend on the number of rows: a count and a
    page, plus the filter form's country list for OHCHR staff.
    """
    filtered = filter_list(request.user, request.GET, queryset, spec)
    page = Paginator(filtered.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "filter_form": filtered.form,
        "page_obj": page,
        "headers": _headers(request, spec, filtered.sort),
        "is_filtered": filtered.is_filtered,
    }


def _ordering(spec: ListSpec, sort: str) -> list[str]:
    descending = sort.startswith("-")
    fields = spec.sorts[sort.lstrip("-")]
    if descending:
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    # The primary key breaks ties, so a page never repeats or skips a row.
    return [*fields, "-pk" if descending else "pk"]


def _headers(request: HttpRequest, spec: ListSpec, sort: str) -> list[HeaderCell]:
    return sort_headers(request, spec.columns, sort)


def sort_headers(request: HttpRequest, columns: Sequence[Column], sort: str) -> list[HeaderCell]:
    """Column headers whose links sort by them (again: the other way), keeping the filters."""
    cells = []
    for column in columns:
        if column.sort is None:
            cells.append(HeaderCell(str(column.label), css=column.css))
            continue
        params = request.GET.copy()
        params.pop("page", None)
        aria = ""
        if sort == column.sort:
            aria, params["sort"] = "ascending", f"-{column.sort}"
        elif sort == f"-{column.sort}":
            aria, params["sort"] = "descending", column.sort
        else:
            params["sort"] = column.sort
        cells.append(HeaderCell(str(column.label), f"?{params.urlencode()}", aria, column.css))
    return cells


# --- detail pages: the buttons the lifecycle allows now, and the timeline ---


@dataclass(frozen=True)
class Blocked:
    transition: Transition
    reason: str


@dataclass(frozen=True)
class Button:
    """One transition offered on one record: the note it asks for is the record's."""

    transition: Transition
    note_label: str | None

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return self.transition.label

    @property
    def dangerous(self) -> bool:
        return self.transition.dangerous

    @property
    def note_required(self) -> bool:
        return self.note_label is not None


@dataclass(frozen=True)
class Actions:
    """What a user may do to one record now, and what they could do once complete."""

    available: list[Button]
    blocked: list[Blocked]

    def __bool__(self) -> bool:
        return bool(self.available or self.blocked)


def actions_for(obj: Any, lifecycle: Lifecycle, user: Any) -> Actions:
    """``Lifecycle.available``, plus the refused ones that only lack information.

    A refusal with ``missing`` items means the user holds the permission and
    scope and the record is in the right state: showing what is missing tells
    them how to get the button, without revealing actions of other roles.
    """
    status = getattr(obj, lifecycle.status_field)
    available, blocked = [], []
    for t in lifecycle.transitions:
        if status not in t.sources or t.automatic:
            continue
        refusal = lifecycle.refusal(obj, t.action, user)
        if refusal is None:
            available.append(Button(t, lifecycle.note_needed(obj, t)))
        elif refusal.missing:
            blocked.append(Blocked(t, refusal.message))
    return Actions(available, blocked)


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    by: Any
    action: str
    from_status: str
    to_status: str
    note: str


def timeline(obj: Model, lifecycle: Lifecycle, *, internal: bool) -> list[TimelineEntry]:
    """The status changes of ``obj``, oldest first.

    ``internal`` is whether the viewer reads internal material (OHCHR staff):
    a government reads only the steps shared with it (``Transition.shared_with_
    government``) and of those only the notes meant for it.
    """
    statuses = dict(type(obj)._meta.get_field(lifecycle.status_field).choices)
    labels = action_labels(lifecycle)
    entries = []
    for change in status_changes(obj):
        step = shared_step(lifecycle, change.action)
        if not internal and step is None:
            continue
        entries.append(
            TimelineEntry(
                at=change.at,
                by=change.by,
                action=labels.get(change.action, change.action),
                from_status=str(statuses.get(change.from_status, change.from_status)),
                to_status=str(statuses.get(change.to_status, change.to_status)),
                note=change.note if internal or (step and step.note_shared) else "",
            )
        )
    return entries


def shared_step(lifecycle: Lifecycle, action: str) -> Transition | None:
    """The transition ``action`` if a government reads it in its timeline, else None
    (OHCHR's own steps, and an action since removed from the table)."""
    try:
        step = lifecycle.transition(action)
    except TransitionRefused:
        return None
    return step if step.shared_with_government else None


def openable(visible: QuerySet, ids: Iterable[int | None]) -> set[int]:
    """Which of ``ids`` the user may open through ``visible`` (their selector's
    queryset): one query, so a list names a related record only when its own
    selector lets the reader open it."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return set()
    return set(visible.filter(pk__in=sorted(wanted)).values_list("pk", flat=True))


# --- confirmation of what cannot be undone, without JavaScript ---

# The field a confirmation page's form adds: only a POST carrying it does the step.
CONFIRMED = "confirmed"


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page asks: which record, which step, what will happen.

    ``hidden`` are the fields posted again with the answer (the action, the page
    to return to); ``form`` a form shown on the page, with its errors (the note).
    """

    title: str
    record: Any
    kind: str
    effects: list[str]
    button: str
    action_url: str
    back_url: str
    hidden: dict[str, str] = field(default_factory=dict)
    form: Any = None
    dangerous: bool = False


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    """The page a first POST of an irreversible step answers: nothing has changed yet.

    Its own form posts the same fields again with ``confirmed=yes``; "No, go back"
    returns to where the person was. Works alike with and without JavaScript.
    """
    return render(request, "tcp/confirm.html", {"confirm": confirmation})


def yes_label(label: str) -> str:
    """The button of a confirmation page: "Yes, decline"."""
    label = str(label)
    return _("Yes, %(action)s") % {"action": label[:1].lower() + label[1:]}


def kind_of(obj: Any) -> str:
    return str(capfirst(type(obj)._meta.verbose_name))


def back_url(request: HttpRequest, obj: Any) -> str:
    """The page a POST returns to: its ``next`` when it is one of ours, else the record's."""
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None) or not url.startswith("/"):
        url = obj.get_absolute_url()
    return url


def _transition_confirmation(
    request: HttpRequest, obj: Any, lifecycle: Lifecycle, step: Transition, back: str
) -> HttpResponse | None:
    """The confirmation page of an irreversible ``step`` when it is still to be asked
    (or its note is missing), None once confirmed. A refusal is raised first: a
    step the person may not take is never offered for confirmation."""
    refusal = lifecycle.refusal(obj, step.action, request.user)
    if refusal is not None:
        raise refusal
    needed = lifecycle.note_needed(obj, step)
    form = None
    if needed or request.POST.get("note", "").strip():
        form = NoteForm(request.POST, label=needed or step.note_label, required=bool(needed))
    if confirmed(request) and (form is None or form.is_valid()):
        return None
    statuses = dict(type(obj)._meta.get_field(lifecycle.status_field).choices)
    effects = [
        _("Its status changes from “%(before)s” to “%(after)s”.")
        % {
            "before": statuses.get(getattr(obj, lifecycle.status_field), ""),
            "after": statuses.get(step.target, step.target),
        }
    ]
    if step.consequence:
        effects.append(str(step.consequence))
    if step.inform_government:
        effects.append(_("The government is informed."))
    hidden = {"action": step.action}
    if request.POST.get("next"):
        hidden["next"] = back
    return confirmation_page(
        request,
        Confirmation(
            title=_("Confirm: %(action)s") % {"action": step.label},
            record=obj,
            kind=kind_of(obj),
            effects=effects,
            button=yes_label(step.label),
            action_url=request.path,
            back_url=back,
            hidden=hidden,
            form=form,
            dangerous=step.dangerous,
        ),
    )


# A service entry taking any transition by name: (record, action, by=, note=).
Perform = Callable[..., Any]


@login_required
@require_POST
def transition(
    request: HttpRequest,
    pk: int,
    *,
    selector: Callable[[Any], QuerySet],
    lifecycle: Lifecycle,
    perform: Perform,
    permission: str | Callable[[Any], bool],
    anchor: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """The one view every lifecycle's buttons post to (wired per app in its urls).

    ``permission`` is the view permission of the record's kind (403 without
    it, like the record's own page); the record comes through the app's
    selector (outside scope: 404); the app's service performs the action; a
    refusal becomes an error message, never a 500, and nothing changes. A step
    that cannot be undone (``Transition.irreversible``) is first answered with
    its confirmation page, and taken only when that page's form is posted.
    """
    allowed = (
        permission(request.user) if callable(permission) else request.user.has_perm(permission)
    )
    if not allowed:
        raise PermissionDenied
    obj = get_object_or_404(selector(request.user), pk=pk)
    action = request.POST.get("action", "")
    back = back_url(request, obj)
    try:
        step = lifecycle.transition(action)
        if step.irreversible:
            page = _transition_confirmation(request, obj, lifecycle, step, back)
            if page is not None:
                return page
        perform(obj, action, by=request.user, note=request.POST.get("note", ""))
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        obj.refresh_from_db()
        statuses = dict(type(obj)._meta.get_field(lifecycle.status_field).choices)
        status = statuses.get(getattr(obj, lifecycle.status_field), "")
        messages.success(
            request,
            _("Done: %(step)s. %(record)s is now: %(status)s.")
            % {"step": step.label, "record": getattr(obj, "reference", obj), "status": status},
        )
    return HttpResponseRedirect(f"{back}#{anchor(obj)}" if anchor else back)


def document_response(request: HttpRequest, document: DocumentBase, record: Any) -> HttpResponse:
    """Serve a stored document the caller's selectors let the user open, as an attachment.

    A stored copy that no longer matches the checksum taken at upload is not
    served: the user is told, and the administrators find it in the log.
    """
    try:
        intact = document.is_intact()
    except OSError:  # gone from the storage altogether
        intact = False
    if not intact:
        logger.error(
            "%s %s (%s, of %s) no longer matches its checksum",
            type(document).__name__,
            document.pk,
            document.file.name,
            getattr(record, "reference", record),
        )
        return render(
            request,
            "tcp/document_changed.html",
            {"record": record, "document": document},
            status=409,
        )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    access_log.download(
        request, f"Document: {document.original_name}", getattr(record, "reference", "")
    )
    return response

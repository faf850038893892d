"""The in-app notifications: a person's event notifications and reminders together.

An event notification (``Notification``) is listed once it exists; a reminder
(``Dispatch``) once it is sent or kept for the digest, never while pending or
once cleared. Both are read through ``inbox_union`` (one UNION ALL query,
always limited to the person's own rows), which the list, the unread count
in the header and "mark all as read" share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tcp import reminders
from tcp.forms import add_model_errors
from tcp.models import Dispatch, Notification, User
from tcp.preferences import PreferencesForm, save_preferences
from tcp.reports import READY_NOTICE
from tcp.views import PAGE_SIZE

EVENT, REMINDER = "event", "reminder"
# A reminder is the person's to read once it has gone out (or waits for the digest).
SHOWN = (Dispatch.Status.SENT, Dispatch.Status.DIGEST)


def notifications_of(user: Any) -> QuerySet:
    return Notification.objects.filter(recipient=user)


def reminders_of(user: Any) -> QuerySet:
    return Dispatch.objects.filter(recipient=user, status__in=SHOWN)


def _source(source: str, user: Any) -> QuerySet:
    if source == EVENT:
        return notifications_of(user)
    if source == REMINDER:
        return reminders_of(user)
    raise Http404


_COLUMNS = ("n_source", "n_pk", "n_kind", "n_subject", "n_at", "n_due", "n_escalation", "n_read")


def inbox_union(user: Any, *, kind: str = "", unread: bool = False) -> QuerySet:
    """The person's rows of both models as values, newest first: one query.

    ``kind`` is ``event`` or a reminder kind's code; empty for all.
    """
    parts = []
    if kind in ("", EVENT):
        events = notifications_of(user)
        if unread:
            events = events.filter(read_at__isnull=True)
        parts.append(
            events.order_by().annotate(
                n_source=Value(EVENT, output_field=CharField()),
                n_pk=F("pk"),
                n_kind=Value(EVENT, output_field=CharField()),
                n_subject=F("subject"),
                n_at=F("status_change__at"),
                n_due=Value(None, output_field=DateField()),
                n_escalation=Value(False, output_field=BooleanField()),
                n_read=F("read_at"),
            )
        )
    if kind != EVENT:
        due = reminders_of(user)
        if kind:
            due = due.filter(kind=kind)
        if unread:
            due = due.filter(read_at__isnull=True)
        parts.append(
            due.order_by().annotate(
                n_source=Value(REMINDER, output_field=CharField()),
                n_pk=F("pk"),
                n_kind=F("kind"),
                n_subject=F("subject"),
                n_at=F("created_at"),
                n_due=F("due_on"),
                n_escalation=F("escalation"),
                n_read=F("read_at"),
            )
        )
    values = [p.values(*_COLUMNS) for p in parts]
    union = values[0].union(*values[1:], all=True) if len(values) > 1 else values[0]
    return union.order_by("-n_at", "-n_source", "-n_pk")


def unread_count(user: Any) -> int:
    """Unread events and reminders in one statement (two counting subqueries)."""

    def count(qs: QuerySet) -> Subquery:
        counted = (
            qs.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    counts = (
        User.objects.filter(pk=user.pk)
        .annotate(
            events=count(Notification.objects.all()),
            due=count(Dispatch.objects.filter(status__in=SHOWN)),
        )
        .values_list("events", "due")
        .first()
    )
    return sum(counts) if counts else 0


# --- the list ---


def kind_label(code: str) -> str:
    if code == EVENT:
        return _("Lifecycle step")
    if code == READY_NOTICE:
        return _("Report")
    reminder = reminders.kind(code)
    return str(reminder.label) if reminder else code


class InboxFilterForm(forms.Form):
    """GET parameters of the list. Invalid values are dropped, not fatal."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    unread = forms.BooleanField(label=gettext_lazy("Unread only"), required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.fields["kind"].choices = [
            ("", _("All kinds")),
            (EVENT, _("Lifecycle steps")),
            (READY_NOTICE, _("Reports")),
            *((k.code, str(k.label)) for k in reminders.kinds()),
        ]


@dataclass(frozen=True)
class InboxRow:
    source: str
    pk: int
    kind: str
    subject: str
    at: Any
    due_on: Any
    escalation: bool
    read_at: Any

    @property
    def url(self) -> str:
        return reverse("notification_open", args=[self.source, self.pk])

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _rows(values: list[dict[str, Any]]) -> list[InboxRow]:
    return [
        InboxRow(
            source=v["n_source"],
            pk=v["n_pk"],
            kind=kind_label(v["n_kind"]),
            subject=v["n_subject"] or kind_label(v["n_kind"]),
            at=v["n_at"],
            # A report's notice is about no due date.
            due_on=v["n_due"] if v["n_kind"] != READY_NOTICE else None,
            escalation=bool(v["n_escalation"]),
            read_at=v["n_read"],
        )
        for v in values
    ]


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The list (GET); "Mark all as read" (POST)."""
    user = request.user
    if request.method == "POST":
        now = timezone.now()
        done = notifications_of(user).filter(read_at__isnull=True).update(read_at=now)
        done += reminders_of(user).filter(read_at__isnull=True).update(read_at=now)
        if done:
            messages.success(request, _("All notifications are marked as read."))
        return redirect(request.get_full_path())
    form = InboxFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # Keep what is valid: one bad parameter does not drop the other.
        filters = form.cleaned_data
    union = inbox_union(user, kind=filters.get("kind") or "", unread=bool(filters.get("unread")))
    page = Paginator(union, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tcp/notifications.html",
        {
            "filter_form": form,
            "page_obj": page,
            "rows": _rows(list(page.object_list)),
            "is_filtered": bool(filters.get("kind") or filters.get("unread")),
        },
    )


@login_required
def notification_open(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    """Mark one of the person's own rows read, and go to its record."""
    row = get_object_or_404(_source(source, request.user), pk=pk)
    if row.read_at is None:
        # Conditional, so opening it twice keeps the first reading time.
        # no history: Notification and Dispatch (delivery logs) have none.
        type(row).objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
    url = row.url
    if not url or not url.startswith("/") or not url_has_allowed_host_and_scheme(url, None):
        url = reverse("notifications")
    return HttpResponseRedirect(url)


# --- preferences ---


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            save_preferences(
                user=user,
                language=form.cleaned_data["language"],
                delivery=form.cleaned_data["delivery"],
                muted_kinds=form.muted_kinds(),
            )
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
    return render(request, "tcp/notification_settings.html", {"form": form})

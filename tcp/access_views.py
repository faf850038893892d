"""The access log page (``/history/access/``) and its CSV/XLSX export.

For auditors and administrators (``tcp.view_history``). Newest first, filtered
by kind, username, dates, address and reference; pages are keyset pages on
``(at, id)`` (``history_views.keyset_page``), so a deep page costs what the
first costs and nothing counts the whole log. The page only reads: it answers
GET alone, and nothing anywhere updates or deletes an ``AccessEvent``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tcp import exports
from tcp.exports import ExportColumn as C
from tcp.forms import DateInput
from tcp.history_views import keyset_page
from tcp.models import AccessEvent, User

VIEW_HISTORY = "tcp.view_history"
PAGE = 50
EXPORT = "access-log"


class AccessFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *AccessEvent.Kind.choices]
    )
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    address = forms.GenericIPAddressField(label=_("Address"), required=False)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=60)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _usernames(typed: str) -> list[str]:
    """The username as typed and the account's own spelling of it: an exact match on
    the indexed ``username`` column, yet case does not matter for an account."""
    names = {typed, *User.objects.filter(username__iexact=typed).values_list("username", flat=True)}
    return sorted(names)


def access_events(params: QueryDict) -> tuple[AccessFilterForm, QuerySet[AccessEvent]]:
    """The filter form and the log it selects, newest first. Invalid filters are
    shown on the form and left out (the log is never narrowed by a guess)."""
    form = AccessFilterForm(params or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = AccessEvent.objects.select_related("subject_user")
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    if data.get("username"):
        events = events.filter(username__in=_usernames(data["username"].strip()))
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    if data.get("address"):
        events = events.filter(address=data["address"])
    if data.get("reference"):
        events = events.filter(reference=data["reference"].strip())
    return form, events.order_by("-at", "-id")


@login_required
@permission_required(VIEW_HISTORY, raise_exception=True)
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    form, events = access_events(request.GET)
    page = keyset_page(request, events, PAGE)
    return render(
        request,
        "tcp/access_log.html",
        {"filter_form": form, "page": page, "export_links": exports.links(request, EXPORT)},
    )


# --- the export ---


def _subject(event: AccessEvent, context: dict) -> str:
    return event.subject_user.get_username() if event.subject_user else ""


def _columns(user: Any) -> list[C]:
    return [
        C(_("When"), lambda e, c: e.at, 18),
        C(_("Event"), lambda e, c: e.get_kind_display(), 16),
        C(_("User"), lambda e, c: e.username, 20),
        C(_("Whose scope or role"), _subject, 20),
        C(_("What"), lambda e, c: e.what, 60),
        C(_("Reference"), lambda e, c: e.reference, 20),
        C(_("Address"), lambda e, c: e.address, 18),
    ]


def register_export() -> None:
    exports.register(
        exports.ListExport(
            code=EXPORT,
            title=_("Access log"),
            allowed=lambda user: user.has_perm(VIEW_HISTORY),
            rows=lambda user, params: access_events(params)[1],
            columns=_columns,
            list_url_name="access_log",
        )
    )

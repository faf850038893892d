"""The programme stage's reminders (registered with ``tcp.reminders`` when the app is ready).

* ``programme.review_waiting``: under review ``REVIEW_DAYS`` days while a named
  reviewer has not reviewed it in this round; to those reviewers.
* ``programme.approval_waiting``: under review ``APPROVAL_DAYS`` days; to the
  approvers, to decide.
* ``programme.ending``: in implementation and ending within ``ENDING_DAYS``
  days; to the desk and field officers of its countries.
* ``grant.report_overdue``: a grant's report not received by its due date
  (from the day after), while the programme runs; to the desk and field
  officers; escalated to the approvers once long overdue. Recording the report
  (``implementation.record_grant_report``) clears it.
* ``indicator.no_value``: an indicator of a programme in implementation with no
  value recorded for ``INDICATOR_MONTHS`` months, counted from its latest
  value's date, or the programme's start when it has none; to the desk and
  field officers. A new value moves the date, so it clears the reminder.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    Component,
    Grant,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeReview,
)
from programmes.selectors import country_ids
from programmes.services import RUNNING
from requests_app.reminders import start_of, utc_day
from tcp import reminders
from tcp.models import StatusChange
from tcp.reminders import Reminder
from tcp.roles import Role
from tcp.scoping import people_working_on

S = Programme.Status
_Reviewers = Programme.reviewers.through


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (may be negative), clamped to the end of
    a shorter month (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_start_due_by(today: datetime.date, months: int) -> datetime.date:
    """The latest ``since`` with ``add_months(since, months) <= today``.

    Clamping makes ``add_months`` many-to-one at month ends, so this is not
    simply ``add_months(today, -months)``: on 28 February every day from 28 to
    30 November is three months old (30 November + 3 months = 28 February).
    """
    back = add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def _staff(programme: Programme) -> QuerySet:
    """The desk and field officers of the programme's countries: one query."""
    roles = [Role.DESK_OFFICER.value, Role.FIELD_OFFICER.value]
    return people_working_on(country_ids(programme)).filter(groups__name__in=roles).order_by("pk")


# --- under review ---


def _under_review() -> QuerySet[Programme]:
    """Programmes under review, with when they last went under review."""
    since = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=OuterRef("pk"),
        to_status=S.UNDER_REVIEW,
    ).order_by("-at", "-id")
    return Programme.objects.filter(status=S.UNDER_REVIEW).annotate(
        under_review_since=Subquery(since.values("at")[:1])
    )


def _waiting_since(setting: str, today: datetime.date) -> QuerySet[Programme]:
    days = datetime.timedelta(days=reminders.threshold(setting))
    cutoff = start_of(today - days + datetime.timedelta(days=1))
    return _under_review().filter(under_review_since__lt=cutoff)


def _reviewed_this_round() -> Exists:
    """Inside a reviewer row: its reviewer reviewed since the programme went under review."""
    return Exists(
        ProgrammeReview.objects.filter(
            programme=OuterRef("programme"),
            reviewer=OuterRef("user"),
            created_at__gte=OuterRef(OuterRef("under_review_since")),
        )
    )


def review_waiting(today: datetime.date) -> QuerySet[Programme]:
    waiting = _Reviewers.objects.filter(programme=OuterRef("pk")).exclude(_reviewed_this_round())
    return _waiting_since("REVIEW_DAYS", today).filter(Exists(waiting)).order_by("pk")


def review_due_on(programme: Any) -> datetime.date:
    return utc_day(programme.under_review_since) + datetime.timedelta(
        days=reminders.threshold("REVIEW_DAYS")
    )


def reviewers_waiting(programme: Any) -> QuerySet:
    """The named reviewers who have not reviewed in this round (one query)."""
    reviewed = ProgrammeReview.objects.filter(
        programme=programme, created_at__gte=programme.under_review_since
    ).values("reviewer")
    return programme.reviewers.filter(is_active=True).exclude(pk__in=reviewed).order_by("pk")


def approval_waiting(today: datetime.date) -> QuerySet[Programme]:
    return _waiting_since("APPROVAL_DAYS", today).order_by("pk")


def approval_due_on(programme: Any) -> datetime.date:
    return utc_day(programme.under_review_since) + datetime.timedelta(
        days=reminders.threshold("APPROVAL_DAYS")
    )


def approvers(programme: Programme) -> QuerySet:
    return reminders.supervisors()


# --- ending ---


def ending(today: datetime.date) -> QuerySet[Programme]:
    soon = today + datetime.timedelta(days=reminders.threshold("ENDING_DAYS"))
    return Programme.objects.filter(
        status=S.IN_IMPLEMENTATION, end_date__gte=today, end_date__lte=soon
    ).order_by("pk")


# --- grant reports ---


def grant_report_overdue(today: datetime.date) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(
            report_received_on__isnull=True,
            report_due__lt=today,
            programme__status__in=RUNNING,
        )
        .select_related("programme")
        .order_by("pk")
    )


def grant_staff(grant: Grant) -> QuerySet:
    return _staff(grant.programme)


# --- indicators ---


def indicator_no_value(today: datetime.date) -> QuerySet[Indicator]:
    months = reminders.threshold("INDICATOR_MONTHS")
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-id")
    return (
        Indicator.objects.filter(component__programme__status=S.IN_IMPLEMENTATION)
        .exclude(component__status=Component.Status.CANCELLED)
        .annotate(
            since=Coalesce(
                Subquery(latest.values("date")[:1]),
                F("component__programme__start_date"),
                output_field=DateField(),
            )
        )
        .filter(Q(since__lte=latest_start_due_by(today, months)))
        .select_related("component__programme")
        .order_by("pk")
    )


def indicator_due_on(indicator: Any) -> datetime.date:
    return add_months(indicator.since, reminders.threshold("INDICATOR_MONTHS"))


def indicator_staff(indicator: Indicator) -> QuerySet:
    return _staff(indicator.component.programme)


STAFF = frozenset({Role.DESK_OFFICER, Role.FIELD_OFFICER})

REVIEW_WAITING = Reminder(
    code="programme.review_waiting",
    label=_("A programme is waiting for your review"),
    pending=review_waiting,
    due_on=review_due_on,
    recipients=reviewers_waiting,
    # Reviewers are named among OHCHR staff of any role.
    roles=frozenset({Role.DESK_OFFICER, Role.FIELD_OFFICER, Role.PROGRAMME_APPROVER}),
)
APPROVAL_WAITING = Reminder(
    code="programme.approval_waiting",
    label=_("A programme under review is waiting for a decision"),
    pending=approval_waiting,
    due_on=approval_due_on,
    recipients=approvers,
    roles=frozenset({Role.PROGRAMME_APPROVER}),
)
ENDING = Reminder(
    code="programme.ending",
    label=_("Programme ending soon"),
    pending=ending,
    due_on=lambda programme: programme.end_date,
    recipients=_staff,
    roles=STAFF,
)
GRANT_REPORT_OVERDUE = Reminder(
    code="grant.report_overdue",
    label=_("Grant report overdue"),
    pending=grant_report_overdue,
    due_on=lambda grant: grant.report_due,
    recipients=grant_staff,
    roles=STAFF,
    escalates=True,
    # A grant has no page of its own: its row on the programme page.
    reference=lambda grant: grant.programme.reference,
    url=lambda grant: f"{grant.programme.get_absolute_url()}#grant-{grant.pk}",
)
INDICATOR_NO_VALUE = Reminder(
    code="indicator.no_value",
    label=_("No value recorded for an indicator"),
    pending=indicator_no_value,
    due_on=indicator_due_on,
    recipients=indicator_staff,
    roles=STAFF,
    reference=lambda indicator: indicator.component.programme.reference,
    url=lambda indicator: reverse("programmes:indicator", args=[indicator.pk]),
)

KINDS = (REVIEW_WAITING, APPROVAL_WAITING, ENDING, GRANT_REPORT_OVERDUE, INDICATOR_NO_VALUE)


def register() -> None:
    for kind in KINDS:
        reminders.register(kind)

"""The requests stage's reminders (registered with ``tcp.reminders`` when the app is ready).

* ``request.not_acknowledged``: submitted (or resubmitted) and not acknowledged
  ``ACKNOWLEDGE_DAYS`` days later; to the desk officers of its country.
* ``request.information_unanswered``: OHCHR asked for information and the
  government has not answered ``ANSWER_DAYS`` days later; to the State's focal
  points (a focal point sees all of its State's requests).
* ``request.information_unanswered_staff``: still unanswered ``ANSWER_STAFF_DAYS``
  days later; to the desk officers, who may chase it another way.

Each is due on the day the wait ran out; a resubmission or a new question is a
new date, so a new reminder.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from requests_app.models import AssistanceRequest
from tcp import reminders
from tcp.models import StatusChange
from tcp.reminders import Reminder
from tcp.roles import Role
from tcp.scoping import people_working_on

S = AssistanceRequest.Status


def utc_day(moment: datetime.datetime) -> datetime.date:
    """The date of ``moment`` in UTC (due-date logic counts UTC days)."""
    return moment.astimezone(datetime.UTC).date()


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight UTC at the start of ``day``: ``at < start_of(d)`` is "on a day before d",
    a range on the column rather than a function of it."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _people(req: AssistanceRequest, role: Role) -> QuerySet:
    # One query for everyone: the scope tables and the role group joined.
    return people_working_on([req.country_id]).filter(groups__name=role.value).order_by("pk")


def desk_officers(req: AssistanceRequest) -> QuerySet:
    return _people(req, Role.DESK_OFFICER)


def focal_points(req: AssistanceRequest) -> QuerySet:
    return _people(req, Role.FOCAL_POINT)


# --- submitted, not acknowledged ---


def _acknowledge_days() -> datetime.timedelta:
    return datetime.timedelta(days=reminders.threshold("ACKNOWLEDGE_DAYS"))


def not_acknowledged(today: datetime.date) -> QuerySet[AssistanceRequest]:
    """Submitted (or resubmitted) on or before ``today`` less the threshold, and still
    submitted. A resubmission is acknowledged again: its wait starts when it came in,
    not at the first submission, whose days were the government's."""
    cutoff = start_of(today - _acknowledge_days() + datetime.timedelta(days=1))
    return (
        AssistanceRequest.objects.filter(status=S.SUBMITTED)
        .annotate(received_at=Coalesce("resubmitted_at", "submitted_at"))
        .filter(received_at__lt=cutoff)
        .order_by("pk")
    )


def acknowledge_due_on(req: AssistanceRequest) -> datetime.date:
    return utc_day(req.last_submitted_at) + _acknowledge_days()


# --- information requested, not answered ---


def _asked_at() -> Subquery:
    """When the request last went into information_requested (its latest question)."""
    asked = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(AssistanceRequest),
        object_id=OuterRef("pk"),
        to_status=S.INFORMATION_REQUESTED,
    ).order_by("-at", "-id")
    return Subquery(asked.values("at")[:1], output_field=DateTimeField())


def _unanswered(days_setting: str):
    def pending(today: datetime.date) -> QuerySet[AssistanceRequest]:
        days = datetime.timedelta(days=reminders.threshold(days_setting))
        cutoff = start_of(today - days + datetime.timedelta(days=1))
        # The status index narrows to the open questions; the subquery reads the
        # status-change index (content type, object, at) once for each of them.
        return (
            AssistanceRequest.objects.filter(status=S.INFORMATION_REQUESTED)
            .annotate(asked_at=_asked_at())
            .filter(asked_at__lt=cutoff)
            .order_by("pk")
        )

    def due_on(req: Any) -> datetime.date:
        days = datetime.timedelta(days=reminders.threshold(days_setting))
        return utc_day(req.asked_at) + days

    return pending, due_on


_answer_pending, _answer_due_on = _unanswered("ANSWER_DAYS")
_staff_pending, _staff_due_on = _unanswered("ANSWER_STAFF_DAYS")

NOT_ACKNOWLEDGED = Reminder(
    code="request.not_acknowledged",
    label=_("Request submitted and not acknowledged"),
    pending=not_acknowledged,
    due_on=acknowledge_due_on,
    recipients=desk_officers,
    roles=frozenset({Role.DESK_OFFICER}),
)
INFORMATION_UNANSWERED = Reminder(
    code="request.information_unanswered",
    label=_("OHCHR is waiting for the information it asked for"),
    pending=_answer_pending,
    due_on=_answer_due_on,
    recipients=focal_points,
    roles=frozenset({Role.FOCAL_POINT}),
)
INFORMATION_UNANSWERED_STAFF = Reminder(
    code="request.information_unanswered_staff",
    label=_("The government has not answered the question on its request"),
    pending=_staff_pending,
    due_on=_staff_due_on,
    recipients=desk_officers,
    roles=frozenset({Role.DESK_OFFICER}),
)

KINDS = (NOT_ACKNOWLEDGED, INFORMATION_UNANSWERED, INFORMATION_UNANSWERED_STAFF)


def register() -> None:
    for kind in KINDS:
        reminders.register(kind)

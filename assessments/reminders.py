"""The assessment stage's reminders (registered with ``tcp.reminders`` when the app is ready).

* ``assessment.findings_due_soon``: findings due within ``FINDINGS_SOON_DAYS``
  days and not submitted yet (planned or in progress);
* ``assessment.findings_overdue``: from the day after the due date; escalated to
  the approvers once long overdue.

Both go to the field presence officers covering the country and to its desk
officers; a new due date is a new reminder.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedsAssessment
from tcp import reminders
from tcp.reminders import Reminder
from tcp.roles import Role
from tcp.scoping import people_working_on

S = NeedsAssessment.Status
# Findings still to come.
OPEN = (S.PLANNED, S.IN_PROGRESS)


def findings_due_soon(today: datetime.date) -> QuerySet[NeedsAssessment]:
    soon = today + datetime.timedelta(days=reminders.threshold("FINDINGS_SOON_DAYS"))
    return NeedsAssessment.objects.filter(
        status__in=OPEN, due_date__gte=today, due_date__lte=soon
    ).order_by("pk")


def findings_overdue(today: datetime.date) -> QuerySet[NeedsAssessment]:
    return NeedsAssessment.objects.filter(status__in=OPEN, due_date__lt=today).order_by("pk")


def due_on(assessment: NeedsAssessment) -> datetime.date:
    return assessment.due_date


def field_and_desk(assessment: NeedsAssessment) -> QuerySet:
    """The officers of the presences covering the country and its desk officers: one query."""
    roles = [Role.FIELD_OFFICER.value, Role.DESK_OFFICER.value]
    return people_working_on([assessment.country_id]).filter(groups__name__in=roles).order_by("pk")


STAFF = frozenset({Role.DESK_OFFICER, Role.FIELD_OFFICER})

FINDINGS_DUE_SOON = Reminder(
    code="assessment.findings_due_soon",
    label=_("Assessment findings due soon"),
    pending=findings_due_soon,
    due_on=due_on,
    recipients=field_and_desk,
    roles=STAFF,
)
FINDINGS_OVERDUE = Reminder(
    code="assessment.findings_overdue",
    label=_("Assessment findings overdue"),
    pending=findings_overdue,
    due_on=due_on,
    recipients=field_and_desk,
    roles=STAFF,
    escalates=True,
)

KINDS = (FINDINGS_DUE_SOON, FINDINGS_OVERDUE)


def register() -> None:
    for kind in KINDS:
        reminders.register(kind)

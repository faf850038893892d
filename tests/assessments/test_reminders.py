"""The assessment stage's reminders: findings due soon and overdue, to the field
presence and the desk officer; escalated once to the approvers when long overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from assessments.models import NeedsAssessment
from tcp import reminders
from tests.factories import NeedsAssessmentFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
S = NeedsAssessment.Status


def days(setting: str) -> datetime.timedelta:
    return datetime.timedelta(days=reminders.threshold(setting))


def recipients() -> set[str]:
    return {address for m in mail.outbox for address in m.to}


@pytest.fixture
def staff(cast):
    """The field officer covering Kenya and Kenya's desk officer (the whole cast exists)."""
    return {cast["field_officer_east_africa"].email, cast["desk_officer"].email}


def _assessment(due: datetime.date, status: str = S.IN_PROGRESS) -> NeedsAssessment:
    return NeedsAssessmentFactory(due_date=due, status=status)


@pytest.mark.parametrize("status", [S.PLANNED, S.IN_PROGRESS])
def test_findings_due_soon_remind_the_field_presence_and_desk_officer(staff, status):
    assessment = _assessment(TODAY + days("FINDINGS_SOON_DAYS"), status)

    result = reminders.sweep(NOW)

    assert result.delivered == {("assessment.findings_due_soon", "sent"): 2}
    assert recipients() == staff
    assert all(assessment.reference in m.subject for m in mail.outbox)


def test_findings_due_the_day_after_the_threshold_remind_nobody(staff):
    _assessment(TODAY + days("FINDINGS_SOON_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {}
    assert mail.outbox == []


def test_findings_submitted_are_never_due(staff):
    _assessment(TODAY + DAY, S.FINDINGS_SUBMITTED)
    _assessment(TODAY - DAY, S.VALIDATED)

    assert reminders.sweep(NOW).delivered == {}


def test_findings_overdue_from_the_day_after_the_due_date(staff):
    assessment = _assessment(TODAY - DAY)

    result = reminders.sweep(NOW)

    assert result.delivered == {("assessment.findings_overdue", "sent"): 2}
    assert recipients() == staff
    assert all(assessment.reference in m.subject for m in mail.outbox)


def test_findings_due_today_are_due_soon_not_overdue(staff):
    _assessment(TODAY)

    assert reminders.sweep(NOW).delivered == {("assessment.findings_due_soon", "sent"): 2}


def test_findings_submitted_after_the_reminder_was_written_are_not_reminded(staff):
    assessment = _assessment(TODAY - DAY)
    reminders.write(reminders.due_today(TODAY))
    token, claimed = reminders.claim(NOW)
    assert len(claimed) == 2

    NeedsAssessment.objects.filter(pk=assessment.pk).update(status=S.FINDINGS_SUBMITTED)

    assert [reminders.deliver(pk, token, NOW) for pk in claimed] == ["cleared", "cleared"]
    assert mail.outbox == []


def test_a_new_due_date_clears_the_old_reminder(staff):
    assessment = _assessment(TODAY + DAY)
    reminders.write(reminders.due_today(TODAY))
    token, claimed = reminders.claim(NOW)

    NeedsAssessment.objects.filter(pk=assessment.pk).update(due_date=TODAY + 3 * DAY)

    assert {reminders.deliver(pk, token, NOW) for pk in claimed} == {"cleared"}
    assert mail.outbox == []


def test_long_overdue_findings_are_escalated_to_the_approver_once(cast, staff):
    assessment = _assessment(TODAY - days("ESCALATE_AFTER_DAYS"))

    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW + DAY)

    assert first.delivered == {("assessment.findings_overdue", "sent"): 3}
    assert second.delivered == {}
    assert recipients() == staff | {cast["approver"].email}
    [escalation] = [m for m in mail.outbox if m.to == [cast["approver"].email]]
    assert assessment.reference in escalation.subject
    assert "Long overdue" in escalation.subject


def test_overdue_findings_the_day_before_the_escalation_are_not_escalated(cast, staff):
    _assessment(TODAY - days("ESCALATE_AFTER_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {("assessment.findings_overdue", "sent"): 2}
    assert cast["approver"].email not in recipients()

"""The programme stage's reminders (review, approval, ending, grant reports,
indicators without values) and the service that records a grant's report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import implementation, services
from programmes.models import Grant, IndicatorValue, Programme, ProgrammeReview
from programmes.reminders import add_months, latest_start_due_by
from tcp import reminders
from tcp.lifecycle import TransitionRefused
from tcp.models import StatusChange
from tests.factories import ComponentFactory, IndicatorFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
S = Programme.Status
RUNNING = S.IN_IMPLEMENTATION


def days(setting: str) -> datetime.timedelta:
    return datetime.timedelta(days=reminders.threshold(setting))


def recipients() -> set[str]:
    return {address for m in mail.outbox for address in m.to}


def late_on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=datetime.UTC)


@pytest.fixture
def staff(cast):
    """Kenya's desk officer and the field officer covering it (the whole cast exists)."""
    return {cast["desk_officer"].email, cast["field_officer_east_africa"].email}


def _running(kenya, **fields) -> Programme:
    # Ends far from the fixed day, so that only the kind under test is due.
    values = {
        "status": RUNNING,
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2028, 12, 31),
    }
    return ProgrammeFactory(countries=[kenya], **(values | fields))


# --- programme.review_waiting and programme.approval_waiting ---


def _under_review(kenya, since: datetime.date, reviewers=()) -> Programme:
    programme = ProgrammeFactory(countries=[kenya], status=S.UNDER_REVIEW)
    programme.reviewers.set(reviewers)
    change = StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=programme.pk,
        action="submit_for_review",
        from_status=S.DRAFTING,
        to_status=S.UNDER_REVIEW,
    )
    StatusChange.objects.filter(pk=change.pk).update(at=late_on(since))
    return programme


def _review(programme, reviewer, at: datetime.datetime | None = None) -> None:
    review = ProgrammeReview.objects.create(
        programme=programme, reviewer=reviewer, verdict="recommend", comment="Sound."
    )
    if at is not None:
        ProgrammeReview.objects.filter(pk=review.pk).update(created_at=at)


def test_a_programme_under_review_reminds_the_reviewers_who_have_not_reviewed(cast, kenya):
    field, peru_desk, desk = (
        cast["field_officer_east_africa"],
        cast["desk_officer_peru"],
        cast["desk_officer"],
    )
    programme = _under_review(kenya, TODAY - days("REVIEW_DAYS"), [field, peru_desk, desk])
    _review(programme, desk)  # reviewed in this round
    # Reviewed in an earlier round, before the programme went back under review.
    _review(programme, field, at=late_on(TODAY - 100 * DAY))

    result = reminders.sweep(NOW)

    assert result.delivered == {("programme.review_waiting", "sent"): 2}
    assert recipients() == {field.email, peru_desk.email}
    assert all(programme.reference in m.subject for m in mail.outbox)


def test_a_programme_under_review_the_day_before_reminds_nobody(cast, kenya):
    _under_review(kenya, TODAY - days("REVIEW_DAYS") + DAY, [cast["field_officer_east_africa"]])

    assert reminders.sweep(NOW).delivered == {}


def test_a_programme_every_reviewer_reviewed_is_not_reminded(cast, kenya):
    field = cast["field_officer_east_africa"]
    programme = _under_review(kenya, TODAY - days("REVIEW_DAYS"), [field])
    _review(programme, field)

    assert reminders.sweep(NOW).delivered == {}


def test_a_programme_approved_after_the_reminder_was_written_is_not_reminded(cast, kenya):
    programme = _under_review(
        kenya, TODAY - days("REVIEW_DAYS"), [cast["field_officer_east_africa"]]
    )
    reminders.write(reminders.due_today(TODAY))
    token, [pk] = reminders.claim(NOW)

    Programme.objects.filter(pk=programme.pk).update(status=S.APPROVED)

    assert reminders.deliver(pk, token, NOW) == "cleared"
    assert mail.outbox == []


def test_a_programme_under_review_long_enough_reminds_the_approver(cast, kenya):
    programme = _under_review(kenya, TODAY - days("APPROVAL_DAYS"))

    result = reminders.sweep(NOW)

    assert result.delivered == {("programme.approval_waiting", "sent"): 1}
    [message] = mail.outbox
    assert message.to == [cast["approver"].email]
    assert programme.reference in message.subject


def test_a_programme_under_review_the_day_before_the_approval_threshold_reminds_nobody(cast, kenya):
    _under_review(kenya, TODAY - days("APPROVAL_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {}


# --- programme.ending ---


def test_a_programme_ending_reminds_the_desk_and_field_officers(staff, kenya):
    programme = _running(kenya, end_date=TODAY + days("ENDING_DAYS"))

    result = reminders.sweep(NOW)

    assert result.delivered == {("programme.ending", "sent"): 2}
    assert recipients() == staff
    assert all(programme.reference in m.subject for m in mail.outbox)


def test_a_programme_ending_the_day_after_the_threshold_reminds_nobody(staff, kenya):
    _running(kenya, end_date=TODAY + days("ENDING_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {}


def test_a_programme_not_running_is_not_reminded_of_its_end(staff, kenya):
    _running(kenya, end_date=TODAY + DAY, status=S.SUSPENDED)

    assert reminders.sweep(NOW).delivered == {}


def test_an_extended_programme_is_not_reminded_of_its_old_end(staff, kenya):
    programme = _running(kenya, end_date=TODAY + DAY)
    reminders.write(reminders.due_today(TODAY))
    token, claimed = reminders.claim(NOW)

    Programme.objects.filter(pk=programme.pk).update(end_date=TODAY + 400 * DAY)

    assert {reminders.deliver(pk, token, NOW) for pk in claimed} == {"cleared"}
    assert mail.outbox == []


# --- grant.report_overdue ---


def _grant(programme: Programme, due: datetime.date, by) -> Grant:
    return Grant.objects.create(
        programme=programme,
        recipient="Mombasa human rights defenders network",
        recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
        amount=Decimal("4800.00"),
        purpose="Paralegals.",
        report_due=due,
        awarded_by=by,
    )


def test_an_overdue_grant_report_reminds_the_desk_and_field_officers(cast, staff, kenya):
    grant = _grant(_running(kenya), TODAY - DAY, cast["desk_officer"])

    result = reminders.sweep(NOW)

    assert result.delivered == {("grant.report_overdue", "sent"): 2}
    assert recipients() == staff
    # Named by its programme, linked to its row on the programme page.
    assert all(grant.programme.reference in m.subject for m in mail.outbox)
    assert all(f"#grant-{grant.pk}" in m.body for m in mail.outbox)


def test_a_grant_report_due_today_is_not_overdue(cast, staff, kenya):
    _grant(_running(kenya), TODAY, cast["desk_officer"])

    assert reminders.sweep(NOW).delivered == {}


def test_a_grant_report_received_after_the_reminder_was_written_is_not_reminded(cast, staff, kenya):
    grant = _grant(_running(kenya), TODAY - DAY, cast["desk_officer"])
    reminders.write(reminders.due_today(TODAY))
    token, claimed = reminders.claim(NOW)

    implementation.record_grant_report(grant=grant, by=cast["desk_officer"], received_on=TODAY)

    assert {reminders.deliver(pk, token, NOW) for pk in claimed} == {"cleared"}
    assert mail.outbox == []
    assert reminders.sweep(NOW + DAY).delivered == {}


def test_a_long_overdue_grant_report_is_escalated_to_the_approver_once(cast, staff, kenya):
    _grant(_running(kenya), TODAY - days("ESCALATE_AFTER_DAYS"), cast["desk_officer"])

    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW + 2 * DAY)

    assert first.delivered == {("grant.report_overdue", "sent"): 3}
    assert second.delivered == {}
    assert recipients() == staff | {cast["approver"].email}


# --- indicator.no_value ---


def _indicator(kenya, start: datetime.date, last_value: datetime.date | None = None, by=None):
    component = ComponentFactory(programme=_running(kenya, start_date=start))
    indicator = IndicatorFactory(component=component)
    if last_value is not None:
        IndicatorValue.objects.create(
            indicator=indicator,
            date=last_value,
            value=Decimal("12"),
            source="Records",
            recorded_by=by,
        )
    return indicator


def months() -> int:
    return reminders.threshold("INDICATOR_MONTHS")


def test_an_indicator_without_values_is_due_months_after_the_programme_start(staff, kenya):
    indicator = _indicator(kenya, add_months(TODAY, -months()))

    result = reminders.sweep(NOW)

    assert result.delivered == {("indicator.no_value", "sent"): 2}
    assert recipients() == staff
    assert all(indicator.component.programme.reference in m.subject for m in mail.outbox)
    assert all(f"/programmes/indicators/{indicator.pk}/" in m.body for m in mail.outbox)


def test_an_indicator_without_values_the_day_before_is_not_due(staff, kenya):
    _indicator(kenya, add_months(TODAY, -months()) + DAY)

    assert reminders.sweep(NOW).delivered == {}


def test_an_indicator_is_due_months_after_its_latest_value(cast, staff, kenya):
    last = add_months(TODAY, -months())
    _indicator(kenya, datetime.date(2025, 1, 1), last, by=cast["desk_officer"])
    assert reminders.sweep(NOW - DAY).delivered == {}
    assert reminders.sweep(NOW).delivered == {("indicator.no_value", "sent"): 2}


def test_a_value_recorded_after_the_reminder_was_written_clears_it(cast, staff, kenya):
    indicator = _indicator(kenya, add_months(TODAY, -months()))
    reminders.write(reminders.due_today(TODAY))
    token, claimed = reminders.claim(NOW)

    services.record_indicator_value(
        indicator=indicator, by=cast["desk_officer"], date=TODAY, value=Decimal("20"), source="X"
    )

    assert {reminders.deliver(pk, token, NOW) for pk in claimed} == {"cleared"}
    assert mail.outbox == []


def test_months_are_counted_with_month_ends_clamped():
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 1, 31), -2) == datetime.date(2026, 11, 30)
    # On 28 February every day from 28 to 30 November is three months old.
    assert latest_start_due_by(datetime.date(2027, 2, 28), 3) == datetime.date(2026, 11, 30)
    assert latest_start_due_by(datetime.date(2027, 2, 27), 3) == datetime.date(2026, 11, 27)
    for offset in range(0, 400):
        today = datetime.date(2026, 1, 1) + datetime.timedelta(days=offset)
        limit = latest_start_due_by(today, 3)
        assert add_months(limit, 3) <= today < add_months(limit + DAY, 3)


# --- recording a grant's report ---


@pytest.fixture
def grant(cast, kenya) -> Grant:
    return _grant(_running(kenya), TODAY - DAY, cast["desk_officer"])


@pytest.mark.parametrize("role", ["desk_officer", "field_officer_east_africa"])
def test_the_desk_or_field_officer_records_the_report(cast, grant, role):
    implementation.record_grant_report(grant=grant, by=cast[role], received_on=TODAY - DAY)

    grant.refresh_from_db()
    assert grant.report_received_on == TODAY - DAY
    assert grant.history.latest().history_user == cast[role]


@pytest.mark.parametrize(
    "role", ["approver", "auditor", "focal_point_kenya", "desk_officer_peru", "outsider"]
)
def test_no_one_else_records_the_report(cast, grant, role):
    with pytest.raises(TransitionRefused):
        implementation.record_grant_report(grant=grant, by=cast[role], received_on=TODAY)
    grant.refresh_from_db()
    assert grant.report_received_on is None


def test_a_report_is_recorded_once(cast, grant):
    implementation.record_grant_report(grant=grant, by=cast["desk_officer"], received_on=TODAY)
    with pytest.raises(TransitionRefused, match="received on"):
        implementation.record_grant_report(
            grant=grant, by=cast["field_officer_east_africa"], received_on=TODAY - DAY
        )


def test_a_report_cannot_arrive_in_the_future(cast, grant):
    tomorrow = datetime.date.today() + DAY
    with pytest.raises(ValidationError):
        implementation.record_grant_report(
            grant=grant, by=cast["desk_officer"], received_on=tomorrow
        )


def test_a_report_is_not_recorded_on_a_programme_no_longer_running(cast, grant):
    Programme.objects.filter(pk=grant.programme_id).update(status=S.CLOSED)
    grant.programme.refresh_from_db()
    with pytest.raises(TransitionRefused):
        implementation.record_grant_report(grant=grant, by=cast["desk_officer"], received_on=TODAY)


def test_the_programme_page_offers_the_report_and_records_it(client, cast, grant):
    client.force_login(cast["desk_officer"])
    page = client.get(reverse("programmes:detail", args=[grant.programme_id])).content.decode()
    url = reverse("programmes:grant_report", args=[grant.pk])
    assert url in page

    response = client.post(url, {"received_on": (TODAY - DAY).isoformat()})

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.report_received_on == TODAY - DAY
    page = client.get(reverse("programmes:detail", args=[grant.programme_id])).content.decode()
    assert url not in page


def test_the_programme_page_offers_no_report_form_to_the_approver(client, cast, grant):
    client.force_login(cast["approver"])
    page = client.get(reverse("programmes:detail", args=[grant.programme_id])).content.decode()
    assert reverse("programmes:grant_report", args=[grant.pk]) not in page

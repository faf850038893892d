"""The requests stage's reminders: each kind at its threshold and the day before,
to exactly the people it concerns, and not sent once its condition has cleared."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from requests_app import services
from requests_app.models import AssistanceRequest
from tcp import reminders
from tcp.lifecycle import status_changes
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
S = AssistanceRequest.Status


def days(setting: str) -> datetime.timedelta:
    return datetime.timedelta(days=reminders.threshold(setting))


def late_on(day: datetime.date) -> datetime.datetime:
    """Late in the (UTC) day: the day counts, not the hour."""
    return datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=datetime.UTC)


def sent() -> list[tuple[str, list[str]]]:
    return [(m.subject, m.to) for m in mail.outbox]


@pytest.fixture
def people(cast):
    """Everyone of the cast exists, so that a wrong recipient would show."""
    return cast


def _submitted(on: datetime.date) -> AssistanceRequest:
    return AssistanceRequestFactory(status=S.SUBMITTED, submitted_at=late_on(on))


def _asked(on: datetime.date, people) -> AssistanceRequest:
    """A request OHCHR asked a question on, on ``on``, through the services."""
    req = _submitted(on)
    services.acknowledge_request(req=req, by=people["desk_officer"])
    services.request_information(req=req, by=people["desk_officer"], question="Which ministry?")
    status_changes(req).update(at=late_on(on))
    mail.outbox.clear()
    return req


# --- request.not_acknowledged ---


def test_a_request_not_acknowledged_reminds_the_desk_officer_at_the_threshold(people):
    req = _submitted(TODAY - days("ACKNOWLEDGE_DAYS"))

    result = reminders.sweep(NOW)

    assert result.delivered == {("request.not_acknowledged", "sent"): 1}
    [(subject, to)] = sent()
    assert to == [people["desk_officer"].email]
    assert req.reference in subject


def test_a_request_not_acknowledged_the_day_before_the_threshold_reminds_nobody(people):
    _submitted(TODAY - days("ACKNOWLEDGE_DAYS") + DAY)

    assert reminders.sweep(NOW).delivered == {}
    assert mail.outbox == []


def test_a_resubmitted_request_waits_again_from_its_resubmission(people):
    """The wait counts from the latest submission: a resubmission is a new date."""
    req = _submitted(TODAY - 30 * DAY)
    AssistanceRequest.objects.filter(pk=req.pk).update(
        submitted_at=late_on(TODAY - days("ACKNOWLEDGE_DAYS") + DAY)
    )
    assert reminders.sweep(NOW).delivered == {}


def test_a_request_acknowledged_after_the_reminder_was_written_is_not_reminded(people):
    req = _submitted(TODAY - days("ACKNOWLEDGE_DAYS"))
    reminders.write(reminders.due_today(TODAY))
    token, [pk] = reminders.claim(NOW)

    services.acknowledge_request(req=req, by=people["desk_officer"])
    mail.outbox.clear()

    assert reminders.deliver(pk, token, NOW) == "cleared"
    assert mail.outbox == []


def test_a_second_sweep_sends_nothing_more(people):
    _submitted(TODAY - days("ACKNOWLEDGE_DAYS") - 3 * DAY)
    reminders.sweep(NOW)
    assert reminders.sweep(NOW + DAY).delivered == {}
    assert len(mail.outbox) == 1


# --- request.information_unanswered (the focal point) ---


def test_an_unanswered_question_reminds_the_states_focal_point_at_the_threshold(people):
    req = _asked(TODAY - days("ANSWER_DAYS"), people)

    result = reminders.sweep(NOW)

    assert result.delivered == {("request.information_unanswered", "sent"): 1}
    [(subject, to)] = sent()
    assert to == [people["focal_point_kenya"].email]
    assert req.reference in subject


def test_an_unanswered_question_the_day_before_reminds_nobody(people):
    _asked(TODAY - days("ANSWER_DAYS") + DAY, people)

    assert reminders.sweep(NOW).delivered == {}


def test_the_wait_counts_from_the_latest_question(people):
    """Asked long ago, answered, asked again yesterday: not due yet."""
    req = _asked(TODAY - 60 * DAY, people)
    services.resubmit_request(req=req, by=people["focal_point_kenya"], answer="The Ministry.")
    services.acknowledge_request(req=req, by=people["desk_officer"])
    services.request_information(req=req, by=people["desk_officer"], question="And the budget?")
    status_changes(req).filter(at__gt=late_on(TODAY - 60 * DAY)).update(at=late_on(TODAY - DAY))
    mail.outbox.clear()

    assert reminders.sweep(NOW).delivered == {}


def test_a_question_answered_after_the_reminder_was_written_is_not_reminded(people):
    req = _asked(TODAY - days("ANSWER_DAYS"), people)
    reminders.write(reminders.due_today(TODAY))
    token, [pk] = reminders.claim(NOW)

    services.resubmit_request(req=req, by=people["focal_point_kenya"], answer="The Ministry.")
    mail.outbox.clear()

    assert reminders.deliver(pk, token, NOW) == "cleared"
    assert mail.outbox == []


# --- request.information_unanswered_staff (the desk officer, later) ---


def test_a_long_unanswered_question_reminds_the_desk_officer_at_the_second_threshold(people):
    req = _asked(TODAY - days("ANSWER_STAFF_DAYS"), people)

    result = reminders.sweep(NOW)

    # The focal point's reminder fell due earlier and is sent now too (never before).
    assert result.delivered == {
        ("request.information_unanswered", "sent"): 1,
        ("request.information_unanswered_staff", "sent"): 1,
    }
    staff = [(s, to) for s, to in sent() if to == [people["desk_officer"].email]]
    assert len(staff) == 1
    assert req.reference in staff[0][0]


def test_a_long_unanswered_question_the_day_before_the_second_threshold_reminds_only_the_government(
    people,
):
    _asked(TODAY - days("ANSWER_STAFF_DAYS") + DAY, people)

    result = reminders.sweep(NOW)

    assert result.delivered == {("request.information_unanswered", "sent"): 1}
    assert [to for _s, to in sent()] == [[people["focal_point_kenya"].email]]

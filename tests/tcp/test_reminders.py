"""The reminder core: each reminder written once, claimed by one sender, sent once.

A kind of the tests' own ("a submitted request waiting two days") stands for
the stages' kinds (their thresholds are tested in each app's test_reminders).
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F

from requests_app.models import AssistanceRequest
from tcp import reminders
from tcp.models import Dispatch, Email, Notification
from tcp.reminders import Reminder
from tcp.roles import Role, role_group
from tcp.scoping import people_working_on
from tests.factories import AssistanceRequestFactory

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
WAIT = datetime.timedelta(days=2)
S = AssistanceRequest.Status


def _pending(today: datetime.date):
    return AssistanceRequest.objects.filter(
        status=S.SUBMITTED, submitted_at__date__lte=today - WAIT
    ).order_by("pk")


def _desk_officers(req):
    return people_working_on([req.country_id]).filter(groups=role_group(Role.DESK_OFFICER))


def _focal_points(req):
    return people_working_on([req.country_id]).filter(groups=role_group(Role.FOCAL_POINT))


WAITING = Reminder(
    code="test.waiting",
    label="A submitted request waits",
    pending=_pending,
    due_on=lambda req: req.submitted_at.date() + WAIT,
    recipients=_desk_officers,
    escalates=True,
)
GOVERNMENT = Reminder(
    code="test.government",
    label="Your State's request waits",
    pending=_pending,
    due_on=lambda req: req.submitted_at.date() + WAIT,
    recipients=_focal_points,
    compulsory_for_government=True,
)


@pytest.fixture
def only(monkeypatch):
    """Only the given kinds are registered during the test."""

    def register(*kinds: Reminder) -> None:
        monkeypatch.setattr(reminders, "_kinds", {k.code: k for k in kinds})

    return register


@pytest.fixture
def waiting(only, desk_officer):
    only(WAITING)
    return AssistanceRequestFactory(
        status=S.SUBMITTED, submitted_at=NOW - datetime.timedelta(days=2, hours=1)
    )


def _sent_subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


def test_a_due_reminder_is_sent_once_and_a_second_sweep_sends_nothing(waiting, desk_officer):
    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW + datetime.timedelta(hours=1))

    assert first.delivered == {("test.waiting", "sent"): 1}
    assert second.delivered == {}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [desk_officer.email]
    assert waiting.reference in mail.outbox[0].subject
    row = Dispatch.objects.get()
    assert (row.status, row.recipient, row.due_on) == (Dispatch.Status.SENT, desk_officer, TODAY)


def test_the_day_before_nothing_is_due(waiting):
    assert reminders.sweep(NOW - datetime.timedelta(days=1)).delivered == {}
    assert mail.outbox == []
    assert not Dispatch.objects.exists()


def test_the_e_mail_has_text_html_and_a_link_to_the_record(waiting, settings):
    settings.TCP_SITE_URL = "https://tcp.example.org"
    reminders.sweep(NOW)

    message = mail.outbox[0]
    link = f"https://tcp.example.org{waiting.get_absolute_url()}"
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "A submitted request waits" in message.body


def test_the_e_mail_is_in_the_recipients_language(waiting, desk_officer):
    desk_officer.language = "fr"
    desk_officer.save()

    reminders.sweep(NOW)

    # The dates are written the French way (CLDR's), in the subject and the text.
    assert "27 nov. 2026" in mail.outbox[0].subject
    assert "27 nov. 2026" in mail.outbox[0].body
    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="fr"' in html


def test_a_reminder_whose_condition_cleared_before_sending_is_not_sent(waiting):
    reminders.write(reminders.due_today(TODAY))
    token, ids = reminders.claim(NOW)
    AssistanceRequest.objects.filter(pk=waiting.pk).update(status=S.ACKNOWLEDGED)

    assert [reminders.deliver(pk, token, NOW) for pk in ids] == ["cleared"]
    assert mail.outbox == []
    assert Dispatch.objects.get().status == Dispatch.Status.CLEARED


def test_a_new_due_date_is_a_new_reminder_and_the_old_one_clears(waiting):
    reminders.write(reminders.due_today(TODAY))
    token, ids = reminders.claim(NOW)
    # Submitted again later: the old reminder is for a date no longer due.
    AssistanceRequest.objects.filter(pk=waiting.pk).update(
        submitted_at=F("submitted_at") - datetime.timedelta(days=1)
    )

    assert reminders.deliver(ids[0], token, NOW) == "cleared"
    result = reminders.sweep(NOW)
    assert result.delivered == {("test.waiting", "sent"): 1}
    assert Dispatch.objects.filter(status=Dispatch.Status.SENT).get().due_on == TODAY - (
        datetime.timedelta(days=1)
    )


def test_a_claim_abandoned_by_a_killed_worker_is_sent_once_by_a_later_sweep(waiting, settings):
    settings.TCP_REMINDER_RECLAIM_MINUTES = 15
    reminders.write(reminders.due_today(TODAY))
    dead_token, ids = reminders.claim(NOW)  # the worker dies before sending

    soon = reminders.sweep(NOW + datetime.timedelta(minutes=5))
    later = reminders.sweep(NOW + datetime.timedelta(minutes=16))
    again = reminders.sweep(NOW + datetime.timedelta(minutes=40))

    assert soon.delivered == {}  # the claim is still fresh: nobody else sends it
    assert later.delivered == {("test.waiting", "sent"): 1}
    assert again.delivered == {}
    assert len(mail.outbox) == 1
    # The dead worker's task, delivered late by the broker, sends nothing.
    assert reminders.deliver(ids[0], dead_token, NOW) == "skipped"
    assert len(mail.outbox) == 1


def test_a_failed_sending_keeps_the_reminder_for_a_later_sweep(waiting, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.tcp.test_notifications.FailingBackend"}}
    failed = reminders.sweep(NOW)
    assert failed.delivered == {("test.waiting", "failed"): 1}
    assert Dispatch.objects.get().status == Dispatch.Status.PENDING

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert reminders.sweep(NOW + datetime.timedelta(minutes=1)).delivered == {}
    assert reminders.sweep(NOW + datetime.timedelta(minutes=20)).delivered == {
        ("test.waiting", "sent"): 1
    }
    assert len(mail.outbox) == 1


def test_escalation_reaches_the_approver_once_after_the_second_threshold(
    waiting, desk_officer, approver, settings
):
    settings.TCP_REMINDERS = {**settings.TCP_REMINDERS, "ESCALATE_AFTER_DAYS": 30}
    reminders.sweep(NOW)
    assert [m.to for m in mail.outbox] == [[desk_officer.email]]

    day_before = reminders.sweep(NOW + datetime.timedelta(days=29))
    at = reminders.sweep(NOW + datetime.timedelta(days=30))
    after = reminders.sweep(NOW + datetime.timedelta(days=31))

    assert day_before.delivered == {}
    assert at.delivered == {("test.waiting", "sent"): 1}
    assert after.delivered == {}
    assert mail.outbox[-1].to == [approver.email]
    assert "Long overdue" in mail.outbox[-1].subject
    assert Dispatch.objects.get(escalation=True).recipient == approver


def test_a_digest_reader_gets_one_e_mail_a_day_with_reminders_and_events(
    waiting, desk_officer, focal_point_kenya
):
    from requests_app import services

    desk_officer.delivery = desk_officer.Delivery.DIGEST
    desk_officer.save()
    other = AssistanceRequestFactory(created_by=focal_point_kenya)
    services.submit_request(req=other, by=focal_point_kenya)  # an event for the desk officer
    result = reminders.sweep(NOW)

    assert result.delivered == {("test.waiting", "digest"): 1}
    assert mail.outbox == []
    assert Notification.objects.get(recipient=desk_officer).email == Email.DIGEST

    assert reminders.send_digests(NOW) == 1
    assert reminders.send_digests(NOW) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [desk_officer.email]
    assert waiting.reference in digest.body and other.reference in digest.body
    assert Dispatch.objects.get().status == Dispatch.Status.SENT
    assert Notification.objects.get(recipient=desk_officer).sent_at is not None


def test_a_muted_kind_is_listed_but_not_e_mailed(waiting, desk_officer):
    desk_officer.muted_kinds = ["test.waiting"]
    desk_officer.save()

    assert reminders.sweep(NOW).delivered == {("test.waiting", "none"): 1}
    assert mail.outbox == []
    row = Dispatch.objects.get()
    assert (row.status, row.email) == (Dispatch.Status.SENT, Email.NONE)
    assert row.subject  # the in-app list shows it


def test_a_government_cannot_mute_a_compulsory_reminder(only, focal_point_kenya, desk_officer):
    only(GOVERNMENT)
    AssistanceRequestFactory(status=S.SUBMITTED, submitted_at=NOW - datetime.timedelta(days=3))
    focal_point_kenya.muted_kinds = ["test.government"]
    focal_point_kenya.save()

    assert reminders.sweep(NOW).delivered == {("test.government", "sent"): 1}
    assert mail.outbox[0].to == [focal_point_kenya.email]


def test_a_muted_event_kind_is_listed_but_not_e_mailed(focal_point_kenya, desk_officer):
    from requests_app import services

    desk_officer.muted_kinds = [Notification.KIND]
    desk_officer.save()
    services.submit_request(req=AssistanceRequestFactory(), by=focal_point_kenya)

    note = Notification.objects.get(recipient=desk_officer)
    assert note.email == Email.NONE
    assert mail.outbox == []


def test_the_dry_run_lists_and_writes_nothing(waiting, desk_officer, capsys, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    call_command("send_reminders", "--dry-run")

    out = capsys.readouterr().out
    assert (
        f"would send test.waiting: {waiting.reference} due {TODAY} to {desk_officer.username}"
        in out
    )
    assert "would send: 1" in out
    assert not Dispatch.objects.exists()
    assert mail.outbox == []


def test_the_command_sends_and_prints_by_kind_then_sends_nothing(waiting, capsys, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    call_command("send_reminders")
    first = capsys.readouterr().out
    call_command("send_reminders")
    second = capsys.readouterr().out

    assert "sent by e-mail: 1" in first and "test.waiting: 1" in first
    assert "Nothing to send." in second
    assert len(mail.outbox) == 1


def test_an_inactive_person_is_not_reminded(waiting, desk_officer):
    desk_officer.is_active = False
    desk_officer.save()

    assert reminders.sweep(NOW).delivered == {}
    assert mail.outbox == []


def test_the_beat_task_sweeps_and_hands_each_reminder_to_a_sender_task(waiting, monkeypatch):
    from tcp import tasks

    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    assert tasks.sweep_reminders.delay().get() == 1  # eager here; the worker test runs it for real
    assert len(mail.outbox) == 1
    assert Dispatch.objects.get().status == Dispatch.Status.SENT
    assert tasks.sweep_reminders.delay().get() == 0


def test_an_event_is_told_in_the_recipients_language(
    focal_point_kenya, desk_officer, django_capture_on_commit_callbacks
):
    from requests_app import services
    from tcp import l10n
    from tcp.models import StatusChange

    desk_officer.language = "es"
    desk_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_request(req=AssistanceRequestFactory(), by=focal_point_kenya)

    message = mail.outbox[0]
    assert '<html lang="es"' in message.alternatives[0][0]
    when = l10n.moment(StatusChange.objects.get().at, lang="es")
    assert when.endswith(" UTC")  # "7 dic 2026, 14:05 UTC": Spanish, with its zone
    assert when in message.body


def test_a_person_who_left_the_portfolio_before_sending_is_not_reminded(
    waiting, desk_officer, kenya, administrator
):
    from tcp import scoping

    reminders.write(reminders.due_today(TODAY))
    token, ids = reminders.claim(NOW)
    scoping.set_desk_officer(country=kenya, user=None, by=administrator)

    assert reminders.deliver(ids[0], token, NOW) == "cleared"
    assert mail.outbox == []

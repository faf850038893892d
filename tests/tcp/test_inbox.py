"""The in-app notifications: the list, opening one, the header count, the settings."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AssistanceRequest
from tcp import reminders
from tcp.context_processors import navigation
from tcp.inbox import unread_count
from tcp.models import Dispatch, Notification, StatusChange, User
from tcp.reminders import Reminder
from tcp.roles import Role
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db

D = Dispatch.Status
_seq = itertools.count(1)


def _never(today: datetime.date):
    return AssistanceRequest.objects.none()


OVERDUE = Reminder(
    code="test.overdue_action",
    label="Overdue government action",
    pending=_never,
    due_on=lambda record: datetime.date(2026, 1, 1),
    recipients=lambda record: [],
    compulsory_for_government=True,
)
WAITING = Reminder(
    code="test.waiting",
    label="A request waits for triage",
    pending=_never,
    due_on=lambda record: datetime.date(2026, 1, 1),
    recipients=lambda record: [],
)


@pytest.fixture(autouse=True)
def kinds(monkeypatch):
    """Two kinds of reminder, beside whatever the stage apps register."""
    monkeypatch.setitem(reminders._kinds, OVERDUE.code, OVERDUE)
    monkeypatch.setitem(reminders._kinds, WAITING.code, WAITING)


@pytest.fixture
def record(kenya) -> AssistanceRequest:
    return AssistanceRequestFactory(country=kenya)


def _at(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(minutes=minutes)


def event(user, record, *, at: int, subject: str = "", read: bool = False) -> Notification:
    change = StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        action="acknowledge",
        from_status="submitted",
        to_status="acknowledged",
    )
    # ``at`` is set on creation (auto_now_add): move it afterwards.
    StatusChange.objects.filter(pk=change.pk).update(at=_at(at))
    return Notification.objects.create(
        status_change=change,
        recipient=user,
        subject=subject or f"event {at}",
        url=record.get_absolute_url(),
        read_at=timezone.now() if read else None,
    )


def reminder(
    user,
    record,
    *,
    at: int,
    status: str = D.SENT,
    kind: str = WAITING.code,
    subject: str = "",
    read: bool = False,
) -> Dispatch:
    row = Dispatch.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        kind=kind,
        # The key is unique per due date: each row its own.
        due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=next(_seq)),
        recipient=user,
        status=status,
        subject=subject or f"reminder {at}",
        url=record.get_absolute_url(),
        read_at=timezone.now() if read else None,
    )
    Dispatch.objects.filter(pk=row.pk).update(created_at=_at(at))
    return row


def _subjects(response) -> list[str]:
    return [row.subject for row in response.context["rows"]]


# --- the list ---


def test_list_shows_own_events_and_reminders_newest_first(
    client, desk_officer, desk_officer_peru, record
):
    event(desk_officer, record, at=1, subject="oldest event")
    reminder(desk_officer, record, at=2, subject="sent reminder")
    event(desk_officer, record, at=3, subject="newest event")
    reminder(desk_officer, record, at=4, status=D.DIGEST, subject="digest reminder")
    event(desk_officer_peru, record, at=5, subject="someone else's event")
    reminder(desk_officer_peru, record, at=6, subject="someone else's reminder")
    client.force_login(desk_officer)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert _subjects(response) == [
        "digest reminder",
        "newest event",
        "sent reminder",
        "oldest event",
    ]


def test_pending_and_cleared_reminders_are_not_listed(client, desk_officer, record):
    reminder(desk_officer, record, at=1, status=D.PENDING, subject="pending")
    reminder(desk_officer, record, at=2, status=D.CLEARED, subject="cleared")
    client.force_login(desk_officer)
    response = client.get(reverse("notifications"))
    assert _subjects(response) == []
    assert "No notifications yet" in response.content.decode()
    assert unread_count(desk_officer) == 0


def test_unread_filter_and_kind_filter(client, desk_officer, record):
    event(desk_officer, record, at=1, subject="read event", read=True)
    event(desk_officer, record, at=2, subject="unread event")
    reminder(desk_officer, record, at=3, subject="read reminder", read=True)
    reminder(desk_officer, record, at=4, subject="overdue", kind=OVERDUE.code)
    client.force_login(desk_officer)
    url = reverse("notifications")
    assert _subjects(client.get(url, {"unread": "on"})) == ["overdue", "unread event"]
    assert _subjects(client.get(url, {"kind": "event"})) == ["unread event", "read event"]
    assert _subjects(client.get(url, {"kind": OVERDUE.code})) == ["overdue"]
    assert _subjects(client.get(url, {"kind": "event", "unread": "on"})) == ["unread event"]
    # An unknown kind is dropped, not fatal.
    assert len(_subjects(client.get(url, {"kind": "nonsense"}))) == 4
    response = client.get(url, {"kind": WAITING.code, "unread": "on"})
    assert "No notification matches these filters." in response.content.decode()


def test_unread_rows_are_marked_visibly(client, desk_officer, record):
    event(desk_officer, record, at=1, read=True)
    event(desk_officer, record, at=2)
    client.force_login(desk_officer)
    html = client.get(reverse("notifications")).content.decode()
    assert html.count('class="inbox-unread"') == 1
    assert html.count('class="badge badge-unread"') == 1


def test_list_query_count_does_not_grow_with_rows(client, desk_officer, record):
    client.force_login(desk_officer)
    url = reverse("notifications")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for i in range(5):
        event(desk_officer, record, at=2 * i)
        reminder(desk_officer, record, at=2 * i + 1, kind=(OVERDUE, WAITING)[i % 2].code)
    few = queries()
    for i in range(5, 25):
        event(desk_officer, record, at=2 * i)
        reminder(desk_officer, record, at=2 * i + 1)
    assert queries() == few


def test_list_paginates(client, desk_officer, record):
    for i in range(30):
        event(desk_officer, record, at=i, subject=f"event {i:02}")
    client.force_login(desk_officer)
    second = client.get(reverse("notifications"), {"page": 2})
    assert _subjects(second) == [f"event {i:02}" for i in range(4, -1, -1)]


# --- opening one ---


@pytest.mark.parametrize("source", ["event", "reminder"])
def test_opening_marks_read_and_goes_to_the_record(client, desk_officer, record, source):
    row = (event if source == "event" else reminder)(desk_officer, record, at=1)
    client.force_login(desk_officer)
    response = client.get(reverse("notification_open", args=[source, row.pk]))
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    row.refresh_from_db()
    first = row.read_at
    assert first is not None
    # Opening it again keeps the first reading time.
    client.get(reverse("notification_open", args=[source, row.pk]))
    row.refresh_from_db()
    assert row.read_at == first


def test_opening_one_without_a_link_goes_back_to_the_list(client, desk_officer, record):
    row = reminder(desk_officer, record, at=1)
    Dispatch.objects.filter(pk=row.pk).update(url="")
    client.force_login(desk_officer)
    response = client.get(reverse("notification_open", args=["reminder", row.pk]))
    assert response["Location"] == reverse("notifications")


def test_opening_never_leaves_the_site(client, desk_officer, record):
    row = event(desk_officer, record, at=1)
    Notification.objects.filter(pk=row.pk).update(url="//evil.example/phish")
    client.force_login(desk_officer)
    response = client.get(reverse("notification_open", args=["event", row.pk]))
    assert response["Location"] == reverse("notifications")


def test_someone_elses_row_answers_404_and_stays_unread(
    client, desk_officer, desk_officer_peru, record
):
    theirs_event = event(desk_officer_peru, record, at=1)
    theirs_reminder = reminder(desk_officer_peru, record, at=2)
    client.force_login(desk_officer)
    for source, row in (("event", theirs_event), ("reminder", theirs_reminder)):
        assert client.get(reverse("notification_open", args=[source, row.pk])).status_code == 404
        row.refresh_from_db()
        assert row.read_at is None


def test_a_pending_reminder_or_an_unknown_source_answers_404(client, desk_officer, record):
    pending = reminder(desk_officer, record, at=1, status=D.PENDING)
    client.force_login(desk_officer)
    assert (
        client.get(reverse("notification_open", args=["reminder", pending.pk])).status_code == 404
    )
    assert client.get(reverse("notification_open", args=["other", pending.pk])).status_code == 404


def test_mark_all_as_read_marks_only_own_shown_rows(
    client, desk_officer, desk_officer_peru, record
):
    mine = [event(desk_officer, record, at=1), reminder(desk_officer, record, at=2)]
    pending = reminder(desk_officer, record, at=3, status=D.PENDING)
    theirs = event(desk_officer_peru, record, at=4)
    client.force_login(desk_officer)
    url = reverse("notifications")
    response = client.post(f"{url}?unread=on")
    assert response.status_code == 302
    assert response["Location"] == f"{url}?unread=on"
    for row in mine:
        row.refresh_from_db()
        assert row.read_at is not None
    # A reminder not yet sent is not read: it will be listed unread when it is.
    for row in (pending, theirs):
        row.refresh_from_db()
        assert row.read_at is None
    assert unread_count(desk_officer) == 0


# --- the header ---


def test_header_shows_the_unread_count_with_text_for_screen_readers(client, desk_officer, record):
    event(desk_officer, record, at=1)
    event(desk_officer, record, at=2, read=True)
    reminder(desk_officer, record, at=3)
    reminder(desk_officer, record, at=4, status=D.DIGEST)
    reminder(desk_officer, record, at=5, status=D.PENDING)
    client.force_login(desk_officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert re.search(r'<span class="inbox-count" aria-hidden="true">3</span>', html)
    assert "3 unread" in html
    assert f'href="{reverse("notifications")}"' in html


def test_header_has_no_badge_without_unread(client, desk_officer, record):
    event(desk_officer, record, at=1, read=True)
    client.force_login(desk_officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Notifications" in html
    assert "inbox-count" not in html


def _render_header(user) -> tuple[list[str], str]:
    # A fresh user each time: roles and permissions are cached on the instance.
    user = User.objects.get(pk=user.pk)
    request = RequestFactory().get("/")
    request.user = user
    context = navigation(request)
    with CaptureQueriesContext(connection) as ctx:
        html = render_to_string("base.html", {**context, "user": user})
    return [q["sql"] for q in ctx.captured_queries], html


def test_header_count_costs_one_query_whatever_the_count(desk_officer, record):
    none, _html = _render_header(desk_officer)
    for i in range(30):
        event(desk_officer, record, at=2 * i)
        reminder(desk_officer, record, at=2 * i + 1)
    many, html = _render_header(desk_officer)
    assert len(many) == len(none)
    counting = [sql for sql in many if "tcp_notification" in sql or "tcp_dispatch" in sql]
    assert len(counting) == 1
    assert "tcp_notification" in counting[0] and "tcp_dispatch" in counting[0]
    assert "60 unread" in html


def test_unread_count_is_one_statement(desk_officer, record, django_assert_num_queries):
    event(desk_officer, record, at=1)
    reminder(desk_officer, record, at=2)
    with django_assert_num_queries(1):
        assert unread_count(desk_officer) == 2


def test_pages_without_the_layout_do_not_count(desk_officer):
    request = RequestFactory().get("/")
    request.user = desk_officer
    with CaptureQueriesContext(connection) as ctx:
        navigation(request)
    assert len(ctx) == 0


# --- settings ---


def _settings_data(**overrides) -> dict[str, str]:
    data = {
        "language": "fr",
        "delivery": "digest",
        "kind_event": "on",
        f"kind_{OVERDUE.code}": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_page_lists_the_kinds_that_may_reach_the_person(client, desk_officer):
    client.force_login(desk_officer)
    html = client.get(reverse("notification_settings")).content.decode()
    for label in ("Lifecycle steps", OVERDUE.label, WAITING.label):
        assert label in html
    roles = {Role.DESK_OFFICER}
    offered = [k for k in reminders.kinds() if k.may_reach(roles)]
    assert offered
    for k in reminders.kinds():
        assert (f'name="kind_{k.code}"' in html) == (k in offered), k.code
    assert "disabled" not in html


def test_a_focal_point_is_not_offered_staff_reminders(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    html = client.get(reverse("notification_settings")).content.decode()
    assert 'name="kind_request.information_unanswered"' in html
    assert 'name="kind_action.overdue"' in html
    assert 'name="kind_programme.review_waiting"' not in html
    assert 'name="kind_request.not_acknowledged"' not in html


def test_settings_save_with_history_by_the_user(client, desk_officer):
    desk_officer.muted_kinds = ["gone.kind"]
    desk_officer.save()
    client.force_login(desk_officer)
    response = client.post(reverse("notification_settings"), _settings_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_settings")
    desk_officer.refresh_from_db()
    assert desk_officer.language == "fr"
    assert desk_officer.delivery == desk_officer.Delivery.DIGEST
    assert WAITING.code in desk_officer.muted_kinds
    assert OVERDUE.code not in desk_officer.muted_kinds
    assert "event" not in desk_officer.muted_kinds
    # A kind no longer registered keeps the person's choice.
    assert "gone.kind" in desk_officer.muted_kinds
    latest = desk_officer.history.latest()
    assert latest.history_user == desk_officer
    assert latest.language == "fr"
    page = client.get(response["Location"])
    assert "Your notification settings are saved." in page.content.decode()


def test_saving_unchanged_settings_writes_no_history(client, desk_officer):
    client.force_login(desk_officer)
    client.post(reverse("notification_settings"), _settings_data())
    before = desk_officer.history.count()
    client.post(reverse("notification_settings"), _settings_data())
    assert desk_officer.history.count() == before


def test_focal_point_sees_compulsory_kind_checked_and_disabled(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    html = client.get(reverse("notification_settings")).content.decode()
    field = re.search(rf'<input[^>]*name="kind_{re.escape(OVERDUE.code)}"[^>]*>', html).group(0)
    assert "checked" in field
    assert "disabled" in field
    assert "cannot be switched off" in html
    other = re.search(rf'<input[^>]*name="kind_{re.escape(WAITING.code)}"[^>]*>', html).group(0)
    assert "disabled" not in other


def test_focal_point_cannot_mute_a_compulsory_kind_by_tampering(client, focal_point_kenya):
    client.force_login(focal_point_kenya)
    # The compulsory box left out, as if unchecked: the server keeps it on.
    data = _settings_data(**{f"kind_{OVERDUE.code}": None})
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 302
    focal_point_kenya.refresh_from_db()
    assert OVERDUE.code not in focal_point_kenya.muted_kinds
    assert WAITING.code in focal_point_kenya.muted_kinds


def test_service_refuses_to_mute_a_compulsory_kind_for_a_focal_point(focal_point_kenya):
    from django.core.exceptions import ValidationError

    from tcp.preferences import save_preferences

    with pytest.raises(ValidationError):
        save_preferences(
            user=focal_point_kenya, language="en", delivery="each", muted_kinds=[OVERDUE.code]
        )
    focal_point_kenya.refresh_from_db()
    assert focal_point_kenya.muted_kinds == []


def test_staff_may_mute_what_governments_may_not(client, desk_officer):
    client.force_login(desk_officer)
    client.post(reverse("notification_settings"), _settings_data(**{f"kind_{OVERDUE.code}": None}))
    desk_officer.refresh_from_db()
    assert OVERDUE.code in desk_officer.muted_kinds


def test_errors_keep_what_was_typed(client, desk_officer):
    client.force_login(desk_officer)
    data = _settings_data(delivery="carrier-pigeon", kind_event=None)
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"Please correct the (error|\d+ errors) below\.", html)
    assert re.search(r'<option value="fr"[^>]*selected', html)
    event_box = re.search(r'<input[^>]*name="kind_event"[^>]*>', html).group(0)
    assert "checked" not in event_box
    desk_officer.refresh_from_db()
    assert desk_officer.language == "en"
    assert desk_officer.muted_kinds == []

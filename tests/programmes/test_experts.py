"""The expert roster on an activity's page: search by expertise and language,
book and unbook; an expert is never booked on two overlapping activities, also
when two people book at once (PostgreSQL)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.urls import reverse

from programmes import implementation
from programmes.models import Activity, ExpertAssignment, Programme
from tcp import l10n
from tcp.lifecycle import TransitionRefused
from tcp.models import ThematicArea
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    ProgrammeFactory,
    RosterExpertFactory,
)

pytestmark = pytest.mark.django_db
S = Programme.Status
A = Activity.Status


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Activities in the weeks ahead (bookings of the past are not current any more).
BASE = datetime.date.today() + datetime.timedelta(days=60)


def day(n: int) -> datetime.date:
    return BASE + datetime.timedelta(days=n)


def shown(n: int) -> str:
    """A day as messages write it (tests/tcp/test_l10n.py pins the format)."""
    return l10n.day(day(n), lang="en")


def _activity(country, title: str, start: int, end: int, **kwargs) -> Activity:
    programme = kwargs.pop("programme", None) or ProgrammeFactory(
        countries=[country], status=S.IN_IMPLEMENTATION
    )
    return ActivityFactory(
        component=ComponentFactory(programme=programme),
        title=title,
        start_date=day(start),
        end_date=day(end),
        **kwargs,
    )


@pytest.fixture
def areas() -> list[ThematicArea]:
    return list(ThematicArea.objects.filter(is_active=True)[:2])


@pytest.fixture
def course(kenya) -> Activity:
    return _activity(kenya, "Course for prison officials", 0, 4)


def _names(response) -> list[str]:
    return [row.expert.name for row in response.context["roster_rows"]]


def test_roster_search_by_expertise_and_language(client, desk_officer, course, areas):
    justice, policing = areas
    RosterExpertFactory(name="Amina Diallo", languages="French, Wolof", expertise=[justice])
    RosterExpertFactory(name="Bruno Costa", languages="Portuguese, Spanish", expertise=[justice])
    RosterExpertFactory(name="Chen Li", languages="English, French", expertise=[policing])
    RosterExpertFactory(name="Retired Expert", languages="French", is_active=False)
    client.force_login(desk_officer)
    url = reverse("programmes:activity", args=[course.pk])

    assert _names(client.get(url)) == ["Amina Diallo", "Bruno Costa", "Chen Li"]
    assert _names(client.get(url, {"expertise": justice.pk})) == ["Amina Diallo", "Bruno Costa"]
    assert _names(client.get(url, {"language": "french"})) == ["Amina Diallo", "Chen Li"]
    response = client.get(url, {"expertise": justice.pk, "language": "French"})
    assert _names(response) == ["Amina Diallo"]
    html = response.content.decode()
    assert justice.name in html
    assert "French, Wolof" in html
    # An unknown area is dropped, not fatal.
    assert _names(client.get(url, {"expertise": "999999"})) == [
        "Amina Diallo",
        "Bruno Costa",
        "Chen Li",
    ]


def test_booking_from_the_search_and_unbooking(client, desk_officer, course, areas):
    expert = RosterExpertFactory(name="Amina Diallo", expertise=[areas[0]])
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:expert_book", args=[course.pk]),
        {"expert": expert.pk, "role": "Lead trainer", "expertise": areas[0].pk},
    )
    # Back to the same search, at the experts.
    assert response["Location"] == (
        reverse("programmes:activity", args=[course.pk]) + f"?expertise={areas[0].pk}#experts"
    )
    booking = ExpertAssignment.objects.get()
    assert (booking.expert, booking.role, booking.assigned_by) == (
        expert,
        "Lead trainer",
        desk_officer,
    )
    assert (booking.start_date, booking.end_date) == (course.start_date, course.end_date)

    page = client.get(reverse("programmes:activity", args=[course.pk]))
    assert [b.expert for b in page.context["experts"]] == [expert]
    [row] = page.context["roster_rows"]
    assert row.clash == "Booked on this activity already."
    assert [b.activity_id for b, _open in row.bookings] == [course.pk]

    client.post(reverse("programmes:expert_unbook", args=[booking.pk]))
    assert not ExpertAssignment.objects.exists()


def test_an_overlapping_booking_is_refused_with_the_clash_named(
    client, desk_officer, course, kenya
):
    expert = RosterExpertFactory(name="Amina Diallo")
    workshop = _activity(kenya, "Workshop on prison inspection", 3, 6)
    client.force_login(desk_officer)
    client.post(reverse("programmes:expert_book", args=[course.pk]), {"expert": expert.pk})
    response = client.post(
        reverse("programmes:expert_book", args=[workshop.pk]), {"expert": expert.pk}
    )
    assert _messages(response)[-1] == (
        f"Amina Diallo is already booked from {shown(0)} to {shown(4)} on "
        "“Course for prison officials”."
    )
    assert list(ExpertAssignment.objects.values_list("activity_id", flat=True)) == [course.pk]

    # The search says so before anyone tries, and offers no "Book" for her.
    page = client.get(reverse("programmes:activity", args=[workshop.pk]))
    [row] = page.context["roster_rows"]
    assert row.clash == (
        f"Busy: booked from {shown(0)} to {shown(4)} on “Course for prison officials”."
    )
    assert reverse("programmes:expert_book", args=[workshop.pk]) not in page.content.decode()


def test_back_to_back_bookings_and_cancelled_activities_do_not_clash(desk_officer, course, kenya):
    expert = RosterExpertFactory()
    after = _activity(kenya, "Follow-up", 5, 6)
    implementation.assign_expert(activity=course, expert=expert, by=desk_officer)
    implementation.assign_expert(activity=after, expert=expert, by=desk_officer)
    # A day of overlap is a clash…
    same_day = _activity(kenya, "Same last day", 6, 7)
    with pytest.raises(TransitionRefused, match="already booked"):
        implementation.assign_expert(activity=same_day, expert=expert, by=desk_officer)
    # …unless that activity was cancelled.
    Activity.objects.filter(pk=after.pk).update(status=A.CANCELLED)
    implementation.assign_expert(activity=same_day, expert=expert, by=desk_officer)
    assert ExpertAssignment.objects.filter(expert=expert).count() == 3


def test_a_clash_on_another_states_programme_is_not_named(
    client, desk_officer, desk_officer_peru, kenya, peru
):
    expert = RosterExpertFactory(name="Bruno Costa")
    lima = _activity(peru, "Confidential Lima mission", 0, 4)
    implementation.assign_expert(activity=lima, expert=expert, by=desk_officer_peru)
    nairobi = _activity(kenya, "Nairobi course", 2, 3)
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:activity", args=[nairobi.pk]))
    [row] = page.context["roster_rows"]
    assert row.clash == f"Busy: booked from {shown(0)} to {shown(4)} on another programme."
    html = page.content.decode()
    assert "Confidential Lima mission" not in html
    response = client.post(
        reverse("programmes:expert_book", args=[nairobi.pk]), {"expert": expert.pk}
    )
    assert _messages(response) == [
        f"Bruno Costa is already booked from {shown(0)} to {shown(4)} on another programme."
    ]


def test_booking_is_refused_on_a_completed_activity_and_not_offered(client, desk_officer, course):
    expert = RosterExpertFactory()
    Activity.objects.filter(pk=course.pk).update(status=A.COMPLETED)
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:activity", args=[course.pk]))
    assert not page.context["can_book"]
    assert "roster_rows" not in page.context
    response = client.post(
        reverse("programmes:expert_book", args=[course.pk]), {"expert": expert.pk}
    )
    assert _messages(response) == ["Experts are booked on planned or ongoing activities."]
    assert not ExpertAssignment.objects.exists()


def test_an_expert_off_the_roster_is_not_booked(client, desk_officer, course):
    retired = RosterExpertFactory(is_active=False)
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:expert_book", args=[course.pk]), {"expert": retired.pk}
    )
    assert _messages(response) == ["Choose an expert of the roster."]
    assert not ExpertAssignment.objects.exists()


def test_field_officers_and_governments_do_not_book(
    client, desk_officer, field_officer_east_africa, focal_point_kenya, course
):
    expert = RosterExpertFactory(name="Amina Diallo")
    client.force_login(field_officer_east_africa)
    page = client.get(reverse("programmes:activity", args=[course.pk]))
    assert not page.context["can_book"]
    assert "roster_rows" not in page.context
    book = reverse("programmes:expert_book", args=[course.pk])
    assert client.post(book, {"expert": expert.pk}).status_code == 403

    booking = implementation.assign_expert(activity=course, expert=expert, by=desk_officer)
    # The field officer reads who is booked; the government does not.
    assert [b.expert for b in client.get(page.request["PATH_INFO"]).context["experts"]] == [expert]
    unbook = reverse("programmes:expert_unbook", args=[booking.pk])
    assert client.post(unbook).status_code == 403
    client.force_login(focal_point_kenya)
    page = client.get(reverse("programmes:activity", args=[course.pk]))
    assert page.context["experts"] == []
    assert "Amina Diallo" not in page.content.decode()
    assert client.post(unbook).status_code == 404
    assert ExpertAssignment.objects.count() == 1


def test_roster_page_query_count_does_not_grow_with_experts_and_bookings(
    client, desk_officer, course, kenya
):
    from django.test.utils import CaptureQueriesContext

    url = reverse("programmes:activity", args=[course.pk])
    client.force_login(desk_officer)

    def add(n: int) -> None:
        for i in range(n):
            expert = RosterExpertFactory(expertise=list(ThematicArea.objects.all()[:2]))
            other = _activity(kenya, f"Elsewhere {i}", 1, 2)
            implementation.assign_expert(activity=other, expert=expert, by=desk_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    add(1)
    count()
    few = count()
    add(8)
    assert count() == few


# --- two people booking the same expert at once ---


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent connections need PostgreSQL (CI runs on it)",
)
def test_two_people_booking_one_expert_at_once_one_is_refused(cast, kenya, peru):
    """Two desk officers, each on their own country's programme, book the same
    expert for overlapping weeks at the same moment: the expert's row lock makes
    the second wait, see the first booking, and be refused."""
    expert = RosterExpertFactory(name="Amina Diallo")
    nairobi = _activity(kenya, "Nairobi course", 0, 4)
    lima = _activity(peru, "Lima course", 2, 8)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def book(name: str, activity: Activity, user) -> None:
        try:
            barrier.wait(5)
            implementation.assign_expert(activity=activity, expert=expert, by=user)
            outcomes[name] = "booked"
        except TransitionRefused as exc:
            outcomes[name] = str(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=book, args=("kenya", nairobi, cast["desk_officer"])),
        threading.Thread(target=book, args=("peru", lima, cast["desk_officer_peru"])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values(), key=lambda v: v != "booked")[0] == "booked"
    refused = [v for v in outcomes.values() if v != "booked"]
    assert len(refused) == 1
    assert "Amina Diallo is already booked" in refused[0]
    assert ExpertAssignment.objects.filter(expert=expert).count() == 1

"""The dashboard: what waits on the user, with its age in days; what OHCHR waits for
from a government; a focal point's view of its State's records."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation, FollowUpAction
from programmes import services as programme_services
from programmes.models import Programme
from requests_app import services as request_services
from requests_app.models import AssistanceRequest
from tcp.lifecycle import status_changes
from tcp.views import Section
from tests.factories import (
    AssistanceRequestFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
R = AssistanceRequest.Status
A = NeedsAssessment.Status
P = Programme.Status
F = FollowUpAction.Status

GOVERNMENT_BLOCKS = (
    "Questions awaiting the government's answer",
    "Programmes awaiting the government's acceptance",
    "Follow-up actions with governments",
)


def _dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def _block(response, title: str):
    [found] = [b for b in response.context["blocks"] if b.title == title]
    return found


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _move_step(record, to_status: str, days: float) -> None:
    """Move the latest step of ``record`` into ``to_status`` back ``days``."""
    step = status_changes(record).filter(to_status=to_status).order_by("-at", "-id").first()
    type(step).objects.filter(pk=step.pk).update(at=_ago(days))


# --- age in days ---


def test_what_waits_shows_its_age_in_days_since_it_entered_its_state(client, cast, kenya):
    fp, desk = cast["focal_point_kenya"], cast["desk_officer"]
    req = AssistanceRequestFactory(country=kenya, created_by=fp, complete=True)
    request_services.submit_request(req=req, by=fp)
    _move_step(req, R.SUBMITTED, 5.2)
    response = _dashboard(client, desk)
    [row] = _block(response, "Submitted requests to acknowledge").rows
    assert row.age_days == 5
    assert "Waiting for 5 days" in response.content.decode()


def test_the_age_counts_from_the_latest_entry_into_the_state(client, cast, kenya):
    """Asked, answered, asked again: the government's wait starts with the second question."""
    fp, desk = cast["focal_point_kenya"], cast["desk_officer"]
    req = AssistanceRequestFactory(country=kenya, created_by=fp, complete=True)
    request_services.submit_request(req=req, by=fp)
    request_services.acknowledge_request(req=req, by=desk)
    request_services.request_information(req=req, by=desk, question="Which ministries?")
    _move_step(req, R.INFORMATION_REQUESTED, 20)
    request_services.resubmit_request(req=req, by=fp, answer="Justice and Interior.")
    request_services.acknowledge_request(req=req, by=desk)
    request_services.request_information(req=req, by=desk, question="And the budget?")
    _move_step(req, R.INFORMATION_REQUESTED, 2.5)
    [row] = _block(_dashboard(client, fp), "Requests awaiting your answer").rows
    assert row.age_days == 2
    [row] = _block(_dashboard(client, desk), "Questions awaiting the government's answer").rows
    assert row.age_days == 2


def test_a_record_still_in_its_first_state_waits_since_its_creation(client, cast, kenya):
    fp = cast["focal_point_kenya"]
    fresh = AssistanceRequestFactory(country=kenya, created_by=fp)
    old = AssistanceRequestFactory(country=kenya, created_by=fp)
    AssistanceRequest.objects.filter(pk=old.pk).update(created_at=_ago(31.5))
    response = _dashboard(client, fp)
    ages = {row.label.split(" · ")[0]: row.age_days for row in _block(response, "Your drafts").rows}
    assert ages == {fresh.reference: 0, old.reference: 31}
    page = response.content.decode()
    assert "Waiting since today" in page
    # A long wait stands out.
    assert page.count("card-age-long") == 1


def test_ages_are_read_in_the_rows_query_not_one_per_row(
    client, cast, kenya, django_assert_max_num_queries
):
    fp = cast["focal_point_kenya"]
    for _ in range(3):
        AssistanceRequestFactory(country=kenya, created_by=fp)
    _dashboard(client, fp)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("dashboard"))
    for _ in range(8):
        AssistanceRequestFactory(country=kenya, created_by=fp)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("dashboard"))
    assert all(row.since is not None for row in _block(response, "Your drafts").rows)


# --- what OHCHR waits for from a government ---


@pytest.fixture
def waiting_on_governments(kenya, peru, focal_point_kenya):
    AssistanceRequestFactory(country=kenya, status=R.INFORMATION_REQUESTED)
    AssistanceRequestFactory(country=peru, status=R.INFORMATION_REQUESTED)  # not in the portfolio
    AssistanceRequestFactory(country=kenya, status=R.SUBMITTED)  # waits on OHCHR
    ProgrammeFactory(countries=[kenya], status=P.APPROVED)
    ProgrammeFactory(countries=[kenya], status=P.DRAFTING)
    accepted = {"evaluation__programme__countries": [kenya], "evaluation__status": "accepted"}
    FollowUpActionFactory(responsible_state=kenya, **accepted)
    FollowUpActionFactory(
        responsible_state=kenya, status=F.IN_PROGRESS, due_date=_ago(3).date(), **accepted
    )
    FollowUpActionFactory(responsible_state=kenya, status=F.DONE, **accepted)  # OHCHR verifies
    FollowUpActionFactory(**accepted)  # OHCHR's own
    FollowUpActionFactory(
        evaluation__programme__countries=[peru],
        evaluation__status="accepted",
        responsible_state=peru,
    )


@pytest.mark.parametrize(
    ("role", "counts"),
    [
        ("desk_officer", (1, 1, 2)),
        ("field_officer_east_africa", (1, 1, 2)),
        ("approver", (2, 1, 3)),
    ],
)
def test_ohchr_staff_see_what_waits_on_the_government(
    client, cast, waiting_on_governments, role, counts
):
    response = _dashboard(client, cast[role])
    blocks = [_block(response, title) for title in GOVERNMENT_BLOCKS]
    assert tuple(b.count for b in blocks) == counts
    assert {b.section for b in blocks} == {Section.GOVERNMENT}
    assert all(row.since is not None for b in blocks for row in b.rows)
    page = response.content.decode()
    assert "Waiting on the government" in page
    assert "overdue" in page


def test_a_government_does_not_get_the_blocks_of_ohchr(client, cast, waiting_on_governments):
    response = _dashboard(client, cast["focal_point_kenya"])
    titles = {b.title for b in response.context["blocks"]}
    assert not titles & set(GOVERNMENT_BLOCKS)
    assert "Waiting on the government" not in response.content.decode()


# --- a focal point's own State ---


def test_a_focal_point_sees_every_open_request_of_its_state_once(client, cast, kenya, peru):
    fp = cast["focal_point_kenya"]
    draft = AssistanceRequestFactory(country=kenya, status=R.DRAFT)
    asked = AssistanceRequestFactory(country=kenya, status=R.INFORMATION_REQUESTED)
    with_ohchr = [
        AssistanceRequestFactory(country=kenya, status=status)
        for status in (R.SUBMITTED, R.ACKNOWLEDGED, R.UNDER_ASSESSMENT)
    ]
    # Accepted, its assessment still OHCHR's: still on its way.
    with_ohchr.append(NeedsAssessmentFactory(request__country=kenya, status=A.IN_PROGRESS).request)
    NeedsAssessmentFactory(request__country=kenya, status=A.SHARED)  # carried on by the assessment
    AssistanceRequestFactory(country=kenya, status=R.DECLINED)
    AssistanceRequestFactory(country=kenya, status=R.WITHDRAWN)
    AssistanceRequestFactory(country=peru, status=R.SUBMITTED)
    response = _dashboard(client, fp)
    block = _block(response, "Your requests with OHCHR")
    assert block.section == Section.STATE
    assert block.count == 4
    assert {row.url for row in block.rows} == {r.get_absolute_url() for r in with_ohchr}
    # The draft and the question wait on the focal point, in the blocks above: each
    # open request is listed once on the page.
    assert [row.url for row in _block(response, "Your drafts").rows] == [draft.get_absolute_url()]
    [row] = _block(response, "Requests awaiting your answer").rows
    assert row.url == asked.get_absolute_url()
    page = response.content.decode()
    for req in [draft, asked, *with_ohchr]:
        assert page.count(f'href="{req.get_absolute_url()}"') == 1


def test_a_focal_point_sees_the_assessments_shared_with_its_state(client, cast, kenya, peru):
    shared = NeedsAssessmentFactory(request__country=kenya, status=A.SHARED)
    NeedsAssessmentFactory(request__country=kenya, status=A.VALIDATED)  # OHCHR's still
    NeedsAssessmentFactory(request__country=peru, status=A.SHARED)
    response = _dashboard(client, cast["focal_point_kenya"])
    block = _block(response, "Needs assessments shared with your State")
    assert [row.url for row in block.rows] == [shared.get_absolute_url()]
    assert block.count == 1
    # OHCHR staff have their own blocks, not this one.
    staff = _dashboard(client, cast["desk_officer"])
    assert "Needs assessments shared with your State" not in {
        b.title for b in staff.context["blocks"]
    }


def test_a_focal_point_sees_its_states_programmes_and_what_awaits_its_acceptance(
    client, cast, kenya, peru
):
    fp_kenya, fp_peru = cast["focal_point_kenya"], cast["focal_point_peru"]
    running = ProgrammeFactory(countries=[kenya], status=P.IN_IMPLEMENTATION)
    ProgrammeFactory(countries=[kenya], status=P.DRAFTING)  # OHCHR's draft
    ProgrammeFactory(countries=[peru], status=P.APPROVED)
    regional = ProgrammeFactory(
        countries=[kenya, peru], scope=Programme.Scope.REGIONAL, status=P.APPROVED
    )
    programme_services.accept_programme(programme=regional, by=fp_kenya)
    response = _dashboard(client, fp_kenya)
    mine = _block(response, "Your State's programmes")
    assert {row.url for row in mine.rows} == {
        running.get_absolute_url(),
        regional.get_absolute_url(),
    }
    # Kenya accepted the regional programme: it waits on Peru only.
    assert _block(response, "Programmes awaiting your acceptance").count == 0
    response = _dashboard(client, fp_peru)
    waiting = _block(response, "Programmes awaiting your acceptance")
    assert waiting.count == 2
    assert all(row.since is not None for row in waiting.rows)
    # Each programme once on the page: those awaiting Peru are not repeated below.
    assert _block(response, "Your State's programmes").count == 0


def test_a_focal_point_sees_the_actions_assigned_to_its_government(client, cast, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__status=Evaluation.Status.ACCEPTED,
        responsible_state=kenya,
    )
    FollowUpActionFactory(
        evaluation__programme__countries=[kenya],
        evaluation__status=Evaluation.Status.ACCEPTED,
    )  # OHCHR's own
    block = _block(
        _dashboard(client, cast["focal_point_kenya"]),
        "Follow-up actions assigned to your government",
    )
    assert [row.url for row in block.rows] == [action.get_absolute_url()]
    assert block.rows[0].age_days == 0


def test_the_dashboard_groups_blocks_under_their_sections(client, cast, kenya):
    response = _dashboard(client, cast["focal_point_kenya"])
    assert [title for title, _blocks in response.context["sections"]] == [
        "Waiting on you",
        "Your State's records",
    ]
    response = _dashboard(client, cast["desk_officer"])
    assert [title for title, _blocks in response.context["sections"]] == [
        "Waiting on you",
        "Waiting on the government",
    ]

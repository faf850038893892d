"""Where people work: the scoping service and the selectors built on it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm, get_users_with_perms

from assessments.models import NeedsAssessment
from assessments.selectors import visible_assessments
from evaluations.models import Evaluation
from evaluations.selectors import visible_evaluations, visible_follow_up_actions
from programmes.models import Programme
from programmes.selectors import visible_programmes
from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp import scoping
from tcp.models import FieldPresence
from tcp.scoping import scope_for
from tests.conftest import make_user
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


@pytest.fixture
def kenya_request(kenya):
    return AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)


@pytest.fixture
def peru_request(peru):
    return AssistanceRequestFactory(country=peru, status=S.SUBMITTED)


def test_focal_point_sees_only_their_states_requests(
    focal_point_kenya, kenya_request, peru_request
):
    assert list(visible_requests(focal_point_kenya)) == [kenya_request]


def test_focal_point_sees_own_drafts_but_desk_officer_does_not(
    focal_point_kenya, desk_officer, kenya
):
    draft = AssistanceRequestFactory(country=kenya, status=S.DRAFT)
    assert draft in visible_requests(focal_point_kenya)
    assert draft not in visible_requests(desk_officer)


def test_focal_point_of_another_state_sees_nothing_of_kenya(focal_point_peru, kenya, kenya_request):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.SHARED
    )
    programme = ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED)
    assert kenya_request not in visible_requests(focal_point_peru)
    assert not visible_assessments(focal_point_peru).filter(pk=assessment.pk).exists()
    assert not visible_programmes(focal_point_peru).filter(pk=programme.pk).exists()


def test_focal_point_sees_assessment_only_once_shared(focal_point_kenya, kenya):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.VALIDATED
    )
    assert assessment not in visible_assessments(focal_point_kenya)
    assessment.status = NeedsAssessment.Status.SHARED
    assessment.save()
    assert assessment in visible_assessments(focal_point_kenya)


def test_focal_point_sees_only_follow_up_actions_assigned_to_their_state(
    focal_point_kenya, desk_officer, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=Evaluation.Status.ACCEPTED)
    internal = FollowUpActionFactory(evaluation=evaluation)
    shared = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    assert list(visible_follow_up_actions(focal_point_kenya)) == [shared]
    assert set(visible_follow_up_actions(desk_officer)) == {internal, shared}


def test_field_officer_sees_only_countries_of_their_presence(
    field_officer_east_africa, kenya_request, peru_request
):
    assert list(visible_requests(field_officer_east_africa)) == [kenya_request]


def test_field_officer_stops_seeing_country_the_moment_it_moves(
    field_officer_east_africa, east_africa, kenya, kenya_request, administrator
):
    other = FieldPresence.objects.get(code="southern-africa-regional-office")
    assert kenya_request in visible_requests(field_officer_east_africa)

    scoping.move_country(
        country=kenya, from_presence=east_africa, to_presence=other, by=administrator
    )

    assert kenya_request not in visible_requests(field_officer_east_africa)
    officer = make_user("fo-southern", None)
    scoping.add_presence_officer(user=officer, presence=other, by=administrator)
    assert kenya.pk in scope_for(officer).ohchr


def test_reassigning_a_portfolio_moves_everything_under_it_at_once(
    desk_officer, kenya, kenya_request, administrator
):
    programme = ProgrammeFactory(countries=[kenya])
    evaluation = EvaluationFactory(programme=programme)
    successor = make_user("do-successor", None)

    scoping.set_desk_officer(country=kenya, user=successor, by=administrator)

    assert not visible_requests(desk_officer).exists()
    assert not visible_programmes(desk_officer).exists()
    assert not visible_evaluations(desk_officer).exists()
    assert list(visible_requests(successor)) == [kenya_request]
    assert list(visible_evaluations(successor)) == [evaluation]


def test_model_wide_permission_given_to_a_group_does_not_widen_scope(
    field_officer_east_africa, peru_request, kenya_request
):
    group = Group.objects.create(name="Everything on paper")
    for codename in ("view_assistancerequest", "manage_country", "act_for_country"):
        group.permissions.add(Permission.objects.get(codename=codename))
    field_officer_east_africa.groups.add(group)
    field_officer_east_africa = type(field_officer_east_africa).objects.get(
        pk=field_officer_east_africa.pk
    )  # drop the permission cache

    assert list(visible_requests(field_officer_east_africa)) == [kenya_request]


def test_scope_granted_to_a_group_per_presence_counts(east_africa, kenya_request):
    team = Group.objects.create(name="East Africa office")
    assign_perm(scoping.WORK_IN_PRESENCE, team, east_africa)
    member = make_user("fo-team", None)
    member.groups.add(team)
    assert list(visible_requests(member)) == [kenya_request]


def test_exception_grant_on_one_record_shows_only_that_record(kenya, administrator, kenya_request):
    other = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    ministry = make_user("second-ministry", None)
    scoping.grant_exception(
        user=ministry,
        perm="requests_app.view_assistancerequest",
        obj=kenya_request,
        by=administrator,
    )
    assert list(visible_requests(ministry)) == [kenya_request]
    assert other not in visible_requests(ministry)
    scoping.revoke_exception(
        user=ministry,
        perm="requests_app.view_assistancerequest",
        obj=kenya_request,
        by=administrator,
    )
    assert not visible_requests(ministry).exists()


def test_auditor_and_approver_see_every_country(auditor, approver, kenya_request, peru_request):
    for user in (auditor, approver):
        assert set(visible_requests(user)) == {kenya_request, peru_request}


def test_auditor_can_change_nothing(auditor):
    changing = [
        p
        for p in auditor.get_all_permissions()
        if not p.split(".")[1].startswith("view_") and p != scoping.SEE_ALL_COUNTRIES
    ]
    assert changing == []


def test_outsider_and_inactive_users_see_nothing(outsider, desk_officer, kenya_request):
    assert not visible_requests(outsider).exists()
    desk_officer.is_active = False
    desk_officer.save()
    assert not visible_requests(desk_officer).exists()


def test_regional_programme_is_visible_from_every_country_it_covers(
    kenya, peru, desk_officer, desk_officer_peru, field_officer_east_africa, focal_point_peru
):
    programme = ProgrammeFactory(
        countries=[kenya, peru], scope=Programme.Scope.GLOBAL, status=Programme.Status.APPROVED
    )
    for user in (desk_officer, desk_officer_peru, field_officer_east_africa, focal_point_peru):
        assert list(visible_programmes(user)) == [programme]


def test_a_desk_officer_has_one_portfolio_holder_per_country(desk_officer, kenya, administrator):
    successor = make_user("do-next", None)
    scoping.set_desk_officer(country=kenya, user=successor, by=administrator)
    holders = get_users_with_perms(kenya, only_with_perms_in=["manage_country"])
    assert list(holders) == [successor]

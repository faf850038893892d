"""The user's scope is read once per request (or task), and never outlives a change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import NeedsAssessment
from requests_app.models import AssistanceRequest
from tcp import scoping
from tcp.scoping import scope_for
from tests.factories import AssistanceRequestFactory, NeedsAssessmentFactory

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status

# The one query that reads where a person works (see tcp.scoping._compute_scope):
# grants on countries, and the countries of the presences worked in.
SCOPE_TABLES = ("tcp_countryuserobjectpermission", "tcp_fieldpresence_countries")


def _page(client, url: str) -> tuple[int, int]:
    """(queries in all, queries reading the scope) for one page."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    scope = [q for q in ctx.captured_queries if all(t in q["sql"] for t in SCOPE_TABLES)]
    return len(ctx), len(scope)


@pytest.mark.parametrize("user", ["desk_officer", "field_officer_east_africa", "focal_point_kenya"])
def test_the_request_page_reads_the_scope_once(client, cast, kenya, user):
    req = AssistanceRequestFactory(
        country=kenya, status=S.UNDER_ASSESSMENT, created_by=cast["focal_point_kenya"]
    )
    client.force_login(cast[user])
    total, scope = _page(client, reverse("requests_app:detail", args=[req.pk]))
    assert scope == 1
    # The whole page: the request, its parts, the buttons of every role's check.
    assert total <= 30


@pytest.mark.parametrize(
    "url_name", ["dashboard", "requests_app:list", "assessments:list", "programmes:list"]
)
def test_each_page_reads_the_scope_once(client, cast, kenya, url_name):
    NeedsAssessmentFactory(request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS)
    client.force_login(cast["desk_officer"])
    _total, scope = _page(client, reverse(url_name))
    assert scope == 1


def test_the_assessment_page_reads_the_scope_once(client, cast, kenya):
    assessment = NeedsAssessmentFactory(
        request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS
    )
    client.force_login(cast["field_officer_east_africa"])
    _total, scope = _page(client, reverse("assessments:detail", args=[assessment.pk]))
    assert scope == 1


def test_a_grant_through_the_scoping_service_is_seen_at_once(
    desk_officer, administrator, kenya, peru
):
    assert scope_for(desk_officer).ohchr == {kenya.pk}
    with CaptureQueriesContext(connection) as ctx:
        scope_for(desk_officer)
    assert len(ctx) == 0, "cached for the rest of the request"
    scoping.set_desk_officer(country=peru, user=desk_officer, by=administrator)
    assert scope_for(desk_officer).ohchr == {kenya.pk, peru.pk}
    scoping.set_desk_officer(country=kenya, user=None, by=administrator)
    assert scope_for(desk_officer).ohchr == {peru.pk}


def test_an_exception_grant_is_seen_at_once(cast, administrator, kenya):
    from assessments.selectors import visible_assessments

    expert = cast["outsider"]
    assessment = NeedsAssessmentFactory(request__country=kenya)
    assert not visible_assessments(expert).exists()
    scoping.grant_exception(
        user=expert, perm="assessments.view_needsassessment", obj=assessment, by=administrator
    )
    assert list(visible_assessments(expert)) == [assessment]
    scoping.revoke_exception(
        user=expert, perm="assessments.view_needsassessment", obj=assessment, by=administrator
    )
    assert not visible_assessments(expert).exists()

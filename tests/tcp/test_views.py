"""The shell: login, dashboard per role, navigation, language, change history."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation
from programmes.models import Programme
from requests_app import services as request_services
from requests_app.models import AssistanceRequest
from tests.factories import (
    AssistanceRequestFactory,
    EvaluationFactory,
    FollowUpActionFactory,
    NeedsAssessmentFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
R = AssistanceRequest.Status


def _blocks(response) -> dict[str, int]:
    return {b.title: b.count for b in response.context["blocks"]}


def _nav(response) -> list[str]:
    return [item.label for item in response.context["nav_items"]]


# --- login and layout ---


def test_login_page_logs_in_and_lands_on_the_dashboard(client, focal_point_kenya, password):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'for="id_username"' in page.content.decode()
    response = client.post(
        reverse("login"), {"username": focal_point_kenya.username, "password": password}
    )
    assert response["Location"] == reverse("dashboard")


def test_wrong_password_shows_an_error(client, focal_point_kenya):
    response = client.post(
        reverse("login"), {"username": focal_point_kenya.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get(reverse("requests_app:list"))
    assert response["Location"] == f"{reverse('login')}?next={reverse('requests_app:list')}"


def test_layout_has_landmarks_skip_link_and_user(client, desk_officer):
    client.force_login(desk_officer)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert '<nav class="main-nav" aria-label="Main">' in page
    assert str(desk_officer) in page
    assert "Desk officer" in page
    assert f'action="{reverse("logout")}" method="post"' in page
    assert 'dir="ltr"' in page


_PAGES = [
    "dashboard",
    "history",
    "requests_app:list",
    "assessments:list",
    "programmes:list",
    "evaluations:list",
    "evaluations:follow_up_list",
    "password_change",
]


def test_pages_carry_no_inline_script_or_style(client, cast, kenya):
    """CSP allows scripts and styles from our static files only."""
    req = AssistanceRequestFactory(country=kenya, status=R.UNDER_ASSESSMENT)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    pages = [(None, reverse("login"))]
    pages += [(superuser, reverse(name)) for name in _PAGES]
    pages += [
        (superuser, reverse("requests_app:detail", args=[req.pk])),
        (cast["focal_point_kenya"], reverse("requests_app:create")),
        (cast["approver"], reverse("requests_app:detail", args=[req.pk])),
        (cast["outsider"], reverse("history")),  # the 403 page
        (cast["outsider"], "/nowhere/"),  # the 404 page
    ]
    for user, url in pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        page = response.content.decode()
        assert "<!doctype html>" in page, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "<style" not in page, url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url  # no inline event handlers


def test_arabic_turns_the_page_right_to_left(client, auditor):
    client.force_login(auditor)
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr" dir="ltr">' in client.get(reverse("dashboard")).content.decode()


def test_language_switcher_works_before_login(client):
    client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    assert '<html lang="es" dir="ltr">' in client.get(reverse("login")).content.decode()


# --- navigation ---


def test_navigation_follows_permissions(client, cast):
    client.force_login(cast["focal_point_kenya"])
    assert _nav(client.get(reverse("dashboard"))) == [
        "Dashboard",
        "Requests",
        "Recommendations",
        "Assessments",
        "Programmes",
        "Activities",
        "Evaluations",
        "Follow-up actions",
        "Figures",
    ]
    client.force_login(cast["auditor"])
    assert "History" in _nav(client.get(reverse("dashboard")))
    admin = cast["administrator"]
    client.force_login(admin)
    everything = [
        "Dashboard",
        "Requests",
        "Recommendations",
        "Assessments",
        "Programmes",
        "Activities",
        "Evaluations",
    ]
    assert _nav(client.get(reverse("dashboard")))[:7] == everything
    assert "Admin" not in _nav(client.get(reverse("dashboard")))
    admin.is_staff = True
    admin.save()
    assert _nav(client.get(reverse("dashboard")))[-3:] == ["History", "Access log", "Admin"]
    client.force_login(cast["outsider"])
    assert _nav(client.get(reverse("dashboard"))) == ["Dashboard"]


def test_navigation_marks_the_current_section(client, desk_officer):
    client.force_login(desk_officer)
    response = client.get(reverse("evaluations:follow_up_list"))
    current = [item.label for item in response.context["nav_items"] if item.current]
    assert current == ["Follow-up actions"]
    response = client.get(reverse("evaluations:list"))
    assert [item.label for item in response.context["nav_items"] if item.current] == ["Evaluations"]


# --- dashboard per role ---


def test_focal_point_dashboard(client, focal_point_kenya, kenya, peru):
    AssistanceRequestFactory(country=kenya)
    AssistanceRequestFactory(country=peru)  # another State's draft
    AssistanceRequestFactory(country=kenya, status=R.INFORMATION_REQUESTED)
    ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED)
    ProgrammeFactory(countries=[kenya], status=Programme.Status.DRAFTING)  # internal
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        programme__status=Programme.Status.IN_IMPLEMENTATION,
        status=Evaluation.Status.ACCEPTED,
    )
    FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    FollowUpActionFactory(evaluation=evaluation)  # OHCHR's own
    # Not yet accepted: the government does not see the action yet.
    FollowUpActionFactory(evaluation__programme__countries=[kenya], responsible_state=kenya)
    client.force_login(focal_point_kenya)
    response = client.get(reverse("dashboard"))
    assert _blocks(response) == {
        "Your drafts": 1,
        "Requests awaiting your answer": 1,
        "Programmes awaiting your acceptance": 1,
        "Follow-up actions assigned to your government": 1,
        # Its State's records: the requests with OHCHR (the draft and the question
        # are above), the programmes shared with it (approved onwards: not the
        # draft), the assessments shared with it.
        "Your requests with OHCHR": 0,
        "Your State's programmes": 2,
        "Needs assessments shared with your State": 0,
    }


def test_desk_officer_dashboard(client, desk_officer, kenya, peru):
    AssistanceRequestFactory(country=kenya, status=R.SUBMITTED)
    AssistanceRequestFactory(country=peru, status=R.SUBMITTED)  # not in the portfolio
    AssistanceRequestFactory(country=kenya, status=R.UNDER_ASSESSMENT)
    NeedsAssessmentFactory(request__country=kenya, status=NeedsAssessment.Status.FINDINGS_SUBMITTED)
    NeedsAssessmentFactory(request__country=kenya, due_date=datetime.date(2020, 1, 1))
    NeedsAssessmentFactory(
        request__country=kenya,
        due_date=datetime.date(2020, 1, 1),
        status=NeedsAssessment.Status.VALIDATED,  # past due but done
    )
    ProgrammeFactory(countries=[kenya])
    client.force_login(desk_officer)
    response = client.get(reverse("dashboard"))
    assert _blocks(response) == {
        "Submitted requests to acknowledge": 1,
        "Requests being screened": 1,
        "Findings to validate": 1,
        "Overdue assessments": 1,
        "Validated assessments with no programme yet": 1,
        "Programmes in drafting": 1,
        "Accepted by the government: start implementation": 0,
        "Evaluations to conduct": 0,
        "Recommendations awaiting a management response": 0,
        "Follow-up actions to verify": 0,
        "Overdue follow-up actions": 0,
        "Accepted requests awaiting a needs assessment": 0,
        "Questions awaiting the government's answer": 0,
        "Programmes awaiting the government's acceptance": 0,
        "Follow-up actions with governments": 0,
    }
    submitted = AssistanceRequest.objects.get(country=kenya, status=R.SUBMITTED)
    assert reverse("requests_app:detail", args=[submitted.pk]) in response.content.decode()


def test_approver_dashboard(client, approver, kenya, peru):
    AssistanceRequestFactory(country=kenya, status=R.UNDER_ASSESSMENT)
    AssistanceRequestFactory(country=peru, status=R.UNDER_ASSESSMENT)
    ProgrammeFactory(countries=[peru], status=Programme.Status.UNDER_REVIEW)
    EvaluationFactory(programme__countries=[kenya], status=Evaluation.Status.SUBMITTED)
    client.force_login(approver)
    assert _blocks(client.get(reverse("dashboard"))) == {
        "Requests to decide": 2,
        "Programmes under review": 1,
        "Overspending awaiting your decision": 0,
        "Amendments to approve": 0,
        "Evaluation reports to accept": 1,
        "Recommendations awaiting a management response": 0,
        "Questions awaiting the government's answer": 0,
        "Programmes awaiting the government's acceptance": 0,
        "Follow-up actions with governments": 0,
    }


def test_field_officer_dashboard(client, field_officer_east_africa, kenya, peru):
    NeedsAssessmentFactory(request__country=kenya)
    NeedsAssessmentFactory(request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS)
    NeedsAssessmentFactory(request__country=peru)
    EvaluationFactory(programme__countries=[kenya], status=Evaluation.Status.IN_PROGRESS)
    client.force_login(field_officer_east_africa)
    assert _blocks(client.get(reverse("dashboard"))) == {
        "Assessments of your countries": 2,
        "Evaluations to conduct": 1,
        "Questions awaiting the government's answer": 0,
        "Programmes awaiting the government's acceptance": 0,
        "Follow-up actions with governments": 0,
    }


def test_dashboard_lists_at_most_ten_and_links_to_all(client, desk_officer, kenya):
    for _ in range(12):
        AssistanceRequestFactory(country=kenya, status=R.SUBMITTED, complete=False)
    client.force_login(desk_officer)
    response = client.get(reverse("dashboard"))
    [submitted] = [b for b in response.context["blocks"] if b.count]
    assert submitted.count == 12
    assert len(submitted.rows) == 10
    assert "See all 12" in response.content.decode()


def test_auditor_dashboard_shows_recent_status_changes(client, cast, kenya):
    for _ in range(22):
        req = AssistanceRequestFactory(country=kenya, created_by=cast["focal_point_kenya"])
        request_services.submit_request(req=req, by=cast["focal_point_kenya"])
    client.force_login(cast["auditor"])
    response = client.get(reverse("dashboard"))
    assert len(response.context["recent_changes"]) == 20
    assert reverse("history") in response.content.decode()


def test_administrator_dashboard_shows_counts_and_admin_link(client, administrator, kenya):
    AssistanceRequestFactory(country=kenya, status=R.SUBMITTED)
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    response = client.get(reverse("dashboard"))
    counts = dict(response.context["admin_counts"])
    assert counts["Countries"] == 249
    assert counts["Requests"] == 1
    assert reverse("admin:index") in response.content.decode()


def test_outsider_dashboard_explains_there_is_no_role(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("dashboard"))
    assert response.context["blocks"] == []
    assert "You have no role yet" in response.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "user",
    ["desk_officer", "focal_point_kenya", "approver", "auditor", "field_officer_east_africa"],
)
def test_dashboard_query_count_does_not_grow_with_records(client, cast, kenya, user):
    """Every block of every section, ages included, costs the same at any size."""
    fp = cast["focal_point_kenya"]

    def make(n: int) -> None:
        for _ in range(n):
            AssistanceRequestFactory(country=kenya, created_by=fp)
            AssistanceRequestFactory(country=kenya, status=R.INFORMATION_REQUESTED)
            req = AssistanceRequestFactory(country=kenya, created_by=fp, complete=True)
            request_services.submit_request(req=req, by=fp)
            AssistanceRequestFactory(country=kenya, status=R.UNDER_ASSESSMENT)
            AssistanceRequestFactory(country=kenya, status=R.ACCEPTED)  # to plan
            NeedsAssessmentFactory(request__country=kenya, due_date=datetime.date(2020, 1, 1))
            NeedsAssessmentFactory(request__country=kenya, status=NeedsAssessment.Status.SHARED)
            ProgrammeFactory(countries=[kenya], status=Programme.Status.APPROVED)
            ProgrammeFactory(countries=[kenya], status=Programme.Status.UNDER_REVIEW)
            ProgrammeFactory(countries=[kenya], status=Programme.Status.IN_IMPLEMENTATION)
            FollowUpActionFactory(
                evaluation__programme__countries=[kenya],
                evaluation__status=Evaluation.Status.ACCEPTED,
                responsible_state=kenya,
                due_date=datetime.date(2020, 1, 1),
            )

    client.force_login(cast[user])
    make(2)
    client.get(reverse("dashboard"))
    few = _queries(client, reverse("dashboard"))
    make(12)
    assert _queries(client, reverse("dashboard")) == few

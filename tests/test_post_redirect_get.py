"""A successful POST answers a redirect (Post/Redirect/Get).

Refreshing the page a form led to never posts it again: no second draft, no
second message. ``tests.prg.PostRedirectGetMiddleware`` checks every POST the
whole suite makes (a POST that kept a change and answered a page fails its
test); these tests show the rule on the main create and edit pages, and that
the check itself catches what it is meant to.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Consultation, Finding, NeedsAssessment
from programmes.models import Component
from requests_app.models import AssistanceRequest, Message
from tcp.history import acting_as
from tcp.models import ThematicArea
from tests.assessments.test_views import _consultation_data, _finding_data
from tests.factories import AssistanceRequestFactory, NeedsAssessmentFactory, ProgrammeFactory
from tests.files import ELF_BYTES, upload
from tests.prg import PostRedirectGetMiddleware
from tests.programmes.test_parts import _component_data
from tests.requests_app.test_views import _form_data

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def test_creating_a_request_redirects_and_a_refresh_makes_no_second_draft(
    client, focal_point_kenya
):
    client.force_login(focal_point_kenya)
    response = client.post(reverse("requests_app:create"), _form_data())
    assert response.status_code == 302
    req = AssistanceRequest.objects.get()
    assert response["Location"] == reverse("requests_app:edit", args=[req.pk])
    # The page the browser shows is a GET: refreshing it, twice, posts nothing.
    for _refresh in range(2):
        assert client.get(response["Location"]).status_code == 200
    assert AssistanceRequest.objects.count() == 1


def test_a_new_draft_saved_with_a_refused_file_redirects_too(client, focal_point_kenya):
    """Saved, but a file refused: the reason is shown on the draft's own form after
    a redirect (the page at /requests/new/ would post a second draft if refreshed)."""
    client.force_login(focal_point_kenya)
    data = {**_form_data(), "letter": upload("letter.pdf", ELF_BYTES)}
    response = client.post(reverse("requests_app:create"), data)
    req = AssistanceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:edit", args=[req.pk])
    page = client.get(response["Location"])
    assert "not one of the accepted types" in page.context["upload_errors"]["letter"][0]
    assert 'href="#id_letter"' in page.content.decode()
    assert page.context["form"]["title"].value() == _form_data()["title"]
    # Said once: a refresh shows the draft as saved, and no second draft.
    assert client.get(response["Location"]).context["upload_errors"]["letter"] == []
    assert AssistanceRequest.objects.count() == 1


def _request_edit(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    req = AssistanceRequestFactory(country=kenya, created_by=users["focal_point_kenya"])
    url = reverse("requests_app:edit", args=[req.pk])
    return url, _form_data(title="Renamed draft"), AssistanceRequest.objects.all()


def _message(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    req = AssistanceRequestFactory(
        country=kenya, created_by=users["focal_point_kenya"], status=S.SUBMITTED
    )
    url = reverse("requests_app:message_post", args=[req.pk])
    return url, {"body": "When can we expect an answer?"}, Message.objects.all()


def _plan(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    req = AssistanceRequestFactory(country=kenya, status=S.ACCEPTED)
    data = {
        "title": "Needs of the national preventive mechanism",
        "mode": "mission",
        "mission_start": "2027-02-01",
        "mission_end": "2027-02-10",
        "due_date": "2027-03-01",
    }
    return reverse("assessments:plan", args=[req.pk]), data, NeedsAssessment.objects.all()


def _in_progress(kenya: Any) -> NeedsAssessment:
    return NeedsAssessmentFactory(request__country=kenya, status=NeedsAssessment.Status.IN_PROGRESS)


def _consultation(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    assessment = _in_progress(kenya)
    url = reverse("assessments:consultation_add", args=[assessment.pk])
    return url, _consultation_data(), Consultation.objects.all()


def _finding(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    assessment = _in_progress(kenya)
    url = reverse("assessments:finding_add", args=[assessment.pk])
    return url, _finding_data(), Finding.objects.all()


def _component(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    programme = ProgrammeFactory(countries=[kenya])
    url = reverse("programmes:component_add", args=[programme.pk])
    return url, _component_data(), Component.objects.all()


def _component_edit(kenya: Any, users: dict[str, Any]) -> tuple[str, dict, Any]:
    programme = ProgrammeFactory(countries=[kenya])
    component = Component.objects.create(
        programme=programme, thematic_area=ThematicArea.objects.first(), title="First title"
    )
    url = reverse("programmes:component_edit", args=[component.pk])
    return url, _component_data(title="Second title"), Component.objects.all()


# (id, who posts, what makes the URL, the data and what a POST adds to, how many it adds)
PAGES = [
    ("request-edit", "focal_point_kenya", _request_edit, 0),
    ("request-message", "focal_point_kenya", _message, 1),
    ("assessment-plan", "desk_officer", _plan, 1),
    ("consultation-add", "field_officer_east_africa", _consultation, 1),
    ("finding-add", "field_officer_east_africa", _finding, 1),
    ("component-add", "desk_officer", _component, 1),
    ("component-edit", "desk_officer", _component_edit, 0),
]


@pytest.mark.parametrize(
    ("who", "make", "added"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES]
)
def test_a_successful_post_redirects_and_a_refresh_adds_nothing(
    client, cast, kenya, who, make, added
):
    url, data, records = make(kenya, cast)
    before = records.count()
    client.force_login(cast[who])
    response = client.post(url, data)
    assert response.status_code == 302
    assert records.count() == before + added
    assert client.get(response["Location"]).status_code == 200
    assert client.get(response["Location"]).status_code == 200
    assert records.count() == before + added


# --- the check every POST of the suite goes through ---


def _post(view: Any) -> HttpResponse:
    request = RequestFactory().post("/somewhere/")
    return PostRedirectGetMiddleware(view)(request)


def test_the_check_fails_a_post_that_changed_a_record_and_rendered_a_page(administrator):
    def renders(request: Any) -> HttpResponse:
        with acting_as(administrator):
            ThematicArea.objects.create(code="prg-check", name="Checked")
        return HttpResponse("a page")

    with pytest.raises(AssertionError, match="/somewhere/ changed records"):
        _post(renders)


def test_the_check_lets_a_redirect_and_a_refused_write_through(administrator):
    def redirects(request: Any) -> HttpResponse:
        with acting_as(administrator):
            ThematicArea.objects.create(code="prg-redirect", name="Redirected")
        return HttpResponseRedirect("/")

    def refused(request: Any) -> HttpResponse:
        # Written, then rolled back with its refusal: the form comes back as typed.
        try:
            with transaction.atomic(), acting_as(administrator):
                ThematicArea.objects.create(code="prg-refused", name="Refused")
                raise ValueError("refused")
        except ValueError:
            pass
        return HttpResponse("the form again, with its errors")

    assert _post(redirects).status_code == 302
    assert _post(refused).status_code == 200

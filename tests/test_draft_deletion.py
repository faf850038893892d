"""A draft is deleted before it is ever sent: a request by its State's focal point,
a programme never submitted for review by those who draft it.

Asked on a page of its own (works without JavaScript), done through a service
that locks the record and checks its state again, recorded in history and in
the change log with the person who deleted it, then back to the list.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes import services as programme_services
from programmes.models import Component, Programme
from requests_app import services as request_services
from requests_app.models import AssistanceRequest, RequestDocument
from tcp.lifecycle import TransitionRefused
from tcp.models import ChangeEvent
from tests.factories import (
    AssistanceRequestFactory,
    BudgetLineFactory,
    ComponentFactory,
    FollowUpActionFactory,
    IndicatorFactory,
    ProgrammeFactory,
)
from tests.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def _draft(kenya, focal_point):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point, complete=False)
    document = request_services.attach_document(
        req=req, file=upload("letter.pdf", PDF_BYTES), by=focal_point
    )
    return req, document


# --- a request's draft ---


def test_the_focal_point_deletes_a_draft_after_confirming(
    client, focal_point_kenya, kenya, django_capture_on_commit_callbacks
):
    req, document = _draft(kenya, focal_point_kenya)
    stored = document.file.name
    storage = document.file.storage
    client.force_login(focal_point_kenya)

    # The button on the draft's page and on its form leads to the question.
    url = reverse("requests_app:delete", args=[req.pk])
    assert f'href="{url}"' in client.get(req.get_absolute_url()).content.decode()
    form = client.get(reverse("requests_app:edit", args=[req.pk])).content.decode()
    assert f'href="{url}?from=edit"' in form
    page = client.get(url).content.decode()
    assert "Delete this draft?" in page and req.reference in page
    assert "This cannot be undone." in page and "Yes, delete this draft" in page
    assert f'href="{req.get_absolute_url()}"' in page  # "No, go back"
    assert "Yes, delete this draft" in client.post(url).content.decode()  # not confirmed
    assert AssistanceRequest.objects.filter(pk=req.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:list")
    assert not AssistanceRequest.objects.filter(pk=req.pk).exists()
    assert not RequestDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(stored)
    # History keeps the draft and its deletion, naming who deleted it.
    deletion = AssistanceRequest.history.get(id=req.pk, history_type="-")
    assert deletion.history_user == focal_point_kenya
    line = ChangeEvent.objects.get(model="requests_app.assistancerequest", history_id=deletion.pk)
    assert (line.action, line.user) == (ChangeEvent.Action.DELETED, focal_point_kenya)
    # The list says so.
    listing = client.get(response["Location"]).content.decode()
    assert f"Draft {req.reference} deleted." in listing


def test_a_request_sent_to_ohchr_is_not_deleted(client, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, status=S.SUBMITTED)
    client.force_login(focal_point_kenya)
    assert "Delete this draft" not in client.get(req.get_absolute_url()).content.decode()
    url = reverse("requests_app:delete", args=[req.pk])
    for response in (client.get(url), client.post(url, {"confirmed": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == req.get_absolute_url()
    assert AssistanceRequest.objects.filter(pk=req.pk).exists()


def test_a_draft_submitted_meanwhile_is_not_deleted(focal_point_kenya, kenya):
    """The service checks the state again on the locked row."""
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    stale = AssistanceRequest.objects.get(pk=req.pk)
    request_services.submit_request(req=req, by=focal_point_kenya)
    with pytest.raises(TransitionRefused, match="Only a draft"):
        request_services.delete_draft(req=stale, by=focal_point_kenya)
    assert AssistanceRequest.objects.filter(pk=req.pk).exists()


def test_a_draft_started_from_a_follow_up_action_frees_it(focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    action = FollowUpActionFactory(evaluation__programme__countries=[kenya], request=req)
    request_services.delete_draft(req=req, by=focal_point_kenya)
    action.refresh_from_db()
    assert action.request is None
    assert action.history.first().history_user == focal_point_kenya


def test_only_the_focal_point_of_the_state_deletes_its_draft(
    client, focal_point_peru, desk_officer, kenya, focal_point_kenya
):
    req = AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya)
    url = reverse("requests_app:delete", args=[req.pk])
    client.force_login(focal_point_peru)
    assert client.post(url, {"confirmed": "yes"}).status_code == 404
    client.force_login(desk_officer)
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    assert AssistanceRequest.objects.filter(pk=req.pk).exists()


# --- a programme still in drafting ---


def _drafting(kenya):
    programme = ProgrammeFactory(countries=[kenya])
    component = ComponentFactory(programme=programme)
    IndicatorFactory(component=component)
    BudgetLineFactory(programme=programme, component=component)
    return programme


def test_the_desk_officer_deletes_a_programme_never_submitted(client, desk_officer, kenya):
    programme = _drafting(kenya)
    client.force_login(desk_officer)
    url = reverse("programmes:delete", args=[programme.pk])
    assert f'href="{url}"' in client.get(programme.get_absolute_url()).content.decode()
    edit = client.get(reverse("programmes:edit", args=[programme.pk])).content.decode()
    assert f'href="{url}?from=edit"' in edit
    page = client.get(url).content.decode()
    assert programme.reference in page and "This cannot be undone." in page

    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("programmes:list")
    assert not Programme.objects.filter(pk=programme.pk).exists()
    assert not Component.objects.filter(programme_id=programme.pk).exists()
    deletion = Programme.history.get(id=programme.pk, history_type="-")
    assert deletion.history_user == desk_officer
    lines = ChangeEvent.objects.filter(action=ChangeEvent.Action.DELETED, user=desk_officer)
    assert {line.model for line in lines} >= {
        "programmes.programme",
        "programmes.component",
        "programmes.indicator",
        "programmes.budgetline",
    }
    # A programme is not a State's private draft: the change log shows its deletion.
    assert not lines.filter(private=True).exists()


def test_a_programme_once_submitted_for_review_is_cancelled_not_deleted(
    client, desk_officer, approver, kenya
):
    programme = _drafting(kenya)
    programme_services.transition_programme(
        programme=programme, action="submit_for_review", by=desk_officer
    )
    programme_services.transition_programme(
        programme=programme, action="return_to_drafting", by=approver, note="Add indicators."
    )
    client.force_login(desk_officer)
    assert "Delete this draft" not in client.get(programme.get_absolute_url()).content.decode()
    response = client.post(reverse("programmes:delete", args=[programme.pk]), {"confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert Programme.objects.filter(pk=programme.pk).exists()
    assert programme_services.delete_refusal(programme=programme, user=desk_officer)


def test_who_may_not_draft_the_programme_may_not_delete_it(
    client, approver, desk_officer_peru, kenya
):
    programme = _drafting(kenya)
    url = reverse("programmes:delete", args=[programme.pk])
    client.force_login(approver)
    assert client.get(url).status_code == 403
    client.force_login(desk_officer_peru)
    assert client.get(url).status_code == 404
    assert Programme.objects.filter(pk=programme.pk).exists()

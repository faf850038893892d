"""Evaluation and follow-up pages: lists, details, transitions, the government's view."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import Evaluation, FollowUpAction
from tests.factories import EvaluationFactory, FollowUpActionFactory

pytestmark = pytest.mark.django_db
S = Evaluation.Status
F = FollowUpAction.Status


def _refs(response) -> list[str]:
    return [e.reference for e in response.context["page_obj"].object_list]


def test_list_filters_and_sorts(client, desk_officer, kenya):
    first = EvaluationFactory(programme__countries=[kenya], due_date=datetime.date(2027, 1, 1))
    second = EvaluationFactory(
        programme__countries=[kenya],
        due_date=datetime.date(2027, 6, 1),
        status=S.SUBMITTED,
        programme__title="Justice reform",
    )
    client.force_login(desk_officer)
    url = reverse("evaluations:list")
    assert _refs(client.get(url)) == [first.reference, second.reference]
    assert _refs(client.get(url, {"sort": "-due"})) == [second.reference, first.reference]
    assert _refs(client.get(url, {"status": S.SUBMITTED})) == [second.reference]
    assert _refs(client.get(url, {"q": "justice"})) == [second.reference]
    assert _refs(client.get(url, {"country": kenya.pk})) == [first.reference, second.reference]


def test_detail_shows_follow_up_actions_with_their_buttons(client, desk_officer, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED)
    action = FollowUpActionFactory(evaluation=evaluation, description="Adopt the action plan")
    client.force_login(desk_officer)
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert "Adopt the action plan" in response.content.decode()
    [(shown, actions)] = response.context["follow_ups"]
    assert shown == action
    assert [t.action for t in actions.available] == ["start", "drop"]


def test_government_sees_only_the_actions_assigned_to_it(client, focal_point_kenya, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED)
    FollowUpActionFactory(evaluation=evaluation, description="OHCHR internal action")
    mine = FollowUpActionFactory(
        evaluation=evaluation, description="Government action", responsible_state=kenya
    )
    client.force_login(focal_point_kenya)
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert [a for a, _actions in response.context["follow_ups"]] == [mine]
    assert "OHCHR internal action" not in response.content.decode()
    listed = client.get(reverse("evaluations:follow_up_list"))
    assert list(listed.context["page_obj"].object_list) == [mine]


def test_focal_point_starts_an_action_from_the_evaluation_page(client, focal_point_kenya, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.ACCEPTED)
    action = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    client.force_login(focal_point_kenya)
    evaluation_url = reverse("evaluations:detail", args=[evaluation.pk])
    response = client.post(
        reverse("evaluations:follow_up_transition", args=[action.pk]),
        {"action": "start", "next": evaluation_url},
    )
    assert response["Location"] == (
        reverse("evaluations:detail", args=[evaluation.pk]) + f"#follow-up-{action.pk}"
    )
    action.refresh_from_db()
    assert action.status == F.IN_PROGRESS
    # Verifying as done is OHCHR's.
    response = client.post(
        reverse("evaluations:follow_up_transition", args=[action.pk]),
        {"action": "verify_done"},
        follow=True,
    )
    action.refresh_from_db()
    assert action.status == F.IN_PROGRESS
    assert "needs the permission" in response.content.decode()


def test_an_action_reaches_the_government_only_once_the_evaluation_is_accepted(
    client, focal_point_kenya, kenya
):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SUBMITTED)
    action = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    client.force_login(focal_point_kenya)
    url = reverse("evaluations:follow_up_detail", args=[action.pk])
    assert client.get(url).status_code == 404
    assert list(client.get(reverse("evaluations:follow_up_list")).context["page_obj"]) == []
    evaluation.status = S.ACCEPTED
    evaluation.save()
    evaluation.shared_with.set([kenya])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["evaluation_link"] == evaluation


def test_the_follow_up_pages_name_no_programme_the_government_cannot_open(
    client, focal_point_kenya, kenya
):
    """The programme was cancelled after the evaluation: the government no longer
    opens it, so neither the action's page nor the list prints its title."""
    from programmes.models import Programme

    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        programme__title="A programme the government cannot open",
        programme__status=Programme.Status.IN_IMPLEMENTATION,
        status=S.ACCEPTED,
    )
    action = FollowUpActionFactory(evaluation=evaluation, responsible_state=kenya)
    client.force_login(focal_point_kenya)
    page = client.get(reverse("evaluations:follow_up_detail", args=[action.pk]))
    assert "A programme the government cannot open" in page.content.decode()
    Programme.objects.filter(pk=evaluation.programme_id).update(status=Programme.Status.CANCELLED)
    # Its evaluation is no longer shared either (its parent is not), so neither is the action.
    assert client.get(reverse("evaluations:follow_up_detail", args=[action.pk])).status_code == 404


def test_approver_accepts_a_submitted_report(client, approver, kenya):
    evaluation = EvaluationFactory(programme__countries=[kenya], status=S.SUBMITTED, summary="ok")
    client.force_login(approver)
    client.post(reverse("evaluations:transition", args=[evaluation.pk]), {"action": "accept"})
    evaluation.refresh_from_db()
    assert evaluation.status == S.ACCEPTED


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url_name", ["evaluations:list", "evaluations:follow_up_list"])
@pytest.mark.parametrize("user", ["desk_officer", "focal_point_kenya", "auditor"])
def test_list_query_count_does_not_grow_with_rows(client, cast, kenya, user, url_name):
    client.force_login(cast[user])
    url = reverse(url_name)
    client.get(url)

    def make(n: int) -> None:
        for _ in range(n):
            FollowUpActionFactory(
                evaluation__programme__countries=[kenya],
                evaluation__status=S.ACCEPTED,
                responsible_state=kenya,
            )

    make(5)
    few = _queries(client, url)
    make(45)
    assert _queries(client, url) == few

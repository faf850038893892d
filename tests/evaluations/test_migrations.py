"""The data steps of the follow-up plan's migration, run on rows as the earlier
lifecycle left them: an action "done" was one OHCHR had verified."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from evaluations.models import Evaluation, EvaluationCriterion, FollowUpAction
from tcp.history import untracked
from tcp.models import StatusChange
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "evaluations.migrations.0004_rating_scales_and_follow_up_statuses"
)


def test_an_action_done_before_is_verified_at_the_time_of_its_verification(desk_officer, kenya):
    action = FollowUpActionFactory(
        evaluation__programme__countries=[kenya], evaluation__status=Evaluation.Status.ACCEPTED
    )
    # As the earlier lifecycle left it: "verify_done" took it straight to "done".
    FollowUpAction.objects.filter(pk=action.pk).update(status="done")
    event = StatusChange.objects.create(
        content_type=apps.get_model("contenttypes", "ContentType").objects.get_for_model(
            FollowUpAction
        ),
        object_id=action.pk,
        action="verify_done",
        from_status="in_progress",
        to_status="done",
        by=desk_officer,
    )
    running = FollowUpActionFactory(evaluation=action.evaluation, status="in_progress")
    # A data migration writes without history (on the real registry here).
    with untracked():
        migration.move_follow_up_statuses(apps, None)
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.VERIFIED
    assert action.verified_at == action.done_at == event.at
    running.refresh_from_db()
    assert (running.status, running.done_at) == ("in_progress", None)


def test_the_reference_data_loads_once_whatever_the_runs(db):
    before = list(EvaluationCriterion.objects.values_list("code", "scale__code", "sort_order"))
    migration.load_reference_data(apps, None)
    assert list(EvaluationCriterion.objects.values_list("code", "scale__code", "sort_order")) == (
        before
    )
    assert len(before) == 6

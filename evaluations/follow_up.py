"""Every write to a follow-up plan's actions: adding them under a recommendation, the
responsible party's progress (with evidence), their lifecycle, and the new request
an action may start.

An action is carried out by an OHCHR unit or staff member, or by the
government of a State the programme covers. The responsible party reports
progress and, when it is done, says so; OHCHR verifies it as adequate or
reopens it with a comment (which the government reads when the action is its
own), or drops it with a reason. A government reaches only the actions
assigned to its own State, once the evaluation is accepted and shared with it
(``visible_follow_up_actions``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from evaluations.models import (
    Evaluation,
    EvaluationRecommendation,
    FollowUpAction,
    FollowUpEvidence,
    FollowUpProgress,
)
from evaluations.selectors import (
    audience,
    evaluation_in_scope,
    follow_up_action_in_scope,
    invited_to,
    responsible_staff,
)
from programmes.models import Component
from programmes.selectors import country_ids
from requests_app.models import AssistanceRequest
from requests_app.services import create_request, creation_refusal
from tcp.documents import Visibility, store_upload
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import ThematicArea
from tcp.roles import Role

F = FollowUpAction.Status
E = Evaluation.Status
R = EvaluationRecommendation.Response
ADD = "evaluations.add_followupaction"
CHANGE = "evaluations.change_followupaction"
VERIFY = "evaluations.verify_followupaction"

# The responsible party works on an action while it is open or in progress.
WORKING = (F.OPEN, F.IN_PROGRESS)


def _evaluation_accepted(action: FollowUpAction) -> list[str]:
    """The plan is carried out once OHCHR has accepted the evaluation."""
    return [] if action.evaluation.status == E.ACCEPTED else [_("the evaluation accepted")]


def _has_progress(action: FollowUpAction) -> list[str]:
    if action.progress_updates.exists():
        return []
    return [_("a progress update saying what was done")]


def _responsible_party(action: FollowUpAction, t: Transition) -> list[str] | None:
    """Progress is the responsible party's to report: the government of the State the
    action is assigned to, else OHCHR's staff (OHCHR verifies in either case)."""
    if t.permission != CHANGE:
        return None
    if action.responsible_state_id:
        return [Role.FOCAL_POINT]
    return [Role.DESK_OFFICER, Role.FIELD_OFFICER]


FOLLOW_UP_LIFECYCLE = Lifecycle(
    model=FollowUpAction,
    # A government reaches only the actions assigned to its own State, once shared.
    in_scope=lambda action, user: follow_up_action_in_scope(action, user),
    countries_of=lambda a: country_ids(a.evaluation.programme),
    takers=_responsible_party,
    transitions=[
        Transition(
            "start",
            _l("Start"),
            (F.OPEN,),
            F.IN_PROGRESS,
            CHANGE,
            preconditions=(_evaluation_accepted,),
            # The responsible party's own steps: a government reads them on its actions.
            shared=True,
        ),
        Transition(
            "report_done",
            _l("Report as done"),
            (F.IN_PROGRESS,),
            F.DONE,
            CHANGE,
            preconditions=(_evaluation_accepted, _has_progress),
            stamps=("done_at",),
            shared=True,
        ),
        Transition(
            "verify_done",
            _l("Verify as adequate"),
            (F.DONE,),
            F.VERIFIED,
            VERIFY,
            stamps=("verified_at",),
            inform_government=True,
            irreversible=True,
        ),
        Transition(
            "reopen",
            _l("Reopen"),
            (F.DONE,),
            F.IN_PROGRESS,
            VERIFY,
            note_required=True,
            note_label=_l("what is still missing"),
            # The government reads why its action came back to it.
            note_shared=True,
            inform_government=True,
        ),
        Transition(
            "drop",
            _l("Drop"),
            (F.OPEN, F.IN_PROGRESS, F.DONE),
            F.DROPPED,
            VERIFY,
            note_required=True,
            note_label=_l("why the action is dropped"),
            note_shared=True,
            dangerous=True,
            irreversible=True,
            inform_government=True,
        ),
    ],
)


def perform_follow_up(action: FollowUpAction, name: str, *, by: Any, note: str = ""):
    """Any transition of the action by name (the transition view's entry). Reopening
    clears the time it was reported done: it is not done any more."""
    changes = {"done_at": None} if name == "reopen" else None
    return FOLLOW_UP_LIFECYCLE.apply(action, name, by=by, note=note, changes=changes)


def transition_follow_up(*, action: FollowUpAction, name: str, by: Any, note: str = ""):
    return perform_follow_up(action, name, by=by, note=note)


# --- the plan: actions under the recommendations ---


def follow_up_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """The follow-up plan is OHCHR's: the desk officer of the programme adds its actions."""
    if not user.has_perm(ADD) or not evaluation_in_scope(evaluation, user):
        return _("Adding a follow-up action needs the desk officer.")
    if not audience(evaluation, user).internal or evaluation.pk in invited_to(user):
        return _("Adding a follow-up action needs the desk officer.")
    if evaluation.status == E.DROPPED:
        return _("A dropped evaluation has no follow-up.")
    return None


def action_refusal(*, recommendation: EvaluationRecommendation, user: Any) -> str | None:
    """Actions follow a recommendation OHCHR agreed with, fully or in part."""
    plan = follow_up_refusal(evaluation=recommendation.evaluation, user=user)
    return _answered_refusal(recommendation, plan)


def action_refusals(
    *, evaluation: Evaluation, recommendations: Iterable[EvaluationRecommendation], user: Any
) -> dict[int, str | None]:
    """``action_refusal`` for each of the evaluation's recommendations, with the
    evaluation's own check made once (one page, any number of recommendations)."""
    plan = follow_up_refusal(evaluation=evaluation, user=user)
    return {r.pk: _answered_refusal(r, plan) for r in recommendations}


def _answered_refusal(recommendation: EvaluationRecommendation, plan: str | None) -> str | None:
    if plan is not None:
        return plan
    if not recommendation.response:
        return _("Actions follow OHCHR's management response to the recommendation.")
    if recommendation.response == R.DISAGREE:
        return _("OHCHR disagreed with this recommendation: no action follows from it.")
    return None


def add_follow_up_action(
    *,
    by: Any,
    evaluation: Evaluation | None = None,
    recommendation: EvaluationRecommendation | None = None,
    **fields: Any,
) -> FollowUpAction:
    """An action of the plan, under ``recommendation`` (or, without one, of the
    evaluation as a whole), with its responsible party and due date."""
    if recommendation is not None:
        evaluation = recommendation.evaluation

        def refusal(e: Evaluation) -> str | None:
            # Judged on the locked row: the evaluation as committed, not as read.
            recommendation.refresh_from_db(fields=["response"])
            return _answered_refusal(recommendation, follow_up_refusal(evaluation=e, user=by))

    else:
        if evaluation is None:
            raise TransitionRefused(_("An action belongs to an evaluation."))

        def refusal(e: Evaluation) -> str | None:
            return follow_up_refusal(evaluation=e, user=by)

    with editing(evaluation, by=by, refusal=refusal) as locked:
        state = fields.get("responsible_state")
        if state is not None and state.pk not in country_ids(locked.programme):
            raise TransitionRefused(
                _("The government responsible is that of a State the programme covers.")
            )
        person = fields.get("owner_user")
        if (
            person is not None
            and not responsible_staff(locked.programme).filter(pk=person.pk).exists()
        ):
            raise TransitionRefused(_("The staff member responsible works on the programme."))
        action = FollowUpAction(evaluation=locked, recommendation=recommendation, **fields)
        action.full_clean()
        action.save()
    return action


# --- the responsible party's progress ---


def progress_refusal(*, action: FollowUpAction, user: Any) -> str | None:
    """The responsible party (the government for its own actions, OHCHR staff of the
    programme) reports progress while the action is open or in progress."""
    if not user.has_perm(CHANGE) or not follow_up_action_in_scope(action, user):
        return _("Only the party responsible for the action reports on it.")
    if action.evaluation.status != E.ACCEPTED:
        return _("Progress is reported once the evaluation is accepted.")
    if action.status not in WORKING:
        return _("The action is %s: progress is no longer reported on it.") % (
            action.get_status_display()
        )
    return None


def record_progress(
    *,
    action: FollowUpAction,
    by: Any,
    date: datetime.date,
    text: str,
    evidence: UploadedFile | None = None,
) -> FollowUpProgress:
    """What was done, dated, with a file that shows it; the first report starts an
    open action. A refused file refuses the whole update: nothing is half-saved."""
    if not text.strip():
        raise TransitionRefused(_("Say what was done."))
    if date > timezone.now().date():
        raise TransitionRefused(
            _("Progress is reported once it is made: the date is in the future.")
        )
    check = progress_refusal
    with editing(action, by=by, refusal=lambda a: check(action=a, user=by)) as locked:
        progress = FollowUpProgress(action=locked, date=date, text=text.strip(), recorded_by=by)
        progress.full_clean()
        progress.save()
        if evidence is not None:
            # The government's own action is its shared record with OHCHR.
            shared = locked.responsible_state_id is not None
            # Not a field: the stored file, for the uploader's notice (neutralised cells).
            progress.stored_evidence = store_upload(
                model=FollowUpEvidence,
                file=evidence,
                by=by,
                siblings=locked.evidence.all(),
                action=locked,
                progress=progress,
                visibility=Visibility.SHARED if shared else Visibility.INTERNAL,
            )
        if locked.status == F.OPEN:
            FOLLOW_UP_LIFECYCLE.apply(locked, "start", by=by)
            action.status = locked.status
    return progress


# --- the cycle closes: a new request from an action ---


def request_refusal(*, action: FollowUpAction, user: Any) -> str | None:
    """A focal point of the State responsible starts a new request from the action."""
    if action.responsible_state_id is None:
        return _("Only an action assigned to a government starts a new request.")
    if creation_refusal(user=user, country=action.responsible_state) is not None:
        return _("A focal point of the State responsible starts a new request from it.")
    if not follow_up_action_in_scope(action, user):
        return _("A focal point of the State responsible starts a new request from it.")
    if action.request_id is not None:
        return _("This action has already started a request.")
    if action.status == F.DROPPED:
        return _("A dropped action starts no request.")
    return None


def _request_texts(action: FollowUpAction) -> dict[str, str]:
    evaluation, programme = action.evaluation, action.evaluation.programme
    names = {
        "evaluation": evaluation.reference,
        "programme": f"{programme.reference} {programme.title}",
        "action": action.description.strip(),
    }
    if action.recommendation is not None:
        justification = _(
            "The evaluation %(evaluation)s of the programme %(programme)s recommended:\n"
            "“%(recommendation)s”"
        ) % {**names, "recommendation": action.recommendation.text.strip()}
    else:
        justification = (
            _("This follows the evaluation %(evaluation)s of the programme %(programme)s.") % names
        )
    justification += "\n\n" + _("The government agreed to follow it up:\n“%(action)s”") % names
    return {
        "title": (_("Follow-up to %(evaluation)s: %(action)s") % names)[:300],
        "description": _("%(action)s\n\nThis follows the programme %(programme)s.") % names,
        "justification": justification,
    }


def start_request(*, action: FollowUpAction, by: Any) -> AssistanceRequest:
    """A draft request for the State, prefilled from the programme and the action
    (the evaluation's recommendation, the programme's thematic areas and the
    mechanism recommendations to that State), linked to the action both ways."""
    check = request_refusal
    with (
        transaction.atomic(),
        acting_as(by),
        editing(action, by=by, refusal=lambda a: check(action=a, user=by)) as locked,
    ):
        programme = locked.evaluation.programme
        state = locked.responsible_state
        areas = ThematicArea.objects.filter(
            pk__in=programme.components.exclude(status=Component.Status.CANCELLED).values(
                "thematic_area"
            )
        )
        req = create_request(
            country=state,
            by=by,
            thematic_areas=list(areas),
            recommendations=list(programme.recommendations.filter(country=state)),
            **_request_texts(locked),
        )
        locked.request = req
        locked.save(update_fields=["request", "updated_at"])
    return req

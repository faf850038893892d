"""Every write to an evaluation and its lifecycle: scheduling by hand, the plan
(evaluator, terms of reference), the team's report and ratings, the snapshot of
the programme, documents, recommendations and OHCHR's management responses, and
with whom the evaluation is shared.

The schedule drawn from the programme's dates is in ``evaluations.scheduling``;
follow-up actions are in ``evaluations.follow_up`` (re-exported at the end).
Each ``*_refusal`` answers "may this person do this now, and if not why", so
pages offer exactly what the service will accept.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from evaluations.models import (
    BudgetSnapshot,
    CriterionRating,
    Evaluation,
    EvaluationCriterion,
    EvaluationDocument,
    EvaluationRecommendation,
    IndicatorSnapshot,
    RatingLevel,
)
from evaluations.selectors import (
    VIEW,
    active_criteria,
    audience,
    evaluation_in_scope,
    evaluator_candidates,
    invited_to,
)
from programmes.models import Programme
from programmes.selectors import audience as programme_audience
from programmes.selectors import (
    budget_summary,
    country_ids,
    programme_in_scope,
    programme_indicators,
)
from programmes.services import reference_code
from tcp import history as tracked
from tcp import l10n, scoping
from tcp.documents import Visibility, delete_document, store_upload
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import Country, RosterExpert
from tcp.references import next_reference

S = Evaluation.Status
K = Evaluation.EvaluatorKind
SCHEDULE = "evaluations.schedule_evaluation"
CONDUCT = "evaluations.conduct_evaluation"
ACCEPT = "evaluations.accept_evaluation"
RESPOND = "evaluations.respond_evaluation"
DROP = "evaluations.drop_evaluation"

OPEN = (S.SCHEDULED, S.IN_PROGRESS)
# A report is final once submitted: OHCHR responds to its recommendations then.
FINAL = (S.SUBMITTED, S.ACCEPTED)


# --- the lifecycle ---


def _has_summary(evaluation: Evaluation) -> list[str]:
    return [] if evaluation.summary.strip() else [_("a summary of the findings")]


def _rated(evaluation: Evaluation) -> list[str]:
    """A post-implementation evaluation rates the programme on every criterion."""
    if evaluation.kind != Evaluation.Kind.POST_IMPLEMENTATION:
        return []
    rated = set(evaluation.ratings.values_list("criterion_id", flat=True))
    return [
        _("a rating on %s") % criterion.translated_name
        for criterion in active_criteria()
        if criterion.pk not in rated
    ]


def _responses_given(evaluation: Evaluation) -> list[str]:
    """OHCHR answers every recommendation before the report is accepted and shared."""
    waiting = evaluation.recommendations.filter(response="").values_list("number", flat=True)
    return [_("a management response to recommendation %d") % number for number in waiting]


def _may_conduct(evaluation: Evaluation, user: Any) -> bool:
    """The conduct permission of the role, or of an invitation to this evaluation."""
    return user.has_perm(CONDUCT) or user.has_perm(CONDUCT, evaluation)


LIFECYCLE = Lifecycle(
    model=Evaluation,
    in_scope=lambda e, user: evaluation_in_scope(e, user),
    countries_of=lambda e: country_ids(e.programme),
    # The roster expert invited to evaluate holds the conduct permission on this one.
    record_grants=True,
    transitions=[
        Transition("start", _l("Start"), (S.SCHEDULED,), S.IN_PROGRESS, CONDUCT),
        Transition(
            "submit",
            _l("Submit the report"),
            (S.IN_PROGRESS,),
            S.SUBMITTED,
            CONDUCT,
            preconditions=(_has_summary, _rated),
            stamps=("submitted_at",),
        ),
        Transition(
            "return",
            _l("Return for more work"),
            (S.SUBMITTED,),
            S.IN_PROGRESS,
            ACCEPT,
            note_required=True,
            note_label=_l("what needs more work"),
        ),
        Transition(
            "accept",
            _l("Accept the report"),
            (S.SUBMITTED,),
            S.ACCEPTED,
            ACCEPT,
            preconditions=(_responses_given,),
            inform_government=True,
            irreversible=True,
        ),
        Transition(
            "cancel",
            _l("Drop this evaluation"),
            (S.SCHEDULED,),
            S.DROPPED,
            SCHEDULE,
            note_required=True,
            note_label=_l("why it will not be carried out"),
            dangerous=True,
            irreversible=True,
        ),
        # Taken by ``evaluations.scheduling`` when the programme is cancelled or its
        # dates move, as the approver who did that; never offered as a button.
        Transition(
            "drop",
            _l("Dropped with the programme's change"),
            (S.SCHEDULED,),
            S.DROPPED,
            DROP,
            note_required=True,
            note_label=_l("why it is dropped"),
            automatic=True,
        ),
    ],
)


# --- scheduling by hand ---

# A programme is evaluated once approved, and for as long as it runs or ran.
EVALUATED_STATUSES = (
    Programme.Status.APPROVED,
    Programme.Status.ACCEPTED,
    Programme.Status.IN_IMPLEMENTATION,
    Programme.Status.SUSPENDED,
    Programme.Status.COMPLETED,
    Programme.Status.CLOSED,
)

PLAN_FIELDS = (
    "due_date",
    "period_start",
    "period_end",
    "evaluator_kind",
    "evaluator_user",
    "evaluator_expert",
    "evaluator_firm",
    "terms_of_reference",
)


def schedule_refusal(*, programme: Programme, user: Any) -> str | None:
    if not user.has_perm(SCHEDULE) or not programme_in_scope(programme, user):
        return _("Scheduling an evaluation needs the desk officer of the programme.")
    if not programme_audience(programme, user).internal:
        return _("Scheduling an evaluation needs the desk officer of the programme.")
    if programme.status not in EVALUATED_STATUSES:
        return _("Only an approved programme is evaluated; it is %s.") % (
            programme.get_status_display()
        )
    return None


def new_evaluation(
    programme: Programme, *, kind: str, due_date: datetime.date, **fields: Any
) -> Evaluation:
    """A checked, saved evaluation of ``programme`` (locked by the caller), with a
    fresh reference: the one place an evaluation is created."""
    countries = list(programme.countries.all())
    evaluation = Evaluation(
        reference=next_reference(
            "TCE", reference_code(programme.scope, countries, programme.region)
        ),
        programme=programme,
        kind=kind,
        due_date=due_date,
        **fields,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def schedule_evaluation(
    *, programme: Programme, kind: str, due_date: datetime.date, by: Any, **fields: Any
) -> Evaluation:
    """An evaluation the desk officer adds by hand (the schedule never moves it)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TransitionRefused(_("An evaluation is scheduled with its plan only."))
    check = schedule_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        evaluator = _evaluator_fields(fields)
        _check_evaluator(locked, evaluator, keep=None)
        evaluation = new_evaluation(
            locked,
            kind=kind,
            due_date=due_date,
            **{k: v for k, v in fields.items() if k not in evaluator},
            **evaluator,
        )
        _grant_evaluator(evaluation, None, evaluation.evaluator_expert, by)
    return evaluation


# --- the plan: evaluator, terms of reference, dates ---


def plan_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """The plan is the desk officer's, while the evaluation is still open."""
    if not user.has_perm(SCHEDULE) or not evaluation_in_scope(evaluation, user):
        return _("The desk officer of the programme plans its evaluations.")
    if not programme_audience(evaluation.programme, user).internal:
        return _("The desk officer of the programme plans its evaluations.")
    if evaluation.status not in OPEN:
        return _("The evaluation is %s: its plan no longer changes.") % (
            evaluation.get_status_display()
        )
    return None


def _evaluator_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The evaluator as one of the three kinds, the others cleared."""
    if not (
        {"evaluator_kind", "evaluator_user", "evaluator_expert", "evaluator_firm"} & set(fields)
    ):
        return {}
    kind = fields.get("evaluator_kind") or ""
    return {
        "evaluator_kind": kind,
        "evaluator_user": fields.get("evaluator_user") if kind == K.STAFF else None,
        "evaluator_expert": fields.get("evaluator_expert") if kind == K.ROSTER else None,
        "evaluator_firm": (fields.get("evaluator_firm") or "").strip() if kind == K.FIRM else "",
    }


def _check_evaluator(programme: Programme, evaluator: dict[str, Any], keep: Any) -> None:
    """Staff work on one of the programme's countries; experts come from the active
    roster. ``keep``: the evaluation whose current evaluator stays allowed."""
    person = evaluator.get("evaluator_user")
    kept = keep is not None and person is not None and keep.evaluator_user_id == person.pk
    staff = evaluator_candidates(programme)
    if person is not None and not kept and not staff.filter(pk=person.pk).exists():
        raise TransitionRefused(_("The evaluator from OHCHR works on the programme's countries."))
    expert = evaluator.get("evaluator_expert")
    kept = keep is not None and expert is not None and keep.evaluator_expert_id == expert.pk
    active = RosterExpert.objects.filter(is_active=True)
    if expert is not None and not kept and not active.filter(pk=expert.pk).exists():
        raise TransitionRefused(_("The evaluator comes from the active roster."))


def _grant_evaluator(
    evaluation: Evaluation, before: RosterExpert | None, after: RosterExpert | None, by: Any
) -> None:
    """A roster expert with an account reads and conducts this one evaluation (and
    loses that when replaced): the design's exception grant."""
    if before is not None and after is not None and before.pk == after.pk:
        return
    for perm in (VIEW, CONDUCT):
        if before is not None and before.user is not None:
            scoping.revoke_exception(user=before.user, perm=perm, obj=evaluation, by=by)
        if after is not None and after.user is not None:
            scoping.grant_exception(user=after.user, perm=perm, obj=evaluation, by=by)


def update_plan(*, evaluation: Evaluation, by: Any, **fields: Any) -> Evaluation:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TransitionRefused(_("Only the plan is changed here."))
    check = plan_refusal
    with editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by)) as locked:
        before = locked.evaluator_expert
        evaluator = _evaluator_fields(fields)
        _check_evaluator(locked.programme, evaluator, keep=locked)
        fields.update(evaluator)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
        _grant_evaluator(locked, before, locked.evaluator_expert, by)
    return locked


# --- the team's work: report, ratings, snapshot, documents, recommendations ---

REPORT_FIELDS = ("methodology", "findings", "conclusions", "lessons_learned", "summary")


def edit_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """The evaluation team (the conduct permission in scope, or the invited evaluator)
    writes the report while the evaluation is open."""
    if not _may_conduct(evaluation, user) or not evaluation_in_scope(evaluation, user):
        return _("Only the evaluation team can edit it.")
    if not audience(evaluation, user).internal:
        return _("Only the evaluation team can edit it.")
    if evaluation.status not in OPEN:
        return _("A submitted evaluation can no longer be edited.")
    return None


def _team_work(evaluation: Evaluation, by: Any) -> Any:
    return editing(evaluation, by=by, refusal=lambda e: edit_refusal(evaluation=e, user=by))


def update_report(*, evaluation: Evaluation, by: Any, **fields: Any) -> Evaluation:
    """The report's texts; saved as often as the team likes while it is open."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TransitionRefused(_("Only the report is changed here."))
    with _team_work(evaluation, by) as locked:
        for name, value in fields.items():
            setattr(locked, name, value.strip())
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


# Kept for callers of the earlier module (the summary only).
def update_evaluation(*, evaluation: Evaluation, by: Any, **fields: Any) -> Evaluation:
    return update_report(evaluation=evaluation, by=by, **fields)


@dataclass(frozen=True)
class Rating:
    """One criterion as the team rates it: a level (or none) and its justification."""

    criterion: EvaluationCriterion
    level: RatingLevel | None
    justification: str


def rate_evaluation(*, evaluation: Evaluation, by: Any, ratings: Iterable[Rating]) -> None:
    """Rate the evaluation on the criteria given: each level on its criterion's scale,
    with a justification; a criterion left without a level loses its rating."""
    ratings = list(ratings)
    problems = []
    for r in ratings:
        if r.level is not None and r.level.scale_id != r.criterion.scale_id:
            problems.append(_("%s is rated on its own scale.") % r.criterion.translated_name)
        if r.level is not None and not r.justification.strip():
            problems.append(
                _("The rating on %s needs a justification.") % r.criterion.translated_name
            )
    if problems:
        raise TransitionRefused(" ".join(problems))
    with _team_work(evaluation, by) as locked:
        existing = {r.criterion_id: r for r in locked.ratings.all()}
        for r in ratings:
            current = existing.get(r.criterion.pk)
            if r.level is None:
                if current is not None:
                    current.delete()
                continue
            rating = current or CriterionRating(evaluation=locked, criterion=r.criterion)
            if (
                current is not None
                and current.level_id == r.level.pk
                and current.justification == r.justification.strip()
            ):
                continue
            rating.level = r.level
            rating.justification = r.justification.strip()
            rating.rated_by = by
            rating.full_clean()
            rating.save()


def snapshot_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """The team refreshes the snapshot while in progress; submitting takes it for good."""
    refusal = edit_refusal(evaluation=evaluation, user=user)
    if refusal is None and evaluation.status != S.IN_PROGRESS:
        return _("The snapshot is taken while the evaluation is in progress.")
    return refusal


def _write_snapshot(evaluation: Evaluation, by: Any) -> None:
    """Copy the programme's indicators (baseline, target, actual) and its budget
    execution onto the evaluation, replacing what an earlier snapshot held."""
    programme = evaluation.programme
    evaluation.indicator_snapshots.all().delete()
    evaluation.budget_snapshots.all().delete()
    indicators = programme_indicators(programme, by).order_by("component_id", "id")
    tracked.bulk_create(
        IndicatorSnapshot,
        [
            IndicatorSnapshot(
                evaluation=evaluation,
                position=position,
                component=indicator.component.title,
                name=indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline,
                target=indicator.target,
                actual=indicator.actual,
            )
            for position, indicator in enumerate(indicators, start=1)
        ],
    )
    summary = budget_summary(programme)
    rows = [(BudgetSnapshot.Dimension.TOTAL, summary.total)]
    rows += [(BudgetSnapshot.Dimension.SOURCE, money) for money in summary.by_source]
    rows += [(BudgetSnapshot.Dimension.COMPONENT, money) for money in summary.by_component]
    tracked.bulk_create(
        BudgetSnapshot,
        [
            BudgetSnapshot(
                evaluation=evaluation,
                position=position,
                dimension=dimension,
                label=money.label[:300],
                budget=money.budget,
                spent=money.spent,
            )
            for position, (dimension, money) in enumerate(rows, start=1)
        ],
    )
    evaluation.snapshot_taken_at = timezone.now()
    evaluation.save(update_fields=["snapshot_taken_at", "updated_at"])


def take_snapshot(*, evaluation: Evaluation, by: Any) -> Evaluation:
    """Take (or refresh) the snapshot of the programme while the evaluation is in progress."""
    check = snapshot_refusal
    with editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by)) as locked:
        _write_snapshot(locked, by)
    return locked


def attach_evaluation_document(
    *,
    evaluation: Evaluation,
    file: UploadedFile,
    by: Any,
    kind: str = EvaluationDocument.Kind.OTHER,
    visibility: str = Visibility.INTERNAL,
) -> EvaluationDocument:
    """Upload terms of reference, a report, data; internal unless shared (with the
    States the evaluation is shared with, once accepted)."""
    with _team_work(evaluation, by) as locked:
        return store_upload(
            model=EvaluationDocument,
            file=file,
            by=by,
            siblings=audience(locked, by).material(locked.documents.all()),
            evaluation=locked,
            kind=kind,
            visibility=visibility,
        )


def remove_evaluation_document(*, document: EvaluationDocument, by: Any) -> None:
    with _team_work(document.evaluation, by):
        delete_document(document, by=by)


def recommendation_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """The evaluation team writes the recommendations, as part of its report."""
    refusal = edit_refusal(evaluation=evaluation, user=user)
    if refusal is not None:
        return _("Only the evaluation team writes its recommendations, while it is open.")
    return None


def _recommendation_lock(evaluation: Evaluation, by: Any) -> Any:
    check = recommendation_refusal
    return editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by))


def add_recommendation(*, evaluation: Evaluation, by: Any, text: str) -> EvaluationRecommendation:
    if not text.strip():
        raise TransitionRefused(_("A recommendation says what to do."))
    with _recommendation_lock(evaluation, by) as locked:
        last = locked.recommendations.aggregate(last=Max("number"))["last"] or 0
        recommendation = EvaluationRecommendation(
            evaluation=locked, number=last + 1, text=text.strip(), created_by=by
        )
        recommendation.full_clean()
        recommendation.save()
    return recommendation


def update_recommendation(
    *, recommendation: EvaluationRecommendation, by: Any, text: str
) -> EvaluationRecommendation:
    if not text.strip():
        raise TransitionRefused(_("A recommendation says what to do."))
    with _recommendation_lock(recommendation.evaluation, by):
        recommendation.text = text.strip()
        recommendation.full_clean()
        recommendation.save(update_fields=["text", "updated_at"])
    return recommendation


def delete_recommendation(*, recommendation: EvaluationRecommendation, by: Any) -> None:
    with _recommendation_lock(recommendation.evaluation, by):
        if recommendation.actions.exists():
            raise TransitionRefused(_("Follow-up actions answer this recommendation."))
        recommendation.delete()


def responding_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """OHCHR (the desk officer or the approver of the programme) responds to the
    recommendations of a final report."""
    if not user.has_perm(RESPOND) or not evaluation_in_scope(evaluation, user):
        return _("The desk officer or the approver gives OHCHR's management response.")
    if not programme_audience(evaluation.programme, user).internal:
        return _("The desk officer or the approver gives OHCHR's management response.")
    if evaluation.status not in FINAL:
        return _("OHCHR responds once the report is submitted; it is %s.") % (
            evaluation.get_status_display()
        )
    return None


def response_refusal(*, recommendation: EvaluationRecommendation, user: Any) -> str | None:
    return responding_refusal(evaluation=recommendation.evaluation, user=user)


def respond_to_recommendation(
    *, recommendation: EvaluationRecommendation, by: Any, response: str, reason: str = ""
) -> EvaluationRecommendation:
    """Agree, partially agree or disagree; a reason unless agreeing."""
    R = EvaluationRecommendation.Response
    if response not in R.values:
        raise TransitionRefused(_("Agree, partially agree or disagree."))
    if response != R.AGREE and not reason.strip():
        raise TransitionRefused(_("Say why, unless OHCHR agrees with the recommendation."))

    def refusal(evaluation: Evaluation) -> str | None:
        # Judged on the locked row: the evaluation as committed, not as read.
        return responding_refusal(evaluation=evaluation, user=by)

    with editing(recommendation.evaluation, by=by, refusal=refusal):
        if response == R.DISAGREE and recommendation.actions.exclude(status="dropped").exists():
            raise TransitionRefused(
                _("Actions follow from this recommendation: drop them before disagreeing.")
            )
        recommendation.response = response
        recommendation.response_reason = reason.strip()
        recommendation.responded_by = by
        recommendation.responded_at = timezone.now()
        recommendation.full_clean()
        recommendation.save()
    return recommendation


# --- sharing with the governments ---


def sharing_refusal(*, evaluation: Evaluation, user: Any) -> str | None:
    """Who decides which covered States read the evaluation: OHCHR's desk officer
    or approver of the programme."""
    may = user.has_perm(SCHEDULE) or user.has_perm(ACCEPT)
    if not may or not programme_audience(evaluation.programme, user).internal:
        return _("The desk officer or the approver decides with whom an evaluation is shared.")
    if evaluation.status == S.DROPPED:
        return _("A dropped evaluation is shared with no one.")
    return None


def share_evaluation(*, evaluation: Evaluation, states: list[Country], by: Any) -> Evaluation:
    """Name the covered States whose governments read the evaluation once accepted."""
    check = sharing_refusal
    with editing(evaluation, by=by, refusal=lambda e: check(evaluation=e, user=by)) as locked:
        covered = set(country_ids(locked.programme))
        foreign = [s for s in states if s.pk not in covered]
        if foreign:
            raise TransitionRefused(
                _("An evaluation is shared only with States its programme covers, not: %s.")
                % l10n.join(s.translated_name for s in foreign)
            )
        locked.shared_with.set(states)
    return locked


# --- transitions by name (the transition view's entry) ---


def perform(evaluation: Evaluation, action: str, *, by: Any, note: str = ""):
    """Any transition of the evaluation a person may take (never an automatic one).

    Submitting takes the snapshot of the programme in the same transaction, so
    the report and the figures it was written against go together. Accepting
    shares the evaluation with every covered State unless OHCHR named some
    before; the sharing is written first, so the governments it concerns are told.
    """
    if LIFECYCLE.transition(action).automatic:
        raise TransitionRefused(
            _("“%s” is taken by the system.") % LIFECYCLE.transition(action).label
        )
    if action not in ("submit", "accept"):
        return LIFECYCLE.apply(evaluation, action, by=by, note=note)
    with transaction.atomic(), acting_as(by):
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        refusal = LIFECYCLE.refusal(locked, action, by)
        if refusal is not None:
            raise refusal
        if action == "submit":
            _write_snapshot(locked, by)
        elif not locked.shared_with.exists():
            locked.shared_with.set(country_ids(locked.programme))
        return LIFECYCLE.apply(evaluation, action, by=by, note=note)


def transition_evaluation(*, evaluation: Evaluation, action: str, by: Any, note: str = ""):
    return perform(evaluation, action, by=by, note=note)


def is_invited(evaluation: Evaluation, user: Any) -> bool:
    return evaluation.pk in invited_to(user)


# Follow-up actions live in their own module; these names are part of this one's API.
from evaluations.follow_up import (  # noqa: E402, F401
    FOLLOW_UP_LIFECYCLE,
    add_follow_up_action,
    follow_up_refusal,
    perform_follow_up,
    transition_follow_up,
)

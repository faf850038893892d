"""Every scoped read of evaluations, their follow-up plans, and the figures of the overview.

An evaluation follows the scope of its programme's countries: OHCHR staff of
any of them read all of it, and so does a roster expert invited to evaluate it
(an exception grant on the one evaluation). A government reads an accepted
evaluation once it is shared with its own State: its summary, its shared
documents, and the follow-up actions assigned to that State, nothing else.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from assessments.selectors import roster
from evaluations.models import (
    BudgetSnapshot,
    CriterionRating,
    Evaluation,
    EvaluationCriterion,
    EvaluationDocument,
    EvaluationRecommendation,
    FollowUpAction,
    FollowUpEvidence,
    FollowUpProgress,
    IndicatorSnapshot,
    RatingLevel,
)
from programmes.models import Programme
from programmes.selectors import SHARED_STATUSES, country_ids
from tcp.audience import Audience, audience_of
from tcp.models import User
from tcp.roles import Role
from tcp.scoping import exception_ids, people_working_on
from tcp.selectors import scoped

VIEW = "evaluations.view_evaluation"
S = Evaluation.Status
F_ = FollowUpAction.Status
_SharedWith = Evaluation.shared_with.through

# Work on the evaluation still to do (it is due); dropped ones are not.
NOT_STARTED = (S.SCHEDULED,)
OPEN = (S.SCHEDULED, S.IN_PROGRESS)
OPEN_ACTIONS = (F_.OPEN, F_.IN_PROGRESS)
DONE_ACTIONS = (F_.DONE, F_.VERIFIED)

__all__ = ["roster"]


def visible_evaluations(user: Any) -> QuerySet[Evaluation]:
    """OHCHR staff see the evaluations of their programmes, an invited roster expert the
    one they evaluate; a government sees an accepted one once it is shared with its own
    State (and its programme with it)."""
    return scoped(
        Evaluation.objects.select_related("programme"),
        user,
        country_path="programme__countries",
        government_path="shared_with",
        shared_with_government=Q(status=S.ACCEPTED) & Q(programme__status__in=SHARED_STATUSES),
        exception_perm=VIEW,
    )


def evaluation_in_scope(evaluation: Evaluation, user: Any) -> bool:
    return visible_evaluations(user).filter(pk=evaluation.pk).exists()


def invited_to(user: Any) -> frozenset[int]:
    """The evaluations ``user`` was invited to evaluate, as a roster expert."""
    return exception_ids(user, Evaluation, VIEW)


def may_view(user: Any) -> bool:
    """The role's permission to view evaluations, or an invitation to one of them."""
    return user.has_perm(VIEW) or bool(invited_to(user))


def audience(evaluation: Evaluation, user: Any) -> Audience:
    """OHCHR staff of a covered country, and the invited evaluator, are the evaluation's
    team: they read its internal work. A government reads what is shared with its State."""
    return audience_of(
        user, country_ids(evaluation.programme), team=evaluation.pk in invited_to(user)
    )


def visible_follow_up_actions(user: Any) -> QuerySet[FollowUpAction]:
    """A government sees only the actions assigned to its own State, and only once
    their evaluation is accepted and shared with that State: a child reaches a
    government only through its shared parent."""
    shared_with_their_state = Exists(
        _SharedWith.objects.filter(
            evaluation=OuterRef("evaluation"), country=OuterRef("responsible_state")
        )
    )
    return scoped(
        FollowUpAction.objects.select_related("evaluation", "responsible_state", "owner_user"),
        user,
        country_path="evaluation__programme__countries",
        government_path="responsible_state",
        shared_with_government=Q(evaluation__status=S.ACCEPTED)
        & Q(evaluation__programme__status__in=SHARED_STATUSES)
        & Q(shared_with_their_state),
    )


def follow_up_action_in_scope(action: FollowUpAction, user: Any) -> bool:
    return visible_follow_up_actions(user).filter(pk=action.pk).exists()


# The functions below take an evaluation (or an action) that came through its selector.


def evaluation_documents(evaluation: Evaluation, user: Any) -> QuerySet[EvaluationDocument]:
    """Internal documents stay with the team; shared ones reach the States the
    evaluation is shared with (the evaluation reaches no one else)."""
    return audience(evaluation, user).material(evaluation.documents.select_related("uploaded_by"))


def evaluation_ratings(evaluation: Evaluation, user: Any) -> QuerySet[CriterionRating]:
    """The ratings are the evaluation team's judgement, for OHCHR."""
    if not audience(evaluation, user).internal:
        return CriterionRating.objects.none()
    return evaluation.ratings.select_related("criterion", "level", "rated_by")


def indicator_snapshot(evaluation: Evaluation, user: Any) -> QuerySet[IndicatorSnapshot]:
    if not audience(evaluation, user).internal:
        return IndicatorSnapshot.objects.none()
    return evaluation.indicator_snapshots.all()


def budget_snapshot(evaluation: Evaluation, user: Any) -> QuerySet[BudgetSnapshot]:
    """Expenditure is OHCHR's, so is what the evaluation recorded of it."""
    if not audience(evaluation, user).internal:
        return BudgetSnapshot.objects.none()
    return evaluation.budget_snapshots.all()


def evaluation_recommendations(
    evaluation: Evaluation, user: Any
) -> QuerySet[EvaluationRecommendation]:
    """The follow-up plan: OHCHR reads every recommendation and its response; a
    government only the recommendations behind the actions assigned to its State
    (see ``evaluation_actions``), read there."""
    if not audience(evaluation, user).internal:
        return EvaluationRecommendation.objects.none()
    return evaluation.recommendations.select_related("responded_by")


def evaluation_actions(evaluation: Evaluation, user: Any) -> QuerySet[FollowUpAction]:
    """The evaluation's actions the user may open, with their recommendation."""
    actions = visible_follow_up_actions(user).filter(evaluation=evaluation)
    return with_overdue(actions.select_related("recommendation"), OPEN_ACTIONS).order_by(
        "recommendation__number", "due_date", "id"
    )


def action_progress(action: FollowUpAction, user: Any) -> QuerySet[FollowUpProgress]:
    """Whoever may open the action reads its progress: it is the responsible party's
    report to OHCHR (see ``FollowUpProgress``)."""
    return action.progress_updates.select_related("recorded_by")


def action_evidence(action: FollowUpAction, user: Any) -> QuerySet[FollowUpEvidence]:
    return audience(action.evaluation, user).material(action.evidence.select_related("uploaded_by"))


def evaluator_candidates(programme: Programme) -> QuerySet[User]:
    """The staff who may evaluate: desk and field officers whose own scope covers
    one of the programme's countries."""
    roles = [Role.DESK_OFFICER.value, Role.FIELD_OFFICER.value]
    return (
        people_working_on(country_ids(programme))
        .filter(groups__name__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def responsible_staff(programme: Programme) -> QuerySet[User]:
    """Who may be made responsible for an action: OHCHR staff working on the programme."""
    roles = [Role.DESK_OFFICER.value, Role.FIELD_OFFICER.value, Role.PROGRAMME_APPROVER.value]
    return (
        people_working_on(country_ids(programme))
        .filter(groups__name__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def active_criteria() -> QuerySet[EvaluationCriterion]:
    return EvaluationCriterion.objects.filter(is_active=True).select_related("scale")


def levels_by_scale() -> dict[int, list[RatingLevel]]:
    """Every scale's levels, best first: one query."""
    levels: dict[int, list[RatingLevel]] = defaultdict(list)
    for level in RatingLevel.objects.order_by("scale_id", "-value"):
        levels[level.scale_id].append(level)
    return levels


def with_overdue(queryset: QuerySet, statuses: tuple[str, ...]) -> QuerySet:
    """``queryset`` with ``is_overdue``: still open in one of ``statuses`` past its due date."""
    today = timezone.now().date()
    overdue = Q(status__in=statuses, due_date__lt=today)
    return queryset.annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))


def is_overdue(evaluation: Evaluation, today: datetime.date | None = None) -> bool:
    today = today or timezone.now().date()
    return evaluation.status in OPEN and evaluation.due_date < today


def action_is_overdue(action: FollowUpAction, today: datetime.date | None = None) -> bool:
    today = today or timezone.now().date()
    return action.status in OPEN_ACTIONS and action.due_date < today


# --- the overview: every figure from the user's own selectors ---


def in_region(queryset: QuerySet, region: str, programme_path: str = "programme") -> QuerySet:
    """Records of programmes covering a country of ``region`` (a subquery on the
    programmes' country table, so a programme of two countries counts once)."""
    if not region:
        return queryset
    covering = Programme.countries.through.objects.filter(country__region=region).values(
        "programme_id"
    )
    return queryset.filter(**{f"{programme_path}_id__in": covering})


@dataclass(frozen=True)
class LevelCount:
    level: RatingLevel
    count: int
    # Where the segment starts and how wide it is, in percent of the row.
    offset: float
    width: float
    # 0 (worst) to 5 (best) whatever the scale's length: one set of colours for all.
    tone: int


@dataclass(frozen=True)
class CriterionRow:
    criterion: EvaluationCriterion
    total: int
    levels: list[LevelCount]


@dataclass(frozen=True)
class ActionFigures:
    on_time: int
    late: int
    overdue: int
    pending: int
    dropped: int

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def counted(self) -> int:
        """Actions whose outcome is known: done, or past due and not done."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_share(self) -> int | None:
        """Percent of the actions due so far that were done by their due date."""
        if not self.counted:
            return None
        return round(self.on_time * 100 / self.counted)

    @property
    def segments(self) -> list[tuple[str, float, float]]:
        """(css class, offset, width) in percent, for a stacked bar of the outcomes."""
        parts = [
            ("outcome-on-time", self.on_time),
            ("outcome-late", self.late),
            ("outcome-overdue", self.overdue),
            ("outcome-pending", self.pending),
        ]
        total = sum(n for _css, n in parts)
        result, offset = [], 0.0
        for css, n in parts:
            width = round(n * 100 / total, 2) if total else 0.0
            if width:
                result.append((css, offset, width))
            offset = round(offset + width, 2)
        return result


@dataclass(frozen=True)
class Overview:
    status_counts: dict[str, int]
    overdue: list[Evaluation]
    overdue_count: int
    upcoming: list[Evaluation]
    upcoming_count: int
    criteria: list[CriterionRow]
    actions: ActionFigures


OVERVIEW_ROWS = 10
UPCOMING_DAYS = 90


def overview_years(user: Any) -> list[int]:
    """The years the user's evaluations fall due in, latest first (one query)."""
    dates = visible_evaluations(user).order_by().dates("due_date", "year")
    return sorted({d.year for d in dates}, reverse=True)


def overview(user: Any, *, region: str = "", year: int | None = None) -> Overview:
    """Evaluations due and overdue, ratings by criterion, follow-up done on time.

    Scoped to what ``user`` may see, filtered by the region of the programmes'
    countries and the year the evaluations (and actions) are due; a fixed
    number of queries, whatever the number of records.
    """
    today = timezone.now().date()
    evaluations = in_region(visible_evaluations(user), region)
    if year:
        evaluations = evaluations.filter(due_date__year=year)
    status_counts = {
        row["status"]: row["n"]
        for row in evaluations.order_by().values("status").annotate(n=Count("id"))
    }
    overdue = evaluations.filter(status__in=OPEN, due_date__lt=today).order_by("due_date", "id")
    upcoming = evaluations.filter(
        status__in=OPEN,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(UPCOMING_DAYS),
    ).order_by("due_date", "id")
    accepted = evaluations.filter(status=S.ACCEPTED).order_by().values("pk")
    counts = {
        (row["criterion_id"], row["level_id"]): row["n"]
        for row in CriterionRating.objects.filter(evaluation__in=accepted)
        .order_by()
        .values("criterion_id", "level_id")
        .annotate(n=Count("id"))
    }
    scales = levels_by_scale()
    rows = []
    for criterion in active_criteria():
        levels = scales.get(criterion.scale_id, [])
        total = sum(counts.get((criterion.pk, level.pk), 0) for level in levels)
        offset = 0.0
        cells = []
        # Best first, from the left, as the scales read.
        for rank, level in enumerate(levels):
            n = counts.get((criterion.pk, level.pk), 0)
            width = round(n * 100 / total, 2) if total else 0.0
            tone = 5 - round(rank * 5 / (len(levels) - 1)) if len(levels) > 1 else 5
            cells.append(LevelCount(level, n, offset, width, tone))
            offset = round(offset + width, 2)
        rows.append(CriterionRow(criterion, total, cells))
    return Overview(
        status_counts=status_counts,
        overdue=list(overdue[:OVERVIEW_ROWS]),
        overdue_count=overdue.count(),
        upcoming=list(upcoming[:OVERVIEW_ROWS]),
        upcoming_count=upcoming.count(),
        criteria=rows,
        actions=action_figures(user, region=region, year=year, today=today),
    )


def action_figures(
    user: Any,
    *,
    region: str = "",
    year: int | None = None,
    today: datetime.date | None = None,
    country: Any = None,
) -> ActionFigures:
    """Follow-up actions by outcome, in one query: done by the due date, done late,
    past due and not done, not yet due; dropped ones apart."""
    today = today or timezone.now().date()
    actions = in_region(visible_follow_up_actions(user), region, "evaluation__programme")
    if country is not None:
        covering = Programme.countries.through.objects.filter(country=country).values(
            "programme_id"
        )
        actions = actions.filter(evaluation__programme_id__in=covering)
    if year:
        actions = actions.filter(due_date__year=year)
    done = Q(status__in=DONE_ACTIONS)
    # A date compared with a date: done_at is a time, due_date a day (UTC).
    on_time = done & Q(done_at__date__lte=F("due_date"))
    figures = actions.order_by().aggregate(
        on_time=Count("id", filter=on_time),
        late=Count("id", filter=done & ~Q(done_at__date__lte=F("due_date"))),
        overdue=Count("id", filter=Q(status__in=OPEN_ACTIONS, due_date__lt=today)),
        pending=Count("id", filter=Q(status__in=OPEN_ACTIONS, due_date__gte=today)),
        dropped=Count("id", filter=Q(status=F_.DROPPED)),
    )
    return ActionFigures(**figures)

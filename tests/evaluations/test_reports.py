"""The evaluation report PDF with its follow-up plan: OHCHR's whole report, and what a
government reads of an evaluation shared with its State."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from io import BytesIO

import pypdf
import pytest
from django.http import Http404
from django.utils import timezone

from evaluations import reports as evaluation_reports
from evaluations.models import (
    BudgetSnapshot,
    CriterionRating,
    Evaluation,
    EvaluationCriterion,
    IndicatorSnapshot,
)
from programmes.models import Programme
from tcp import reports
from tcp.models import Report
from tests.factories import (
    EvaluationFactory,
    EvaluationRecommendationFactory,
    FollowUpActionFactory,
    ProgrammeFactory,
    rating_level,
)

pytestmark = pytest.mark.django_db
E = Evaluation.Status

METHODOLOGY = "Desk review and forty interviews in four regions."
JUSTIFICATION = "Answers the UPR recommendations on police custody."
REASON = "Resources allow part of it only."
KENYAN_ACTION = "Kenya adopts the national action plan."
PERUVIAN_ACTION = "Peru trains its judges on the plan."
OHCHR_ACTION = "OHCHR drafts the training guide."


@pytest.fixture
def evaluation(kenya, peru, desk_officer) -> Evaluation:
    """An accepted evaluation of a regional programme (Kenya and Peru), with ratings,
    a snapshot and a follow-up plan of actions for each State and for OHCHR."""
    programme = ProgrammeFactory(
        countries=[kenya, peru],
        scope=Programme.Scope.REGIONAL,
        status=Programme.Status.IN_IMPLEMENTATION,
    )
    evaluation = EvaluationFactory(
        programme=programme,
        kind=Evaluation.Kind.POST_IMPLEMENTATION,
        status=E.ACCEPTED,
        period_start="2026-01-01",
        period_end="2026-12-31",
        evaluator_kind=Evaluation.EvaluatorKind.FIRM,
        evaluator_firm="Independent Evaluations Ltd",
        methodology=METHODOLOGY,
        findings="Mediation improved in three regions.",
        conclusions="Relevant and effective.",
        lessons_learned="Pair the trainers.",
        summary="The programme reached most of its targets.",
        snapshot_taken_at=timezone.now(),
    )
    CriterionRating.objects.create(
        evaluation=evaluation,
        criterion=EvaluationCriterion.objects.get(code="relevance"),
        level=rating_level("relevance", "satisfactory"),
        justification=JUSTIFICATION,
        rated_by=desk_officer,
    )
    IndicatorSnapshot.objects.create(
        evaluation=evaluation,
        position=1,
        component="Police",
        name="Officers trained",
        unit="officers",
        baseline=Decimal("10"),
        target=Decimal("50"),
        actual=Decimal("30"),
    )
    BudgetSnapshot.objects.create(
        evaluation=evaluation,
        position=1,
        dimension=BudgetSnapshot.Dimension.TOTAL,
        budget=Decimal("60000"),
        spent=Decimal("57310.40"),
    )
    recommendation = EvaluationRecommendationFactory(
        evaluation=evaluation,
        number=1,
        text="Keep two trained mediators in every office.",
        response="partially_agree",
        response_reason=REASON,
    )
    for description, state in ((KENYAN_ACTION, kenya), (PERUVIAN_ACTION, peru)):
        FollowUpActionFactory(
            evaluation=evaluation,
            recommendation=recommendation,
            description=description,
            owner="",
            responsible_state=state,
        )
    FollowUpActionFactory(
        evaluation=evaluation,
        recommendation=recommendation,
        description=OHCHR_ACTION,
        owner="OHCHR Africa Section",
    )
    return evaluation


def _render(user, reference: str, language: str = "en") -> Report:
    report = Report.objects.create(
        kind="evaluation", reference=reference, language=language, requested_by=user
    )
    return reports.render(report.pk)


def _text(report: Report) -> tuple[str, int]:
    assert report.status == Report.Status.READY, report.error
    with report.file.open("rb") as f:
        reader = pypdf.PdfReader(BytesIO(f.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    return _squash(text), len(reader.pages)


def _squash(text: str) -> str:
    """Text without any space: lines wrap where the page ends them, and the extractor
    may split a word where glyphs are kerned. Shaped Arabic comes back as presentation
    forms: NFKC gives the letters back."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_desk_officer_reads_the_whole_report_and_follow_up_plan(evaluation, desk_officer):
    text, pages = _text(_render(desk_officer, evaluation.reference))
    assert pages > 1  # the cover, then the report
    for expected in (
        evaluation.reference,
        "Contents",
        "1 Jan – 31 Dec 2026",
        "Independent Evaluations Ltd",
        METHODOLOGY,
        "Ratings on the OECD-DAC criteria",
        "Satisfactory",
        JUSTIFICATION,
        "Officers trained",
        "US$ 57,310.40",
        "96%",
        "Keep two trained mediators in every office.",
        "Partially agree",
        REASON,
        KENYAN_ACTION,
        PERUVIAN_ACTION,
        OHCHR_ACTION,
    ):
        assert _squash(expected) in text, expected


def test_a_government_reads_the_summary_and_its_own_states_actions_only(
    evaluation, focal_point_kenya
):
    text, pages = _text(_render(focal_point_kenya, evaluation.reference))
    assert pages > 1
    assert _squash("The programme reached most of its targets.") in text
    assert _squash(KENYAN_ACTION) in text
    # The recommendation its action answers, but not OHCHR's response to it.
    assert _squash("Keep two trained mediators in every office.") in text
    for absent in (
        PERUVIAN_ACTION,
        OHCHR_ACTION,
        REASON,
        "Partially agree",
        METHODOLOGY,
        JUSTIFICATION,
        "Independent Evaluations Ltd",
        "Officers trained",
        "57,310",
        "Ratings",
    ):
        assert _squash(absent) not in text, absent


def test_the_other_state_reads_its_own_action(evaluation, focal_point_peru):
    context = evaluation_reports.context(focal_point_peru, evaluation, {})
    assert [a.description for a in context["government_actions"]] == [PERUVIAN_ACTION]
    assert "ratings" not in context and "budget" not in context


def test_not_accepted_or_not_shared_with_the_state_answers_404(
    kenya, peru, focal_point_kenya, outsider
):
    submitted = EvaluationFactory(programme__countries=[kenya], status=E.SUBMITTED)
    shared_with_peru = EvaluationFactory(
        programme__countries=[kenya, peru], status=E.ACCEPTED, shared_with=[peru]
    )
    for reference in (submitted.reference, shared_with_peru.reference):
        with pytest.raises(Http404):
            evaluation_reports.subject(focal_point_kenya, reference)
    with pytest.raises(Http404):
        evaluation_reports.subject(outsider, shared_with_peru.reference)


def test_renders_in_arabic(kenya, focal_point_kenya):
    evaluation = EvaluationFactory(
        programme__countries=[kenya],
        status=E.ACCEPTED,
        period_start="2026-01-01",
        period_end="2026-12-31",
        summary="حقق البرنامج معظم أهدافه",
    )
    report = _render(focal_point_kenya, evaluation.reference, language="ar")
    assert 'dir="rtl"' in reports.html_for(report)
    text, pages = _text(report)
    assert pages > 1
    assert _squash("البرنامج") in text
    # A period is written the Arabic way ("1 يناير – 31 ديسمبر 2026", Western digits)
    # and laid out right to left: its start on the right, where Arabic reading begins
    # (the extractor gives the glyphs in their visual order, left to right).
    squashed = _squash(text)
    start, end = squashed.find(_squash("يناير1")), squashed.find(_squash("ديسمبر31"))
    assert -1 < end < start

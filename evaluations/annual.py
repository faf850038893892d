"""The annual programme report (``tcp.reports``, kind ``annual``).

It is registered here, by the last stage of the cycle, because it reports on
all of them: the earlier stages' figures come from ``programmes.annual``
(which never imports this app), the evaluation and follow-up figures from
this module, each read through the user's own selectors and computed by the
database. The report is OHCHR's: desk officers, approvers, auditors and
administrators read it (each over the countries they may see); anyone else,
a government's focal point first of all, gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from evaluations.models import CriterionRating, Evaluation, RatingLevel
from evaluations.selectors import ActionFigures, action_figures, in_region, visible_evaluations
from programmes.annual import AnnualFigures, annual_figures
from tcp import reports, translated
from tcp.models import Region, StatusChange
from tcp.roles import Role
from tcp.scoping import scope_for
from tcp.views import user_roles

# The roles the annual report is for (field presences report through their desk).
READERS = frozenset({Role.DESK_OFFICER, Role.PROGRAMME_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR})
FIRST_YEAR = 1955  # the programme's first year


@dataclass(frozen=True)
class AnnualSubject:
    year: int

    def __str__(self) -> str:
        return str(self.year)


@dataclass(frozen=True)
class CriterionAverage:
    name: str
    ratings: int
    average: Decimal
    top: int

    @property
    def width(self) -> str:
        return f"{self.average * 100 / self.top:.1f}" if self.top else "0"


@dataclass(frozen=True)
class EvaluationFigures:
    accepted: int
    accepted_by_kind: list[tuple[str, int]]
    criteria: list[CriterionAverage]
    actions: ActionFigures

    @property
    def actions_total(self) -> int:
        a = self.actions
        return a.on_time + a.late + a.overdue + a.pending + a.dropped


def may_read(user: Any) -> bool:
    """OHCHR's reading roles, and never someone who acts for a government."""
    if not user.is_authenticated or scope_for(user).government:
        return False
    return bool(user_roles(user) & READERS)


def evaluation_figures(user: Any, year: int, region: str | None = None) -> EvaluationFigures:
    """Evaluations accepted in ``year`` and their average rating by criterion, and the
    follow-up actions due in the year by outcome: three queries."""
    accepted_in_year = Exists(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Evaluation),
            object_id=OuterRef("pk"),
            to_status=Evaluation.Status.ACCEPTED,
            at__year=year,
        )
    )
    evaluations = in_region(visible_evaluations(user), region or "").filter(
        accepted_in_year, status=Evaluation.Status.ACCEPTED
    )
    kinds = dict(Evaluation.Kind.choices)
    by_kind = {
        row["kind"]: row["n"]
        for row in evaluations.order_by().values("kind").annotate(n=Count("id"))
    }
    top = RatingLevel.objects.filter(scale_id=OuterRef("criterion__scale_id")).order_by("-value")
    rows = (
        CriterionRating.objects.filter(evaluation__in=evaluations.values("pk"))
        .order_by()
        .values("criterion_id", "criterion__name", "criterion__sort_order")
        .annotate(n=Count("id"), average=Avg("level__value"), top=Subquery(top.values("value")[:1]))
        .order_by("criterion__sort_order", "criterion__name")
    )
    criteria = [
        CriterionAverage(
            translated.name(row["criterion__name"]),
            row["n"],
            Decimal(str(row["average"])).quantize(Decimal("0.1")),
            row["top"] or 0,
        )
        for row in rows
    ]
    return EvaluationFigures(
        accepted=sum(by_kind.values()),
        accepted_by_kind=[(str(kinds[k]), n) for k, n in sorted(by_kind.items())],
        criteria=criteria,
        actions=action_figures(user, region=region or "", year=year),
    )


# --- the report kind ---


def annual_subject(user: Any, reference: str) -> AnnualSubject:
    if not may_read(user):
        raise Http404
    try:
        year = int(reference)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not FIRST_YEAR <= year <= 9999:
        raise Http404
    return AnnualSubject(year)


def _region(params: dict) -> str:
    region = (params or {}).get("region") or ""
    if region and region not in Region.values:
        raise Http404
    return region


def annual_context(user: Any, subject: AnnualSubject, params: dict) -> dict[str, Any]:
    region = _region(params)
    figures: AnnualFigures = annual_figures(user, subject.year, region)
    sections = [
        ("summary", _("The year in figures")),
        ("cycle", _("Requests, assessments and programmes")),
        ("money", _("Budget and expenditure")),
        ("money-source", _("By funding source")),
        ("money-region", _("By region")),
        ("money-country", _("By country")),
        ("money-theme", _("By thematic area")),
        ("evaluations", _("Evaluations and follow-up")),
    ]
    money_tables = [
        ("money-source", _("By funding source"), _("Funding source"), figures.by_source),
        ("money-region", _("By region"), _("Region"), figures.by_region),
        ("money-country", _("By country"), _("Country"), figures.by_country),
        ("money-theme", _("By thematic area"), _("Thematic area"), figures.by_thematic_area),
    ]
    return {
        "figures": figures,
        "evaluation": evaluation_figures(user, subject.year, region),
        "sections": sections,
        "money_tables": money_tables,
    }


def annual_title(subject: AnnualSubject, params: dict) -> str:
    region = (params or {}).get("region")
    if region in Region.values:
        return _("Annual programme report %(year)s: %(region)s") % {
            "year": subject.year,
            "region": Region(region).label,
        }
    return _("Annual programme report %(year)s") % {"year": subject.year}


def register() -> None:
    reports.register(
        reports.ReportKind(
            code="annual",
            subject=annual_subject,
            context=annual_context,
            template="reports/annual.html",
            title=annual_title,
        )
    )

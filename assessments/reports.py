"""The needs assessment report as a PDF (``tcp.reports``), as its reader sees the assessment.

The assessment's selectors decide every part, as on its page: the team, the
terms of reference and the consultations are OHCHR's working record; a
government reads the summary, the shared findings and the shared documents
of an assessment shared with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import Finding, NeedsAssessment
from assessments.selectors import (
    VIEW,
    audience,
    invited_to,
    visible_assessment_documents,
    visible_assessments,
    visible_consultations,
    visible_findings,
    visible_team,
)
from requests_app.selectors import visible_recommendations, visible_requests
from tcp import reports
from tcp.views import timeline


def subject(user: Any, reference: str) -> NeedsAssessment:
    """The assessment as ``user`` may open it on its page (``Http404`` otherwise)."""
    # As the page's guard: the role's permission, or an invitation to one assessment.
    if not (user.has_perm(VIEW) or invited_to(user)):
        raise Http404
    assessment = visible_assessments(user).filter(reference=reference).first()
    if assessment is None:
        raise Http404
    return assessment


@dataclass(frozen=True)
class PartyBar:
    label: str
    meetings: int
    participants: int
    # Bar lengths in percent of the longest (the SVG's viewBox is 100 wide).
    meetings_length: float
    participants_length: float


def _party_bars(assessment: NeedsAssessment) -> list[PartyBar]:
    """Consultations by kind of party (the parties met only), for the chart."""
    rows = [row for row in services.consultation_breadth(assessment) if row[2]]
    top_meetings = max((row[2] for row in rows), default=0) or 1
    top_people = max((row[3] for row in rows), default=0) or 1
    return [
        PartyBar(
            label,
            meetings,
            people,
            round(meetings * 100 / top_meetings, 1),
            round(people * 100 / top_people, 1),
        )
        for _party, label, meetings, people in rows
    ]


def _findings(assessment: NeedsAssessment, user: Any) -> list[Finding]:
    # The recommendations a finding answers, as far as the reader's selector opens them.
    return list(
        visible_findings(assessment, user)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=visible_recommendations(user).select_related("mechanism"),
            )
        )
    )


def context(user: Any, assessment: NeedsAssessment, params: dict) -> dict[str, Any]:
    internal = audience(assessment, user).internal
    team_staff, team_experts = visible_team(assessment, user)
    findings = _findings(assessment, user)
    priorities = Counter(f.priority for f in findings)
    result: dict[str, Any] = {
        "assessment": assessment,
        "internal": internal,
        # The request it answers, only if the reader may open it (an invited expert may not).
        "request_link": visible_requests(user).filter(pk=assessment.request_id).first(),
        "team_staff": team_staff,
        "team_experts": team_experts,
        # OHCHR's internal planning, like the team: never in a government's copy.
        "terms_of_reference": assessment.terms_of_reference if internal else "",
        "consultations": list(visible_consultations(assessment, user)),
        "findings": findings,
        "findings_by_area": [
            (area, list(items)) for area, items in groupby(findings, key=lambda f: f.thematic_area)
        ],
        "priority_counts": [
            (label, priorities.get(value, 0)) for value, label in Finding.Priority.choices
        ],
        "documents": list(visible_assessment_documents(assessment, user)),
        "timeline": timeline(assessment, services.LIFECYCLE, internal=internal),
    }
    if internal:
        result["party_bars"] = _party_bars(assessment)
        result["participants"] = sum(c.participants for c in result["consultations"])
    sections = [
        ("assessment", _("The assessment")),
        ("summary", _("Summary of the findings")),
    ]
    if internal:
        sections.append(("consultations", _("Consultations")))
    sections += [
        ("findings", _("Findings by thematic area")),
        ("documents", _("Documents")),
        ("timeline", _("Status changes")),
    ]
    result["sections"] = sections
    return result


def title(assessment: NeedsAssessment, params: dict) -> str:
    return _("Needs assessment report %(reference)s") % {"reference": assessment.reference}


def register() -> None:
    reports.register(
        reports.ReportKind(
            code="assessment",
            subject=subject,
            context=context,
            template="reports/assessment.html",
            title=title,
        )
    )

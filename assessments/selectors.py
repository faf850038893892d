from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from tcp.documents import Visibility
from tcp.scoping import scope_for
from tcp.selectors import scoped


def visible_assessments(user: Any) -> QuerySet[NeedsAssessment]:
    return scoped(
        NeedsAssessment.objects.select_related("country", "request", "field_presence"),
        user,
        country_path="country",
        shared_with_government=Q(status=NeedsAssessment.Status.SHARED),
        exception_perm="assessments.view_needsassessment",
    )


def assessment_in_scope(assessment: NeedsAssessment, user: Any) -> bool:
    return visible_assessments(user).filter(pk=assessment.pk).exists()


def sees_internal(assessment: NeedsAssessment, user: Any) -> bool:
    """OHCHR staff of the country, and those invited to this one assessment
    (a roster expert on the mission), see its internal work."""
    return scope_for(user).is_ohchr_for(assessment.country_id) or user.has_perm(
        "assessments.view_needsassessment", assessment
    )


# The functions below take an assessment that came through visible_assessments.


def visible_consultations(assessment: NeedsAssessment, user: Any) -> QuerySet[Consultation]:
    """Consultations are the team's working record: never shown to the government."""
    if not sees_internal(assessment, user):
        return Consultation.objects.none()
    return assessment.consultations.select_related("recorded_by")


def visible_findings(assessment: NeedsAssessment, user: Any) -> QuerySet[Finding]:
    findings = assessment.findings.select_related(
        "thematic_area", "recommended_assistance", "recorded_by"
    ).prefetch_related("recommendations")
    if sees_internal(assessment, user):
        return findings
    return findings.filter(visibility=Visibility.SHARED)


def visible_assessment_documents(
    assessment: NeedsAssessment, user: Any
) -> QuerySet[AssessmentDocument]:
    documents = assessment.documents.select_related("uploaded_by")
    if sees_internal(assessment, user):
        return documents
    return documents.filter(visibility=Visibility.SHARED)

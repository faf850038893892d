from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp.audience import Audience, audience_of
from tcp.models import RosterExpert, User
from tcp.roles import Role
from tcp.scoping import exception_ids, people_working_on
from tcp.selectors import scoped

VIEW = "assessments.view_needsassessment"


def visible_assessments(user: Any) -> QuerySet[NeedsAssessment]:
    return scoped(
        NeedsAssessment.objects.select_related("country", "field_presence"),
        user,
        country_path="country",
        shared_with_government=Q(status=NeedsAssessment.Status.SHARED),
        exception_perm=VIEW,
    )


def awaiting_assessment(user: Any) -> QuerySet[AssistanceRequest]:
    """Accepted requests in the user's scope that have no assessment yet.

    NOT EXISTS rather than a LEFT JOIN … IS NULL: PostgreSQL turns it into an
    anti-join on the assessment's unique request index, where the join read
    the whole assessments table (110 ms at a million requests).
    """
    assessed = NeedsAssessment.objects.filter(request=OuterRef("pk"))
    return visible_requests(user).filter(
        ~Exists(assessed), status=AssistanceRequest.Status.ACCEPTED
    )


def assessment_in_scope(assessment: NeedsAssessment, user: Any) -> bool:
    return visible_assessments(user).filter(pk=assessment.pk).exists()


def invited_to(user: Any) -> frozenset[int]:
    """The assessments ``user`` was put on as a roster expert (exception grants)."""
    return exception_ids(user, NeedsAssessment, VIEW)


def audience(assessment: NeedsAssessment, user: Any) -> Audience:
    """OHCHR staff of the country, and the roster experts on this one assessment,
    are its team: they read its internal work. A government reads what is shared."""
    return audience_of(user, [assessment.country_id], team=assessment.pk in invited_to(user))


def sees_internal(assessment: NeedsAssessment, user: Any) -> bool:
    return audience(assessment, user).internal


def team_candidates(country_id: int) -> QuerySet[User]:
    """The staff who may be put on an assessment of the country: desk and field
    officers whose own scope covers it (not everyone with the role)."""
    roles = [Role.DESK_OFFICER.value, Role.FIELD_OFFICER.value]
    return (
        people_working_on([country_id])
        .filter(groups__name__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def roster(*, expertise: Any = None, language: str = "") -> QuerySet[RosterExpert]:
    """The active experts of the roster, optionally by area of expertise and language."""
    experts = RosterExpert.objects.filter(is_active=True).prefetch_related("expertise")
    if expertise is not None:
        experts = experts.filter(expertise=expertise)
    if language:
        experts = experts.filter(languages__icontains=language)
    return experts.distinct().order_by("name")


# The functions below take an assessment that came through visible_assessments.


def visible_team(assessment: NeedsAssessment, user: Any) -> tuple[list[User], list[RosterExpert]]:
    """The team (staff and roster experts) is OHCHR's internal planning."""
    if not sees_internal(assessment, user):
        return [], []
    return list(assessment.team_staff.all()), list(assessment.team_experts.all())


def visible_consultations(assessment: NeedsAssessment, user: Any) -> QuerySet[Consultation]:
    """Consultations are the team's working record: never shown to the government."""
    if not sees_internal(assessment, user):
        return Consultation.objects.none()
    return assessment.consultations.select_related("recorded_by")


def visible_findings(assessment: NeedsAssessment, user: Any) -> QuerySet[Finding]:
    findings = assessment.findings.select_related(
        "thematic_area", "recommended_assistance", "recorded_by"
    ).prefetch_related("recommendations")
    return audience(assessment, user).material(findings)


def visible_assessment_documents(
    assessment: NeedsAssessment, user: Any
) -> QuerySet[AssessmentDocument]:
    return audience(assessment, user).material(assessment.documents.select_related("uploaded_by"))

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from assessments.models import NeedsAssessment
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

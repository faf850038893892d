"""Every write to a needs assessment: planning and its lifecycle."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from assessments.models import NeedsAssessment
from assessments.selectors import assessment_in_scope
from requests_app.models import AssistanceRequest
from requests_app.selectors import request_in_scope
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused
from tcp.models import FieldPresence
from tcp.references import next_reference

S = NeedsAssessment.Status
CONDUCT = "assessments.conduct_needsassessment"
VALIDATE = "assessments.validate_needsassessment"


def _has_summary(assessment: NeedsAssessment) -> list[str]:
    return [] if assessment.summary.strip() else [_("a summary of the findings")]


LIFECYCLE = Lifecycle(
    model=NeedsAssessment,
    in_scope=lambda a, user: assessment_in_scope(a, user),
    countries_of=lambda a: [a.country_id],
    transitions=[
        Transition("start", _l("Start the assessment"), (S.PLANNED,), S.IN_PROGRESS, CONDUCT),
        Transition(
            "submit_findings",
            _l("Submit findings"),
            (S.IN_PROGRESS,),
            S.FINDINGS_SUBMITTED,
            CONDUCT,
            preconditions=(_has_summary,),
        ),
        Transition(
            "return_findings",
            _l("Return for more work"),
            (S.FINDINGS_SUBMITTED,),
            S.IN_PROGRESS,
            VALIDATE,
            note_required=True,
            note_label=_l("what needs more work"),
        ),
        Transition(
            "validate", _l("Validate findings"), (S.FINDINGS_SUBMITTED,), S.VALIDATED, VALIDATE
        ),
        Transition(
            "share",
            _l("Share with the government"),
            (S.VALIDATED,),
            S.SHARED,
            VALIDATE,
            inform_government=True,
        ),
    ],
)


def plan_assessment(
    *,
    request: AssistanceRequest,
    mode: str,
    due_date: datetime.date,
    by: Any,
    field_presence: FieldPresence | None = None,
    **fields: Any,
) -> NeedsAssessment:
    if not by.has_perm("assessments.plan_needsassessment") or not request_in_scope(request, by):
        raise TransitionRefused(_("Planning an assessment needs the desk officer of the country."))
    if request.status != AssistanceRequest.Status.ACCEPTED:
        raise TransitionRefused(_("Only an accepted request leads to a needs assessment."))
    if hasattr(request, "needs_assessment"):
        raise TransitionRefused(_("This request already has a needs assessment."))
    if mode == NeedsAssessment.Mode.FIELD_PRESENCE:
        if field_presence is None:
            raise TransitionRefused(_("Choose the field presence that will conduct it."))
        if not field_presence.countries.filter(pk=request.country_id).exists():
            raise TransitionRefused(
                _("%(presence)s does not cover %(country)s.")
                % {"presence": field_presence, "country": request.country}
            )
    with transaction.atomic(), acting_as(by):
        assessment = NeedsAssessment(
            reference=next_reference("TCA", request.country.iso3),
            request=request,
            country_id=request.country_id,
            mode=mode,
            field_presence=field_presence,
            due_date=due_date,
            **fields,
        )
        assessment.full_clean()
        assessment.save()
    return assessment


def update_assessment(*, assessment: NeedsAssessment, by: Any, **fields: Any) -> NeedsAssessment:
    if assessment.status not in (S.PLANNED, S.IN_PROGRESS):
        raise TransitionRefused(_("Submitted findings can no longer be edited."))
    if not (
        by.has_perm(CONDUCT) or by.has_perm("assessments.plan_needsassessment")
    ) or not assessment_in_scope(assessment, by):
        raise TransitionRefused(_("Only the team of the assessment can edit it."))
    with transaction.atomic(), acting_as(by):
        for name, value in fields.items():
            setattr(assessment, name, value)
        assessment.full_clean()
        assessment.save(update_fields=[*fields, "updated_at"])
    return assessment


def start_assessment(*, assessment: NeedsAssessment, by: Any):
    return LIFECYCLE.apply(assessment, "start", by=by)


def submit_findings(*, assessment: NeedsAssessment, by: Any):
    return LIFECYCLE.apply(assessment, "submit_findings", by=by)


def return_findings(*, assessment: NeedsAssessment, by: Any, note: str):
    return LIFECYCLE.apply(assessment, "return_findings", by=by, note=note)


def validate_findings(*, assessment: NeedsAssessment, by: Any):
    return LIFECYCLE.apply(assessment, "validate", by=by)


def share_with_government(*, assessment: NeedsAssessment, by: Any):
    return LIFECYCLE.apply(assessment, "share", by=by)

"""Every write to a needs assessment: planning and its lifecycle."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from assessments.selectors import assessment_in_scope
from requests_app.models import AssistanceRequest
from requests_app.selectors import request_in_scope
from tcp.documents import Visibility, delete_document, store_upload
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused
from tcp.models import FieldPresence
from tcp.references import next_reference
from tcp.scoping import scope_for

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


_TEAM = ("team_staff", "team_experts")


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
    team = {k: fields.pop(k) for k in _TEAM if k in fields}
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
        for name, values in team.items():
            getattr(assessment, name).set(values)
    return assessment


def update_assessment(*, assessment: NeedsAssessment, by: Any, **fields: Any) -> NeedsAssessment:
    if assessment.status not in (S.PLANNED, S.IN_PROGRESS):
        raise TransitionRefused(_("Submitted findings can no longer be edited."))
    if not (
        by.has_perm(CONDUCT) or by.has_perm("assessments.plan_needsassessment")
    ) or not assessment_in_scope(assessment, by):
        raise TransitionRefused(_("Only the team of the assessment can edit it."))
    team = {k: fields.pop(k) for k in _TEAM if k in fields}
    with transaction.atomic(), acting_as(by):
        for name, value in fields.items():
            setattr(assessment, name, value)
        assessment.full_clean()
        assessment.save(update_fields=[*fields, "updated_at"])
        for name, values in team.items():
            getattr(assessment, name).set(values)
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


# --- the work of the assessment: consultations, findings, documents ---

_OPEN = (S.PLANNED, S.IN_PROGRESS)


def team_refusal(assessment: NeedsAssessment, user: Any, what: str) -> str | None:
    """Why ``user`` may not record ``what`` on the assessment now, or None if they may.

    The assessment's team writes while it is open: the covering presence's
    officers or the desk officer of the country, never anyone outside its scope.
    Pages ask this to offer exactly the forms the services will accept.
    """
    allowed = user.has_perm(CONDUCT) or user.has_perm("assessments.plan_needsassessment")
    if (
        not allowed
        or not assessment_in_scope(assessment, user)
        or not scope_for(user).is_ohchr_for(assessment.country_id)
    ):
        return _("Only the assessment's team records %s.") % what
    if assessment.status not in _OPEN:
        return _("The assessment is %s: its %s can no longer change.") % (
            assessment.get_status_display(),
            what,
        )
    return None


def _check_team(assessment: NeedsAssessment, by: Any, what: str) -> None:
    refusal = team_refusal(assessment, by, what)
    if refusal is not None:
        raise TransitionRefused(refusal)


def record_consultation(
    *, assessment: NeedsAssessment, by: Any, consultation: Consultation | None = None, **fields: Any
) -> Consultation:
    """Add a consultation, or change one (``consultation=``) while the assessment is open."""
    _check_team(assessment, by, _("consultations"))
    with transaction.atomic(), acting_as(by):
        if consultation is None:
            consultation = Consultation(assessment=assessment, recorded_by=by)
        elif consultation.assessment_id != assessment.pk:
            raise TransitionRefused(_("That consultation belongs to another assessment."))
        for name, value in fields.items():
            setattr(consultation, name, value)
        consultation.full_clean()
        consultation.save()
    return consultation


def delete_consultation(*, consultation: Consultation, by: Any) -> None:
    _check_team(consultation.assessment, by, _("consultations"))
    with transaction.atomic(), acting_as(by):
        consultation.delete()


def record_finding(
    *, assessment: NeedsAssessment, by: Any, finding: Finding | None = None, **fields: Any
) -> Finding:
    """Add a finding, or change one (``finding=``) while the assessment is open."""
    _check_team(assessment, by, _("findings"))
    recommendations = fields.pop("recommendations", None)
    if recommendations is not None:
        foreign = [r for r in recommendations if r.country_id != assessment.country_id]
        if foreign:
            raise TransitionRefused(_("A finding answers recommendations to the State assessed."))
    with transaction.atomic(), acting_as(by):
        if finding is None:
            finding = Finding(assessment=assessment, recorded_by=by)
        elif finding.assessment_id != assessment.pk:
            raise TransitionRefused(_("That finding belongs to another assessment."))
        for name, value in fields.items():
            setattr(finding, name, value)
        finding.full_clean()
        finding.save()
        if recommendations is not None:
            finding.recommendations.set(recommendations)
    return finding


def delete_finding(*, finding: Finding, by: Any) -> None:
    _check_team(finding.assessment, by, _("findings"))
    with transaction.atomic(), acting_as(by):
        finding.delete()


def attach_assessment_document(
    *,
    assessment: NeedsAssessment,
    file: UploadedFile,
    by: Any,
    kind: str = AssessmentDocument.Kind.OTHER,
    visibility: str = Visibility.INTERNAL,
) -> AssessmentDocument:
    """Upload a report, minutes, a photo or a spreadsheet; internal unless shared."""
    _check_team(assessment, by, _("documents"))
    return store_upload(
        model=AssessmentDocument,
        file=file,
        by=by,
        siblings=assessment.documents.all(),
        assessment=assessment,
        kind=kind,
        visibility=visibility,
    )


def remove_assessment_document(*, document: AssessmentDocument, by: Any) -> None:
    _check_team(document.assessment, by, _("documents"))
    delete_document(document, by=by)


def set_document_visibility(*, document: AssessmentDocument, visibility: str, by: Any) -> None:
    """The desk officer decides what of the assessment the government will see."""
    assessment = document.assessment
    if not by.has_perm(VALIDATE) or not assessment_in_scope(assessment, by):
        raise TransitionRefused(_("The desk officer of the country decides what is shared."))
    if assessment.status == S.SHARED:
        raise TransitionRefused(_("The report has been shared; what it contains is fixed."))
    with transaction.atomic(), acting_as(by):
        document.visibility = visibility
        document.full_clean()
        document.save(update_fields=["visibility"])


def consultation_breadth(assessment: NeedsAssessment) -> list[tuple[str, str, int, int]]:
    """(party, label, meetings, participants) for every kind of party, zeros included."""
    rows = {
        row["party"]: row
        for row in assessment.consultations.values("party").annotate(
            meetings=Count("id"),
            participants=Sum(
                F("participants_women") + F("participants_men") + F("participants_other")
            ),
        )
    }
    return [
        (
            value,
            str(label),
            rows.get(value, {}).get("meetings", 0),
            rows.get(value, {}).get("participants") or 0,
        )
        for value, label in Consultation.Party.choices
    ]

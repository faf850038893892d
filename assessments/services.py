"""Every write to a needs assessment: planning and its lifecycle."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from assessments.selectors import VIEW, assessment_in_scope, audience, team_candidates
from requests_app.models import AssistanceRequest
from requests_app.selectors import request_in_scope
from tcp import scoping
from tcp.documents import Visibility, delete_document, store_upload
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import FieldPresence, RosterExpert
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
            "validate",
            _l("Validate findings"),
            (S.FINDINGS_SUBMITTED,),
            S.VALIDATED,
            VALIDATE,
            irreversible=True,
            consequence=_l("The findings can no longer be changed."),
        ),
        Transition(
            "share",
            _l("Share with the government"),
            (S.VALIDATED,),
            S.SHARED,
            VALIDATE,
            inform_government=True,
            irreversible=True,
            consequence=_l("The government reads the assessment report from now on."),
        ),
    ],
)


_TEAM = ("team_staff", "team_experts")
PLAN = "assessments.plan_needsassessment"


def plan_refusal(*, request: AssistanceRequest, user: Any) -> str | None:
    """Why ``user`` may not plan an assessment of ``request`` now, or None."""
    if not user.has_perm(PLAN) or not request_in_scope(request, user):
        return _("Planning an assessment needs the desk officer of the country.")
    if request.status != AssistanceRequest.Status.ACCEPTED:
        return _("Only an accepted request leads to a needs assessment.")
    if NeedsAssessment.objects.filter(request=request).exists():
        return _("This request already has a needs assessment.")
    return None


def _check_presence(mode: str, presence: FieldPresence | None, country: Any) -> None:
    if mode != NeedsAssessment.Mode.FIELD_PRESENCE:
        return
    if presence is None:
        raise TransitionRefused(_("Choose the field presence that will conduct it."))
    if not presence.countries.filter(pk=country.pk).exists():
        raise TransitionRefused(
            _("%(presence)s does not cover %(country)s.")
            % {"presence": presence, "country": country}
        )


def _check_team(country_id: int, team: dict[str, Any], keep: Any = ()) -> None:
    """Staff on the team work on the country; experts come from the active roster.
    ``keep``: those already on the team, who stay even if they have moved on."""
    staff = {u.pk for u in team.get("team_staff", ())} - {u.pk for u in keep}
    allowed = set(team_candidates(country_id).filter(pk__in=staff).values_list("pk", flat=True))
    if staff - allowed:
        raise TransitionRefused(_("The team's staff must work on the country assessed."))
    experts = {e.pk for e in team.get("team_experts", ())}
    active = set(
        RosterExpert.objects.filter(pk__in=experts, is_active=True).values_list("pk", flat=True)
    )
    if experts - active:
        raise TransitionRefused(_("The team's experts come from the active roster."))


def _set_team(assessment: NeedsAssessment, team: dict[str, Any], by: Any) -> None:
    """Write the team; a roster expert with an account is given (and on leaving,
    loses) access to this one assessment: the design's exception grant."""
    if "team_experts" in team:
        before = {e.pk: e for e in assessment.team_experts.select_related("user")}
        after = {e.pk: e for e in team["team_experts"]}
        for pk in before.keys() - after.keys():
            if before[pk].user is not None:
                scoping.revoke_exception(user=before[pk].user, perm=VIEW, obj=assessment, by=by)
        for pk in after.keys() - before.keys():
            if after[pk].user is not None:
                scoping.grant_exception(user=after[pk].user, perm=VIEW, obj=assessment, by=by)
    for name, values in team.items():
        getattr(assessment, name).set(values)


def plan_assessment(
    *,
    request: AssistanceRequest,
    mode: str,
    due_date: datetime.date,
    by: Any,
    field_presence: FieldPresence | None = None,
    **fields: Any,
) -> NeedsAssessment:
    team = {k: fields.pop(k) for k in _TEAM if k in fields}
    with editing(request, by=by, refusal=lambda r: plan_refusal(request=r, user=by)) as locked:
        _check_presence(mode, field_presence, locked.country)
        _check_team(locked.country_id, team)
        assessment = NeedsAssessment(
            reference=next_reference("TCA", locked.country.iso3),
            request=locked,
            country_id=locked.country_id,
            title=fields.pop("title", "") or locked.title,
            mode=mode,
            field_presence=field_presence,
            due_date=due_date,
            **fields,
        )
        assessment.full_clean()
        assessment.save()
        _set_team(assessment, team, by)
    return assessment


def edit_refusal(*, assessment: NeedsAssessment, user: Any) -> str | None:
    """Why ``user`` may not change the plan (and the summary) now, or None."""
    if not (user.has_perm(CONDUCT) or user.has_perm(PLAN)) or not (
        assessment_in_scope(assessment, user)
        and scope_for(user).is_ohchr_for(assessment.country_id)
    ):
        return _("Only the team of the assessment can edit it.")
    if assessment.status not in (S.PLANNED, S.IN_PROGRESS):
        return _("Submitted findings can no longer be edited.")
    return None


def replan_refusal(*, assessment: NeedsAssessment, user: Any) -> str | None:
    """The plan itself (mode, team, terms) is the desk officer's."""
    if not user.has_perm(PLAN):
        return _("The desk officer of the country changes the plan.")
    return edit_refusal(assessment=assessment, user=user)


def update_assessment(*, assessment: NeedsAssessment, by: Any, **fields: Any) -> NeedsAssessment:
    team = {k: fields.pop(k) for k in _TEAM if k in fields}
    planning = bool(team) or bool(set(fields) - {"summary"})
    check = replan_refusal if planning else edit_refusal
    with editing(assessment, by=by, refusal=lambda a: check(assessment=a, user=by)) as locked:
        if "mode" in fields or "field_presence" in fields:
            _check_presence(
                fields.get("mode", locked.mode),
                fields.get("field_presence", locked.field_presence),
                locked.country,
            )
        if team:
            _check_team(locked.country_id, team, keep=locked.team_staff.all())
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
        _set_team(locked, team, by)
    return locked


def perform(assessment: NeedsAssessment, action: str, *, by: Any, note: str = ""):
    """Any transition of the assessment by name (the transition view's entry)."""
    return LIFECYCLE.apply(assessment, action, by=by, note=note)


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
    allowed = user.has_perm(CONDUCT) or user.has_perm(PLAN)
    if (
        not allowed
        or not assessment_in_scope(assessment, user)
        or not scope_for(user).is_ohchr_for(assessment.country_id)
    ):
        return _("Only the assessment's team records %s.") % what
    if assessment.status not in _OPEN:
        return _("The assessment is %(status)s: its %(what)s can no longer change.") % {
            "status": assessment.get_status_display(),
            "what": what,
        }
    return None


def _team_work(assessment: NeedsAssessment, by: Any, what: str) -> Any:
    """The lock every piece of the team's work is written under."""
    return editing(assessment, by=by, refusal=lambda a: team_refusal(a, by, what))


def record_consultation(
    *, assessment: NeedsAssessment, by: Any, consultation: Consultation | None = None, **fields: Any
) -> Consultation:
    """Add a consultation, or change one (``consultation=``) while the assessment is open."""
    with _team_work(assessment, by, _("consultations")) as locked:
        if consultation is None:
            consultation = Consultation(assessment=locked, recorded_by=by)
        elif consultation.assessment_id != locked.pk:
            raise TransitionRefused(_("That consultation belongs to another assessment."))
        for name, value in fields.items():
            setattr(consultation, name, value)
        consultation.full_clean()
        consultation.save()
    return consultation


def delete_consultation(*, consultation: Consultation, by: Any) -> None:
    with _team_work(consultation.assessment, by, _("consultations")):
        consultation.delete()


def record_finding(
    *, assessment: NeedsAssessment, by: Any, finding: Finding | None = None, **fields: Any
) -> Finding:
    """Add a finding, or change one (``finding=``) while the assessment is open."""
    recommendations = fields.pop("recommendations", None)
    if recommendations is not None:
        foreign = [r for r in recommendations if r.country_id != assessment.country_id]
        if foreign:
            raise TransitionRefused(_("A finding answers recommendations to the State assessed."))
    with _team_work(assessment, by, _("findings")) as locked:
        if finding is None:
            finding = Finding(assessment=locked, recorded_by=by)
        elif finding.assessment_id != locked.pk:
            raise TransitionRefused(_("That finding belongs to another assessment."))
        for name, value in fields.items():
            setattr(finding, name, value)
        finding.full_clean()
        finding.save()
        if recommendations is not None:
            finding.recommendations.set(recommendations)
    return finding


def delete_finding(*, finding: Finding, by: Any) -> None:
    with _team_work(finding.assessment, by, _("findings")):
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
    with _team_work(assessment, by, _("documents")) as locked:
        return store_upload(
            model=AssessmentDocument,
            file=file,
            by=by,
            siblings=audience(locked, by).material(locked.documents.all()),
            assessment=locked,
            kind=kind,
            visibility=visibility,
        )


def remove_assessment_document(*, document: AssessmentDocument, by: Any) -> None:
    with _team_work(document.assessment, by, _("documents")):
        delete_document(document, by=by)


def visibility_refusal(*, assessment: NeedsAssessment, user: Any) -> str | None:
    """Why ``user`` may not change what of the assessment is shared, or None."""
    if not user.has_perm(VALIDATE) or not (
        assessment_in_scope(assessment, user)
        and scope_for(user).is_ohchr_for(assessment.country_id)
    ):
        return _("The desk officer of the country decides what is shared.")
    if assessment.status == S.SHARED:
        return _("The report has been shared; what it contains is fixed.")
    return None


def set_document_visibility(*, document: AssessmentDocument, visibility: str, by: Any) -> None:
    """The desk officer decides what of the assessment the government will see."""
    if visibility not in Visibility.values:
        raise TransitionRefused(_("Choose internal or shared."))
    check = visibility_refusal
    with editing(document.assessment, by=by, refusal=lambda a: check(assessment=a, user=by)):
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

"""Every write to a request: creation, edits of a draft, and its lifecycle."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from requests_app.models import (
    AssistanceRequest,
    Message,
    Recommendation,
    RequestDocument,
    Screening,
    ScreeningScore,
)
from requests_app.selectors import request_in_scope
from tcp.documents import Visibility, delete_document, store_upload
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused
from tcp.models import Country, ScreeningCriterion
from tcp.references import next_reference
from tcp.scoping import scope_for

S = AssistanceRequest.Status
SUBMIT = "requests_app.submit_assistancerequest"
TRIAGE = "requests_app.triage_assistancerequest"
DECIDE = "requests_app.decide_assistancerequest"


def missing_for_submission(req: AssistanceRequest) -> list[str]:
    missing = [
        str(label)
        for name, label in (
            ("title", _("title")),
            ("requesting_authority", _("requesting authority")),
            ("description", _("description")),
            ("justification", _("justification")),
        )
        if not getattr(req, name).strip()
    ]
    if not req.thematic_areas.exists():
        missing.append(_("at least one thematic area"))
    if not req.forms_of_assistance.exists():
        missing.append(_("at least one form of assistance"))
    if not req.documents.filter(kind=RequestDocument.Kind.OFFICIAL_LETTER).exists():
        missing.append(_("the official letter, attached"))
    return missing


def missing_for_decision(req: AssistanceRequest) -> list[str]:
    screening = Screening.objects.filter(request=req).first()
    if screening is None:
        return [_("a screening against the criteria")]
    unscored = ScreeningCriterion.objects.filter(is_active=True).exclude(
        pk__in=screening.scores.values("criterion")
    )
    return [_("a score for “%s”") % criterion.name for criterion in unscored]


LIFECYCLE = Lifecycle(
    model=AssistanceRequest,
    in_scope=lambda req, user: request_in_scope(req, user),
    countries_of=lambda req: [req.country_id],
    transitions=[
        Transition(
            "submit",
            _l("Submit"),
            (S.DRAFT,),
            S.SUBMITTED,
            SUBMIT,
            preconditions=(missing_for_submission,),
        ),
        Transition("acknowledge", _l("Acknowledge"), (S.SUBMITTED,), S.ACKNOWLEDGED, TRIAGE),
        Transition(
            "request_information",
            _l("Ask for more information"),
            (S.ACKNOWLEDGED, S.UNDER_ASSESSMENT),
            S.INFORMATION_REQUESTED,
            TRIAGE,
            note_required=True,
            note_label=_l("the question to the government"),
            note_shared=True,
        ),
        Transition(
            "resubmit",
            _l("Answer and resubmit"),
            (S.INFORMATION_REQUESTED,),
            S.SUBMITTED,
            SUBMIT,
            preconditions=(missing_for_submission,),
            note_required=True,
            note_label=_l("the answer to OHCHR's question"),
            note_shared=True,
        ),
        Transition(
            "start_assessment",
            _l("Start screening"),
            (S.ACKNOWLEDGED,),
            S.UNDER_ASSESSMENT,
            TRIAGE,
        ),
        Transition(
            "accept",
            _l("Accept"),
            (S.UNDER_ASSESSMENT,),
            S.ACCEPTED,
            DECIDE,
            preconditions=(missing_for_decision,),
            inform_government=True,
        ),
        Transition(
            "decline",
            _l("Decline"),
            (S.UNDER_ASSESSMENT,),
            S.DECLINED,
            DECIDE,
            preconditions=(missing_for_decision,),
            note_required=True,
            note_label=_l("the reason, which is shared with the government"),
            note_field="decline_reason",
            note_shared=True,
            inform_government=True,
            dangerous=True,
        ),
        Transition(
            "withdraw",
            _l("Withdraw"),
            (S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.INFORMATION_REQUESTED, S.UNDER_ASSESSMENT),
            S.WITHDRAWN,
            SUBMIT,
            dangerous=True,
            note_shared=True,
        ),
    ],
)


_REQUEST_M2M = ("thematic_areas", "forms_of_assistance", "sdgs", "recommendations")


def _check_recommendations(country: Country, recommendations: Any) -> None:
    foreign = [r for r in recommendations or () if r.country_id != country.pk]
    if foreign:
        raise TransitionRefused(
            _("A request cites recommendations to its own State only, not: %s.")
            % "; ".join(str(r) for r in foreign)
        )


def create_request(*, country: Country, by: Any, **fields: Any) -> AssistanceRequest:
    """A new draft for ``country``, by one of its focal points."""
    if not by.has_perm("requests_app.add_assistancerequest") or country.pk not in (
        scope_for(by).government
    ):
        raise TransitionRefused(
            _("Only a focal point of %s can make a request on its behalf.") % country
        )
    m2m = {k: fields.pop(k) for k in _REQUEST_M2M if k in fields}
    _check_recommendations(country, m2m.get("recommendations"))
    with transaction.atomic(), acting_as(by):
        req = AssistanceRequest(
            country=country,
            created_by=by,
            reference=next_reference("TCR", country.iso3),
            **fields,
        )
        req.full_clean()
        req.save()
        for name, values in m2m.items():
            getattr(req, name).set(values)
    return req


def draft_edit_refusal(*, req: AssistanceRequest, user: Any) -> str | None:
    """Why ``user`` may not edit what the government wrote now, or None if they may."""
    if req.status not in (S.DRAFT, S.INFORMATION_REQUESTED):
        return _("The request can no longer be edited: it is %s.") % req.get_status_display()
    if not user.has_perm("requests_app.change_assistancerequest") or req.country_id not in (
        scope_for(user).government
    ):
        return _("Only a focal point of the State can edit its request.")
    return None


def update_draft(*, req: AssistanceRequest, by: Any, **fields: Any) -> AssistanceRequest:
    """Edit what the government wrote, while it is still theirs to edit."""
    refusal = draft_edit_refusal(req=req, user=by)
    if refusal is not None:
        raise TransitionRefused(refusal)
    m2m = {k: fields.pop(k) for k in _REQUEST_M2M if k in fields}
    _check_recommendations(req.country, m2m.get("recommendations"))
    with transaction.atomic(), acting_as(by):
        for name, value in fields.items():
            setattr(req, name, value)
        req.full_clean()
        req.save(update_fields=[*fields, "updated_at"])
        for name, values in m2m.items():
            getattr(req, name).set(values)
    return req


def _transition(req: AssistanceRequest, action: str, by: Any, note: str = "", **changes: Any):
    return LIFECYCLE.apply(req, action, by=by, note=note, changes=changes)


def submit_request(*, req: AssistanceRequest, by: Any):
    return _transition(req, "submit", by, submitted_at=timezone.now())


def acknowledge_request(*, req: AssistanceRequest, by: Any):
    return _transition(req, "acknowledge", by)


def request_information(*, req: AssistanceRequest, by: Any, question: str):
    return _transition(req, "request_information", by, note=question)


def resubmit_request(*, req: AssistanceRequest, by: Any, answer: str):
    return _transition(req, "resubmit", by, note=answer, submitted_at=timezone.now())


def start_assessment(*, req: AssistanceRequest, by: Any):
    return _transition(req, "start_assessment", by)


def accept_request(*, req: AssistanceRequest, by: Any):
    return _transition(req, "accept", by, decided_at=timezone.now())


def decline_request(*, req: AssistanceRequest, by: Any, reason: str):
    return _transition(req, "decline", by, note=reason, decided_at=timezone.now())


def withdraw_request(*, req: AssistanceRequest, by: Any, note: str = ""):
    return _transition(req, "withdraw", by, note=note)


# --- recommendations ---


def create_recommendation(*, country: Country, by: Any, **fields: Any) -> Recommendation:
    """Record a recommendation to ``country`` (entered by hand, not imported)."""
    scope = scope_for(by)
    if not by.has_perm("requests_app.add_recommendation") or not scope.covers(country.pk):
        raise TransitionRefused(_("You may record recommendations for your own countries only."))
    m2m = {k: fields.pop(k) for k in ("thematic_areas", "sdgs") if k in fields}
    with transaction.atomic(), acting_as(by):
        recommendation = Recommendation(country=country, **fields)
        recommendation.full_clean()
        recommendation.save()
        for name, values in m2m.items():
            getattr(recommendation, name).set(values)
    return recommendation


# --- documents ---


def is_ohchr_for(req: AssistanceRequest, user: Any) -> bool:
    return scope_for(user).is_ohchr_for(req.country_id)


def attach_document(
    *,
    req: AssistanceRequest,
    file: UploadedFile,
    by: Any,
    kind: str = RequestDocument.Kind.SUPPORTING,
    visibility: str = Visibility.SHARED,
) -> RequestDocument:
    """Attach a file; refuses with a reason and writes nothing on bad input.

    The government attaches while the request is theirs to edit, and its
    documents are always shared; OHCHR attaches until the decision and may
    keep a document internal.
    """
    ohchr = is_ohchr_for(req, by)
    if ohchr:
        if not by.has_perm("requests_app.triage_assistancerequest") or req.status in (
            S.ACCEPTED,
            S.DECLINED,
            S.WITHDRAWN,
        ):
            raise TransitionRefused(_("Documents can no longer be attached to this request."))
    else:
        refusal = draft_edit_refusal(req=req, user=by)
        if refusal is not None:
            raise TransitionRefused(refusal)
        visibility = Visibility.SHARED
    return store_upload(
        model=RequestDocument,
        file=file,
        by=by,
        siblings=req.documents.all(),
        request=req,
        kind=kind,
        visibility=visibility,
    )


def remove_document(*, document: RequestDocument, by: Any) -> None:
    req = document.request
    if is_ohchr_for(req, by) or document.uploaded_by_id != by.pk:
        raise TransitionRefused(_("Only the focal point who attached a document removes it."))
    refusal = draft_edit_refusal(req=req, user=by)
    if refusal is not None:
        raise TransitionRefused(refusal)
    delete_document(document, by=by)


# --- messages ---


def post_message(
    *, req: AssistanceRequest, by: Any, body: str, visibility: str = Visibility.SHARED
) -> Message:
    """Write to the thread with the government, or (OHCHR only) an internal note."""
    body = body.strip()
    if not body:
        raise TransitionRefused(_("The message is empty."))
    if not by.has_perm("requests_app.add_message") or not request_in_scope(req, by):
        raise TransitionRefused(_("You may not write on this request."))
    if visibility == Visibility.INTERNAL and not is_ohchr_for(req, by):
        raise TransitionRefused(_("Internal notes are for OHCHR staff only."))
    if req.status == S.DRAFT and is_ohchr_for(req, by):
        raise TransitionRefused(_("The request is still a draft of the government."))
    with transaction.atomic(), acting_as(by):
        message = Message(request=req, author=by, body=body, visibility=visibility)
        message.full_clean()
        message.save()
    return message


# --- screening ---


def record_screening(
    *,
    req: AssistanceRequest,
    by: Any,
    scores: dict[int, tuple[int, str]],
    summary: str = "",
) -> Screening:
    """Score the request on every active criterion; each score needs a comment.

    ``scores`` maps a criterion's id to (score 0-5, comment). Recording again
    replaces the earlier scores; history keeps them.
    """
    if not by.has_perm(TRIAGE) or not request_in_scope(req, by):
        raise TransitionRefused(_("Screening needs the desk officer of the country."))
    if req.status != S.UNDER_ASSESSMENT:
        raise TransitionRefused(
            _("A request is screened while under assessment; it is %s.") % req.get_status_display()
        )
    criteria = {c.pk: c for c in ScreeningCriterion.objects.filter(is_active=True)}
    missing = []
    for pk, criterion in criteria.items():
        score, comment = scores.get(pk, (None, ""))
        if score is None or not 0 <= int(score) <= ScreeningScore.MAX_SCORE:
            missing.append(_("a score from 0 to 5 for “%s”") % criterion.name)
        elif not comment.strip():
            missing.append(_("a comment on “%s”") % criterion.name)
    if missing:
        raise TransitionRefused(_("The screening is incomplete."), missing=missing)
    with transaction.atomic(), acting_as(by):
        screening, _created = Screening.objects.select_for_update().update_or_create(
            request=req, defaults={"screened_by": by, "summary": summary.strip()}
        )
        for pk, criterion in criteria.items():
            score, comment = scores[pk]
            ScreeningScore.objects.update_or_create(
                screening=screening,
                criterion=criterion,
                defaults={"weight": criterion.weight, "score": int(score), "comment": comment},
            )
    return screening


def screening_total(screening: Screening) -> tuple[int, int]:
    """(weighted total, weighted maximum) of a screening, computed when read."""
    totals = screening.scores.aggregate(total=Sum(F("weight") * F("score")), weights=Sum("weight"))
    return totals["total"] or 0, (totals["weights"] or 0) * ScreeningScore.MAX_SCORE

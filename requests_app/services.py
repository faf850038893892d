"""Every write to a request: creation, edits of a draft, and its lifecycle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
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
from requests_app.selectors import audience, request_in_scope
from tcp.documents import Visibility, delete_document, store_upload
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
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
    # Only a letter the government can read counts: an internal copy OHCHR kept is not one.
    letters = req.documents.filter(
        kind=RequestDocument.Kind.OFFICIAL_LETTER, visibility=Visibility.SHARED
    )
    if not letters.exists():
        missing.append(_("the official letter, attached"))
    return missing


def missing_for_decision(req: AssistanceRequest) -> list[str]:
    screening = Screening.objects.filter(request=req).first()
    if screening is None:
        # Recorded by someone else than the approver who decides: say who.
        return [_("a screening against the criteria, which the desk officer records")]
    unscored = ScreeningCriterion.objects.filter(is_active=True).exclude(
        pk__in=screening.scores.values("criterion")
    )
    return [_("a score for “%s”") % criterion.translated_name for criterion in unscored]


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
            stamps=("submitted_at",),
            shared=True,
        ),
        # The State reads that OHCHR received its request; starting the screening
        # (below) is OHCHR's own step, not shown in the government's timeline.
        Transition(
            "acknowledge", _l("Acknowledge"), (S.SUBMITTED,), S.ACKNOWLEDGED, TRIAGE, shared=True
        ),
        Transition(
            "request_information",
            _l("Ask for more information"),
            (S.ACKNOWLEDGED, S.UNDER_ASSESSMENT),
            S.INFORMATION_REQUESTED,
            TRIAGE,
            note_required=True,
            note_label=_l("the question to the government"),
            note_shared=True,
            inform_government=True,
            # A question is asked when needed: the request does not wait on one.
            awaited=False,
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
            # The first submission stays: the figures count from it.
            stamps=("resubmitted_at",),
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
            stamps=("decided_at",),
            irreversible=True,
            consequence=_l("The needs assessment can then be planned."),
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
            awaited=True,
            irreversible=True,
            stamps=("decided_at",),
        ),
        Transition(
            "withdraw",
            _l("Withdraw"),
            (S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.INFORMATION_REQUESTED, S.UNDER_ASSESSMENT),
            S.WITHDRAWN,
            SUBMIT,
            dangerous=True,
            irreversible=True,
            note_shared=True,
            consequence=_l("OHCHR stops working on it; a new request starts from the beginning."),
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


def creation_refusal(*, user: Any, country: Country | None = None) -> str | None:
    """Why ``user`` may not make a request (for ``country``, or for any State), or None."""
    states = scope_for(user).government
    if not user.has_perm("requests_app.add_assistancerequest") or not states:
        return _("Only a government focal point makes requests.")
    if country is not None and country.pk not in states:
        return _("Only a focal point of %s can make a request on its behalf.") % country
    return None


def create_request(*, country: Country, by: Any, **fields: Any) -> AssistanceRequest:
    """A new draft for ``country``, by one of its focal points."""
    refusal = creation_refusal(user=by, country=country)
    if refusal is not None:
        raise TransitionRefused(refusal)
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


def delete_refusal(*, req: AssistanceRequest, user: Any) -> str | None:
    """Why ``user`` may not delete the request now, or None: a draft, never sent to
    OHCHR, is its State's own to throw away; once sent it is withdrawn instead."""
    if req.status != S.DRAFT:
        return _("Only a draft can be deleted: a request sent to OHCHR is withdrawn instead.")
    return draft_edit_refusal(req=req, user=user)


def delete_draft(*, req: AssistanceRequest, by: Any) -> None:
    """Delete a draft with what hangs on it (its documents, stored files included,
    and its notes), under the request's lock, re-checked: a draft submitted a
    moment before is not deleted. History keeps the deletion, naming ``by``."""
    with editing(req, by=by, refusal=lambda r: delete_refusal(req=r, user=by)) as locked:
        for document in locked.documents.all():
            delete_document(document, by=by)
        try:
            action = locked.follow_up_action
        except ObjectDoesNotExist:
            action = None
        if action is not None:
            # The follow-up action it was started from may start a request again.
            action.request = None
            action.save(update_fields=["request"])
        locked.delete()


def update_draft(*, req: AssistanceRequest, by: Any, **fields: Any) -> AssistanceRequest:
    """Edit what the government wrote, while it is still theirs to edit."""
    m2m = {k: fields.pop(k) for k in _REQUEST_M2M if k in fields}
    _check_recommendations(req.country, m2m.get("recommendations"))
    with editing(req, by=by, refusal=lambda r: draft_edit_refusal(req=r, user=by)) as locked:
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
        for name, values in m2m.items():
            getattr(locked, name).set(values)
    return locked


class RecommendationRefused(Exception):
    """The recommendation typed with a draft was refused (the draft was not saved)."""

    def __init__(self, error: TransitionRefused | ValidationError) -> None:
        super().__init__(str(error))
        self.error = error


def save_draft(
    *,
    req: AssistanceRequest | None,
    country: Country,
    by: Any,
    fields: dict[str, Any],
    recommendation: dict[str, Any] | None = None,
) -> tuple[AssistanceRequest, Recommendation | None]:
    """Create or update a draft, with a recommendation typed alongside and linked to it.

    One transaction: a refused draft leaves nothing behind, not even the
    recommendation. Raises ``RecommendationRefused`` when the recommendation
    is at fault, ``TransitionRefused`` or ``ValidationError`` when the draft is.
    """
    fields = dict(fields)
    new = None
    with transaction.atomic():
        if recommendation is not None:
            try:
                new = create_recommendation(country=country, by=by, **recommendation)
            except (TransitionRefused, ValidationError) as exc:
                raise RecommendationRefused(exc) from exc
            fields["recommendations"] = [*fields.get("recommendations", ()), new]
        if req is None:
            req = create_request(country=country, by=by, **fields)
        else:
            req = update_draft(req=req, by=by, **fields)
    return req, new


def _transition(req: AssistanceRequest, action: str, by: Any, note: str = ""):
    return LIFECYCLE.apply(req, action, by=by, note=note)


def perform(req: AssistanceRequest, action: str, *, by: Any, note: str = ""):
    """Any transition of the request by name (the transition view's entry)."""
    return _transition(req, action, by, note)


def submit_request(*, req: AssistanceRequest, by: Any):
    return _transition(req, "submit", by)


def acknowledge_request(*, req: AssistanceRequest, by: Any):
    return _transition(req, "acknowledge", by)


def request_information(*, req: AssistanceRequest, by: Any, question: str):
    return _transition(req, "request_information", by, note=question)


def resubmit_request(*, req: AssistanceRequest, by: Any, answer: str):
    return _transition(req, "resubmit", by, note=answer)


def start_assessment(*, req: AssistanceRequest, by: Any):
    return _transition(req, "start_assessment", by)


def accept_request(*, req: AssistanceRequest, by: Any):
    return _transition(req, "accept", by)


def decline_request(*, req: AssistanceRequest, by: Any, reason: str):
    return _transition(req, "decline", by, note=reason)


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
    return audience(req, user).internal


_CLOSED = (S.ACCEPTED, S.DECLINED, S.WITHDRAWN)


def attach_refusal(*, req: AssistanceRequest, user: Any) -> str | None:
    """Why ``user`` may not attach a document now, or None if they may.

    The government attaches while the request is theirs to edit; OHCHR (its
    desk officer) until the decision.
    """
    if not request_in_scope(req, user):
        return _("You may not attach documents to this request.")
    if is_ohchr_for(req, user):
        if not user.has_perm(TRIAGE) or req.status in _CLOSED or req.status == S.DRAFT:
            return _("Documents can no longer be attached to this request.")
        return None
    return draft_edit_refusal(req=req, user=user)


def attach_document(
    *,
    req: AssistanceRequest,
    file: UploadedFile,
    by: Any,
    kind: str = RequestDocument.Kind.SUPPORTING,
    visibility: str = Visibility.SHARED,
) -> RequestDocument:
    """Attach a file; refuses with a reason and writes nothing on bad input.

    A government's documents are always shared; OHCHR may keep one internal.
    The duplicate check compares with the documents the uploader can see
    only, so a focal point never learns that an internal file exists.
    """
    with editing(req, by=by, refusal=lambda r: attach_refusal(req=r, user=by)) as locked:
        readers = audience(locked, by)
        if not readers.internal:
            visibility = Visibility.SHARED
        return store_upload(
            model=RequestDocument,
            file=file,
            by=by,
            siblings=readers.material(locked.documents.all()),
            request=locked,
            kind=kind,
            visibility=visibility,
        )


def remove_refusal(*, document: RequestDocument, user: Any) -> str | None:
    if is_ohchr_for(document.request, user) or document.uploaded_by_id != user.pk:
        return _("Only the focal point who attached a document removes it.")
    return draft_edit_refusal(req=document.request, user=user)


def remove_document(*, document: RequestDocument, by: Any) -> None:
    with editing(document.request, by=by, refusal=lambda r: draft_edit_refusal(req=r, user=by)):
        refusal = remove_refusal(document=document, user=by)
        if refusal is not None:
            raise TransitionRefused(refusal)
        delete_document(document, by=by)


# --- messages ---


def post_refusal(*, req: AssistanceRequest, user: Any) -> str | None:
    """Why ``user`` may not write on the request's thread now, or None."""
    if not user.has_perm("requests_app.add_message") or not request_in_scope(req, user):
        return _("You may not write on this request.")
    if req.status == S.DRAFT and is_ohchr_for(req, user):
        return _("The request is still a draft of the government.")
    return None


def post_message(
    *, req: AssistanceRequest, by: Any, body: str, visibility: str = Visibility.SHARED
) -> Message:
    """Write to the thread with the government, or (OHCHR only) an internal note."""
    body = body.strip()
    if not body:
        raise TransitionRefused(_("The message is empty."))
    if visibility == Visibility.INTERNAL and not is_ohchr_for(req, by):
        raise TransitionRefused(_("Internal notes are for OHCHR staff only."))
    with editing(req, by=by, refusal=lambda r: post_refusal(req=r, user=by)) as locked:
        message = Message(request=locked, author=by, body=body, visibility=visibility)
        message.full_clean()
        message.save()
    return message


# --- screening ---


def screening_refusal(*, req: AssistanceRequest, user: Any) -> str | None:
    """Why ``user`` may not record the screening now, or None."""
    if not user.has_perm(TRIAGE) or not request_in_scope(req, user) or not is_ohchr_for(req, user):
        return _("Screening needs the desk officer of the country.")
    if req.status != S.UNDER_ASSESSMENT:
        return (
            _("The screening is recorded once “Start screening” has been taken; the request is %s.")
            % req.get_status_display()
        )
    return None


def record_screening(
    *,
    req: AssistanceRequest,
    by: Any,
    scores: dict[int, tuple[int, str]],
    summary: str = "",
) -> Screening:
    """Score the request on every active criterion; each score needs a comment.

    ``scores`` maps a criterion's id to (score 0-5, comment). Recording again
    replaces the earlier scores and drops those of criteria retired since,
    so the total counts only the criteria in force; history keeps them all.
    """
    refusal = screening_refusal(req=req, user=by)
    if refusal is not None:
        raise TransitionRefused(refusal)
    criteria = {c.pk: c for c in ScreeningCriterion.objects.filter(is_active=True)}
    missing = []
    for pk, criterion in criteria.items():
        score, comment = scores.get(pk, (None, ""))
        if score is None or not 0 <= int(score) <= ScreeningScore.MAX_SCORE:
            missing.append(_("a score from 0 to 5 for “%s”") % criterion.translated_name)
        elif not comment.strip():
            missing.append(_("a comment on “%s”") % criterion.translated_name)
    if missing:
        raise TransitionRefused(_("The screening is incomplete."), missing=missing)
    with editing(req, by=by, refusal=lambda r: screening_refusal(req=r, user=by)) as locked:
        screening, _created = Screening.objects.update_or_create(
            request=locked, defaults={"screened_by": by, "summary": summary.strip()}
        )
        for retired in screening.scores.exclude(criterion__in=list(criteria)):
            retired.delete()
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

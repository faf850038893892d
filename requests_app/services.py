"""Every write to a request: creation, edits of a draft, and its lifecycle."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from requests_app.models import AssistanceRequest
from requests_app.selectors import request_in_scope
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused
from tcp.models import Country
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
    return missing


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
            inform_government=True,
        ),
        Transition(
            "decline",
            _l("Decline"),
            (S.UNDER_ASSESSMENT,),
            S.DECLINED,
            DECIDE,
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


def create_request(*, country: Country, by: Any, **fields: Any) -> AssistanceRequest:
    """A new draft for ``country``, by one of its focal points."""
    if not by.has_perm("requests_app.add_assistancerequest") or country.pk not in (
        scope_for(by).government
    ):
        raise TransitionRefused(
            _("Only a focal point of %s can make a request on its behalf.") % country
        )
    m2m = {
        k: fields.pop(k) for k in ("thematic_areas", "forms_of_assistance", "sdgs") if k in fields
    }
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
    m2m = {
        k: fields.pop(k) for k in ("thematic_areas", "forms_of_assistance", "sdgs") if k in fields
    }
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

"""Every write to a programme and its components, and their lifecycles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from assessments.models import NeedsAssessment
from programmes.models import REGION_CODES, Component, Programme, ProgrammeAcceptance
from programmes.selectors import country_ids, programme_in_scope
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import Country
from tcp.references import next_reference
from tcp.scoping import scope_for

S = Programme.Status
DRAFT = "programmes.draft_programme"
APPROVE = "programmes.approve_programme"
ACCEPT = "programmes.accept_programme"


def _ready_for_review(p: Programme) -> list[str]:
    missing = []
    if not p.objective.strip():
        missing.append(_("an objective"))
    if not (p.start_date and p.end_date):
        missing.append(_("start and end dates"))
    if not p.components.exclude(status=Component.Status.CANCELLED).exists():
        missing.append(_("at least one component"))
    return missing


def _every_state_accepted(p: Programme) -> list[str]:
    accepted = set(p.acceptances.values_list("country_id", flat=True))
    return [
        _("the acceptance of %s") % country.name
        for country in p.countries.exclude(pk__in=accepted).order_by("name")
    ]


LIFECYCLE = Lifecycle(
    model=Programme,
    in_scope=lambda p, user: programme_in_scope(p, user),
    countries_of=country_ids,
    transitions=[
        Transition(
            "submit_for_review",
            _l("Submit for review"),
            (S.DRAFTING,),
            S.UNDER_REVIEW,
            DRAFT,
            preconditions=(_ready_for_review,),
        ),
        Transition(
            "return_to_drafting",
            _l("Return to drafting"),
            (S.UNDER_REVIEW,),
            S.DRAFTING,
            APPROVE,
            note_required=True,
            note_label=_l("what to change"),
        ),
        Transition(
            "approve",
            _l("Approve"),
            (S.UNDER_REVIEW,),
            S.APPROVED,
            APPROVE,
            # Every covered State is now asked to accept it.
            inform_government=True,
        ),
        # Taken by ``accept_programme`` once the last covered State has accepted.
        Transition(
            "accept",
            _l("Accepted by the government"),
            (S.APPROVED,),
            S.ACCEPTED,
            ACCEPT,
            preconditions=(_every_state_accepted,),
            automatic=True,
        ),
        Transition(
            "start_implementation",
            _l("Start implementation"),
            (S.ACCEPTED,),
            S.IN_IMPLEMENTATION,
            DRAFT,
        ),
        Transition(
            "suspend",
            _l("Suspend"),
            (S.IN_IMPLEMENTATION,),
            S.SUSPENDED,
            APPROVE,
            note_required=True,
            note_label=_l("the reason for the suspension"),
            dangerous=True,
        ),
        Transition("resume", _l("Resume"), (S.SUSPENDED,), S.IN_IMPLEMENTATION, APPROVE),
        Transition("complete", _l("Mark completed"), (S.IN_IMPLEMENTATION,), S.COMPLETED, DRAFT),
        Transition("close", _l("Close"), (S.COMPLETED,), S.CLOSED, APPROVE),
        Transition(
            "cancel",
            _l("Cancel"),
            (S.DRAFTING, S.UNDER_REVIEW, S.APPROVED, S.ACCEPTED, S.SUSPENDED),
            S.CANCELLED,
            APPROVE,
            note_required=True,
            note_label=_l("the reason for the cancellation"),
            dangerous=True,
        ),
    ],
)


def _programme_running(c: Component) -> list[str]:
    if c.programme.status != S.IN_IMPLEMENTATION:
        return [_("the programme in implementation")]
    return []


C = Component.Status
COMPONENT_LIFECYCLE = Lifecycle(
    model=Component,
    in_scope=lambda c, user: programme_in_scope(c.programme, user),
    countries_of=lambda c: country_ids(c.programme),
    transitions=[
        Transition(
            "start",
            _l("Start"),
            (C.PLANNED,),
            C.ONGOING,
            DRAFT,
            preconditions=(_programme_running,),
        ),
        Transition("complete", _l("Complete"), (C.ONGOING,), C.COMPLETED, DRAFT),
        Transition(
            "cancel", _l("Cancel"), (C.PLANNED, C.ONGOING), C.CANCELLED, DRAFT, dangerous=True
        ),
    ],
)


def reference_code(scope: str, countries: list[Country], region: str) -> str:
    if scope == Programme.Scope.NATIONAL:
        return countries[0].iso3
    if scope == Programme.Scope.REGIONAL:
        return REGION_CODES.get(region, "REG")
    return "GLO"


def create_programme(
    *,
    title: str,
    countries: list[Country],
    by: Any,
    scope: str = Programme.Scope.NATIONAL,
    region: str = "",
    assessment: NeedsAssessment | None = None,
    **fields: Any,
) -> Programme:
    if not countries:
        raise TransitionRefused(_("A programme covers at least one country."))
    if scope == Programme.Scope.NATIONAL and len(countries) != 1:
        raise TransitionRefused(_("A national programme covers exactly one country."))
    if scope == Programme.Scope.REGIONAL and not region:
        raise TransitionRefused(_("A regional programme names its region."))
    if assessment is not None and assessment.country_id not in {c.pk for c in countries}:
        raise TransitionRefused(
            _("A programme drawn from the assessment of %s covers that country.")
            % assessment.country
        )
    user_scope = scope_for(by)
    if not by.has_perm("programmes.add_programme") or not all(
        user_scope.is_ohchr_for(c.pk) for c in countries
    ):
        raise TransitionRefused(_("Drafting a programme needs the desk officer of every country."))
    m2m = {k: fields.pop(k) for k in ("board_components", "sdgs") if k in fields}
    with transaction.atomic(), acting_as(by):
        programme = Programme(
            reference=next_reference("TCP", reference_code(scope, countries, region)),
            title=title,
            scope=scope,
            region=region,
            assessment=assessment,
            **fields,
        )
        programme.full_clean()
        programme.save()
        programme.countries.set(countries)
        for name, values in m2m.items():
            getattr(programme, name).set(values)
    return programme


def drafting_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not change the programme's draft (its components…) now, or None."""
    if not user.has_perm("programmes.add_component") or not programme_in_scope(programme, user):
        return _("Adding a component needs the desk officer of the programme.")
    if not all(scope_for(user).is_ohchr_for(c) for c in country_ids(programme)):
        return _("Adding a component needs the desk officer of the programme.")
    if programme.status != S.DRAFTING:
        return _("Components are added while drafting; an approved programme changes by amendment.")
    return None


def add_component(*, programme: Programme, by: Any, **fields: Any) -> Component:
    check = drafting_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        component = Component(programme=locked, **fields)
        component.full_clean()
        component.save()
    return component


def acceptance_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not accept the programme for their State now, or None."""
    states = set(country_ids(programme)) & scope_for(user).government
    if not user.has_perm(ACCEPT) or not states:
        return _("A focal point of a covered State accepts the programme for it.")
    if programme.status != S.APPROVED:
        return _("Only an approved programme is accepted; it is %s.") % (
            programme.get_status_display()
        )
    if not states - set(programme.acceptances.values_list("country_id", flat=True)):
        return _("Your State has already accepted this programme.")
    return None


def accept_programme(*, programme: Programme, by: Any) -> list[ProgrammeAcceptance]:
    """The focal point accepts the approved programme for their own State.

    Each covered State accepts for itself; with the last one the programme
    moves to accepted (in the same transaction, so two States accepting at
    once cannot both miss being last).
    """
    check = acceptance_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        done = set(locked.acceptances.values_list("country_id", flat=True))
        states = (set(country_ids(locked)) & scope_for(by).government) - done
        accepted = [
            ProgrammeAcceptance.objects.create(programme=locked, country_id=state, accepted_by=by)
            for state in sorted(states)
        ]
        if not _every_state_accepted(locked):
            LIFECYCLE.apply(locked, "accept", by=by)
            programme.status = locked.status
    return accepted


def perform(programme: Programme, action: str, *, by: Any, note: str = ""):
    """Any transition of the programme by name (the transition view's entry)."""
    return LIFECYCLE.apply(programme, action, by=by, note=note)


def perform_component(component: Component, action: str, *, by: Any, note: str = ""):
    return COMPONENT_LIFECYCLE.apply(component, action, by=by, note=note)


def transition_programme(*, programme: Programme, action: str, by: Any, note: str = ""):
    return perform(programme, action, by=by, note=note)


def transition_component(*, component: Component, action: str, by: Any, note: str = ""):
    return perform_component(component, action, by=by, note=note)

"""Every write to a programme and its components, and their lifecycles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from programmes.models import REGION_CODES, Component, Programme
from programmes.selectors import programme_in_scope
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused
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


LIFECYCLE = Lifecycle(
    model=Programme,
    in_scope=lambda p, user: programme_in_scope(p, user),
    countries_of=lambda p: list(p.countries.values_list("pk", flat=True)),
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
        Transition("approve", _l("Approve"), (S.UNDER_REVIEW,), S.APPROVED, APPROVE),
        Transition(
            "accept", _l("Accept on behalf of the government"), (S.APPROVED,), S.ACCEPTED, ACCEPT
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

C = Component.Status
COMPONENT_LIFECYCLE = Lifecycle(
    model=Component,
    in_scope=lambda c, user: programme_in_scope(c.programme, user),
    countries_of=lambda c: list(c.programme.countries.values_list("pk", flat=True)),
    transitions=[
        Transition("start", _l("Start"), (C.PLANNED,), C.ONGOING, DRAFT),
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
    **fields: Any,
) -> Programme:
    if not countries:
        raise TransitionRefused(_("A programme covers at least one country."))
    if scope == Programme.Scope.NATIONAL and len(countries) != 1:
        raise TransitionRefused(_("A national programme covers exactly one country."))
    if scope == Programme.Scope.REGIONAL and not region:
        raise TransitionRefused(_("A regional programme names its region."))
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
            **fields,
        )
        programme.full_clean()
        programme.save()
        programme.countries.set(countries)
        for name, values in m2m.items():
            getattr(programme, name).set(values)
    return programme


def add_component(*, programme: Programme, by: Any, **fields: Any) -> Component:
    if not by.has_perm("programmes.add_component") or not programme_in_scope(programme, by):
        raise TransitionRefused(_("Adding a component needs the desk officer of the programme."))
    if programme.status not in (S.DRAFTING,):
        raise TransitionRefused(
            _("Components are added while drafting; an approved programme changes by amendment.")
        )
    with transaction.atomic(), acting_as(by):
        component = Component(programme=programme, **fields)
        component.full_clean()
        component.save()
    return component


def transition_programme(*, programme: Programme, action: str, by: Any, note: str = ""):
    return LIFECYCLE.apply(programme, action, by=by, note=note)


def transition_component(*, component: Component, action: str, by: Any, note: str = ""):
    return COMPONENT_LIFECYCLE.apply(component, action, by=by, note=note)

"""Every write to a programme document: drafting, review, approval, acceptance,
components and indicators, and the lifecycles of programmes and components.

Implementation records (activities, experts, grants, budget, expenditure)
are in ``programmes.implementation``; amendments in ``programmes.amendments``.
Every write that is not a transition locks the programme and re-checks its
state (``tcp.lifecycle.editing``): an approved programme changes only
through an amendment.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from assessments.models import Finding, NeedsAssessment
from programmes.models import (
    REGION_CODES,
    Activity,
    Component,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeAcceptance,
    ProgrammeReview,
)
from programmes.selectors import VIEW, country_ids, programme_in_scope
from tcp import scoping
from tcp.audience import audience_of
from tcp.history import acting_as
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing, status_changes
from tcp.models import Country
from tcp.references import next_reference
from tcp.roles import OHCHR_ROLES, roles_of
from tcp.scoping import scope_for

S = Programme.Status
DRAFT = "programmes.draft_programme"
APPROVE = "programmes.approve_programme"
ACCEPT = "programmes.accept_programme"
REPORT = "programmes.report_programme"
REVIEW = "programmes.review_programme"

# While the programme runs, its implementation is recorded.
RUNNING = (S.IN_IMPLEMENTATION, S.SUSPENDED, S.COMPLETED)


def acts_on(programme: Programme, user: Any) -> bool:
    """Whether ``user`` acts on the programme for its countries: OHCHR staff of one
    of them, or a focal point of one. A reviewer invited to read it does not."""
    if not programme_in_scope(programme, user):
        return False
    reader = audience_of(user, country_ids(programme))
    return reader.internal or bool(reader.states)


def ohchr_for(programme: Programme, user: Any) -> bool:
    """OHCHR staff whose own scope covers one of the programme's countries."""
    return audience_of(user, country_ids(programme)).internal


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
        _("the acceptance of %s") % country.translated_name
        for country in p.countries.exclude(pk__in=accepted).order_by("name")
    ]


def _open_activities(p: Programme) -> str | None:
    """Completing a programme with activities still planned or ongoing needs a reason."""
    open_count = Activity.objects.filter(
        component__programme=p, status__in=(Activity.Status.PLANNED, Activity.Status.ONGOING)
    ).count()
    if not open_count:
        return None
    return _("why it is complete although %d activities are still planned or ongoing") % (
        open_count
    )


LIFECYCLE = Lifecycle(
    model=Programme,
    in_scope=acts_on,
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
            irreversible=True,
            consequence=_l(
                "Every State it covers is asked to accept it; later changes go through amendments."
            ),
        ),
        # Taken by ``accept_programme`` once the last covered State has accepted.
        Transition(
            "accept",
            _l("Accept the programme"),
            (S.APPROVED,),
            S.ACCEPTED,
            ACCEPT,
            preconditions=(_every_state_accepted,),
            automatic=True,
            # The governments accept through the programme's own form.
            awaited=True,
            shared=True,
        ),
        Transition(
            "start_implementation",
            _l("Start implementation"),
            (S.ACCEPTED,),
            S.IN_IMPLEMENTATION,
            DRAFT,
            shared=True,
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
            inform_government=True,
        ),
        Transition(
            "resume",
            _l("Resume"),
            (S.SUSPENDED,),
            S.IN_IMPLEMENTATION,
            APPROVE,
            inform_government=True,
        ),
        Transition(
            "complete",
            _l("Mark completed"),
            (S.IN_IMPLEMENTATION,),
            S.COMPLETED,
            DRAFT,
            note_required_if=_open_activities,
            inform_government=True,
            # A programme in implementation is running, not waiting on its end.
            awaited=False,
            irreversible=True,
        ),
        Transition("close", _l("Close"), (S.COMPLETED,), S.CLOSED, APPROVE, irreversible=True),
        Transition(
            "cancel",
            _l("Cancel"),
            (S.DRAFTING, S.UNDER_REVIEW, S.APPROVED, S.ACCEPTED, S.SUSPENDED),
            S.CANCELLED,
            APPROVE,
            note_required=True,
            note_label=_l("the reason for the cancellation"),
            dangerous=True,
            # A programme cancelled after the government read it: it reads that
            # it was (the reason stays OHCHR's).
            shared=True,
            irreversible=True,
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
    # OHCHR staff of a covered country always see the programme (the selector's
    # own rule), so this asks nothing of the database once the programme's
    # countries are loaded: the programme page shows every component's buttons
    # at a fixed number of queries.
    in_scope=lambda c, user: ohchr_for(c.programme, user),
    countries_of=lambda c: country_ids(c.programme),
    transitions=[
        Transition(
            "start",
            _l("Start"),
            (C.PLANNED,),
            C.ONGOING,
            DRAFT,
            preconditions=(_programme_running,),
            shared=True,
        ),
        Transition(
            "complete",
            _l("Complete"),
            (C.ONGOING,),
            C.COMPLETED,
            DRAFT,
            shared=True,
            awaited=False,  # an ongoing component is running, not waiting
            irreversible=True,
        ),
        Transition(
            "cancel",
            _l("Cancel"),
            (C.PLANNED, C.ONGOING),
            C.CANCELLED,
            DRAFT,
            dangerous=True,
            shared=True,
            irreversible=True,
        ),
    ],
)


def reference_code(scope: str, countries: list[Country], region: str) -> str:
    if scope == Programme.Scope.NATIONAL:
        return countries[0].iso3
    if scope == Programme.Scope.REGIONAL:
        return REGION_CODES.get(region, "REG")
    return "GLO"


# --- the programme ---

_M2M = ("board_components", "sdgs", "recommendations")


def creation_refusal(*, user: Any, countries: list[Country]) -> str | None:
    scope = scope_for(user)
    if not user.has_perm("programmes.add_programme") or not countries:
        return _("Drafting a programme needs a desk officer.")
    if not all(scope.is_ohchr_for(c.pk) for c in countries):
        return _("Drafting a programme needs the desk officer of every country it covers.")
    return None


def drafting_countries(user: Any) -> Any:
    """The countries ``user`` may draft a programme for: those where they are OHCHR
    (every active country for an all-country role), whatever their permissions."""
    scope = scope_for(user)
    countries = Country.objects.filter(is_active=True)
    if scope.all_countries:
        return countries
    return countries.filter(pk__in=sorted(scope.ohchr))


def programme_creation_refusal(*, user: Any) -> str | None:
    """Why ``user`` may not draft a new programme for any country, or None."""
    first = drafting_countries(user).first()
    return creation_refusal(user=user, countries=[first] if first is not None else [])


def _check_scope(scope: str, countries: list[Country], region: str) -> None:
    if not countries:
        raise TransitionRefused(_("A programme covers at least one country."))
    if scope == Programme.Scope.NATIONAL and len(countries) != 1:
        raise TransitionRefused(_("A national programme covers exactly one country."))
    if scope == Programme.Scope.REGIONAL and not region:
        raise TransitionRefused(_("A regional programme names its region."))


def _check_recommendations(countries: list[Country], recommendations: Any) -> None:
    covered = {c.pk for c in countries}
    foreign = [r for r in recommendations or () if r.country_id not in covered]
    if foreign:
        raise TransitionRefused(
            _("A programme answers recommendations to the States it covers, not: %s.")
            % "; ".join(str(r) for r in foreign)
        )


def create_programme(
    *,
    title: str,
    countries: list[Country],
    by: Any,
    scope: str = Programme.Scope.NATIONAL,
    region: str = "",
    assessment: NeedsAssessment | None = None,
    findings: list[Finding] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Programme:
    """A new draft programme; ``findings`` of its assessment become its first components."""
    countries = list(countries)
    _check_scope(scope, countries, region)
    if assessment is not None and assessment.country_id not in {c.pk for c in countries}:
        raise TransitionRefused(
            _("A programme drawn from the assessment of %s covers that country.")
            % assessment.country
        )
    refusal = creation_refusal(user=by, countries=countries)
    if refusal is not None:
        raise TransitionRefused(refusal)
    m2m = {k: fields.pop(k) for k in _M2M if k in fields}
    _check_recommendations(countries, m2m.get("recommendations"))
    with transaction.atomic(), acting_as(by):
        programme = Programme(
            reference=next_reference("TCP", reference_code(scope, countries, region)),
            title=title,
            scope=scope,
            region=region,
            assessment=assessment,
            created_by=by,
            **fields,
        )
        programme.full_clean()
        programme.save()
        programme.countries.set(countries)
        for name, values in m2m.items():
            getattr(programme, name).set(values)
        for finding in findings:
            if assessment is None or finding.assessment_id != assessment.pk:
                raise TransitionRefused(_("A component is drawn from the programme's assessment."))
            component_from_finding(programme, finding)
    return programme


def component_from_finding(programme: Programme, finding: Finding) -> Component:
    """What the assessment found in one thematic area, as a component to build on."""
    component = Component(
        programme=programme,
        thematic_area=finding.thematic_area,
        title=str(finding.thematic_area)[:300],
        objective=finding.need,
        outputs=_("%(form)s (recommended by the needs assessment)")
        % {"form": finding.recommended_assistance},
        finding=finding,
    )
    component.full_clean()
    component.save()
    return component


DRAWN_FROM = (NeedsAssessment.Status.VALIDATED, NeedsAssessment.Status.SHARED)


def assessment_draft_refusal(*, assessment: NeedsAssessment, user: Any) -> str | None:
    """Why ``user`` may not draft a programme from the assessment now, or None.

    A validated (or shared) assessment answers with one programme: once one is
    drafted from it (and not cancelled) the work continues on that programme.
    """
    if assessment.status not in DRAWN_FROM:
        return _("A programme is drawn from a validated needs assessment.")
    refusal = creation_refusal(user=user, countries=[assessment.country])
    if refusal is not None:
        return refusal
    drafted = (
        Programme.objects.filter(assessment=assessment)
        .exclude(status=S.CANCELLED)
        .values_list("reference", flat=True)
        .first()
    )
    if drafted is not None:
        return _("Programme %s was already drafted from this assessment.") % drafted
    return None


def draft_from_assessment(
    *, assessment: NeedsAssessment, by: Any, findings: list[Finding], **fields: Any
) -> Programme:
    """A national programme answering a validated assessment, its findings as components.

    The recommendations the request and the findings answered carry over. The
    assessment's row is locked while it is checked, so two people drafting
    from it at once cannot both succeed.
    """
    with transaction.atomic():
        locked = NeedsAssessment.objects.select_for_update().get(pk=assessment.pk)
        refusal = assessment_draft_refusal(assessment=locked, user=by)
        if refusal is not None:
            raise TransitionRefused(refusal)
        recommendations = set(locked.request.recommendations.all())
        for finding in findings:
            recommendations |= set(finding.recommendations.all())
        fields.setdefault("recommendations", sorted(recommendations, key=lambda r: r.pk))
        fields.setdefault("title", locked.title)
        return create_programme(
            countries=[locked.country],
            scope=Programme.Scope.NATIONAL,
            assessment=locked,
            findings=findings,
            by=by,
            **fields,
        )


def drafting_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not change the programme document now, or None.

    The desk officer drafts it; once under review or approved it is fixed,
    and an approved programme changes only through an amendment.
    """
    if not user.has_perm(DRAFT) or not programme_in_scope(programme, user):
        return _("The desk officer of the programme drafts it.")
    # A regional programme is drafted by the desk officers of its countries together:
    # any of them edits it (creating it, or adding a country, needs them all).
    if not ohchr_for(programme, user):
        return _("The desk officer of the programme drafts it.")
    if programme.status == S.UNDER_REVIEW:
        return _("The programme is under review: return it to drafting to change it.")
    if programme.status != S.DRAFTING:
        return _("The programme is %s: it changes only through an amendment.") % (
            programme.get_status_display()
        )
    return None


def drafting_lock(programme: Programme, by: Any) -> Any:
    """The lock every change of the draft document is written under."""
    return editing(programme, by=by, refusal=lambda p: drafting_refusal(programme=p, user=by))


def update_programme(*, programme: Programme, by: Any, **fields: Any) -> Programme:
    """Edit the draft: any field, countries and tags included."""
    m2m = {k: fields.pop(k) for k in (*_M2M, "countries") if k in fields}
    with drafting_lock(programme, by) as locked:
        countries = list(m2m.get("countries") or locked.countries.all())
        _check_scope(
            fields.get("scope", locked.scope), countries, fields.get("region", locked.region)
        )
        if locked.assessment_id and locked.assessment.country not in countries:
            raise TransitionRefused(_("The programme covers the country of its assessment."))
        # A country added (or taken off) must be one the editor works on: the
        # desk officers of the other countries keep theirs.
        changed = set(countries) ^ set(locked.countries.all())
        refusal = creation_refusal(user=by, countries=list(changed)) if changed else None
        if refusal is not None:
            raise TransitionRefused(refusal)
        _check_recommendations(countries, m2m.get("recommendations"))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        for name, values in m2m.items():
            getattr(locked, name).set(values)
    return locked


def delete_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not delete the programme now, or None: a draft never put to
    review is its drafters' to throw away; once reviewed it is cancelled instead,
    so that what reviewers read stays on record."""
    refusal = drafting_refusal(programme=programme, user=user)
    if refusal is not None:
        return refusal
    if status_changes(programme).filter(action="submit_for_review").exists():
        return _("The programme has been submitted for review: it can be cancelled, not deleted.")
    return None


def delete_programme(*, programme: Programme, by: Any) -> None:
    """Delete a draft programme and its parts (components, indicators, activities,
    budget lines, partners), under its lock, re-checked. History keeps every
    deletion, naming ``by``; the change log keeps them too."""
    with editing(
        programme, by=by, refusal=lambda p: delete_refusal(programme=p, user=by)
    ) as locked:
        try:
            # Budget lines and grants point at components too, and that link is
            # protected: they go first (each with its history row), then the rest.
            locked.grants.all().delete()
            locked.budget_lines.all().delete()
            locked.delete()
        except ProtectedError:
            raise TransitionRefused(
                _("Something recorded on the programme must be kept: cancel it instead.")
            ) from None


# --- components and indicators (the document: drafting only) ---


def add_component(*, programme: Programme, by: Any, **fields: Any) -> Component:
    with drafting_lock(programme, by) as locked:
        component = Component(programme=locked, **fields)
        component.full_clean()
        component.save()
    return component


def update_component(*, component: Component, by: Any, **fields: Any) -> Component:
    with drafting_lock(component.programme, by):
        for name, value in fields.items():
            setattr(component, name, value)
        component.full_clean()
        component.save()
    return component


def delete_component(*, component: Component, by: Any) -> None:
    with drafting_lock(component.programme, by):
        if component.activities.exists() or component.budget_lines.exists():
            raise TransitionRefused(_("Remove the component's activities and budget lines first."))
        component.delete()


def add_indicator(*, component: Component, by: Any, **fields: Any) -> Indicator:
    with drafting_lock(component.programme, by):
        indicator = Indicator(component=component, **fields)
        indicator.full_clean()
        indicator.save()
    return indicator


def update_indicator(*, indicator: Indicator, by: Any, **fields: Any) -> Indicator:
    with drafting_lock(indicator.component.programme, by):
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.full_clean()
        indicator.save()
    return indicator


def delete_indicator(*, indicator: Indicator, by: Any) -> None:
    with drafting_lock(indicator.component.programme, by):
        indicator.delete()


def progress_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not record progress (indicator values, activity reports,
    expenditure) on the programme now, or None: OHCHR staff of its countries,
    desk or field, while it runs."""
    if not user.has_perm(REPORT) or not programme_in_scope(programme, user):
        return _("The field presence or the desk officer of the programme records progress.")
    if not ohchr_for(programme, user):
        return _("The field presence or the desk officer of the programme records progress.")
    if programme.status not in RUNNING:
        return _("Progress is recorded while the programme runs; it is %s.") % (
            programme.get_status_display()
        )
    return None


def record_indicator_value(
    *,
    indicator: Indicator,
    by: Any,
    date: datetime.date,
    value: Decimal,
    source: str,
) -> IndicatorValue:
    """An actual value of the indicator, measured on ``date``, with its source."""
    check = progress_refusal
    programme = indicator.component.programme
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)):
        entry = IndicatorValue(
            indicator=indicator, date=date, value=value, source=source.strip(), recorded_by=by
        )
        entry.full_clean()
        entry.save()
    return entry


# --- review and approval ---


def reviewer_candidates(programme: Programme) -> Any:
    """Who may be named to review: active OHCHR staff (desk, field, approvers)."""
    from tcp.models import User

    names = [role.value for role in OHCHR_ROLES if role.value != "Auditor"]
    return (
        User.objects.filter(is_active=True, groups__name__in=names)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def reviewers_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not name the programme's reviewers now, or None: the desk
    officer, while drafting and while it is under review."""
    if programme.status == S.UNDER_REVIEW:
        if not user.has_perm(DRAFT) or not ohchr_for(programme, user):
            return _("The desk officer of the programme names its reviewers.")
        return None
    return drafting_refusal(programme=programme, user=user)


def set_reviewers(*, programme: Programme, reviewers: list[Any], by: Any) -> Programme:
    """Name who reviews the programme; a reviewer outside its countries is invited
    to read this one programme (and loses that when taken off)."""
    candidates = set(reviewer_candidates(programme).values_list("pk", flat=True))
    if any(r.pk not in candidates or not roles_of(r) for r in reviewers):
        raise TransitionRefused(_("Reviewers are OHCHR staff."))

    check = reviewers_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        before = set(locked.reviewers.all())
        after = set(reviewers)
        for person in before - after:
            scoping.revoke_exception(user=person, perm=VIEW, obj=locked, by=by)
        for person in after - before:
            if not ohchr_for(locked, person):
                scoping.grant_exception(user=person, perm=VIEW, obj=locked, by=by)
        locked.reviewers.set(after)
    return locked


def review_refusal(*, programme: Programme, user: Any) -> str | None:
    if not user.has_perm(REVIEW) or not programme.reviewers.filter(pk=user.pk).exists():
        return _("Only the reviewers named on the programme review it.")
    if programme.status != S.UNDER_REVIEW:
        return _("A programme is reviewed while under review; it is %s.") % (
            programme.get_status_display()
        )
    return None


def record_review(*, programme: Programme, by: Any, verdict: str, comment: str) -> ProgrammeReview:
    """A named reviewer's comment and verdict; every review is kept."""
    if not comment.strip():
        raise TransitionRefused(_("A review explains its verdict."))
    check = review_refusal
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)) as locked:
        review = ProgrammeReview(
            programme=locked, reviewer=by, verdict=verdict, comment=comment.strip()
        )
        review.full_clean()
        review.save()
    return review


# --- acceptance by each covered State ---


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


# --- transitions by name (the transition view's entries) ---


def perform(programme: Programme, action: str, *, by: Any, note: str = ""):
    return LIFECYCLE.apply(programme, action, by=by, note=note)


def perform_component(component: Component, action: str, *, by: Any, note: str = ""):
    return COMPONENT_LIFECYCLE.apply(component, action, by=by, note=note)


def transition_programme(*, programme: Programme, action: str, by: Any, note: str = ""):
    return perform(programme, action, by=by, note=note)


def transition_component(*, component: Component, action: str, by: Any, note: str = ""):
    return perform_component(component, action, by=by, note=note)

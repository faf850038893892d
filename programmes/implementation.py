"""Every write to a programme's implementation and money: activities and their
progress, expert bookings, partners, grants, budget lines and expenditure.

Partners and budget lines are part of the programme document (drafting
only; then by amendment). Activities, expert bookings and grants are the
workplan, kept by the desk officer from drafting to the end of
implementation; progress and expenditure are recorded while it runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from programmes.models import (
    Activity,
    ActivityReport,
    Component,
    Expenditure,
    ExpertAssignment,
    Grant,
    Programme,
    ProgrammePartner,
)
from programmes.selectors import country_ids, programme_in_scope, visible_activities
from programmes.services import (
    DRAFT,
    REPORT,
    drafting_lock,
    ohchr_for,
    progress_refusal,
)
from tcp.history import acting_as
from tcp.l10n import day, money
from tcp.lifecycle import Lifecycle, Transition, TransitionRefused, editing
from tcp.models import PartnerOrganisation, RosterExpert

S = Programme.Status
A = Activity.Status
X = Expenditure.Status
ALLOW = "programmes.allow_overspending"

# The workplan is kept from drafting until the programme ends.
WORKPLAN = (S.DRAFTING, S.APPROVED, S.ACCEPTED, S.IN_IMPLEMENTATION, S.SUSPENDED)


# --- activities ---


def _activity_programme_running(activity: Activity) -> list[str]:
    if activity.component.programme.status != S.IN_IMPLEMENTATION:
        return [_("the programme in implementation")]
    return []


def _activity_in_scope(activity: Activity, user: Any) -> bool:
    programme = activity.component.programme
    return programme_in_scope(programme, user) and ohchr_for(programme, user)


ACTIVITY_LIFECYCLE = Lifecycle(
    model=Activity,
    in_scope=_activity_in_scope,
    countries_of=lambda a: country_ids(a.component.programme),
    transitions=[
        Transition(
            "start",
            _l("Start"),
            (A.PLANNED,),
            A.ONGOING,
            REPORT,
            preconditions=(_activity_programme_running,),
            # Activities are in the programme document: the government follows them.
            shared=True,
        ),
        Transition(
            "complete",
            _l("Mark completed"),
            (A.ONGOING,),
            A.COMPLETED,
            REPORT,
            shared=True,
            awaited=False,  # an ongoing activity is running, not waiting
            irreversible=True,
        ),
        Transition(
            "cancel",
            _l("Cancel"),
            (A.PLANNED, A.ONGOING),
            A.CANCELLED,
            DRAFT,
            note_required=True,
            note_label=_l("why the activity is cancelled"),
            dangerous=True,
            shared=True,
            irreversible=True,
        ),
    ],
)


def workplan_refusal(*, programme: Programme, user: Any) -> str | None:
    """Why ``user`` may not plan activities, book experts or award grants now, or None."""
    if not user.has_perm(DRAFT) or not programme_in_scope(programme, user):
        return _("The desk officer of the programme keeps its workplan.")
    if not ohchr_for(programme, user):
        return _("The desk officer of the programme keeps its workplan.")
    if programme.status not in WORKPLAN:
        return _("The programme is %s: its workplan no longer changes.") % (
            programme.get_status_display()
        )
    return None


def _workplan(programme: Programme, by: Any) -> Any:
    return editing(programme, by=by, refusal=lambda p: workplan_refusal(programme=p, user=by))


def add_activity(*, component: Component, by: Any, **fields: Any) -> Activity:
    with _workplan(component.programme, by):
        activity = Activity(component=component, **fields)
        activity.full_clean()
        activity.save()
    return activity


PARTICIPANTS = ("participants_women", "participants_men", "participants_other")


def plan_refusal(*, activity: Activity, user: Any) -> str | None:
    """Why ``user`` may not change the plan of ``activity`` now, or None
    (who took part may still be corrected on a completed one)."""
    refusal = workplan_refusal(programme=activity.component.programme, user=user)
    if refusal is None and activity.status in (A.COMPLETED, A.CANCELLED):
        return _("A completed or cancelled activity keeps its plan.")
    return refusal


def update_activity(*, activity: Activity, by: Any, **fields: Any) -> Activity:
    """Change the plan of an activity (not its status: see ACTIVITY_LIFECYCLE)."""
    with _workplan(activity.component.programme, by):
        if set(fields) - set(PARTICIPANTS):
            refusal = plan_refusal(activity=activity, user=by)
            if refusal is not None:
                raise TransitionRefused(refusal)
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.full_clean()
        activity.save()
    return activity


def report_refusal(*, activity: Activity, user: Any) -> str | None:
    return progress_refusal(programme=activity.component.programme, user=user)


def report_progress(
    *,
    activity: Activity,
    by: Any,
    date: datetime.date,
    text: str,
    participants: dict[str, int] | None = None,
    complete: bool = False,
) -> ActivityReport:
    """The field presence reports on an activity (and, when known, who took part).

    ``complete``: the report closes the activity, which is marked completed in
    the same transaction: if completing is refused, the report is not kept
    either, so nobody reads a "final" report on an activity still ongoing.
    """
    if not text.strip():
        raise TransitionRefused(_("Say what progress was made."))
    if participants and set(participants) - set(PARTICIPANTS):
        raise TransitionRefused(_("Participants are counted as women, men and other."))
    check = progress_refusal
    programme = activity.component.programme
    with editing(programme, by=by, refusal=lambda p: check(programme=p, user=by)):
        report = ActivityReport(activity=activity, date=date, text=text.strip(), recorded_by=by)
        report.full_clean()
        report.save()
        if participants:
            for name, value in participants.items():
                setattr(activity, name, value)
            activity.full_clean()
            activity.save(update_fields=[*participants, "updated_at"])
        if complete:
            ACTIVITY_LIFECYCLE.apply(activity, "complete", by=by)
    return report


# --- experts ---


def booking_refusal(*, activity: Activity, user: Any) -> str | None:
    """Why ``user`` may not book or unbook experts on ``activity`` now, or None."""
    refusal = workplan_refusal(programme=activity.component.programme, user=user)
    if refusal is None and activity.status in (A.COMPLETED, A.CANCELLED):
        return _("Experts are booked on planned or ongoing activities.")
    return refusal


def overlapping_bookings(
    expert_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> QuerySet[ExpertAssignment]:
    """The bookings of these experts that overlap ``start``–``end``: the one rule
    of double booking (the bookings of cancelled activities no longer count)."""
    return ExpertAssignment.objects.filter(
        expert_id__in=sorted(set(expert_ids)), start_date__lte=end, end_date__gte=start
    ).exclude(activity__status=A.CANCELLED)


def booking_clashes(
    expert_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, ExpertAssignment]:
    """Each expert's first booking that overlaps ``start``–``end``, by expert id:
    one query for a whole page of the roster."""
    clashes: dict[int, ExpertAssignment] = {}
    for booking in (
        overlapping_bookings(expert_ids, start, end)
        .select_related("activity")
        .order_by("start_date", "id")
    ):
        clashes.setdefault(booking.expert_id, booking)
    return clashes


def clash_message(clash: ExpertAssignment, *, user: Any) -> str:
    """The booking in the way, named as ``user`` may know it: the activity's title
    only if they may open it (an expert also works for other States' programmes)."""
    values = {
        "expert": clash.expert,
        "start": day(clash.start_date),
        "end": day(clash.end_date),
        "activity": clash.activity,
    }
    if visible_activities(user).filter(pk=clash.activity_id).exists():
        return (
            _("%(expert)s is already booked from %(start)s to %(end)s on “%(activity)s”.") % values
        )
    return (
        _("%(expert)s is already booked from %(start)s to %(end)s on another programme.") % values
    )


def assign_expert(
    *,
    activity: Activity,
    expert: RosterExpert,
    by: Any,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    role: str = "",
) -> ExpertAssignment:
    """Book a roster expert on an activity (by default for the activity's dates).

    The expert's row is locked while the bookings are checked, so two people
    booking the same expert at once queue: the second sees the first's booking.
    """
    start = start_date or activity.start_date
    end = end_date or activity.end_date
    if end < start:
        raise TransitionRefused(_("The booking ends before it starts."))
    with _workplan(activity.component.programme, by):
        # The activity's row too: it is not cancelled or completed meanwhile.
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        refusal = booking_refusal(activity=current, user=by)
        if refusal is not None:
            raise TransitionRefused(refusal)
        locked = RosterExpert.objects.select_for_update().get(pk=expert.pk)
        if not locked.is_active:
            raise TransitionRefused(_("%s is no longer on the roster.") % locked)
        clash = booking_clashes([locked.pk], start, end).get(locked.pk)
        if clash is not None:
            clash.expert = locked
            raise TransitionRefused(clash_message(clash, user=by))
        assignment = ExpertAssignment(
            activity=current,
            expert=locked,
            start_date=start,
            end_date=end,
            role=role.strip(),
            assigned_by=by,
        )
        assignment.full_clean()
        assignment.save()
    return assignment


def unassign_expert(*, assignment: ExpertAssignment, by: Any) -> None:
    activity = assignment.activity
    with _workplan(activity.component.programme, by):
        refusal = booking_refusal(activity=activity, user=by)
        if refusal is not None:
            raise TransitionRefused(refusal)
        assignment.delete()


# --- partners (the document: drafting only) ---


def add_partner(
    *, programme: Programme, partner: PartnerOrganisation, role: str, by: Any, description: str = ""
) -> ProgrammePartner:
    with drafting_lock(programme, by) as locked:
        if locked.partners.filter(partner=partner, role=role).exists():
            raise TransitionRefused(_("%s already has that role on the programme.") % partner)
        entry = ProgrammePartner(
            programme=locked, partner=partner, role=role, description=description.strip()
        )
        entry.full_clean()
        entry.save()
    return entry


def remove_partner(*, entry: ProgrammePartner, by: Any) -> None:
    with drafting_lock(entry.programme, by):
        entry.delete()


def add_new_partner(
    *,
    programme: Programme,
    by: Any,
    name: str,
    kind: str,
    role: str,
    acronym: str = "",
    description: str = "",
) -> ProgrammePartner:
    """A partner not yet in the reference list, added to the list and to the draft
    programme at once: refused on the programme, nothing is added to the list."""
    with drafting_lock(programme, by) as locked:
        partner = new_partner_organisation(name=name, kind=kind, acronym=acronym, by=by)
        return add_partner(
            programme=locked, partner=partner, role=role, by=by, description=description
        )


def new_partner_organisation(*, name: str, kind: str, acronym: str, by: Any) -> PartnerOrganisation:
    """A partner not yet in the reference list (a local NGO), added while drafting."""
    if not by.has_perm(DRAFT):
        raise TransitionRefused(_("A desk officer adds partner organisations."))
    name = name.strip()
    if PartnerOrganisation.objects.filter(name__iexact=name).exists():
        raise TransitionRefused(_("“%s” is already in the list of partners.") % name)
    base = slugify(acronym or name)[:56] or "partner"
    code, n = base, 1
    while PartnerOrganisation.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    with transaction.atomic(), acting_as(by):
        partner = PartnerOrganisation(code=code, name=name, kind=kind, acronym=acronym.strip())
        partner.full_clean()
        partner.save()
    return partner


# --- grants ---


def grant_ceiling() -> Decimal:
    return Decimal(settings.TCP_MICRO_GRANT_CEILING_USD)


def _ceiling_error(*, recipient_kind: str, amount: Decimal) -> str | None:
    """What is wrong with the amount of a grant to this kind of recipient, or None."""
    ceiling = grant_ceiling()
    if recipient_kind == Grant.RecipientKind.CIVIL_SOCIETY and amount > ceiling:
        return _(
            "A micro-grant to civil society is at most %(ceiling)s; %(amount)s is "
            "%(over)s over. Split the support or fund it as a project."
        ) % {
            "ceiling": money(ceiling),
            "amount": money(amount),
            "over": money(amount - ceiling),
        }
    return None


def award_grant(
    *,
    programme: Programme,
    by: Any,
    recipient: str,
    recipient_kind: str,
    amount: Decimal,
    purpose: str,
    report_due: datetime.date,
    component: Component | None = None,
) -> Grant:
    """A grant; a micro-grant to civil society may not exceed the ceiling.

    Raises ``TransitionRefused`` when ``by`` may not award it now, and
    ``ValidationError`` on the amount past the ceiling (a fault of the value,
    shown next to it), like any other invalid field.
    """
    if component is not None and component.programme_id != programme.pk:
        raise TransitionRefused(_("That component belongs to another programme."))
    with _workplan(programme, by) as locked:
        error = _ceiling_error(recipient_kind=recipient_kind, amount=amount)
        if error is not None:
            raise ValidationError({"amount": error})
        grant = Grant(
            programme=locked,
            component=component,
            recipient=recipient.strip(),
            recipient_kind=recipient_kind,
            amount=amount,
            purpose=purpose.strip(),
            report_due=report_due,
            awarded_by=by,
        )
        grant.full_clean()
        grant.save()
    return grant


def grant_report_refusal(*, grant: Grant, user: Any) -> str | None:
    """Why ``user`` may not record that the grant's report arrived now, or None: the desk
    or field officers of the programme, while it runs (and once completed), once."""
    refusal = progress_refusal(programme=grant.programme, user=user)
    if refusal is not None:
        return refusal
    if grant.report_received_on is not None:
        return _("The report of this grant was recorded as received on %s.") % (
            day(grant.report_received_on)
        )
    return None


def record_grant_report(*, grant: Grant, by: Any, received_on: datetime.date) -> Grant:
    """Record the day the grant's report arrived (it is no longer overdue).

    Locks the programme and re-checks its state, like every write to its
    implementation, and the grant itself, so two people recording it at once
    record it once.
    """
    if received_on > timezone.now().date():
        raise ValidationError({"received_on": _("The report cannot arrive in the future.")})
    with editing(grant.programme, by=by, refusal=lambda p: progress_refusal(programme=p, user=by)):
        locked = Grant.objects.select_for_update().select_related("programme").get(pk=grant.pk)
        refusal = grant_report_refusal(grant=locked, user=by)
        if refusal is not None:
            raise TransitionRefused(refusal)
        locked.report_received_on = received_on
        locked._change_reason = "Grant report received"
        locked.save(update_fields=["report_received_on"])
    grant.report_received_on = received_on
    return locked


def perform_activity(activity: Activity, action: str, *, by: Any, note: str = ""):
    return ACTIVITY_LIFECYCLE.apply(activity, action, by=by, note=note)

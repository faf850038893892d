"""What the dashboard and the history browser show of programmes."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import NeedsAssessment
from programmes import amendments, implementation, services
from programmes.models import (
    Activity,
    Amendment,
    Component,
    Expenditure,
    Programme,
    ProgrammeAcceptance,
)
from programmes.selectors import (
    awaiting_programme,
    visible_activities,
    visible_amendments,
    visible_components,
    visible_expenditure,
    visible_programmes,
)
from tcp import l10n
from tcp.l10n import money
from tcp.roles import Role
from tcp.scoping import scope_for
from tcp.views import OHCHR_STAFF, Block, HistorySource, Row, Section, action_labels, block

VIEW = "programmes.view_programme"
S = Programme.Status


def _row(p: Programme) -> Row:
    return Row(
        l10n.titled(p.reference, p.title),
        reverse("programmes:detail", args=[p.pk]),
        p.get_status_display(),
        p.get_scope_display(),
        status_value=p.status,
    )


def _assessment_row(a: NeedsAssessment) -> Row:
    return Row(
        l10n.titled(a.reference, a.title),
        reverse("assessments:detail", args=[a.pk]),
        a.get_status_display(),
        a.country.translated_name,
        status_value=a.status,
    )


def _expenditure_row(e: Expenditure) -> Row:
    return Row(
        l10n.titled(e.budget_line.programme.reference, e.description),
        reverse("programmes:budget", args=[e.budget_line.programme_id]) + f"#expenditure-{e.pk}",
        e.get_status_display(),
        money(e.amount),
        status_value=e.status,
    )


def _amendment_row(a: Amendment) -> Row:
    return Row(
        l10n.titled(a.reference, a.get_kind_display()),
        reverse("programmes:amendment", args=[a.pk]),
        a.get_status_display(),
        a.programme.title,
        status_value=a.status,
    )


def _list_url(status: str) -> str:
    return f"{reverse('programmes:list')}?status={status}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_programmes(user)
    blocks = []
    if Role.FOCAL_POINT in roles:
        # A regional programme waits on each State: not on one that accepted it.
        accepted_by_them = Exists(
            ProgrammeAcceptance.objects.filter(
                programme=OuterRef("pk"), country__in=sorted(scope_for(user).government)
            )
        )
        awaiting = Q(status=S.APPROVED) & ~accepted_by_them
        blocks += [
            block(
                _("Programmes awaiting your acceptance"),
                visible.filter(awaiting).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.APPROVED),
                age=True,
            ),
            block(
                _("Your State's programmes"),
                # The selector gives a government those shared with it (approved
                # onwards); the ones awaiting its acceptance are in the block above.
                visible.exclude(awaiting).order_by("-updated_at", "-id"),
                _row,
                more_url=reverse("programmes:list"),
                section=Section.STATE,
            ),
        ]
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Validated assessments with no programme yet"),
                awaiting_programme(user).order_by("updated_at", "pk"),
                _assessment_row,
                more_url=f"{reverse('assessments:list')}?status={NeedsAssessment.Status.VALIDATED}",
                age=True,
            ),
            block(
                _("Programmes in drafting"),
                visible.filter(status=S.DRAFTING).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.DRAFTING),
                age=True,
            ),
            block(
                _("Accepted by the government: start implementation"),
                visible.filter(status=S.ACCEPTED).order_by("updated_at"),
                _row,
                more_url=_list_url(S.ACCEPTED),
                age=True,
            ),
        ]
    if user.has_perm(services.REVIEW):
        review = block(
            _("Programmes you are named to review"),
            visible.filter(status=S.UNDER_REVIEW, reviewers=user).order_by("updated_at"),
            _row,
            more_url=_list_url(S.UNDER_REVIEW),
            age=True,
        )
        if review.count:  # most staff are never named: no empty box for them
            blocks.append(review)
    if Role.PROGRAMME_APPROVER in roles:
        blocks += [
            block(
                _("Programmes under review"),
                visible.filter(status=S.UNDER_REVIEW).order_by("updated_at"),
                _row,
                more_url=_list_url(S.UNDER_REVIEW),
                age=True,
            ),
            block(
                _("Overspending awaiting your decision"),
                visible_expenditure(user)
                .filter(status=Expenditure.Status.AWAITING_APPROVAL)
                .order_by("recorded_at"),
                _expenditure_row,
                age="recorded_at",
            ),
            block(
                _("Amendments to approve"),
                visible_amendments(user)
                .filter(status=Amendment.Status.SUBMITTED)
                .order_by("updated_at"),
                _amendment_row,
                age=True,
            ),
        ]
    if roles & OHCHR_STAFF:
        blocks.append(
            block(
                _("Programmes awaiting the government's acceptance"),
                visible.filter(status=S.APPROVED).order_by("updated_at"),
                _row,
                more_url=_list_url(S.APPROVED),
                section=Section.GOVERNMENT,
                age=True,
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="programme",
        label=gettext_lazy("Programmes"),
        model=Programme,
        visible=visible_programmes,
        url_name="programmes:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    ),
    HistorySource(
        key="component",
        label=gettext_lazy("Programme components"),
        model=Component,
        visible=visible_components,
        url_name="programmes:detail",
        view_permission=VIEW,
        label_field="title",
        parent_field="programme",
        action_labels=action_labels(services.COMPONENT_LIFECYCLE),
    ),
    HistorySource(
        key="activity",
        label=gettext_lazy("Activities"),
        model=Activity,
        visible=visible_activities,
        url_name="programmes:activity",
        view_permission=VIEW,
        label_field="title",
        action_labels=action_labels(implementation.ACTIVITY_LIFECYCLE),
    ),
    HistorySource(
        key="amendment",
        label=gettext_lazy("Amendments"),
        model=Amendment,
        visible=visible_amendments,
        url_name="programmes:amendment",
        view_permission=VIEW,
        action_labels=action_labels(amendments.LIFECYCLE),
    ),
]

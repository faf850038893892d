"""What the pages show of the evaluations and follow-up actions that follow from
a record, in its cycle strip (``tcp.related``).

Registered with ``tcp.related`` when the app is ready: a request shows the
follow-up action it answers, a programme its evaluations. This app's own
pages add what follows an evaluation (its follow-up actions) and an action
(the new request it started). Each through its own selector, so a page links
only to what its reader may open.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import (
    OPEN_ACTIONS,
    may_view,
    visible_evaluations,
    visible_follow_up_actions,
)
from evaluations.services import EVALUATED_STATUSES, schedule_refusal
from programmes.models import Programme
from programmes.selectors import audience as programme_audience
from requests_app.selectors import visible_requests
from tcp import l10n
from tcp.related import RelatedLink, link_to, note

VIEW_FOLLOW_UP = "evaluations.view_followupaction"


def request_links(req: Any, user: Any) -> list[RelatedLink]:
    """The follow-up action of an evaluation the request was started from."""
    if not user.has_perm(VIEW_FOLLOW_UP):
        return []
    return [
        RelatedLink(
            label=_("Follow-up action it answers"),
            text=f"{action.evaluation.reference}: {action.description[:120]}",
            url=action.get_absolute_url(),
            status=action.get_status_display(),
            status_value=action.status,
            # The request answers the action: it comes before the request in the cycle.
            previous=True,
        )
        for action in visible_follow_up_actions(user).filter(request=req)
    ]


def programme_links(programme: Any, user: Any) -> list[RelatedLink]:
    """The programme's evaluations the reader may open, and, for its desk officer,
    where to add one by hand; or when they come, for the others."""
    label = _("Evaluations")
    # A programme is evaluated once approved: a draft's page says so without a query.
    if programme.status in (Programme.Status.DRAFTING, Programme.Status.UNDER_REVIEW):
        return [note(label, _("Evaluations are scheduled when the programme is approved."))]
    if not may_view(user):
        return []
    links = [
        RelatedLink(
            label=label,
            text=_("%(reference)s · %(kind)s, due %(due)s")
            % {
                "reference": l10n.isolate(e.reference),
                "kind": e.get_kind_display(),
                "due": l10n.day(e.due_date),
            },
            url=e.get_absolute_url(),
            status=e.get_status_display(),
            status_value=e.status,
        )
        for e in visible_evaluations(user).filter(programme=programme).exclude(status="dropped")
    ]
    if schedule_refusal(programme=programme, user=user) is None:
        links.append(
            RelatedLink(
                label=label,
                text=_("Schedule an evaluation by hand"),
                url=f"{reverse('evaluations:schedule')}?{urlencode({'programme': programme.pk})}",
                step=True,
            )
        )
    elif not links and programme.status in EVALUATED_STATUSES:  # not a cancelled one
        if programme_audience(programme, user).internal:
            links.append(note(label, _("The desk officer schedules the evaluations.")))
        else:
            links.append(
                note(label, _("OHCHR shares the summary of each evaluation once it is accepted."))
            )
    return links


def evaluation_next(evaluation: Any, user: Any) -> list[RelatedLink]:
    """What follows the evaluation: its follow-up actions the reader may open (a
    government: those assigned to its State), as one link to their list."""
    label = _("Follow-up actions")
    if not user.has_perm(VIEW_FOLLOW_UP):
        return []
    counts = (
        visible_follow_up_actions(user)
        .filter(evaluation=evaluation)
        .aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_ACTIONS)))
    )
    if counts["total"]:
        text = ngettext(
            "%(count)s follow-up action, %(open)s open",
            "%(count)s follow-up actions, %(open)s open",
            counts["total"],
        ) % {"count": counts["total"], "open": counts["open"]}
        url = f"{reverse('evaluations:follow_up_list')}?{urlencode({'q': evaluation.reference})}"
        return [RelatedLink(label=label, text=text, url=url)]
    if evaluation.status in (Evaluation.Status.SCHEDULED, Evaluation.Status.IN_PROGRESS):
        return [note(label, _("The report's recommendations come with their follow-up actions."))]
    if evaluation.status == Evaluation.Status.DROPPED:
        return []
    return [note(label, _("No follow-up action yet."))]


def action_next(action: Any, user: Any) -> list[RelatedLink]:
    """What follows a follow-up action: the new request it started, if the reader may
    open it; or the step to start one, for the focal point who may; or who does."""
    from evaluations import follow_up

    label = _("New request")
    req = None
    if action.request_id is not None:
        # A State's draft is its own until submitted: OHCHR reads the same sentence
        # below whether the government has started one or not.
        req = visible_requests(user).filter(pk=action.request_id).first()
    if req is not None:
        return [link_to(label, req)]
    if follow_up.request_refusal(action=action, user=user) is None:
        return [
            RelatedLink(
                label=label,
                text=_("Start a new request from this action"),
                url=reverse("evaluations:request_start", args=[action.pk]),
                step=True,
                post=True,
                note=_(
                    "If carrying the action out needs OHCHR's assistance: a draft prefilled "
                    "from the programme and this action, for you to complete and submit."
                ),
            )
        ]
    if action.responsible_state_id is None or action.status == FollowUpAction.Status.DROPPED:
        return []
    return [
        note(label, _("The government's focal point may start a new request from this action."))
    ]

"""What an earlier stage's page shows of the evaluations that followed from it.

Registered with ``tcp.related`` when the app is ready: a request shows the
follow-up action it answers, a programme its evaluations, each through this
app's own selectors, so a page links only to what its reader may open.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from evaluations.selectors import may_view, visible_evaluations, visible_follow_up_actions
from evaluations.services import schedule_refusal
from programmes.models import Programme
from tcp import l10n
from tcp.related import RelatedLink

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
        )
        for action in visible_follow_up_actions(user).filter(request=req)
    ]


def programme_links(programme: Any, user: Any) -> list[RelatedLink]:
    """The programme's evaluations the reader may open, and, for its desk officer,
    where to add one by hand."""
    # A programme is evaluated once approved: a draft's page asks nothing more.
    if programme.status in (Programme.Status.DRAFTING, Programme.Status.UNDER_REVIEW):
        return []
    if not may_view(user):
        return []
    links = [
        RelatedLink(
            label=_("Evaluation"),
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
                label=_("Evaluations"),
                text=_("Schedule an evaluation by hand"),
                url=f"{reverse('evaluations:schedule')}?{urlencode({'programme': programme.pk})}",
            )
        )
    return links

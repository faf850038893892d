"""What every page's layout needs: the navigation the user may use, their roles,
and how many of their notifications are unread.

All are lazy, so pages that do not render the layout (the health check,
API responses) cost no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tcp import inbox
from tcp.views import ROLE_LABELS, user_roles

# (url name, label, permission the page needs). URL names and permission
# strings only: the core imports no app.
_NAV: tuple[tuple[str, Any, str], ...] = (
    ("requests_app:list", _("Requests"), "requests_app.view_assistancerequest"),
    ("requests_app:recommendation_list", _("Recommendations"), "requests_app.view_recommendation"),
    ("assessments:list", _("Assessments"), "assessments.view_needsassessment"),
    ("programmes:list", _("Programmes"), "programmes.view_programme"),
    ("programmes:activity_list", _("Activities"), "programmes.view_programme"),
    ("evaluations:list", _("Evaluations"), "evaluations.view_evaluation"),
    ("evaluations:follow_up_list", _("Follow-up actions"), "evaluations.view_followupaction"),
    # Every role that has a panel on the figures page may view requests.
    ("figures", _("Figures"), "requests_app.view_assistancerequest"),
    ("history", _("History"), "tcp.view_history"),
    ("access_log", _("Access log"), "tcp.view_history"),
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def nav_items(request: Any) -> list[NavItem]:
    user = request.user
    links = [(str(_("Dashboard")), reverse("dashboard"))]
    links += [(str(label), reverse(name)) for name, label, perm in _NAV if user.has_perm(perm)]
    if user.is_staff:
        links.append((str(_("Admin")), reverse("admin:index")))
    # The current section is the longest link the path starts with
    # (/evaluations/follow-ups/3/ is under "Follow-up actions", not "Evaluations").
    path = request.path
    matching = [url for _label, url in links if url != "/" and path.startswith(url)]
    current = max(matching, key=len) if matching else ("/" if path == "/" else None)
    return [NavItem(label, url, url == current) for label, url in links]


def _role_names(user: Any) -> list[str]:
    return sorted(str(ROLE_LABELS[role]) for role in user_roles(user))


@dataclass(frozen=True)
class Inbox:
    """The header's link to the notifications: a plain int to count with
    (a lazy object is no number for ``blocktranslate count``)."""

    unread: int
    current: bool


def navigation(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role_names": [], "inbox": None}
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        "user_role_names": SimpleLazyObject(lambda: _role_names(user)),
        "inbox": SimpleLazyObject(
            lambda: Inbox(inbox.unread_count(user), request.path == reverse("notifications"))
        ),
    }

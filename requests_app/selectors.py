from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from requests_app.models import AssistanceRequest
from tcp.selectors import scoped


def visible_requests(user: Any) -> QuerySet[AssistanceRequest]:
    """Every read of requests goes through here: views, API, exports, tasks."""
    return scoped(
        AssistanceRequest.objects.select_related("country"),
        user,
        country_path="country",
        # A focal point sees all of their State's requests, drafts included.
        shared_with_government=Q(),
        # A draft is the government's own until it is submitted.
        ohchr_visible=~Q(status=AssistanceRequest.Status.DRAFT),
        exception_perm="requests_app.view_assistancerequest",
    )


def request_in_scope(request: AssistanceRequest, user: Any) -> bool:
    return visible_requests(user).filter(pk=request.pk).exists()

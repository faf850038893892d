"""The product's own "Not found" page, also while ``DEBUG`` is on.

With ``DEBUG`` off, Django answers a 404 with ``templates/404.html``; with it
on (``make run``) it shows its technical page instead, which lists the
project's URL patterns and says "No AssistanceRequest matches the given
query": a record outside the reader's scope would be told apart from one that
does not exist, and the product would look broken to someone trying it out.
This middleware answers both with the product's page; Django's debug page for
a server error (500) is left as it is, since that is what a developer needs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


class ProductNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address that matches no URL pattern: Django raised Resolver404 before
        # any view ran (so no resolver match), and with DEBUG on answered it with
        # its technical page. The middleware outside this one (sessions, CSRF,
        # messages) then treat the product's page as any other; CommonMiddleware
        # still turns it into the redirect to the address with a slash, if any.
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's 404 (a record outside the reader's scope, or none at all)."""
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None

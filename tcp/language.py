"""The language a person reads the product in: one choice, kept on their profile.

A signed-in person's pages, e-mails and PDF reports follow ``User.language``.
The language list in the page header changes it (and, before signing in, only
the browser's cookie, as Django's own view does). Choosing on one device
therefore carries to every other, and to the e-mails a worker sends at night.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from tcp.history import acting_as
from tcp.models import User

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def save_language(*, user: Any, language: str) -> None:
    """Keep ``language`` on ``user``'s profile; the change is history, by them."""
    if language not in LANGUAGE_CODES:
        raise ValueError(f"unknown language {language!r}")
    with transaction.atomic(), acting_as(user):
        person = User.objects.select_for_update().get(pk=user.pk)
        if person.language != language:
            person.language = language
            person.save(update_fields=["language"])
    user.language = language


class UserLanguageMiddleware:
    """After authentication: a signed-in person reads their profile's language.

    Placed after ``LocaleMiddleware`` (which reads the cookie and the browser's
    preference for people not signed in) and ``AuthenticationMiddleware``. The
    language cookie follows the profile, so the sign-in page after logging out
    is still in the person's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = _profile_language(user)
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # LocaleMiddleware runs its response half after this one and names the
        # active language; the cookie is this middleware's to keep in step.
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def _profile_language(user: Any) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    language = getattr(user, "language", None)
    return language if language in LANGUAGE_CODES else None


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's view (cookie, safe ``next``), plus the profile of a signed-in person."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGE_CODES:
        save_language(user=request.user, language=language)
    return response

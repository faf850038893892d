"""The product's own error pages, also with ``DEBUG`` on as in ``make run``.

A record outside the reader's scope answers the product's 404 page, never
Django's technical one (which names the model and lists the URL patterns);
an address that matches nothing too; a server error keeps Django's debug page
while ``DEBUG`` is on, which is what a developer needs.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from requests_app.models import AssistanceRequest
from tcp.urls import urlpatterns as product_urls
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a real bug")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# The product's URLs, and two views that fail (the tests below use this module's).
urlpatterns = [
    *product_urls,
    path("test-boom/", _boom),
    path("test-forbidden/", _forbidden),
]
urls = pytest.mark.urls(__name__)


def _is_product_404(response) -> None:
    assert response.status_code == 404
    text = response.content.decode()
    assert "404.html" in [t.name for t in response.templates]
    assert "<h1>Not found</h1>" in text
    assert 'class="site-header"' in text
    assert f'href="{reverse("dashboard")}">Back to the dashboard</a>' in text
    # Nothing of Django's technical page: no URL patterns, no model name.
    assert "URLconf" not in text
    assert "AssistanceRequest" not in text
    assert "matches the given query" not in text


@pytest.mark.parametrize("debug", [True, False])
def test_a_record_outside_the_scope_answers_the_products_404(
    client, focal_point_peru, kenya, settings, debug
):
    settings.DEBUG = debug
    req = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.SUBMITTED)
    client.force_login(focal_point_peru)
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    _is_product_404(response)
    # The header of a logged-in person, as on every page.
    assert str(focal_point_peru) in response.content.decode()
    # A record that does not exist at all reads the same.
    _is_product_404(client.get(reverse("requests_app:detail", args=[req.pk + 1000])))


@pytest.mark.parametrize("logged_in", [True, False])
def test_an_unknown_address_answers_the_products_404_with_debug_on(
    client, settings, desk_officer, logged_in
):
    settings.DEBUG = True
    if logged_in:
        client.force_login(desk_officer)
    _is_product_404(client.get("/no-such-page/"))
    _is_product_404(client.get("/requests/999999/no-such-part/"))


def test_an_address_without_its_slash_still_redirects_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/requests")
    assert response.status_code == 301
    assert response["Location"] == "/requests/"


@urls
def test_a_server_error_keeps_djangos_debug_page_with_debug_on(settings, desk_officer):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(desk_officer)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "RuntimeError" in text and "a real bug" in text  # the traceback
    assert "Something went wrong" not in text


@urls
def test_a_server_error_answers_the_products_500_with_debug_off(settings, desk_officer):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(desk_officer)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "<h1>Something went wrong</h1>" in text
    assert "a real bug" not in text
    assert 'class="site-header"' in text
    assert f'href="{reverse("dashboard")}">Back to the dashboard</a>' in text


@urls
def test_a_refusal_answers_the_products_403_with_debug_on(client, settings, desk_officer):
    settings.DEBUG = True
    client.force_login(desk_officer)
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "<h1>Not allowed</h1>" in text
    assert f'href="{reverse("dashboard")}">Back to the dashboard</a>' in text


def test_the_500_page_needs_no_request_and_names_its_language(settings):
    """Django renders it without a request (the error may be in the session or the
    database): it must stand on its own, in the active language and direction."""
    from django.utils import translation

    with translation.override("ar"):
        text = render_to_string("500.html")
        name = translation.gettext("Technical Cooperation Programme")
    assert '<html lang="ar" dir="rtl">' in text
    assert name != "Technical Cooperation Programme"
    assert name in text

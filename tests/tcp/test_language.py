"""One language per person, kept on their profile: pages, e-mails and PDFs follow it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tcp.models import Report, User
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    page = response.content.decode()
    start = page.index("<html lang=") + len('<html lang="')
    return page[start : page.index('"', start)]


def test_choosing_a_language_when_signed_in_keeps_it_on_the_profile(client, desk_officer):
    client.force_login(desk_officer)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/requests/"})
    assert response.status_code == 302
    assert response["Location"] == "/requests/"
    desk_officer.refresh_from_db()
    assert desk_officer.language == "fr"
    last = desk_officer.history.latest()
    assert last.language == "fr"
    assert last.history_user == desk_officer


def test_the_profile_decides_over_the_cookie_and_the_browser(client, desk_officer):
    User.objects.filter(pk=desk_officer.pk).update(language="ru")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.force_login(desk_officer)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ar")
    assert _lang(response) == "ru"
    assert response["Content-Language"] == "ru"
    # The cookie follows, so the sign-in page after logging out is in Russian too.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    client.post(reverse("logout"))
    assert _lang(client.get(reverse("login"))) == "ru"


def test_a_language_chosen_on_one_device_follows_to_another(client, desk_officer):
    client.force_login(desk_officer)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    other = Client()
    other.force_login(desk_officer)
    assert _lang(other.get(reverse("dashboard"))) == "zh-hans"


def test_an_unknown_language_changes_nothing(client, desk_officer):
    client.force_login(desk_officer)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    desk_officer.refresh_from_db()
    assert desk_officer.language == "en"
    assert _lang(client.get(reverse("dashboard"))) == "en"


def test_the_language_list_answers_only_post(client, desk_officer):
    client.force_login(desk_officer)
    assert client.get(reverse("set_language"), {"language": "fr"}).status_code == 405
    desk_officer.refresh_from_db()
    assert desk_officer.language == "en"


def test_before_signing_in_the_choice_is_the_browsers_only(client, desk_officer):
    client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    assert _lang(client.get(reverse("login"))) == "es"
    desk_officer.refresh_from_db()
    assert desk_officer.language == "en"


def test_a_pdf_report_is_in_the_language_of_its_requester(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    User.objects.filter(pk=desk_officer.pk).update(language="ar")
    client.force_login(desk_officer)
    client.post(reverse("report_ask"), {"kind": "request", "reference": req.reference})
    report = Report.objects.get(requested_by=desk_officer)
    assert report.language == "ar"


def test_the_settings_page_saves_the_language_of_pages_and_e_mails(client, desk_officer):
    client.force_login(desk_officer)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "PDF" in page
    response = client.post(
        reverse("notification_settings"), {"language": "es", "delivery": "each"}, follow=True
    )
    assert _lang(response) == "es"

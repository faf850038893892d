"""The access log: what writes a line (logins, failures, lockouts, logouts, scope and
roles given or taken, downloads), through the real pages, and the page that reads it
(filters, keyset pages, a constant number of queries, GET only, the export)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.selectors import VIEW as VIEW_ASSESSMENT
from requests_app import services as request_services
from tcp import scoping
from tcp.models import AccessEvent, Report
from tcp.roles import Role, role_group
from tests.conftest import make_user
from tests.factories import AssistanceRequestFactory, NeedsAssessmentFactory
from tests.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

K = AccessEvent.Kind
LOGIN = reverse("login")
PAGE = reverse("access_log")
LIMIT = settings.AXES_FAILURE_LIMIT


def _events(kind: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(kind=kind).order_by("at", "id"))


def _only(kind: str) -> AccessEvent:
    (event,) = _events(kind)
    return event


def _login(client: Client, username: str, password: str, ip: str = "192.0.2.10", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


# --- logins, failures, lockouts, logouts ---


def test_a_login_through_the_form_is_logged_with_the_address(client, outsider, password):
    assert _login(client, outsider.username, password).status_code == 302

    event = _only(K.LOGIN)
    assert (event.user, event.username, event.address) == (outsider, "outsider", "192.0.2.10")


def test_behind_a_proxy_the_address_is_the_one_it_forwards(client, settings, outsider, password):
    settings.TCP_TRUSTED_PROXY_COUNT = 1
    _login(
        client,
        outsider.username,
        password,
        "10.9.9.9",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
    )

    assert _only(K.LOGIN).address == "198.51.100.7"


def test_failed_logins_keep_the_username_typed_known_or_not(client, outsider):
    _login(client, "nobody-by-this-name", "wrong")
    _login(client, outsider.username, "wrong", ip="192.0.2.11")

    unknown, known = _events(K.LOGIN_FAILED)
    assert (unknown.user, unknown.username, unknown.address) == (
        None,
        "nobody-by-this-name",
        "192.0.2.10",
    )
    assert (known.user, known.username, known.address) == (outsider, "outsider", "192.0.2.11")
    assert not _events(K.LOGIN)


def test_the_failure_that_reaches_the_limit_logs_a_lockout(client, outsider):
    for i in range(LIMIT - 1):
        _login(client, outsider.username, f"wrong-{i}")
    assert not _events(K.LOCKOUT)

    assert _login(client, outsider.username, "wrong-last").status_code == 429

    assert len(_events(K.LOGIN_FAILED)) == LIMIT
    lockout = _only(K.LOCKOUT)
    assert (lockout.user, lockout.username, lockout.address) == (outsider, "outsider", "192.0.2.10")


def test_a_logout_is_logged(client, outsider, password):
    _login(client, outsider.username, password)

    assert client.post(reverse("logout"), REMOTE_ADDR="192.0.2.12").status_code == 302

    event = _only(K.LOGOUT)
    assert (event.user, event.address) == (outsider, "192.0.2.12")


# --- scope ---


def _line(kind: str) -> tuple:
    event = AccessEvent.objects.filter(kind=kind).latest("at", "id")
    return event.user, event.subject_user, event.what, event.reference


def test_each_scoping_service_logs_grants_and_revocations(
    administrator, kenya, peru, east_africa, south_america
):
    def count() -> int:
        return AccessEvent.objects.filter(kind__in=(K.GRANT, K.REVOKE)).count()

    person = make_user("person", None)
    other = make_user("other", None)
    admin_ = administrator

    scoping.assign_focal_point(user=person, country=kenya, by=admin_)
    assert _line(K.GRANT) == (admin_, person, "Kenya: government focal point", "KEN")
    scoping.remove_focal_point(user=person, country=kenya, by=admin_)
    assert _line(K.REVOKE) == (admin_, person, "Kenya: government focal point", "KEN")

    scoping.set_desk_officer(country=peru, user=person, by=admin_)
    assert _line(K.GRANT) == (admin_, person, "Peru: desk officer (portfolio)", "PER")
    scoping.set_desk_officer(country=peru, user=other, by=admin_)
    assert _line(K.REVOKE) == (admin_, person, "Peru: desk officer (portfolio)", "PER")
    assert _line(K.GRANT) == (admin_, other, "Peru: desk officer (portfolio)", "PER")

    scoping.add_presence_officer(user=person, presence=east_africa, by=admin_)
    granted = _line(K.GRANT)
    assert granted[:2] == (admin_, person)
    assert granted[2] == f"{east_africa}: field presence officer"
    scoping.remove_presence_officer(user=person, presence=east_africa, by=admin_)
    assert _line(K.REVOKE)[:3] == (admin_, person, f"{east_africa}: field presence officer")

    scoping.move_country(
        country=kenya, to_presence=south_america, from_presence=east_africa, by=admin_
    )
    assert _line(K.REVOKE) == (admin_, None, f"{east_africa}: covers Kenya", "KEN")
    assert _line(K.GRANT) == (admin_, None, f"{south_america}: covers Kenya", "KEN")
    mark = AccessEvent.objects.latest("id").pk
    scoping.set_presence_countries(presence=south_america, countries=[peru], by=admin_)
    revoked = AccessEvent.objects.filter(kind=K.REVOKE, pk__gt=mark)
    assert (admin_.pk, f"{south_america}: covers Kenya", "KEN") in revoked.values_list(
        "user", "what", "reference"
    )
    assert not revoked.filter(reference="PER").exists()

    assessment = NeedsAssessmentFactory(request__country=kenya)
    scoping.grant_exception(user=person, perm=VIEW_ASSESSMENT, obj=assessment, by=admin_)
    line = _line(K.GRANT)
    assert line[:2] == (admin_, person)
    assert line[2] == f"{assessment.reference}: {VIEW_ASSESSMENT} (this record only)"
    assert line[3] == assessment.reference
    scoping.revoke_exception(user=person, perm=VIEW_ASSESSMENT, obj=assessment, by=admin_)
    assert _line(K.REVOKE) == line

    # Nothing changed, nothing logged: a grant held already, a revocation of nothing.
    before = count()
    scoping.set_desk_officer(country=peru, user=other, by=admin_)
    scoping.remove_focal_point(user=person, country=kenya, by=admin_)
    scoping.set_presence_countries(presence=south_america, countries=[peru], by=admin_)
    assert count() == before


def test_a_grant_rolled_back_leaves_no_line(administrator, kenya):
    person = make_user("person", None)
    with pytest.raises(RuntimeError), scoping.transaction.atomic():
        scoping.assign_focal_point(user=person, country=kenya, by=administrator)
        raise RuntimeError
    assert not _events(K.GRANT)


# --- roles ---


def test_roles_given_and_taken_are_logged_with_the_actor(administrator):
    person = make_user("person", None)
    auditor, approver = role_group(Role.AUDITOR), role_group(Role.PROGRAMME_APPROVER)

    scoping.set_roles(user=person, roles=[auditor, approver], by=administrator)
    added = AccessEvent.objects.filter(kind=K.ROLE_ADDED, subject_user=person)
    assert {(e.user, e.subject_user, e.what) for e in added} == {
        (administrator, person, "Auditor"),
        (administrator, person, "Programme approver"),
    }

    scoping.set_roles(user=person, roles=[approver], by=administrator)
    assert _line(K.ROLE_REMOVED) == (administrator, person, "Auditor", "")

    person.groups.clear()  # no actor: a script
    assert _line(K.ROLE_REMOVED) == (None, person, "Programme approver", "")


def test_roles_changed_in_the_admin_are_logged_with_the_administrator(
    client, administrator, outsider
):
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    client.force_login(administrator)
    outsider.groups.add(role_group(Role.DESK_OFFICER))
    data = {
        "username": outsider.username,
        "first_name": outsider.first_name,
        "last_name": outsider.last_name,
        "email": outsider.email,
        "is_active": "on",
        "date_joined_0": outsider.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": outsider.date_joined.strftime("%H:%M:%S"),
        "groups": [role_group(Role.AUDITOR).pk],
    }

    url = reverse("admin:tcp_user_change", args=[outsider.pk])
    mark = AccessEvent.objects.latest("id").pk
    response = client.post(url, data, REMOTE_ADDR="192.0.2.20")

    assert response.status_code == 302
    new = AccessEvent.objects.filter(pk__gt=mark)
    added, removed = new.get(kind=K.ROLE_ADDED), new.get(kind=K.ROLE_REMOVED)
    assert (added.user, added.subject_user, added.what) == (administrator, outsider, "Auditor")
    assert (removed.user, removed.what, removed.address) == (
        administrator,
        "Desk officer",
        "192.0.2.20",
    )


def test_the_log_is_not_in_the_admin():
    assert AccessEvent not in admin.site._registry


# --- downloads ---


def _download(kind: str = K.DOWNLOAD) -> AccessEvent:
    return AccessEvent.objects.filter(kind=kind).latest("at", "id")


def test_a_request_document_download_is_logged(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted", complete=False)
    document = request_services.attach_document(
        req=req, file=upload("Barua rasmi.pdf", PDF_BYTES), by=desk_officer
    )
    client.force_login(desk_officer)

    url = reverse("requests_app:document", args=[req.pk, document.pk])
    response = client.get(url, REMOTE_ADDR="192.0.2.30")

    assert response.status_code == 200
    event = _download()
    assert (event.user, event.username) == (desk_officer, desk_officer.username)
    assert (event.what, event.reference) == ("Document: Barua rasmi.pdf", req.reference)
    assert event.address == "192.0.2.30"


def test_a_report_download_is_logged(client, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    report = Report.objects.create(
        kind="request",
        reference=req.reference,
        subject_id=req.pk,
        language="en",
        requested_by=desk_officer,
        status=Report.Status.READY,
        file=ContentFile(b"%PDF-1.7 test", name="r.pdf"),
        title=f"Request summary {req.reference}",
    )
    client.force_login(desk_officer)

    response = client.get(reverse("report_download", args=[report.pk]), REMOTE_ADDR="192.0.2.31")

    assert response.status_code == 200
    event = _download()
    assert event.user == desk_officer
    assert event.what == f"Request summary: Request summary {req.reference}"
    assert (event.reference, event.address) == (req.reference, "192.0.2.31")


def test_an_inline_export_is_logged_with_its_filters(client, desk_officer):
    client.force_login(desk_officer)
    url = reverse("export", kwargs={"code": "requests", "fmt": "csv"})

    response = client.get(url, {"status": "submitted"}, REMOTE_ADDR="192.0.2.32")

    assert response.status_code == 200
    event = _download()
    assert event.user == desk_officer
    assert (event.what, event.reference) == ("Export requests.csv?status=submitted", "requests")
    assert event.address == "192.0.2.32"


def test_the_iati_file_download_is_logged(client, desk_officer):
    client.force_login(desk_officer)

    response = client.get(
        reverse("programmes:iati"), {"status": "approved"}, REMOTE_ADDR="192.0.2.33"
    )

    assert response.status_code == 200
    event = _download()
    assert (event.user, event.what) == (desk_officer, "IATI activity file?status=approved")
    assert event.address == "192.0.2.33"


def test_a_refused_download_is_not_logged(client, focal_point_peru, kenya, desk_officer):
    req = AssistanceRequestFactory(country=kenya, status="submitted", complete=False)
    document = request_services.attach_document(
        req=req, file=upload("internal.pdf", PDF_BYTES), by=desk_officer
    )
    client.force_login(focal_point_peru)
    url = reverse("requests_app:document", args=[req.pk, document.pk])
    assert client.get(url).status_code == 404
    assert not _events(K.DOWNLOAD)


# --- the page ---


def _bulk(count: int, **fields) -> None:
    start = timezone.now() - datetime.timedelta(days=1)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            # Pairs share a moment: the id breaks the tie.
            at=start + datetime.timedelta(seconds=i // 2),
            kind=fields.get("kind", K.DOWNLOAD),
            username=fields.get("username", f"user-{i % 3}"),
            what=f"file {i}",
            reference=fields.get("reference", f"REF-{i % 4}"),
            address=fields.get("address", f"192.0.2.{i % 5}"),
        )
        for i in range(count)
    )


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def _ids(response) -> list[int]:
    return [e.pk for e in response.context["page"].rows]


def test_keyset_pages_walk_the_whole_log_older_then_newer(auditor_client):
    _bulk(120)
    expected = list(AccessEvent.objects.order_by("-at", "-id").values_list("pk", flat=True))

    pages, response = [], auditor_client.get(PAGE)
    while True:
        pages.append(_ids(response))
        older = response.context["page"].older_url
        if not older:
            break
        response = auditor_client.get(PAGE + older)
    assert [len(p) for p in pages] == [50, 50, len(expected) - 100]
    assert [pk for page in pages for pk in page] == expected
    # The export of a deep page is the whole filtered log, not the rest of it.
    assert all("before=" not in url for _label, url in response.context["export_links"])

    back = []
    while response.context["page"].newer_url:
        response = auditor_client.get(PAGE + response.context["page"].newer_url)
        back.append(_ids(response))
    assert back == pages[-2::-1]
    assert not response.context["page"].newer_url


def test_filters(auditor_client, outsider):
    _bulk(40)
    _bulk(3, kind=K.LOGIN_FAILED, username="Guess", reference="", address="198.51.100.9")

    def rows(**params) -> list[AccessEvent]:
        response = auditor_client.get(PAGE, params)
        assert response.status_code == 200
        return response.context["page"].rows

    assert {e.kind for e in rows(kind=K.LOGIN_FAILED)} == {K.LOGIN_FAILED}
    assert len(rows(kind=K.LOGIN_FAILED)) == 3
    assert len(rows(username="Guess")) == 3
    # An account's name in any case; a name no account has, as it was typed.
    assert not rows(username="guess")
    AccessEvent.objects.create(kind=K.LOGIN, user=outsider, username="outsider")
    assert [e.username for e in rows(username="OutSider")] == ["outsider"]
    assert {e.username for e in rows(username="user-1")} == {"user-1"}
    assert len(rows(address="198.51.100.9")) == 3
    assert {e.reference for e in rows(reference="REF-2")} == {"REF-2"}
    assert len(rows(reference="REF-2")) == 10
    today = timezone.localdate()
    assert not rows(date_from=today + datetime.timedelta(days=1))
    assert len(rows(date_to=today - datetime.timedelta(days=2))) == 0
    # A filter that is not valid is shown as such and not applied.
    response = auditor_client.get(PAGE, {"address": "not-an-address"})
    assert response.context["filter_form"].errors
    assert len(response.context["page"].rows) == AccessEvent.objects.count()


def test_a_page_costs_the_same_queries_for_10_or_100_events(auditor_client):
    _bulk(10)
    auditor_client.get(PAGE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert auditor_client.get(PAGE).status_code == 200
    _bulk(100)
    with CaptureQueriesContext(connection) as many:
        response = auditor_client.get(PAGE)
    with CaptureQueriesContext(connection) as deep:
        auditor_client.get(PAGE + response.context["page"].older_url)
    assert len(few) == len(many) == len(deep)
    log_queries = [q["sql"] for q in many.captured_queries if "tcp_accessevent" in q["sql"]]
    assert len(log_queries) == 1  # the page's rows, and nothing that counts them
    assert "COUNT(" not in log_queries[0].upper()


def test_the_page_only_reads(auditor_client):
    _bulk(3)
    before = list(AccessEvent.objects.values_list("pk", "what"))
    assert auditor_client.post(PAGE, {"kind": "login"}).status_code == 405
    assert auditor_client.delete(PAGE).status_code == 405
    assert list(AccessEvent.objects.values_list("pk", "what")) == before


def test_the_page_is_for_auditors_and_administrators(client, auditor, administrator, desk_officer):
    assert client.get(PAGE)["Location"].startswith(LOGIN)
    for user, status in ((desk_officer, 403), (auditor, 200), (administrator, 200)):
        client.force_login(user)
        assert client.get(PAGE).status_code == status
    assert reverse("access_log") in client.get(reverse("dashboard")).content.decode()


def test_the_export_of_a_filtered_log_holds_exactly_its_rows(auditor_client):
    _bulk(30)
    _bulk(4, kind=K.LOCKOUT, username="guess", reference="", address="198.51.100.9")
    page = auditor_client.get(PAGE, {"kind": K.LOCKOUT}).content.decode()
    assert "/exports/access-log.xlsx?kind=lockout" in page

    response = auditor_client.get(
        reverse("export", kwargs={"code": "access-log", "fmt": "xlsx"}), {"kind": K.LOCKOUT}
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert header == (
        "When",
        "Event",
        "User",
        "Whose scope or role",
        "What",
        "Reference",
        "Address",
    )
    assert len(rows) == 4
    assert {(r[1], r[2], r[6]) for r in rows} == {("Lockout", "guess", "198.51.100.9")}
    expected = AccessEvent.objects.filter(kind=K.LOCKOUT).order_by("-at", "-id")
    assert [r[4] for r in rows] == [e.what for e in expected]
    # The download of the log is itself in the log.
    assert _download().what == "Export access-log.xlsx?kind=lockout"


def test_the_export_is_refused_to_others(client, desk_officer):
    client.force_login(desk_officer)
    url = reverse("export", kwargs={"code": "access-log", "fmt": "csv"})
    assert client.get(url).status_code == 403

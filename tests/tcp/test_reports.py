"""The report core: safe rendering, limits, one file for unchanged data, requester only.

A kind of the tests' own (a request's title and description on the base
template) stands for the stages' reports, which have their own tests.
"""

from __future__ import annotations

import socket
import threading
from io import BytesIO

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from requests_app.selectors import visible_requests
from tcp import reports
from tcp.models import Dispatch, Report
from tcp.reports import ReportKind
from tests.factories import AssistanceRequestFactory

R = Report.Status


def _subject(user, reference):
    return get_object_or_404(visible_requests(user), reference=reference)


def _context(user, req, params):
    return {"req": req}


TEST_KIND = ReportKind(
    code="request",
    subject=_subject,
    context=_context,
    template="reports/base.html",
    title=lambda req, params: req.title,
)


@pytest.fixture(autouse=True)
def only_test_kind(monkeypatch):
    monkeypatch.setattr(reports, "_kinds", {"request": TEST_KIND})


def _text(report: Report) -> str:
    with report.file.open("rb") as f:
        reader = pypdf.PdfReader(BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


class Listener:
    """A server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _attacks(port: int) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">x</a>',
        f"<style>@import url(http://127.0.0.1:{port}/css);</style>",
        f'<img src="http://127.0.0.1:{port}/img.png">',
        f'<img src="http://[::1]:{port}/img.png">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">',
        f'<object data="http://127.0.0.1:{port}/o"></object>',
        '<img src="https://example.org/x.png">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<img src="tcp-static:/../../../../etc/passwd">',
        '<img src="tcp-static:/static/../tcp/settings.py">',
    ]


def test_the_fetcher_serves_static_files_and_refuses_everything_else(listener):
    body, mime = reports.static_file("tcp-static:/static/css/report.css")
    assert b"@page" in body and mime == "text/css"
    fetcher = reports.safe_fetcher()
    for url in (
        "file:///etc/passwd",
        f"http://127.0.0.1:{listener.port}/",
        "https://example.org/",
        "data:text/plain,hello",
        "tcp-static:/../tcp/settings.py",
        "tcp-static:/static/../../etc/passwd",
        "tcp-static:/static/css/missing.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert listener.connections == 0


def test_raw_html_that_points_anywhere_reads_no_file_and_touches_no_network(listener):
    # Even if user text were not escaped, rendering would fetch nothing.
    html = "<html><body><p>Report</p>" + "".join(_attacks(listener.port)) + "</body></html>"
    pdf, pages = reports.pdf_from_html(html)

    assert pages == 1
    assert listener.connections == 0
    assert b"root:" not in pdf and b"/EmbeddedFile" not in pdf


def test_user_text_is_printed_as_text_never_markup(listener, desk_officer, kenya):
    attack = "".join(_attacks(listener.port))
    req = AssistanceRequestFactory(country=kenya, status="submitted", title=attack[:300])
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(report.pk)

    report.refresh_from_db()
    assert report.status == R.READY, report.error
    assert listener.connections == 0
    text = _text(report)
    assert "<img" in text  # the title, as the characters typed
    with report.file.open("rb") as f:
        metadata = pypdf.PdfReader(BytesIO(f.read())).metadata
    assert metadata.title == f"Request summary {req.reference}"  # nothing typed by a user
    with report.file.open("rb") as f:
        pdf = f.read()
    assert b"root:" not in pdf and b"/EmbeddedFile" not in pdf


def test_a_report_renders_a_cover_with_page_numbers_after_it(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted", title="Legal aid")
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(report.pk)
    report.refresh_from_db()

    assert (report.status, report.progress, report.pages) == (R.READY, 100, 2)  # cover, content
    assert "Legal aid" in _text(report)
    assert report.size > 1000


def test_arabic_and_chinese_text_render(desk_officer, kenya):
    req = AssistanceRequestFactory(
        country=kenya, status="submitted", title="دعم المؤسسة الوطنية لحقوق الإنسان 国家人权机构"
    )
    report = reports.request_report(
        user=desk_officer, kind_code="request", reference=req.reference, language="ar"
    )
    reports.render(report.pk)
    report.refresh_from_db()

    assert report.status == R.READY
    text = _text(report)
    assert "国家人权机构" in text
    assert "الإنسان" in text or "ناسنإلا" in text  # extractors differ on right-to-left order


def test_memory_past_the_cap_fails_the_report_with_the_reason(
    desk_officer, kenya, settings, monkeypatch
):
    # A long report, and room for 16 MB more than the worker holds: not enough.
    settings.TCP_REPORT_MAX_MEMORY_MB = 16
    rows = "".join(f"<tr><td>{i}</td><td>{'word ' * 30}</td></tr>" for i in range(3000))
    monkeypatch.setattr(reports, "html_for", lambda report: f"<table>{rows}</table>")
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(report.pk)
    report.refresh_from_db()

    assert report.status == R.FAILED
    assert "16 MB" in report.error
    assert not report.file


def test_time_past_the_limit_fails_the_report_with_the_reason(settings):
    settings.TCP_REPORT_TIMEOUT_SECONDS = 1
    rows = "".join(f"<tr><td>{i}</td><td>{'word ' * 40}</td></tr>" for i in range(20000))
    # One second, singular: the limit is said through ngettext.
    with pytest.raises(reports.RenderLimit, match="longer than 1 second to render"):
        reports.pdf_from_html(f"<table>{rows}</table>")


def test_a_report_interrupted_mid_way_is_not_rendered_forever(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    Report.objects.filter(pk=report.pk).update(status=R.RENDERING)  # its worker died

    reports.render(report.pk)
    report.refresh_from_db()
    assert report.status == R.FAILED
    assert "interrupted" in report.error


def test_unchanged_data_is_not_rendered_twice(desk_officer, kenya, monkeypatch):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    first = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(first.pk)
    calls = []
    real = reports.pdf_from_html
    monkeypatch.setattr(reports, "pdf_from_html", lambda html: calls.append(1) or real(html))

    again = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(again.pk)
    req.title = "A new title"
    req.save()
    changed = reports.request_report(
        user=desk_officer, kind_code="request", reference=req.reference
    )
    reports.render(changed.pk)

    first.refresh_from_db(), again.refresh_from_db(), changed.refresh_from_db()
    assert again.file.name == first.file.name  # the same file: not rendered again
    assert changed.file.name != first.file.name
    assert len(calls) == 1  # only the changed data was rendered
    assert "A new title" in _text(changed)


def test_asking_twice_while_it_renders_gives_the_same_report(desk_officer, kenya, client):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    one = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    two = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    assert one == two


def test_the_page_asks_shows_progress_then_offers_the_download(
    client, desk_officer, kenya, django_capture_on_commit_callbacks
):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    client.force_login(desk_officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("report_ask"), {"kind": "request", "reference": req.reference}
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()

    waiting = client.get(report.get_absolute_url())
    assert waiting["Refresh"] == "2"
    assert "Waiting for a worker" in waiting.content.decode()

    for callback in queued:
        callback()  # the worker's turn (eager here)
    ready = client.get(report.get_absolute_url())
    assert "Refresh" not in ready
    download = client.get(reverse("report_download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # The requester is told in the application, where the notice leads to the report.
    assert Dispatch.objects.get(kind=reports.READY_NOTICE).recipient == desk_officer
    inbox = client.get(reverse("notifications"), {"kind": reports.READY_NOTICE}).content.decode()
    assert "Your report is ready" in inbox
    assert "due 20" not in inbox  # no due date printed on the row


def test_a_report_is_its_requesters_only(client, desk_officer, approver, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(report.pk)

    client.force_login(approver)  # who may see the request, but did not ask for this report
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("report_download", args=[report.pk])).status_code == 404


def test_the_download_asks_the_records_selector_again(client, desk_officer, kenya, administrator):
    from tcp import scoping

    req = AssistanceRequestFactory(country=kenya, status="submitted")
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    reports.render(report.pk)
    scoping.set_desk_officer(country=kenya, user=None, by=administrator)

    client.force_login(desk_officer)
    assert client.get(reverse("report_download", args=[report.pk])).status_code == 404


def test_no_report_of_a_record_out_of_scope(client, focal_point_peru, kenya):
    req = AssistanceRequestFactory(country=kenya, status="submitted")
    client.force_login(focal_point_peru)
    response = client.post(reverse("report_ask"), {"kind": "request", "reference": req.reference})
    assert response.status_code == 404
    assert not Report.objects.exists()
    with pytest.raises(Http404):
        reports.request_report(user=focal_point_peru, kind_code="request", reference=req.reference)


def test_the_command_renders_as_the_user_would_receive_it(
    desk_officer, focal_point_peru, kenya, tmp_path, capsys
):
    req = AssistanceRequestFactory(country=kenya, status="submitted", title="Legal aid")
    out = tmp_path / "r.pdf"
    call_command(
        "render_report",
        "request",
        req.reference,
        "--user",
        desk_officer.username,
        "--out",
        str(out),
    )

    assert out.read_bytes().startswith(b"%PDF-")
    assert "2 pages" in capsys.readouterr().out
    with pytest.raises(CommandError, match="may not open"):
        call_command(
            "render_report",
            "request",
            req.reference,
            "--user",
            focal_point_peru.username,
            "--out",
            str(out),
        )


def test_every_stylesheet_a_report_links_is_served_by_the_fetcher(desk_officer, kenya):
    import re

    req = AssistanceRequestFactory(country=kenya, status="submitted")
    report = reports.request_report(user=desk_officer, kind_code="request", reference=req.reference)
    html = reports.html_for(report)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)

    assert links
    for href in links:
        body, mime = reports.static_file(href)  # raises for what the renderer would refuse
        assert mime == "text/css" and body

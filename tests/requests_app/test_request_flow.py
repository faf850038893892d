"""The first stage of the cycle walked through the web views, and what they refuse.

Every step is a request a browser would send (the test client, with the
session of the person acting); the assertions read the database and the
pages those people see.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse

from requests_app import services
from requests_app.models import (
    AssistanceRequest,
    Message,
    RequestDocument,
    Screening,
    ScreeningScore,
)
from tcp.documents import Visibility
from tcp.models import FormOfAssistance, ScreeningCriterion, StatusChange, ThematicArea
from tests.factories import AssistanceRequestFactory
from tests.files import ELF_BYTES, HTML_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(client: Client, req: AssistanceRequest) -> str:
    response = client.get(reverse("requests_app:detail", args=[req.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _act(client: Client, req: AssistanceRequest, action: str, note: str = ""):
    # As a person does it: the steps that cannot be undone are confirmed on their page.
    response = client.post(
        reverse("requests_app:transition", args=[req.pk]),
        {"action": action, "note": note, "confirmed": "yes"},
    )
    assert response.status_code == 302
    return response


def _screening(comment: str = "Evidence from the field office.") -> dict[str, str]:
    data = {"scr-summary": "Well anchored in UPR recommendations."}
    for criterion in ScreeningCriterion.objects.filter(is_active=True):
        data[f"scr-score_{criterion.pk}"] = "4"
        data[f"scr-comment_{criterion.pk}"] = comment
    return data


def _stored_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


# --- the whole walk ---


def test_a_request_from_draft_to_acceptance_through_the_web(cast, kenya):
    focal, desk, approver = cast["focal_point_kenya"], cast["desk_officer"], cast["approver"]
    government, ohchr, decider = _client(focal), _client(desk), _client(approver)

    # The focal point starts a draft with a title only, and saves it.
    response = government.post(
        reverse("requests_app:create"),
        {"title": "Support to the national preventive mechanism", "intent": "save"},
    )
    req = AssistanceRequest.objects.get()
    edit = reverse("requests_app:edit", args=[req.pk])
    assert response["Location"] == edit
    assert (req.status, req.created_by, req.country) == (S.DRAFT, focal, kenya)

    # Later, they come back to it from their dashboard and complete it.
    dashboard = government.get(reverse("dashboard")).content.decode()
    assert reverse("requests_app:detail", args=[req.pk]) in dashboard
    form = government.get(edit).context["form"]
    assert form["title"].value() == "Support to the national preventive mechanism"
    theme, form_of_assistance = ThematicArea.objects.first(), FormOfAssistance.objects.first()
    fields = {
        "title": "Support to the national preventive mechanism",
        "requesting_authority": "Ministry of Justice",
        "description": "Training for monitors of places of detention.",
        "justification": "Recommendations of the Committee against Torture, 2024.",
        "thematic_areas": [theme.pk],
        "forms_of_assistance": [form_of_assistance.pk],
    }
    response = government.post(
        edit,
        {**fields, "intent": "save", "letter": upload("letter.pdf", PDF_BYTES, "application/pdf")},
    )
    assert response["Location"] == edit
    letter = req.documents.get()
    assert (letter.kind, letter.visibility, letter.uploaded_by) == (
        RequestDocument.Kind.OFFICIAL_LETTER,
        Visibility.SHARED,
        focal,
    )
    assert letter.is_intact()

    # ... and submit it.
    response = government.post(edit, {**fields, "intent": "submit"})
    assert response["Location"] == reverse("requests_app:detail", args=[req.pk])
    req.refresh_from_db()
    assert req.status == S.SUBMITTED and req.submitted_at is not None

    # The desk officer acknowledges it and asks a question.
    _act(ohchr, req, "acknowledge")
    _act(ohchr, req, "request_information", "Which ministry leads the mechanism?")
    req.refresh_from_db()
    assert req.status == S.INFORMATION_REQUESTED

    # The focal point reads the question, answers, and resubmits.
    page = _page(government, req)
    assert "OHCHR asks for more information" in page
    assert "Which ministry leads the mechanism?" in page
    _act(government, req, "resubmit", "The Ministry of Justice leads it.")
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    page = _page(ohchr, req)
    assert "The Ministry of Justice leads it." in page  # the answer, in the timeline

    # Acknowledged again, screened, decided.
    _act(ohchr, req, "acknowledge")
    _act(ohchr, req, "start_assessment")
    response = ohchr.post(reverse("requests_app:screening", args=[req.pk]), _screening())
    assert _messages(response)[-1] == "Screening recorded."
    _act(decider, req, "accept")
    req.refresh_from_db()
    assert req.status == S.ACCEPTED and req.decided_at is not None

    # The government sees the decision, and none of OHCHR's screening.
    page = _page(government, req)
    assert "Accepted by OHCHR" in page
    assert "Evidence from the field office." not in page
    assert "Screening" not in page

    # Every change carries the person who made it.
    changes = list(StatusChange.objects.filter(object_id=req.pk).order_by("at", "pk"))
    assert [(c.action, c.by) for c in changes] == [
        ("submit", focal),
        ("acknowledge", desk),
        ("request_information", desk),
        ("resubmit", focal),
        ("acknowledge", desk),
        ("start_assessment", desk),
        ("accept", approver),
    ]
    by_action = {"submit": focal, "resubmit": focal, "accept": approver}
    for record in req.history.all():
        action = (record.history_change_reason or "").split(":")[0]
        if record.history_type == "+" or not record.history_change_reason:
            assert record.history_user == focal  # the draft, written by its author
        else:
            assert record.history_user == by_action.get(action, desk), record.history_change_reason
    assert req.history.filter(history_type="~", history_user=focal).exists()  # the edits
    assert letter.history.get().history_user == focal
    screening = Screening.objects.get(request=req)
    assert screening.history.get().history_user == desk
    assert {s.history_user for s in ScreeningScore.history.all()} == {desk}


def test_a_declined_request_shows_the_government_the_reason(cast, kenya):
    req = AssistanceRequestFactory(
        country=kenya,
        status=S.UNDER_ASSESSMENT,
        created_by=cast["focal_point_kenya"],
        screened=True,
    )
    decider = _client(cast["approver"])
    _act(decider, req, "decline", "Procurement of equipment falls outside technical cooperation.")
    req.refresh_from_db()
    assert req.status == S.DECLINED
    change = StatusChange.objects.get(object_id=req.pk)
    assert (change.action, change.by) == ("decline", cast["approver"])
    assert req.history.latest().history_user == cast["approver"]

    page = _page(_client(cast["focal_point_kenya"]), req)
    assert "Declined by OHCHR" in page
    assert "Procurement of equipment falls outside technical cooperation." in page


# --- refusals: a clear message, and nothing changed ---


def test_submitting_an_incomplete_request_names_what_is_missing(cast, kenya):
    req = AssistanceRequestFactory(
        country=kenya, created_by=cast["focal_point_kenya"], justification="", complete=False
    )
    response = _client(cast["focal_point_kenya"]).post(
        reverse("requests_app:transition", args=[req.pk]), {"action": "submit"}, follow=True
    )
    page = response.content.decode()
    assert "“Submit” cannot be done yet." in page
    for item in (
        "justification",
        "at least one thematic area",
        "at least one form of assistance",
        "the official letter, attached",
    ):
        assert item in page
    req.refresh_from_db()
    assert req.status == S.DRAFT
    assert not StatusChange.objects.exists()


def test_deciding_without_a_screening_is_refused(cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    decider = _client(cast["approver"])
    page = _page(decider, req)
    assert "a screening against the criteria" in page  # the button says why it is off
    response = _act(decider, req, "accept")
    assert "a screening against the criteria" in _messages(response)[0]
    req.refresh_from_db()
    assert req.status == S.UNDER_ASSESSMENT and req.decided_at is None


def test_a_partial_screening_is_not_enough_to_decide(cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT, screened=True)
    missing = ScreeningScore.objects.filter(screening__request=req).first()
    name = missing.criterion.name
    missing.delete()
    response = _act(_client(cast["approver"]), req, "accept")
    assert f"a score for “{name}”" in _messages(response)[0]
    req.refresh_from_db()
    assert req.status == S.UNDER_ASSESSMENT


def test_declining_without_a_reason_is_refused(cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT, screened=True)
    response = _client(cast["approver"]).post(
        reverse("requests_app:transition", args=[req.pk]),
        {"action": "decline", "note": "   ", "confirmed": "yes"},
    )
    # Asked again on the confirmation page, the reason marked as missing.
    assert response.status_code == 200
    page = response.content.decode()
    assert "The reason, which is shared with the government" in page
    assert 'href="#id_note"' in page
    req.refresh_from_db()
    assert (req.status, req.decline_reason) == (S.UNDER_ASSESSMENT, "")


def test_an_action_the_lifecycle_does_not_allow_now_is_refused(cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED, screened=True)
    response = _act(_client(cast["approver"]), req, "accept")
    assert "“Accept” is not possible while the request is Submitted." in _messages(response)
    response = _act(_client(cast["desk_officer"]), req, "start_assessment")
    assert "not possible while the request is Submitted" in _messages(response)[0]
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    assert not StatusChange.objects.exists()


def test_a_role_without_the_permission_is_refused_by_name(cast, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    response = _act(_client(cast["focal_point_kenya"]), req, "acknowledge")
    assert "needs the permission" in _messages(response)[0]
    req.refresh_from_db()
    assert req.status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNDER_ASSESSMENT])
def test_a_focal_point_of_another_state_gets_404_everywhere(cast, kenya, status):
    req = AssistanceRequestFactory(
        country=kenya, status=status, created_by=cast["focal_point_kenya"], screened=True
    )
    letter = (
        services.attach_document(
            req=req, file=upload("annex.png", PNG_BYTES), by=cast["desk_officer"]
        )
        if status != S.DRAFT
        else RequestDocument.objects.filter(request=req).first()
    )
    peru = _client(cast["focal_point_peru"])
    before = (
        AssistanceRequest.objects.get(pk=req.pk).status,
        Message.objects.count(),
        RequestDocument.objects.count(),
    )
    urls = [
        ("get", reverse("requests_app:detail", args=[req.pk]), {}),
        ("get", reverse("requests_app:edit", args=[req.pk]), {}),
        ("post", reverse("requests_app:edit", args=[req.pk]), {"title": "Mine now"}),
        ("post", reverse("requests_app:transition", args=[req.pk]), {"action": "withdraw"}),
        ("post", reverse("requests_app:message_post", args=[req.pk]), {"body": "Hello"}),
        ("post", reverse("requests_app:screening", args=[req.pk]), _screening()),
        (
            "post",
            reverse("requests_app:document_upload", args=[req.pk]),
            {"doc-file": upload("x.png", PNG_BYTES), "doc-kind": "supporting"},
        ),
        ("get", reverse("requests_app:document", args=[req.pk, letter.pk]), {}),
    ]
    for method, url, data in urls:
        assert getattr(peru, method)(url, data).status_code == 404, url
    # Nor does the request show in their list or export.
    assert req.reference not in peru.get(reverse("requests_app:list")).content.decode()
    export = b"".join(peru.get(reverse("requests_app:export")).streaming_content).decode()
    assert req.reference not in export
    after = (
        AssistanceRequest.objects.get(pk=req.pk).status,
        Message.objects.count(),
        RequestDocument.objects.count(),
    )
    assert after == before


# --- refused uploads, sent as a browser sends them ---


def _raw_post(client: Client, url: str, fields: dict, filename: bytes, data: bytes):
    """A multipart POST whose file name arrives byte for byte as given.

    Django's test client would clean the name on the way (as Django's parser
    does on the way in); the product must see, and refuse, what was sent.
    """
    placeholder = upload("PLACEHOLDER.pdf", data, "application/pdf")
    body = encode_multipart(BOUNDARY, {**fields, "letter": placeholder})
    body = body.replace(b'filename="PLACEHOLDER.pdf"', b'filename="' + filename + b'"')
    # An equal, not identical, content type: the client then sends the bytes as they are.
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


REFUSED = [
    ("renamed-executable", b"letter.pdf", ELF_BYTES, "not one of the accepted types"),
    ("html-named-pdf", b"letter.pdf", HTML_BYTES, "not one of the accepted types"),
    ("oversized", b"letter.pdf", PDF_BYTES + b"%" * 2000, "the limit is 1\xa0kB"),
    ("empty", b"letter.pdf", b"", "is empty"),
    ("path-separator", b"../../etc/letter.pdf", PDF_BYTES, "may not contain"),
    ("windows-path", b"C:\\\\Users\\\\letter.pdf", PDF_BYTES, "may not contain"),
    ("control-character", b"letter\x07.pdf", PDF_BYTES, "control characters"),
    ("bidi-override", "letter\u202efdp.exe".encode(), PDF_BYTES, "control characters"),
]


@pytest.mark.parametrize(
    ("filename", "data", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_each_refused_upload_says_why_and_leaves_nothing(
    cast, kenya, settings, filename, data, reason
):
    settings.TCP_MAX_UPLOAD_BYTES = 1024
    focal = cast["focal_point_kenya"]
    req = AssistanceRequestFactory(country=kenya, created_by=focal, complete=False)
    before = _stored_files()
    fields = {"title": "Typed title", "description": "Typed description", "intent": "save"}
    client = _client(focal)
    url = reverse("requests_app:edit", args=[req.pk])
    response = _raw_post(client, url, fields, filename, data)
    # The fields are saved: the page that names the refused file is the draft's own
    # form, reached by a redirect (a refresh posts nothing again).
    assert response.status_code == 302 and response["Location"] == url
    response = client.get(url)
    errors = response.context["upload_errors"]["letter"]
    assert len(errors) == 1 and reason in errors[0], errors
    page = response.content.decode()
    assert "Typed description" in page  # everything else as typed
    assert not RequestDocument.objects.exists()
    assert _stored_files() == before


def test_a_duplicate_upload_is_refused_and_leaves_nothing(cast, kenya):
    focal = cast["focal_point_kenya"]
    req = AssistanceRequestFactory(country=kenya, created_by=focal, complete=False)
    services.attach_document(req=req, file=upload("letter.pdf", PDF_BYTES), by=focal)
    before = _stored_files()
    client = _client(focal)
    response = _raw_post(
        client,
        reverse("requests_app:edit", args=[req.pk]),
        {"title": "Typed title", "intent": "save"},
        b"copy of the letter.pdf",
        PDF_BYTES,
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.context["upload_errors"]["letter"] == [
        "“copy of the letter.pdf” is already attached here."
    ]
    assert req.documents.count() == 1
    assert _stored_files() == before


# --- the government never sees what is internal ---


def test_the_government_never_sees_internal_notes_documents_or_screening(cast, kenya):
    focal, desk = cast["focal_point_kenya"], cast["desk_officer"]
    req = AssistanceRequestFactory(
        country=kenya, status=S.UNDER_ASSESSMENT, created_by=focal, screened=True
    )
    Screening.objects.filter(request=req).update(summary="SECRET-SUMMARY")
    ScreeningScore.objects.filter(screening__request=req).update(comment="SECRET-SCORE-COMMENT")
    services.post_message(req=req, by=desk, body="SECRET-NOTE", visibility=Visibility.INTERNAL)
    services.post_message(req=req, by=desk, body="Shared question.", visibility=Visibility.SHARED)
    internal = services.attach_document(
        req=req,
        file=upload("SECRET-FILE.png", PNG_BYTES),
        by=desk,
        visibility=Visibility.INTERNAL,
    )
    secrets = ("SECRET-SUMMARY", "SECRET-SCORE-COMMENT", "SECRET-NOTE", "SECRET-FILE")

    # OHCHR sees all of it.
    page = _page(_client(desk), req)
    assert all(secret in page for secret in secrets)

    government = _client(focal)
    pages = {
        "detail": _page(government, req),
        "list": government.get(reverse("requests_app:list")).content.decode(),
        "dashboard": government.get(reverse("dashboard")).content.decode(),
        "export": b"".join(
            government.get(reverse("requests_app:export")).streaming_content
        ).decode(),
    }
    assert "Shared question." in pages["detail"]
    for name, content in pages.items():
        for secret in secrets:
            assert secret not in content, (name, secret)
        assert "Screening recorded" not in content
        assert "weighted total" not in content
    assert (
        government.get(reverse("requests_app:document", args=[req.pk, internal.pk])).status_code
        == 404
    )
    # Posting a screening or an internal note is no way in either.
    response = government.post(reverse("requests_app:screening", args=[req.pk]), _screening())
    assert response.status_code == 302
    government.post(
        reverse("requests_app:message_post", args=[req.pk]),
        {"body": "Visible to all.", "visibility": "internal"},
    )
    assert Message.objects.get(body="Visible to all.").visibility == Visibility.SHARED

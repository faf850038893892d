"""The request services of issue 3: documents, messages, screening, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from requests_app import services
from requests_app.models import AssistanceRequest, Message, RequestDocument, Screening
from requests_app.selectors import request_timeline, visible_documents, visible_messages
from tcp.documents import Visibility
from tcp.lifecycle import TransitionRefused
from tcp.models import FormOfAssistance, Mechanism, ScreeningCriterion, ThematicArea
from tests.factories import AssistanceRequestFactory
from tests.files import ELF_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db
S = AssistanceRequest.Status


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def draft(focal_point_kenya, kenya):
    return AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, complete=False)


# --- documents ---


def test_government_attaches_the_letter_and_it_is_always_shared(draft, focal_point_kenya):
    document = services.attach_document(
        req=draft,
        file=upload("letter.pdf", PDF_BYTES),
        by=focal_point_kenya,
        kind="official_letter",
        visibility=Visibility.INTERNAL,
    )
    assert document.visibility == Visibility.SHARED
    assert (document.original_name, document.content_type) == ("letter.pdf", "application/pdf")
    assert document.is_intact()
    assert "letter" not in document.file.name  # stored under a random name
    assert document.history.latest().history_user == focal_point_kenya


def test_a_changed_file_is_detected(draft, focal_point_kenya):
    document = services.attach_document(
        req=draft, file=upload("letter.pdf", PDF_BYTES), by=focal_point_kenya
    )
    Path(document.file.path).write_bytes(PDF_BYTES + b"tampered")
    assert not document.is_intact()


def test_a_duplicate_is_refused_and_nothing_is_written(draft, focal_point_kenya):
    services.attach_document(req=draft, file=upload("a.pdf", PDF_BYTES), by=focal_point_kenya)
    before = stored_files()
    with pytest.raises(TransitionRefused, match="already attached"):
        services.attach_document(req=draft, file=upload("b.pdf", PDF_BYTES), by=focal_point_kenya)
    assert draft.documents.count() == 1
    assert stored_files() == before


def test_a_refused_upload_writes_nothing(draft, focal_point_kenya):
    before = stored_files()
    with pytest.raises(TransitionRefused, match="not one of the accepted types"):
        services.attach_document(
            req=draft, file=upload("letter.pdf", ELF_BYTES), by=focal_point_kenya
        )
    assert not RequestDocument.objects.exists()
    assert stored_files() == before


def test_government_cannot_attach_once_submitted(focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    with pytest.raises(TransitionRefused, match="no longer be edited"):
        services.attach_document(req=req, file=upload("x.png", PNG_BYTES), by=focal_point_kenya)


def test_ohchr_may_keep_a_document_internal_and_the_government_never_sees_it(
    desk_officer, focal_point_kenya, kenya
):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    internal = services.attach_document(
        req=req,
        file=upload("note.png", PNG_BYTES),
        by=desk_officer,
        visibility=Visibility.INTERNAL,
    )
    assert internal in visible_documents(req, desk_officer)
    assert internal not in visible_documents(req, focal_point_kenya)
    titles = [e.title for e in request_timeline(req, focal_point_kenya, services.LIFECYCLE)]
    assert not any("note.png" in t for t in titles)


def test_an_auditor_attaches_nothing(auditor, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    with pytest.raises(TransitionRefused):
        services.attach_document(req=req, file=upload("x.png", PNG_BYTES), by=auditor)


def test_the_focal_point_removes_a_document_from_a_draft(
    draft, focal_point_kenya, django_capture_on_commit_callbacks
):
    document = services.attach_document(
        req=draft, file=upload("a.pdf", PDF_BYTES), by=focal_point_kenya
    )
    path = Path(document.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(document=document, by=focal_point_kenya)
    assert not draft.documents.exists()
    assert not path.exists()


# --- submission and decision preconditions ---


def test_submission_needs_the_official_letter(draft, focal_point_kenya):
    draft.thematic_areas.set(ThematicArea.objects.all()[:1])
    draft.forms_of_assistance.set(FormOfAssistance.objects.all()[:1])
    with pytest.raises(TransitionRefused, match="official letter"):
        services.submit_request(req=draft, by=focal_point_kenya)
    services.attach_document(
        req=draft, file=upload("l.pdf", PDF_BYTES), by=focal_point_kenya, kind="official_letter"
    )
    services.submit_request(req=draft, by=focal_point_kenya)
    assert draft.status == S.SUBMITTED


def test_deciding_needs_a_complete_screening(approver, desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    with pytest.raises(TransitionRefused, match="a screening against the criteria"):
        services.accept_request(req=req, by=approver)
    with pytest.raises(TransitionRefused, match="a screening against the criteria"):
        services.decline_request(req=req, by=approver, reason="No.")
    scores = {c.pk: (4, "Well argued.") for c in ScreeningCriterion.objects.all()}
    services.record_screening(req=req, by=desk_officer, scores=scores)
    services.accept_request(req=req, by=approver)
    assert req.status == S.ACCEPTED


# --- screening ---


def test_screening_total_is_the_weighted_sum(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    criteria = list(ScreeningCriterion.objects.all())
    scores = {c.pk: (i % 6, f"Reason {i}") for i, c in enumerate(criteria)}
    screening = services.record_screening(req=req, by=desk_officer, scores=scores, summary="ok")
    total, maximum = services.screening_total(screening)
    assert total == sum(c.weight * (i % 6) for i, c in enumerate(criteria))
    assert maximum == sum(c.weight for c in criteria) * 5


def test_screening_refuses_missing_scores_and_comments_and_names_them(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    first, second, *rest = ScreeningCriterion.objects.all()
    scores = {c.pk: (3, "fine") for c in rest}
    scores[first.pk] = (9, "too high")
    scores[second.pk] = (2, "  ")
    with pytest.raises(TransitionRefused) as refused:
        services.record_screening(req=req, by=desk_officer, scores=scores)
    assert refused.value.missing == [
        f"a score from 0 to 5 for “{first.name}”",
        f"a comment on “{second.name}”",
    ]
    assert not Screening.objects.exists()


def test_screening_keeps_the_weight_in_force_when_scored(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    scores = {c.pk: (5, "strong") for c in ScreeningCriterion.objects.all()}
    screening = services.record_screening(req=req, by=desk_officer, scores=scores)
    before = services.screening_total(screening)
    ScreeningCriterion.objects.update(weight=10)
    assert services.screening_total(screening) == before


def test_only_the_desk_officer_of_the_country_screens(desk_officer_peru, approver, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.UNDER_ASSESSMENT)
    scores = {c.pk: (3, "ok") for c in ScreeningCriterion.objects.all()}
    for user in (desk_officer_peru, approver):
        with pytest.raises(TransitionRefused, match="desk officer"):
            services.record_screening(req=req, by=user, scores=scores)


def test_screening_only_while_under_assessment(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.ACKNOWLEDGED)
    scores = {c.pk: (3, "ok") for c in ScreeningCriterion.objects.all()}
    with pytest.raises(TransitionRefused, match="Start screening"):
        services.record_screening(req=req, by=desk_officer, scores=scores)


# --- messages ---


def test_thread_and_internal_notes(desk_officer, focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    question = services.post_message(req=req, by=desk_officer, body="Which ministries?")
    note = services.post_message(
        req=req, by=desk_officer, body="Check with the UNDP office.", visibility="internal"
    )
    answer = services.post_message(req=req, by=focal_point_kenya, body="Justice and Interior.")
    assert list(visible_messages(req, desk_officer)) == [question, note, answer]
    assert list(visible_messages(req, focal_point_kenya)) == [question, answer]
    texts = [e.text for e in request_timeline(req, focal_point_kenya, services.LIFECYCLE)]
    assert "Check with the UNDP office." not in texts


def test_government_cannot_write_internal_notes(focal_point_kenya, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    with pytest.raises(TransitionRefused, match="OHCHR staff only"):
        services.post_message(
            req=req, by=focal_point_kenya, body="psst", visibility=Visibility.INTERNAL
        )
    assert not Message.objects.exists()


@pytest.mark.parametrize("who", ["auditor", "focal_point_peru", "desk_officer_peru", "outsider"])
def test_people_outside_the_request_cannot_write(cast, who, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    with pytest.raises(TransitionRefused):
        services.post_message(req=req, by=cast[who], body="Hello")
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(desk_officer, kenya):
    req = AssistanceRequestFactory(country=kenya, status=S.SUBMITTED)
    with pytest.raises(TransitionRefused, match="empty"):
        services.post_message(req=req, by=desk_officer, body="   ")


# --- recommendations ---


def test_a_request_cites_only_its_own_states_recommendations(focal_point_kenya, kenya, peru):
    upr = Mechanism.objects.get(kind=Mechanism.Kind.UPR)
    ours = services.create_recommendation(
        country=kenya, by=focal_point_kenya, mechanism=upr, text="Strengthen the NHRI."
    )
    req = services.create_request(
        country=kenya, by=focal_point_kenya, title="NHRI support", recommendations=[ours]
    )
    assert list(req.recommendations.all()) == [ours]
    theirs = type(ours).objects.create(country=peru, mechanism=upr, text="Peru's")
    with pytest.raises(TransitionRefused, match="its own State"):
        services.update_draft(req=req, by=focal_point_kenya, recommendations=[theirs])


def test_a_focal_point_records_recommendations_for_their_state_only(focal_point_kenya, peru):
    upr = Mechanism.objects.get(kind=Mechanism.Kind.UPR)
    with pytest.raises(TransitionRefused, match="your own countries"):
        services.create_recommendation(country=peru, by=focal_point_kenya, mechanism=upr, text="x")


def test_upr_position_only_on_upr_recommendations(desk_officer, kenya):
    from django.core.exceptions import ValidationError

    cedaw = Mechanism.objects.exclude(kind=Mechanism.Kind.UPR).first()
    with pytest.raises(ValidationError, match="Only UPR"):
        services.create_recommendation(
            country=kenya, by=desk_officer, mechanism=cedaw, text="x", upr_position="supported"
        )

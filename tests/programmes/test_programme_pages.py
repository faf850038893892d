"""The programme's own pages through the web: drafting from an assessment (every
finding offered) or directly, the programme form, the programme page with its
review panel and per-State acceptance, and what a government reads of it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Finding, NeedsAssessment
from programmes import services
from programmes.models import Activity, Indicator, IndicatorValue, Programme, ProgrammeReview
from requests_app.models import AssistanceRequest, Recommendation
from tcp import scoping
from tcp.models import Country, FormOfAssistance, Mechanism, PartnerOrganisation, ThematicArea
from tests.factories import ComponentFactory, NeedsAssessmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
S = Programme.Status
A = NeedsAssessment.Status


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _finding(assessment: NeedsAssessment, area: ThematicArea, visibility: str) -> Finding:
    return Finding.objects.create(
        assessment=assessment,
        thematic_area=area,
        need=f"{area.name}: officers lack training ({visibility}).",
        priority=Finding.Priority.HIGH,
        recommended_assistance=FormOfAssistance.objects.get(code="training-courses"),
        recorded_by=assessment.request.created_by,
        visibility=visibility,
    )


@pytest.fixture
def assessment(kenya) -> NeedsAssessment:
    """A validated assessment of an accepted Kenyan request, with three findings."""
    assessment = NeedsAssessmentFactory(
        request__country=kenya, request__title="Police and prisons", status=A.VALIDATED
    )
    for area, visibility in zip(
        ThematicArea.objects.all()[:3], ("internal", "shared", "internal"), strict=True
    ):
        _finding(assessment, area, visibility)
    return assessment


# --- from assessment to programme ---


def test_every_finding_is_offered_ticked_and_each_becomes_a_component(
    client, desk_officer, assessment
):
    client.force_login(desk_officer)
    url = reverse("programmes:draft_from_assessment", args=[assessment.pk])
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["form"].finding_rows()
    findings = list(assessment.findings.order_by("thematic_area__sort_order", "id"))
    assert [row.finding for row in rows] == findings
    assert all(row.checked for row in rows)
    page = response.content.decode()
    for f in findings:
        assert f'value="{f.pk}" id="finding-{f.pk}" checked' in page
        assert f.need in page
    assert response.context["form"]["title"].value() == "Police and prisons"

    response = client.post(
        url,
        {
            "title": "Police and prisons programme",
            "objective": "Humane policing.",
            "start_date": "2027-01-01",
            "end_date": "2028-12-31",
            "findings": [f.pk for f in findings],
        },
    )
    programme = Programme.objects.get()
    assert response["Location"] == reverse("programmes:detail", args=[programme.pk])
    assert programme.assessment == assessment
    assert [c.finding for c in programme.components.order_by("id")] == findings
    assert _messages(response) == [
        f"Programme {programme.reference} drafted with 3 components from the assessment."
    ]


def test_an_unticked_finding_is_left_out(client, desk_officer, assessment):
    client.force_login(desk_officer)
    _first, *rest = assessment.findings.order_by("id")
    client.post(
        reverse("programmes:draft_from_assessment", args=[assessment.pk]),
        {"title": "Prisons", "findings": [f.pk for f in rest]},
    )
    programme = Programme.objects.get()
    assert {c.finding for c in programme.components.all()} == set(rest)


def test_draft_errors_keep_the_input_and_the_ticks(client, desk_officer, assessment):
    client.force_login(desk_officer)
    _first, *rest = assessment.findings.order_by("id")
    response = client.post(
        reverse("programmes:draft_from_assessment", args=[assessment.pk]),
        {
            "title": "",
            "objective": "Typed objective",
            "start_date": "2028-01-01",
            "end_date": "2027-01-01",
            "findings": [rest[0].pk],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "end_date"}
    assert [row.checked for row in form.finding_rows()] == [False, True, False]
    assert "Typed objective" in response.content.decode()
    assert not Programme.objects.exists()


def test_assessment_and_request_offer_draft_then_link_both_ways(
    client, desk_officer, assessment, kenya
):
    AssistanceRequest.objects.filter(pk=assessment.request_id).update(
        status=AssistanceRequest.Status.ACCEPTED
    )
    draft_url = reverse("programmes:draft_from_assessment", args=[assessment.pk])
    assessment_url = reverse("assessments:detail", args=[assessment.pk])
    request_url = reverse("requests_app:detail", args=[assessment.request_id])
    client.force_login(desk_officer)
    for url, text in (
        (assessment_url, "Draft a programme from this assessment"),
        (request_url, "Draft a programme from its needs assessment"),
    ):
        links = client.get(url).context["cycle"].next
        assert ("Programme", text, draft_url, True) in [
            (link.label, link.text, link.url, link.step) for link in links
        ]
    # The request links to its assessment.
    assert any(link.url == assessment_url for link in client.get(request_url).context["cycle"].next)

    programme = services.draft_from_assessment(assessment=assessment, by=desk_officer, findings=[])
    for url in (assessment_url, request_url):
        response = client.get(url)
        urls = [link.url for link in response.context["cycle"].next]
        assert programme.get_absolute_url() in urls
        assert draft_url not in urls
        assert programme.reference in response.content.decode()
    page = client.get(programme.get_absolute_url())
    assert [link.url for link in page.context["cycle"].previous] == [assessment_url, request_url]
    assert assessment_url in page.content.decode()
    # Drafting twice is refused, back on the assessment with the reason.
    response = client.get(draft_url)
    assert response["Location"] == assessment_url
    assert "already drafted" in _messages(response)[0]


@pytest.mark.parametrize("role", ["field_officer_east_africa", "approver", "auditor"])
def test_no_draft_button_for_who_may_not_draft(client, cast, assessment, role):
    client.force_login(cast[role])
    links = client.get(reverse("assessments:detail", args=[assessment.pk])).context["cycle"].next
    # Who drafts it, instead of a button that would not work.
    assert [(link.url, link.note) for link in links] == [
        ("", "The desk officer drafts the programme.")
    ]


def test_no_draft_button_before_validation(client, desk_officer, kenya):
    assessment = NeedsAssessmentFactory(request__country=kenya, status=A.FINDINGS_SUBMITTED)
    client.force_login(desk_officer)
    links = client.get(reverse("assessments:detail", args=[assessment.pk])).context["cycle"].next
    assert [(link.url, link.note) for link in links] == [
        ("", "A programme is drafted once the findings are validated.")
    ]


def test_government_sees_the_programme_link_only_once_shared(
    client, desk_officer, focal_point_kenya, kenya
):
    assessment = NeedsAssessmentFactory(request__country=kenya, status=A.SHARED)
    programme = services.draft_from_assessment(assessment=assessment, by=desk_officer, findings=[])
    client.force_login(focal_point_kenya)
    url = reverse("assessments:detail", args=[assessment.pk])
    # The draft is OHCHR's: the same sentence as when none is drafted.
    assert [(link.url, link.note) for link in client.get(url).context["cycle"].next] == [
        ("", "OHCHR shares the programme once it is approved.")
    ]
    Programme.objects.filter(pk=programme.pk).update(status=S.APPROVED)
    assert [link.url for link in client.get(url).context["cycle"].next] == [
        programme.get_absolute_url()
    ]


# --- regional and global programmes, created directly ---


@pytest.fixture
def uganda(desk_officer, administrator) -> Country:
    uganda = Country.objects.get(iso3="UGA")
    scoping.set_desk_officer(country=uganda, user=desk_officer, by=administrator)
    return uganda


def test_desk_officer_creates_a_regional_programme(client, desk_officer, kenya, uganda, peru):
    client.force_login(desk_officer)
    url = reverse("programmes:create")
    form = client.get(url).context["form"]
    # Only the countries of the desk officer's portfolio are offered.
    assert set(form.fields["countries"].queryset) == {kenya, uganda}
    response = client.post(
        url,
        {
            "title": "East African NHRI network",
            "scope": "regional",
            "region": "africa",
            "countries": [kenya.pk, uganda.pk],
            "objective": "Institutions share complaint handling practice.",
            "start_date": "2027-01-01",
            "end_date": "2028-12-31",
        },
    )
    programme = Programme.objects.get()
    assert response["Location"] == programme.get_absolute_url()
    assert set(programme.countries.all()) == {kenya, uganda}
    assert programme.scope == Programme.Scope.REGIONAL
    assert programme.assessment is None
    assert "-AFR-" in programme.reference


def test_creation_errors_are_shown_together_and_keep_the_input(client, desk_officer, peru, kenya):
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:create"),
        {
            "title": "Typed title",
            "scope": "regional",
            "region": "",
            "countries": [peru.pk],
            "start_date": "2028-01-01",
            "end_date": "2027-01-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"region", "countries", "end_date"}
    page = response.content.decode()
    assert 'value="Typed title"' in page
    assert "Please correct the 3 errors below." in page
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("approver", 403), ("field_officer_east_africa", 403), ("focal_point_kenya", 403)],
)
def test_only_drafters_reach_the_creation_form(client, cast, role, status):
    client.force_login(cast[role])
    assert client.get(reverse("programmes:create")).status_code == status


def test_list_offers_new_programme_and_the_assessments_waiting(client, cast, assessment):
    url = reverse("programmes:list")
    client.force_login(cast["desk_officer"])
    response = client.get(url)
    assert response.context["can_create"]
    assert response.context["awaiting"] == [assessment]
    assert reverse("programmes:create") in response.content.decode()
    for role in ("approver", "field_officer_east_africa", "focal_point_kenya", "auditor"):
        client.force_login(cast[role])
        response = client.get(url)
        assert not response.context["can_create"], role
        assert reverse("programmes:create") not in response.content.decode()


# --- the programme form ---


@pytest.fixture
def draft(kenya, desk_officer) -> Programme:
    return ProgrammeFactory(countries=[kenya], created_by=desk_officer, title="First title")


def test_edit_saves_every_field(client, desk_officer, draft, kenya):
    rec = Recommendation.objects.create(
        country=kenya, mechanism=Mechanism.objects.first(), text="Train the police."
    )
    partner = PartnerOrganisation.objects.first()
    client.force_login(desk_officer)
    url = reverse("programmes:edit", args=[draft.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["recommendations"].queryset) == [rec]
    response = client.post(
        url,
        {
            "title": "Police reform",
            "objective": "Humane policing.",
            "start_date": "2027-01-01",
            "end_date": "2028-12-31",
            "scope": "national",
            "countries": [kenya.pk],
            "implementing_modality": "partner",
            "implementing_partner": partner.pk,
            "cooperation_framework_outcome": "Outcome 2: governance.",
            "board_components": [b.pk for b in form.fields["board_components"].queryset[:2]],
            "sdgs": [form.fields["sdgs"].queryset.get(number=16).pk],
            "recommendations": [rec.pk],
            "gender_marker": "2",
            "gender_marker_justification": "Women officers are a third of trainees.",
            "human_rights_marker": "3",
            "human_rights_marker_justification": "Human rights are the objective.",
        },
    )
    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.title == "Police reform"
    assert draft.implementing_partner == partner
    assert (draft.gender_marker, draft.human_rights_marker) == (2, 3)
    assert draft.board_components.count() == 2
    assert [g.number for g in draft.sdgs.all()] == [16]
    assert list(draft.recommendations.all()) == [rec]
    page = client.get(draft.get_absolute_url()).content.decode()
    for text in ("Police reform", "Outcome 2: governance.", partner.name, "Train the police."):
        assert text in page


def test_edit_errors_are_all_shown_and_the_input_kept(client, desk_officer, draft, kenya, peru):
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:edit", args=[draft.pk]),
        {
            "title": "Typed new title",
            "objective": "Typed objective",
            "start_date": "2028-01-01",
            "end_date": "2027-01-01",
            "scope": "national",
            "countries": [peru.pk],
            "implementing_modality": "joint_agency",
            "implementing_partner": "",
            "gender_marker": "1",
            "gender_marker_justification": "",
            "human_rights_marker": "",
            "human_rights_marker_justification": "",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "end_date",
        "countries",  # Peru is not the desk officer's to choose
        "implementing_partner",
        "gender_marker_justification",
    }
    page = response.content.decode()
    assert 'value="Typed new title"' in page
    assert "Typed objective" in page
    for field in form:
        if field.errors:
            assert f'href="#{field.auto_id}' in page
    draft.refresh_from_db()
    assert draft.title == "First title"


def test_a_refusal_of_the_service_shows_on_the_form(client, desk_officer, draft, kenya):
    """Taking the assessment's country off a programme drawn from it: the service says no."""
    assessment = NeedsAssessmentFactory(request__country=kenya, status=A.VALIDATED)
    Programme.objects.filter(pk=draft.pk).update(assessment=assessment, scope="regional")
    uganda = Country.objects.get(iso3="UGA")
    scoping.set_desk_officer(country=uganda, user=desk_officer, by=desk_officer)
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:edit", args=[draft.pk]),
        {
            "title": "Moved",
            "scope": "regional",
            "region": "africa",
            "countries": [uganda.pk],
            "implementing_modality": "ohchr",
        },
    )
    assert response.status_code == 200
    assert "covers the country of its assessment" in str(
        response.context["form"].non_field_errors()
    )


@pytest.mark.parametrize("status", [S.UNDER_REVIEW, S.APPROVED, S.IN_IMPLEMENTATION])
def test_edit_is_refused_outside_drafting(client, desk_officer, kenya, status):
    programme = ProgrammeFactory(countries=[kenya], status=status, created_by=desk_officer)
    client.force_login(desk_officer)
    url = reverse("programmes:edit", args=[programme.pk])
    for response in (client.get(url), client.post(url, {"title": "Changed"})):
        assert response["Location"] == programme.get_absolute_url()
    message = _messages(response)[-1]
    if status == S.UNDER_REVIEW:
        assert "return it to drafting" in message
    else:
        assert "only through an amendment" in message
    programme.refresh_from_db()
    assert programme.title != "Changed"
    assert not client.get(programme.get_absolute_url()).context["can_edit"]


# --- review ---


def test_a_named_reviewer_outside_the_countries_reads_and_reviews(client, cast, draft):
    ComponentFactory(programme=draft)
    reviewer = cast["field_officer_south_america"]
    detail = draft.get_absolute_url()
    client.force_login(reviewer)
    assert client.get(detail).status_code == 404

    client.force_login(cast["desk_officer"])
    form = client.get(detail).context["reviewers_form"]
    assert reviewer in form.fields["reviewers"].queryset
    assert cast["focal_point_kenya"] not in form.fields["reviewers"].queryset
    response = client.post(
        reverse("programmes:reviewers", args=[draft.pk]), {"reviewers-reviewers": [reviewer.pk]}
    )
    assert response["Location"] == f"{detail}#review"
    client.post(reverse("programmes:transition", args=[draft.pk]), {"action": "submit_for_review"})

    client.force_login(reviewer)
    page = client.get(detail)
    assert page.status_code == 200
    assert "review_form" in page.context
    assert "reviewers_form" not in page.context
    response = client.post(
        reverse("programmes:review", args=[draft.pk]),
        {"review-verdict": "changes", "review-comment": "Add a gender output."},
    )
    assert response["Location"] == f"{detail}#review"
    review = ProgrammeReview.objects.get()
    assert (review.reviewer, review.verdict) == (reviewer, "changes")

    # Reviews are kept and shown to OHCHR.
    client.force_login(cast["desk_officer"])
    page = client.get(detail)
    assert page.context["reviews"] == [review]
    assert "Add a gender output." in page.content.decode()


def test_who_is_not_named_cannot_review(client, cast, draft):
    ComponentFactory(programme=draft)
    services.set_reviewers(programme=draft, reviewers=[cast["approver"]], by=cast["desk_officer"])
    services.perform(draft, "submit_for_review", by=cast["desk_officer"])
    url = reverse("programmes:review", args=[draft.pk])
    data = {"review-verdict": "recommend", "review-comment": "Fine."}
    # In scope but not named: refused with the reason, and no form offered.
    client.force_login(cast["field_officer_east_africa"])
    assert "review_form" not in client.get(draft.get_absolute_url()).context
    response = client.post(url, data)
    assert "Only the reviewers named" in _messages(response)[0]
    # Out of scope and not named: the programme does not exist for them.
    client.force_login(cast["field_officer_south_america"])
    assert client.post(url, data).status_code == 404
    # A government is never a reviewer.
    client.force_login(cast["focal_point_kenya"])
    assert client.post(url, data).status_code == 403
    assert not ProgrammeReview.objects.exists()


def test_a_review_without_comment_keeps_the_verdict(client, cast, draft):
    ComponentFactory(programme=draft)
    services.set_reviewers(programme=draft, reviewers=[cast["approver"]], by=cast["desk_officer"])
    services.perform(draft, "submit_for_review", by=cast["desk_officer"])
    client.force_login(cast["approver"])
    response = client.post(
        reverse("programmes:review", args=[draft.pk]),
        {"review-verdict": "object", "review-comment": ""},
    )
    assert response.status_code == 200
    form = response.context["review_form"]
    assert "comment" in form.errors
    assert form["verdict"].value() == "object"


def test_government_reads_neither_reviews_nor_internal_notes(client, cast, draft, kenya):
    ComponentFactory(programme=draft)
    desk, approver = cast["desk_officer"], cast["approver"]
    services.set_reviewers(programme=draft, reviewers=[approver], by=desk)
    services.perform(draft, "submit_for_review", by=desk)
    services.record_review(
        programme=draft, by=approver, verdict="changes", comment="INTERNAL: the budget is thin."
    )
    services.perform(draft, "return_to_drafting", by=approver, note="INTERNAL: redo outputs")
    services.perform(draft, "submit_for_review", by=desk)
    services.perform(draft, "approve", by=approver)

    client.force_login(cast["focal_point_kenya"])
    for url in (draft.get_absolute_url(), reverse("programmes:document", args=[draft.pk])):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "INTERNAL" not in page
    response = client.get(draft.get_absolute_url())
    assert "reviews" not in response.context
    assert 'id="review"' not in response.content.decode()
    assert response.context["can_accept"]

    client.force_login(desk)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "INTERNAL: the budget is thin." in page
    assert "INTERNAL: redo outputs" in page


# --- acceptance, each State for itself ---


def test_each_state_accepts_a_regional_programme_through_the_page(client, cast, kenya, peru):
    programme = ProgrammeFactory(countries=[kenya, peru], scope="regional", status=S.APPROVED)
    url = programme.get_absolute_url()
    accept = reverse("programmes:accept", args=[programme.pk])

    client.force_login(cast["focal_point_kenya"])
    assert client.get(url).context["can_accept"]
    response = client.post(accept, {"confirmed": "yes"})
    assert response["Location"] == f"{url}#acceptance"
    assert _messages(response) == ["Accepted for Kenya."]
    programme.refresh_from_db()
    assert programme.status == S.APPROVED
    page = client.get(url)
    assert not page.context["can_accept"]
    assert [a.country for a in page.context["acceptances"]] == [kenya]

    client.force_login(cast["focal_point_peru"])
    page = client.get(url)
    assert page.context["can_accept"]
    # Peru reads its own State's acceptance, not Kenya's.
    assert page.context["acceptances"] == []
    client.post(accept, {"confirmed": "yes"})
    programme.refresh_from_db()
    assert programme.status == S.ACCEPTED

    client.force_login(cast["desk_officer"])
    page = client.get(url)
    assert [a.country for a in page.context["acceptances"]] == [kenya, peru]
    assert not page.context["can_accept"]


# --- the lifecycle buttons ---


def test_completing_asks_for_a_reason_only_while_activities_are_open(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    component = ComponentFactory(programme=programme)
    activity = Activity.objects.create(
        component=component,
        form=FormOfAssistance.objects.first(),
        title="Workshop",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 3, 2),
    )
    client.force_login(desk_officer)
    url = programme.get_absolute_url()
    [complete] = [b for b in client.get(url).context["actions"].available if b.action == "complete"]
    assert complete.note_required
    assert "1 activities are still planned or ongoing" in complete.note_label
    assert 'name="note"' in client.get(url).content.decode()

    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.COMPLETED)
    [complete] = [b for b in client.get(url).context["actions"].available if b.action == "complete"]
    assert not complete.note_required


# --- query counts ---


def _grow(programme: Programme, n: int, user) -> None:
    for i in range(n):
        component = ComponentFactory(programme=programme, title=f"Component {i}")
        indicator = Indicator.objects.create(
            component=component, name=f"Indicator {i}", unit="people", baseline=0, target=10
        )
        IndicatorValue.objects.create(
            indicator=indicator,
            date=datetime.date(2026, 6, 1),
            value=4,
            source="Register",
            recorded_by=user,
        )
        Activity.objects.create(
            component=component,
            form=FormOfAssistance.objects.first(),
            title=f"Activity {i}",
            start_date=datetime.date(2026, 3, 1),
            end_date=datetime.date(2026, 3, 2),
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url_name", ["programmes:detail", "programmes:document"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("desk_officer", S.DRAFTING),
        ("desk_officer", S.IN_IMPLEMENTATION),
        ("focal_point_kenya", S.IN_IMPLEMENTATION),
        ("approver", S.UNDER_REVIEW),
    ],
)
def test_programme_pages_cost_the_same_queries_at_any_size(
    client, cast, kenya, url_name, role, status
):
    programme = ProgrammeFactory(countries=[kenya], status=status)
    url = reverse(url_name, args=[programme.pk])
    client.force_login(cast[role])
    _grow(programme, 1, cast["desk_officer"])
    client.get(url)  # warm the per-process caches (content types, permission names)
    few = _queries(client, url)
    _grow(programme, 19, cast["desk_officer"])
    assert _queries(client, url) == few


def test_a_cancelled_programme_leaves_the_assessment_open_to_a_new_one(
    client, desk_officer, assessment
):
    first = services.draft_from_assessment(assessment=assessment, by=desk_officer, findings=[])
    Programme.objects.filter(pk=first.pk).update(status=S.CANCELLED)
    client.force_login(desk_officer)
    links = client.get(reverse("assessments:detail", args=[assessment.pk])).context["cycle"].next
    assert [(link.text, link.status) for link in links] == [
        (f"{first.reference} {first.title}", "Cancelled"),
        ("Draft a programme from this assessment", ""),
    ]

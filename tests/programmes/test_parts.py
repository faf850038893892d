"""A programme's parts through the web: components and indicators while drafting,
indicator values and their chart while the programme runs, activities from plan
to completion, partners, grants and the micro-grant ceiling; who may do what at
each state of the programme; and the query counts of the pages as they grow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes import implementation, services
from programmes.models import (
    Activity,
    ActivityReport,
    Component,
    Grant,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammePartner,
)
from programmes.views import parts
from tcp.lifecycle import TransitionRefused
from tcp.models import FormOfAssistance, PartnerOrganisation, ThematicArea
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    IndicatorFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
S = Programme.Status
A = Activity.Status


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _programme(pk: int) -> Programme:
    return Programme.objects.prefetch_related("countries").get(pk=pk)


def _parts(programme: Programme, user) -> parts.Parts:
    return parts.context(_programme(programme.pk), user)["parts"]


def _rendered(programme: Programme, user) -> str:
    return render_to_string("programmes/_parts.html", parts.context(_programme(programme.pk), user))


def _component_data(**overrides: str) -> dict[str, str]:
    return {
        "thematic_area": str(ThematicArea.objects.filter(is_active=True).first().pk),
        "title": "Policing and human rights",
        "objective": "Police officers apply human rights standards.",
        "outputs": "A training curriculum\nForty trainers certified",
        **overrides,
    }


def _indicator_data(**overrides: str) -> dict[str, str]:
    return {
        "name": "Officers trained",
        "unit": "officers",
        "baseline": "10",
        "target": "250",
        "means_of_verification": "Training records",
        **overrides,
    }


# --- components and indicators: the programme document, while drafting ---


def test_desk_officer_adds_a_component_and_its_indicator_while_drafting(
    client, desk_officer, kenya
):
    programme = ProgrammeFactory(countries=[kenya])
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:component_add", args=[programme.pk]), _component_data()
    )
    component = Component.objects.get(programme=programme)
    assert response["Location"] == (
        reverse("programmes:detail", args=[programme.pk]) + f"#component-{component.pk}"
    )
    assert component.outputs == "A training curriculum\nForty trainers certified"

    response = client.post(
        reverse("programmes:indicator_add", args=[component.pk]), _indicator_data()
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(component=component)
    assert (indicator.baseline, indicator.target) == (Decimal("10.00"), Decimal("250.00"))

    page = _rendered(programme, desk_officer)
    assert "Policing and human rights" in page
    assert "Officers trained" in page
    assert "<li>Forty trainers certified</li>" in page
    assert reverse("programmes:indicator_edit", args=[indicator.pk]) in page
    # Drafting: there is no actual yet, so no progress column.
    assert "Record a value" not in page


def test_component_form_keeps_what_was_typed_and_shows_every_error(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:component_add", args=[programme.pk]),
        _component_data(thematic_area="", title="", objective="Keep this objective."),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"thematic_area", "title"}
    assert "Keep this objective." in response.content.decode()
    assert not Component.objects.exists()


def test_indicator_form_shows_every_error_at_once(client, desk_officer, kenya):
    component = ComponentFactory(programme=ProgrammeFactory(countries=[kenya]))
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:indicator_add", args=[component.pk]),
        _indicator_data(name="", baseline="ten", target="250"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "baseline"}
    assert 'value="250"' in response.content.decode()


def test_components_and_indicators_are_refused_once_approved(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.APPROVED)
    component = ComponentFactory(programme=programme, title="Before approval")
    indicator = IndicatorFactory(component=component)
    client.force_login(desk_officer)

    response = client.get(reverse("programmes:component_add", args=[programme.pk]))
    assert response.status_code == 302
    assert any("only through an amendment" in m for m in _messages(response))
    client.post(reverse("programmes:component_add", args=[programme.pk]), _component_data())
    client.post(
        reverse("programmes:component_edit", args=[component.pk]),
        _component_data(title="Changed after approval"),
    )
    client.post(reverse("programmes:indicator_add", args=[component.pk]), _indicator_data())
    client.post(
        reverse("programmes:indicator_edit", args=[indicator.pk]), _indicator_data(target="999")
    )
    response = client.post(reverse("programmes:indicator_delete", args=[indicator.pk]))
    assert any("only through an amendment" in m for m in _messages(response))
    client.post(reverse("programmes:component_delete", args=[component.pk]))

    assert list(Component.objects.values_list("title", flat=True)) == ["Before approval"]
    indicator.refresh_from_db()
    assert indicator.target == Decimal("50.00")
    # And the page offers none of it.
    page = _rendered(programme, desk_officer)
    assert reverse("programmes:component_add", args=[programme.pk]) not in page
    assert reverse("programmes:indicator_edit", args=[indicator.pk]) not in page


def test_a_component_with_activities_is_not_deleted(client, desk_officer, kenya):
    component = ComponentFactory(programme=ProgrammeFactory(countries=[kenya]))
    ActivityFactory(component=component)
    client.force_login(desk_officer)
    response = client.post(reverse("programmes:component_delete", args=[component.pk]))
    assert any("activities and budget lines first" in m for m in _messages(response))
    assert Component.objects.filter(pk=component.pk).exists()


# --- indicator values and the chart: while the programme runs ---


def test_field_officer_records_a_value_and_sees_it_on_the_chart(
    client, field_officer_east_africa, kenya
):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    indicator = IndicatorFactory(
        component=ComponentFactory(programme=programme),
        baseline=Decimal("10"),
        target=Decimal("50"),
    )
    client.force_login(field_officer_east_africa)
    url = reverse("programmes:indicator", args=[indicator.pk])
    page = client.get(url)
    assert page.context["chart"] is None
    assert "No value recorded yet." in page.content.decode()

    response = client.post(
        reverse("programmes:indicator_value_add", args=[indicator.pk]),
        {"date": "2026-06-30", "value": "30", "source": "Police academy records"},
    )
    assert response["Location"] == f"{url}#values"
    entry = IndicatorValue.objects.get(indicator=indicator)
    assert (entry.value, entry.recorded_by) == (Decimal("30.00"), field_officer_east_africa)

    page = client.get(url)
    chart = page.context["chart"]
    [point] = chart.points
    assert (point.date, point.value) == (datetime.date(2026, 6, 30), "30")
    assert page.context["progress"].share == 50  # halfway from 10 to 50
    html = page.content.decode()
    assert '<polyline class="chart-line"' in html
    assert "Police academy records" in html
    assert "Actual 30 against a target of 50 from a baseline of 10: 50% of the way." in html

    # A second value: the latest by date is the actual, on the programme page too.
    client.post(
        reverse("programmes:indicator_value_add", args=[indicator.pk]),
        {"date": "2026-12-31", "value": "55", "source": "Annual report"},
    )
    page = client.get(url)
    assert [p.value for p in page.context["chart"].points] == ["30", "55"]
    assert page.context["progress"].reached
    [row] = _parts(programme, field_officer_east_africa).components[0].indicators
    assert row.actual == Decimal("55.00")
    assert row.progress.share == 112
    assert "112%" in _rendered(programme, field_officer_east_africa)


def test_a_value_form_with_errors_keeps_what_was_typed(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    indicator = IndicatorFactory(component=ComponentFactory(programme=programme))
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:indicator_value_add", args=[indicator.pk]),
        {"date": "", "value": "abc", "source": "Kept source"},
    )
    assert response.status_code == 200
    assert set(response.context["value_form"].errors) == {"date", "value"}
    assert "Kept source" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_values_are_refused_while_drafting_with_the_reason(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    indicator = IndicatorFactory(component=ComponentFactory(programme=programme))
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:indicator", args=[indicator.pk]))
    assert page.context["value_form"] is None
    response = client.post(
        reverse("programmes:indicator_value_add", args=[indicator.pk]),
        {"date": "2026-06-30", "value": "30", "source": "Records"},
    )
    assert any("recorded while the programme runs" in m for m in _messages(response))
    assert not IndicatorValue.objects.exists()


def test_government_reads_indicator_progress_only_once_it_has_accepted(
    client, focal_point_kenya, desk_officer, kenya
):
    programme = ProgrammeFactory(countries=[kenya], status=S.APPROVED)
    indicator = IndicatorFactory(component=ComponentFactory(programme=programme))
    IndicatorValue.objects.create(
        indicator=indicator,
        date=datetime.date(2026, 5, 1),
        value=Decimal("20"),
        source="OHCHR working figure",
        recorded_by=desk_officer,
    )
    client.force_login(focal_point_kenya)
    url = reverse("programmes:indicator", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["values"] == []
    assert "OHCHR working figure" not in page.content.decode()
    assert "Actual" not in _rendered(programme, focal_point_kenya)

    Programme.objects.filter(pk=programme.pk).update(status=S.IN_IMPLEMENTATION)
    page = client.get(url)
    assert [v.value for v in page.context["values"]] == [Decimal("20.00")]
    assert page.context["chart"] is not None
    parts_page = _rendered(programme, focal_point_kenya)
    assert "Actual" in parts_page
    # Progress is read, not recorded, by the government; grants are never shown.
    assert "Record a value" not in parts_page
    assert 'id="grants"' not in parts_page


# --- activities: plan, report, start, complete ---


def _activity_data(component: Component, **overrides: str) -> dict[str, str]:
    return {
        "component": str(component.pk),
        "form": str(FormOfAssistance.objects.get(code="training-courses").pk),
        "title": "Human rights training for prison officials",
        "description": "Five days on the Nelson Mandela Rules.",
        "audience": Activity.Audience.PRISON,
        "start_date": "2026-04-06",
        "end_date": "2026-04-10",
        "place": "Naivasha",
        "partner": str(PartnerOrganisation.objects.filter(is_active=True).first().pk),
        "participants_women": "0",
        "participants_men": "0",
        "participants_other": "0",
        **overrides,
    }


def test_activity_from_plan_to_completion_with_participants(
    client, desk_officer, field_officer_east_africa, kenya
):
    programme = ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
    component = ComponentFactory(programme=programme)
    client.force_login(desk_officer)
    form_page = client.get(
        reverse("programmes:activity_add", args=[programme.pk]), {"component": component.pk}
    )
    assert form_page.context["form"]["component"].value() == component.pk
    response = client.post(
        reverse("programmes:activity_add", args=[programme.pk]), _activity_data(component)
    )
    activity = Activity.objects.get(component=component)
    assert response["Location"] == reverse("programmes:activity", args=[activity.pk])
    assert (activity.audience, activity.status) == (Activity.Audience.PRISON, A.PLANNED)

    # The field officer of Kenya's presence starts it, reports, and completes it.
    client.force_login(field_officer_east_africa)
    url = reverse("programmes:activity", args=[activity.pk])
    page = client.get(url)
    assert [t.action for t in page.context["actions"].available] == ["start"]
    assert "complete" not in page.context["report_form"].fields
    client.post(reverse("programmes:activity_transition", args=[activity.pk]), {"action": "start"})
    activity.refresh_from_db()
    assert activity.status == A.ONGOING

    report = {
        "date": "2026-04-08",
        "text": "Day three: the inspection module.",
        "participants_women": "12",
        "participants_men": "15",
        "participants_other": "1",
    }
    client.post(reverse("programmes:activity_report", args=[activity.pk]), report)
    activity.refresh_from_db()
    assert activity.status == A.ONGOING
    assert (activity.participants_women, activity.participants_men) == (12, 15)

    page = client.get(url)
    assert "complete" in page.context["report_form"].fields
    response = client.post(
        reverse("programmes:activity_report", args=[activity.pk]),
        {
            **report,
            "text": "Closed with 30 certified.",
            "participants_women": "14",
            "complete": "on",
        },
    )
    assert any("the activity is completed" in m for m in _messages(response))
    activity.refresh_from_db()
    assert activity.status == A.COMPLETED
    assert activity.participants == 30
    assert list(activity.reports.values_list("text", flat=True)) == [
        "Day three: the inspection module.",
        "Closed with 30 certified.",
    ]
    page = client.get(url)
    assert page.context["participants"].total == 30
    html = page.content.decode()
    assert "Closed with 30 certified." in html
    assert "seg-women w-45" in html  # 14 of 30, to the nearest 5 %


def test_a_refused_completion_keeps_no_report(field_officer_east_africa, kenya):
    activity = ActivityFactory(
        component=ComponentFactory(
            programme=ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
        )
    )
    # Planned, not ongoing: it cannot be marked completed yet.
    with pytest.raises(TransitionRefused):
        implementation.report_progress(
            activity=activity,
            by=field_officer_east_africa,
            date=datetime.date(2026, 3, 3),
            text="All done.",
            participants={"participants_women": 4},
            complete=True,
        )
    assert not ActivityReport.objects.exists()
    activity.refresh_from_db()
    assert activity.participants_women == 0


def test_activity_form_keeps_input_and_shows_every_error(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    component = ComponentFactory(programme=programme)
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:activity_add", args=[programme.pk]),
        _activity_data(component, title="", end_date="2026-04-01", place="Kept place"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "end_date"}
    assert "Kept place" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_activity_form_offers_only_this_programmes_components(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    mine = ComponentFactory(programme=programme, title="Mine")
    other = ComponentFactory(programme=ProgrammeFactory(countries=[kenya]), title="Other")
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:activity_add", args=[programme.pk]))
    assert list(page.context["form"].fields["component"].queryset) == [mine]
    response = client.post(
        reverse("programmes:activity_add", args=[programme.pk]), _activity_data(other)
    )
    assert "component" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_progress_reports_are_refused_before_the_programme_runs(
    client, field_officer_east_africa, kenya
):
    activity = ActivityFactory(
        component=ComponentFactory(programme=ProgrammeFactory(countries=[kenya]))
    )
    client.force_login(field_officer_east_africa)
    assert (
        "report_form" not in client.get(reverse("programmes:activity", args=[activity.pk])).context
    )
    response = client.post(
        reverse("programmes:activity_report", args=[activity.pk]),
        {
            "date": "2026-03-03",
            "text": "Too early.",
            "participants_women": "1",
            "participants_men": "1",
            "participants_other": "0",
        },
    )
    assert any("recorded while the programme runs" in m for m in _messages(response))
    assert not ActivityReport.objects.exists()


def test_government_reads_the_activity_but_not_its_reports_or_experts(
    client, focal_point_kenya, desk_officer, kenya
):
    activity = ActivityFactory(
        component=ComponentFactory(
            programme=ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)
        ),
        title="Workshop with the judiciary",
    )
    ActivityReport.objects.create(
        activity=activity,
        date=datetime.date(2026, 3, 3),
        text="INTERNAL: the ministry was late.",
        recorded_by=desk_officer,
    )
    client.force_login(focal_point_kenya)
    page = client.get(reverse("programmes:activity", args=[activity.pk]))
    html = page.content.decode()
    assert "Workshop with the judiciary" in html
    assert "INTERNAL" not in html
    assert 'id="experts"' not in html
    assert page.context["actions"].available == []


# --- the activity list ---


def _listed(response) -> list[str]:
    return [a.title for a, _open in response.context["rows"]]


def test_activity_list_filters_by_status_form_country_dates_and_programme(
    client, approver, kenya, peru
):
    ken = ComponentFactory(programme=ProgrammeFactory(countries=[kenya]))
    per = ComponentFactory(programme=ProgrammeFactory(countries=[peru]))
    workshop = FormOfAssistance.objects.get(code="workshops-seminars")
    ActivityFactory(component=ken, title="March course")
    ActivityFactory(
        component=ken,
        title="June workshop",
        form=workshop,
        start_date=datetime.date(2026, 6, 1),
        end_date=datetime.date(2026, 6, 2),
        status=A.ONGOING,
    )
    ActivityFactory(
        component=per,
        title="Lima course",
        start_date=datetime.date(2026, 5, 4),
        end_date=datetime.date(2026, 5, 8),
    )
    client.force_login(approver)
    url = reverse("programmes:activity_list")
    assert _listed(client.get(url)) == ["March course", "Lima course", "June workshop"]
    assert _listed(client.get(url, {"status": A.ONGOING})) == ["June workshop"]
    assert _listed(client.get(url, {"form": workshop.pk})) == ["June workshop"]
    assert _listed(client.get(url, {"country": peru.pk})) == ["Lima course"]
    assert _listed(client.get(url, {"date_from": "2026-05-05", "date_to": "2026-05-31"})) == [
        "Lima course"
    ]
    response = client.get(url, {"programme": ken.programme_id, "sort": "-title"})
    assert _listed(response) == ["March course", "June workshop"]
    assert response.context["programme_filter"] == ken.programme
    assert _listed(client.get(url, {"q": "lima"})) == ["Lima course"]


def test_field_officer_lists_only_the_activities_of_their_countries(
    client, field_officer_east_africa, kenya, peru
):
    ActivityFactory(
        component=ComponentFactory(programme=ProgrammeFactory(countries=[kenya])), title="Nairobi"
    )
    ActivityFactory(
        component=ComponentFactory(programme=ProgrammeFactory(countries=[peru])), title="Lima"
    )
    regional = ProgrammeFactory(countries=[kenya, peru], scope=Programme.Scope.REGIONAL)
    ActivityFactory(component=ComponentFactory(programme=regional), title="Regional")
    client.force_login(field_officer_east_africa)
    assert sorted(_listed(client.get(reverse("programmes:activity_list")))) == [
        "Nairobi",
        "Regional",
    ]
    # Another country's programme, even by its id, narrows to nothing.
    other = Programme.objects.get(countries=peru, scope=Programme.Scope.NATIONAL)
    response = client.get(reverse("programmes:activity_list"), {"programme": other.pk})
    assert _listed(response) == []
    assert response.context["programme_filter"] is None


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "user", ["desk_officer", "field_officer_east_africa", "focal_point_kenya", "approver"]
)
def test_activity_list_query_count_does_not_grow_with_rows(client, cast, kenya, peru, user):
    programme = ProgrammeFactory(countries=[kenya, peru], status=S.IN_IMPLEMENTATION)
    component = ComponentFactory(programme=programme)
    client.force_login(cast[user])
    url = reverse("programmes:activity_list")
    ActivityFactory(component=component)
    client.get(url)
    for _ in range(4):
        ActivityFactory(component=component)
    few = _queries(client, url)
    for _ in range(30):
        ActivityFactory(component=ComponentFactory(programme=programme))
    assert _queries(client, url) == few


@pytest.mark.parametrize("status", [S.DRAFTING, S.IN_IMPLEMENTATION])
@pytest.mark.parametrize(
    "user", ["desk_officer", "field_officer_east_africa", "focal_point_kenya", "approver"]
)
def test_parts_of_the_programme_page_cost_the_same_queries_at_any_size(cast, kenya, status, user):
    if user == "focal_point_kenya" and status == S.DRAFTING:
        status = S.APPROVED  # the government reads a programme once approved
    programme = ProgrammeFactory(countries=[kenya], status=status)
    reader = cast[user]

    partners = iter(PartnerOrganisation.objects.order_by("pk"))

    def grow(n: int) -> None:
        for i in range(n):
            component = ComponentFactory(programme=programme, title=f"Component {i}")
            for _ in range(2):
                indicator = IndicatorFactory(component=component)
                IndicatorValue.objects.create(
                    indicator=indicator,
                    date=datetime.date(2026, 6, 1),
                    value=Decimal("20"),
                    source="Records",
                    recorded_by=cast["desk_officer"],
                )
            ActivityFactory(component=component)
            ProgrammePartner.objects.create(
                programme=programme,
                partner=next(partners),
                role=ProgrammePartner.Role.TECHNICAL,
            )
            Grant.objects.create(
                programme=programme,
                component=component,
                recipient=f"Association {i}",
                recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
                amount=Decimal("1000.00"),
                purpose="Legal aid clinic",
                report_due=datetime.date(2026, 9, 30),
                awarded_by=cast["desk_officer"],
            )

    def count() -> int:
        loaded = _programme(programme.pk)
        with CaptureQueriesContext(connection) as ctx:
            render_to_string("programmes/_parts.html", parts.context(loaded, reader))
        return len(ctx)

    grow(1)
    count()  # warm the per-process caches (permission names)
    few = count()
    grow(12)
    assert count() == few


# --- partners: the document, while drafting ---


def test_partners_from_the_list_and_a_new_organisation(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    undp = PartnerOrganisation.objects.filter(kind=PartnerOrganisation.Kind.UN_AGENCY).first()
    client.force_login(desk_officer)
    page = client.get(reverse("programmes:partner_add", args=[programme.pk]))
    groups = [
        label for label, _options in page.context["listed_form"].fields["partner"].choices[1:]
    ]
    assert groups[0] == str(PartnerOrganisation.Kind.UN_AGENCY.label)

    client.post(
        reverse("programmes:partner_add", args=[programme.pk]),
        {"listed-partner": undp.pk, "listed-role": "joint", "listed-description": "Co-lead"},
    )
    response = client.post(
        reverse("programmes:partner_add", args=[programme.pk]),
        {"listed-partner": undp.pk, "listed-role": "joint"},
    )
    assert response.status_code == 200
    assert "already has that role" in response.content.decode()

    client.post(
        reverse("programmes:partner_new", args=[programme.pk]),
        {
            "new-name": "Turkana Paralegal Network",
            "new-acronym": "TPN",
            "new-kind": PartnerOrganisation.Kind.NGO,
            "new-role": "implementing",
            "new-description": "Legal aid in the north",
        },
    )
    new = PartnerOrganisation.objects.get(name="Turkana Paralegal Network")
    assert (new.code, new.kind) == ("tpn", PartnerOrganisation.Kind.NGO)
    assert sorted(programme.partners.values_list("partner__name", "role")) == sorted(
        [(undp.name, "joint"), ("Turkana Paralegal Network", "implementing")]
    )
    html = _rendered(programme, desk_officer)
    assert "Turkana Paralegal Network" in html
    assert "Legal aid in the north" in html

    entry = programme.partners.get(partner=undp)
    client.post(reverse("programmes:partner_remove", args=[entry.pk]))
    assert list(programme.partners.values_list("partner__name", flat=True)) == [
        "Turkana Paralegal Network"
    ]


def test_a_new_organisation_is_not_added_when_the_programme_refuses(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya], status=S.APPROVED)
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:partner_new", args=[programme.pk]),
        {"new-name": "Late NGO", "new-kind": "ngo", "new-role": "implementing"},
    )
    assert response.status_code == 302
    assert not PartnerOrganisation.objects.filter(name="Late NGO").exists()
    with pytest.raises(TransitionRefused):
        implementation.add_new_partner(
            programme=programme, by=desk_officer, name="Late NGO", kind="ngo", role="other"
        )
    assert not PartnerOrganisation.objects.filter(name="Late NGO").exists()


def test_a_known_organisation_is_not_added_twice_to_the_list(client, desk_officer, kenya):
    programme = ProgrammeFactory(countries=[kenya])
    known = PartnerOrganisation.objects.first()
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:partner_new", args=[programme.pk]),
        {"new-name": known.name.upper(), "new-kind": "ngo", "new-role": "implementing"},
    )
    assert response.status_code == 200
    assert "already in the list of partners" in response.content.decode()
    assert response.context["new_open"]


# --- grants and the micro-grant ceiling ---


def _grant(amount: str, kind: str = Grant.RecipientKind.CIVIL_SOCIETY) -> dict[str, str]:
    return {
        "recipient": "Mathare Social Justice Centre",
        "recipient_kind": kind,
        "amount": amount,
        "purpose": "Documentation of police abuses",
        "report_due": "2026-12-31",
        "component": "",
    }


@pytest.fixture
def running(kenya) -> Programme:
    return ProgrammeFactory(countries=[kenya], status=S.IN_IMPLEMENTATION)


def test_micro_grant_at_the_ceiling_is_awarded(client, desk_officer, running):
    client.force_login(desk_officer)
    response = client.post(reverse("programmes:grant_add", args=[running.pk]), _grant("5000.00"))
    assert response.status_code == 302
    assert Grant.objects.get().amount == Decimal("5000.00")


def test_micro_grant_a_cent_over_the_ceiling_is_refused_next_to_the_amount(
    client, desk_officer, running
):
    client.force_login(desk_officer)
    response = client.post(reverse("programmes:grant_add", args=[running.pk]), _grant("5000.01"))
    assert response.status_code == 200
    [error] = response.context["form"].errors["amount"]
    assert error == (
        "A micro-grant to civil society is at most US$ 5,000.00; US$ 5,000.01 is "
        "US$ 0.01 over. Split the support or fund it as a project."
    )
    html = response.content.decode()
    assert 'value="5000.01"' in html
    assert "Mathare Social Justice Centre" in html
    assert not Grant.objects.exists()


def test_a_grant_to_an_institution_may_exceed_the_ceiling(client, desk_officer, running):
    client.force_login(desk_officer)
    client.post(
        reverse("programmes:grant_add", args=[running.pk]),
        _grant("25000.00", Grant.RecipientKind.NHRI),
    )
    assert Grant.objects.get().amount == Decimal("25000.00")


def test_the_ceiling_is_the_setting(client, desk_officer, running, settings):
    settings.TCP_MICRO_GRANT_CEILING_USD = 2500
    client.force_login(desk_officer)
    response = client.post(reverse("programmes:grant_add", args=[running.pk]), _grant("2600"))
    assert "at most US$ 2,500.00" in response.context["form"].errors["amount"][0]


def test_money_with_cents_is_kept_exactly(client, desk_officer, running):
    client.force_login(desk_officer)
    for amount in ("1234.56", "0.01", "4999.99"):
        client.post(reverse("programmes:grant_add", args=[running.pk]), _grant(amount))
    amounts = sorted(Grant.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("0.01"), Decimal("1234.56"), Decimal("4999.99")]
    page = _parts(running, desk_officer)
    assert page.grant_total == Decimal("6234.56")
    html = _rendered(running, desk_officer)
    assert "US$ 1,234.56" in html
    assert "US$ 6,234.56" in html


def test_grants_show_overdue_reports(client, desk_officer, running):
    Grant.objects.create(
        programme=running,
        recipient="Late reporter",
        recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
        amount=Decimal("100.00"),
        purpose="Training",
        report_due=datetime.date(2020, 1, 31),
        awarded_by=desk_officer,
    )
    [row] = _parts(running, desk_officer).grants
    assert row.overdue
    assert "overdue" in _rendered(running, desk_officer)


def test_grant_component_must_be_the_programmes(client, desk_officer, running, kenya):
    other = ComponentFactory(programme=ProgrammeFactory(countries=[kenya]))
    client.force_login(desk_officer)
    response = client.post(
        reverse("programmes:grant_add", args=[running.pk]),
        {**_grant("100"), "component": str(other.pk)},
    )
    assert "component" in response.context["form"].errors
    assert not Grant.objects.exists()


# --- who may do what at each state ---

DRAFTING_ONLY = {S.DRAFTING}
WORKPLAN = {S.DRAFTING, S.APPROVED, S.ACCEPTED, S.IN_IMPLEMENTATION, S.SUSPENDED}
RUNNING = {S.IN_IMPLEMENTATION, S.SUSPENDED, S.COMPLETED}

# Which role may take each kind of action, in the states of its kind.
ACTORS = {
    "document": {"desk_officer"},
    "workplan": {"desk_officer"},
    "progress": {"desk_officer", "field_officer_east_africa"},
}
STATES = {"document": DRAFTING_ONLY, "workplan": WORKPLAN, "progress": RUNNING}


def _attempt(kind: str, programme: Programme, component: Component, indicator, user) -> bool:
    try:
        if kind == "document":
            services.add_component(
                programme=programme,
                by=user,
                thematic_area=ThematicArea.objects.first(),
                title="Another component",
            )
        elif kind == "workplan":
            implementation.add_activity(
                component=component,
                by=user,
                form=FormOfAssistance.objects.first(),
                title="Another activity",
                start_date=datetime.date(2026, 5, 4),
                end_date=datetime.date(2026, 5, 5),
            )
        else:
            services.record_indicator_value(
                indicator=indicator,
                by=user,
                date=datetime.date(2026, 6, 1),
                value=Decimal("12"),
                source="Records",
            )
    except TransitionRefused:
        return False
    return True


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize(
    "role",
    ["desk_officer", "field_officer_east_africa", "approver", "focal_point_kenya", "auditor"],
)
def test_who_may_do_what_at_each_state(cast, kenya, status, role):
    """Drafting-only actions (the document), workplan actions (activities, experts,
    grants) and running-only actions (progress): the page offers exactly what the
    services accept."""
    programme = ProgrammeFactory(countries=[kenya], status=status)
    component = ComponentFactory(programme=programme)
    indicator = IndicatorFactory(component=component)
    user = cast[role]
    offered = _parts(programme, user)
    flags = {
        "document": offered.can_draft,
        "workplan": offered.can_plan,
        "progress": offered.can_report,
    }
    for kind in ("document", "workplan", "progress"):
        expected = role in ACTORS[kind] and status in STATES[kind]
        assert flags[kind] is expected, (kind, status, role)
        assert _attempt(kind, programme, component, indicator, user) is expected, (kind, status)

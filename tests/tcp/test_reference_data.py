"""The reference data migration loads a complete, coherent vocabulary."""

from __future__ import annotations

import django.apps
import pytest
from django.db.models import Count

from tcp import reference_data
from tcp.models import (
    BoardComponent,
    Country,
    FieldPresence,
    FormOfAssistance,
    FundingSource,
    Mechanism,
    PartnerOrganisation,
    Region,
    SustainableDevelopmentGoal,
    ThematicArea,
)

pytestmark = pytest.mark.django_db

REFERENCE_MODELS = (
    Country,
    FieldPresence,
    PartnerOrganisation,
    ThematicArea,
    FormOfAssistance,
    BoardComponent,
    SustainableDevelopmentGoal,
    Mechanism,
    FundingSource,
)


def test_all_iso_3166_countries_with_unique_codes():
    assert Country.objects.count() == 249
    assert Country.objects.values("iso2").distinct().count() == 249
    assert Country.objects.values("iso3").distinct().count() == 249
    assert not Country.objects.exclude(iso2__regex=r"^[A-Z]{2}$").exists()
    assert not Country.objects.exclude(iso3__regex=r"^[A-Z]{3}$").exists()


def test_every_country_has_a_valid_region():
    assert not Country.objects.exclude(region__in=Region.values).exists()
    # Every region is in use.
    assert set(Country.objects.values_list("region", flat=True)) == set(Region.values)


def test_least_developed_countries_match_the_un_list():
    expected = {iso3 for _, iso3, _, _, ldc in reference_data.COUNTRIES if ldc}
    assert len(expected) == 44
    loaded = set(Country.objects.filter(is_least_developed=True).values_list("iso3", flat=True))
    assert loaded == expected
    # Graduated: Bhutan (2023), Sao Tome and Principe (2024), Vanuatu (2020).
    assert not Country.objects.filter(iso3__in=["BTN", "STP", "VUT"], is_least_developed=True)
    assert Country.objects.get(iso3="HTI").is_least_developed


def test_un_short_names_and_regions():
    assert Country.objects.get(iso3="TUR").name == "Türkiye"
    assert Country.objects.get(iso3="BOL").name == "Bolivia (Plurinational State of)"
    assert Country.objects.get(iso3="TUR").region == Region.EUROPE_CENTRAL_ASIA
    assert Country.objects.get(iso3="KAZ").region == Region.EUROPE_CENTRAL_ASIA
    assert Country.objects.get(iso3="EGY").region == Region.MIDDLE_EAST_NORTH_AFRICA
    assert Country.objects.get(iso3="SAU").region == Region.MIDDLE_EAST_NORTH_AFRICA
    assert Country.objects.get(iso3="NGA").region == Region.AFRICA
    assert Country.objects.get(iso3="JAM").region == Region.AMERICAS
    assert Country.objects.get(iso3="FJI").region == Region.ASIA_PACIFIC


def test_kenya_is_in_africa_and_the_east_africa_regional_office():
    kenya = Country.objects.get(iso3="KEN")
    assert kenya.region == Region.AFRICA
    office = FieldPresence.objects.get(code="east-africa-regional-office")
    assert office.kind == FieldPresence.Kind.REGIONAL_OFFICE
    assert office.region == Region.AFRICA
    assert office.countries.filter(pk=kenya.pk).exists()


def test_peru_is_in_the_south_america_regional_office():
    office = FieldPresence.objects.get(code="south-america-regional-office")
    assert office.countries.filter(iso3="PER").exists()


def test_seventeen_sdgs_numbered_one_to_seventeen():
    assert list(SustainableDevelopmentGoal.objects.values_list("number", flat=True)) == list(
        range(1, 18)
    )
    assert SustainableDevelopmentGoal.objects.get(number=1).code == "sdg-1"
    assert SustainableDevelopmentGoal.objects.get(number=16).name == (
        "Peace, justice and strong institutions"
    )


def test_seven_board_components():
    assert list(BoardComponent.objects.values_list("number", flat=True)) == list(range(1, 8))


def test_mechanisms_one_upr_and_ten_treaty_bodies():
    assert Mechanism.objects.filter(kind=Mechanism.Kind.UPR).count() == 1
    treaty_bodies = Mechanism.objects.filter(kind=Mechanism.Kind.TREATY_BODY)
    assert set(treaty_bodies.values_list("abbreviation", flat=True)) == {
        "CERD",
        "CCPR",
        "CESCR",
        "CEDAW",
        "CAT",
        "SPT",
        "CRC",
        "CMW",
        "CRPD",
        "CED",
    }
    assert Mechanism.objects.filter(kind=Mechanism.Kind.SPECIAL_PROCEDURE).exists()


def test_all_six_forms_of_assistance():
    assert set(FormOfAssistance.objects.values_list("code", flat=True)) == {
        "advisory-services",
        "training-courses",
        "workshops-seminars",
        "fellowships",
        "grants",
        "information-documentation",
    }


def test_three_funding_sources_one_of_each_kind():
    assert FundingSource.objects.count() == 3
    assert sorted(FundingSource.objects.values_list("kind", flat=True)) == sorted(
        FundingSource.Kind.values
    )


def test_thematic_areas_and_partners_are_loaded():
    assert ThematicArea.objects.count() == len(reference_data.THEMATIC_AREAS)
    assert ThematicArea.objects.filter(code="national-human-rights-institutions").exists()
    assert PartnerOrganisation.objects.count() == len(reference_data.PARTNERS)
    assert PartnerOrganisation.objects.get(code="undp").acronym == "UNDP"
    assert not PartnerOrganisation.objects.exclude(
        kind__in=PartnerOrganisation.Kind.values
    ).exists()


def test_every_field_presence_covers_a_country_and_has_a_real_partner():
    assert FieldPresence.objects.count() == len(reference_data.FIELD_PRESENCES)
    empty = FieldPresence.objects.annotate(n=Count("countries")).filter(n=0)
    assert not empty.exists()
    for presence in FieldPresence.objects.select_related("partner"):
        assert presence.kind in FieldPresence.Kind.values
        assert presence.region in Region.values
        if presence.partner_id is not None:
            assert PartnerOrganisation.objects.filter(pk=presence.partner_id).exists()
    for entry in reference_data.FIELD_PRESENCES:
        presence = FieldPresence.objects.get(code=entry["code"])
        assert set(presence.countries.values_list("iso3", flat=True)) == set(entry["countries"])
        assert (presence.partner.code if presence.partner else None) == entry["partner"]


def test_loading_again_changes_no_counts():
    before = {model: model.objects.count() for model in REFERENCE_MODELS}
    links_before = FieldPresence.countries.through.objects.count()
    reference_data.load(django.apps.apps, None)
    assert {model: model.objects.count() for model in REFERENCE_MODELS} == before
    assert FieldPresence.countries.through.objects.count() == links_before


def test_every_reference_row_has_a_first_history_record():
    from tcp.models import Country, FieldPresence, Mechanism

    for model in (Country, FieldPresence, Mechanism):
        assert model.history.filter(history_type="+").count() == model.objects.count()

"""Reference names are stored in English and shown in the reader's language.

There is no catalogue in the tree yet (the lead writes them), so the tests
compile a small French one of their own with polib into a temporary
``LOCALE_PATHS`` entry: the mechanism is what is tested, not a translation.
"""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from requests_app.models import AssistanceRequest
from tcp import translated
from tcp.models import Country, ThematicArea
from tests.factories import AssistanceRequestFactory, country

FRENCH = {
    # English order: Egypt, Germany, Spain, Uganda; French: Allemagne, Égypte, Espagne, Ouganda.
    "Egypt": "Égypte",
    "Germany": "Allemagne",
    "Spain": "Espagne",
    "Uganda": "Ouganda",
    "National human rights institutions": "Institutions nationales des droits de l'homme",
    "Creating and strengthening national human rights institutions in line with the Paris "
    "Principles, and their regional and international networks.": "Créer et renforcer les "
    "institutions nationales des droits de l'homme.",
}


@pytest.fixture
def french(tmp_path):
    """A French catalogue holding ``FRENCH``, active for the test's requests."""
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=utf-8", "Language": "fr"}
    for english, french_text in FRENCH.items():
        catalogue.append(polib.POEntry(msgid=english, msgstr=french_text))
    catalogue.save_as_mofile(str(folder / "django.mo"))
    # Django's test signals drop the loaded catalogues when LOCALE_PATHS changes.
    with override_settings(LOCALE_PATHS=[tmp_path / "locale", *settings.LOCALE_PATHS]):
        yield


def _in_french(client, user):
    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return {"HTTP_ACCEPT_LANGUAGE": "fr"}


def _uganda_request() -> AssistanceRequest:
    return AssistanceRequestFactory(
        country=country("UGA"),
        status=AssistanceRequest.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def test_names_are_translated_when_shown_and_stored_in_english(french, db) -> None:
    uganda = Country.objects.get(iso3="UGA")
    area = ThematicArea.objects.get(code="national-human-rights-institutions")
    with translation.override("fr"):
        assert str(uganda) == "Ouganda"
        assert str(area) == "Institutions nationales des droits de l'homme"
        assert area.translated_description.startswith("Créer et renforcer")
        assert translated.name("Uganda") == "Ouganda"
        # gettext("") would answer the catalogue's header.
        assert translated.name("") == ""
        assert translated.name(None) == ""
    # The database keeps the canonical English name; search finds it in English.
    assert Country.objects.filter(name="Uganda").get() == uganda
    with translation.override("en"):
        assert str(uganda) == "Uganda"


def test_a_name_added_later_shows_as_typed(french, db) -> None:
    atlantis = Country.objects.create(iso2="XA", iso3="XAT", name="Atlantis", region="africa")
    with translation.override("fr"):
        assert str(atlantis) == "Atlantis"


def test_alphabetical_order_ignores_case_and_accents() -> None:
    names = ["Ouganda", "espagne", "Égypte", "Allemagne", "Zambie", "Éthiopie"]
    assert translated.alphabetical(names) == [
        "Allemagne",
        "Égypte",
        "espagne",
        "Éthiopie",
        "Ouganda",
        "Zambie",
    ]


def test_country_choices_follow_the_french_alphabet(french, client, approver) -> None:
    headers = _in_french(client, approver)
    response = client.get(reverse("requests_app:list"), **headers)
    assert response.status_code == 200
    page = response.content.decode()
    choices = [page.index(f">{name}</option>") for name in ("Allemagne", "Égypte", "Espagne")]
    choices.append(page.index(">Ouganda</option>"))
    assert choices == sorted(choices)
    # In English the same list runs Egypt, Germany, Spain, Uganda.
    approver.language = "en"
    approver.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("requests_app:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    positions = [english.index(f">{name}</option>") for name in ("Egypt", "Germany", "Spain")]
    assert positions == sorted(positions)


def test_request_pages_show_translated_country_and_thematic_area(french, client, approver) -> None:
    req = _uganda_request()
    headers = _in_french(client, approver)
    listed = client.get(reverse("requests_app:list"), **headers).content.decode()
    assert req.reference in listed
    assert "Ouganda" in listed
    detail = client.get(reverse("requests_app:detail", args=[req.pk]), **headers)
    page = detail.content.decode()
    assert "Ouganda" in page
    assert "Institutions nationales des droits de l&#x27;homme" in page
    assert "National human rights institutions" not in page


def test_the_export_names_the_country_and_thematic_area_in_french(french, client, approver) -> None:
    req = _uganda_request()
    headers = _in_french(client, approver)
    response = client.get(reverse("export", kwargs={"code": "requests", "fmt": "csv"}), **headers)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    row = next(r for r in rows if req.reference in r)
    assert "Ouganda" in row
    assert "Institutions nationales des droits de l'homme" in row


def test_figures_label_thematic_areas_in_french(french, client, approver) -> None:
    _uganda_request()
    headers = _in_french(client, approver)
    page = client.get(reverse("figures"), **headers).content.decode()
    assert "Institutions nationales des droits de l&#x27;homme" in page
    assert "National human rights institutions" not in page


def _marked_texts() -> set[str]:
    """Every text the reference data sources hand to gettext_noop."""
    sources = [
        "tcp/reference_data.py",
        "tcp/migrations/0005_screening_criteria_data.py",
        "evaluations/migrations/0004_rating_scales_and_follow_up_statuses.py",
    ]
    marked = set()
    for source in sources:
        tree = ast.parse((Path(settings.BASE_DIR) / source).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "gettext_noop"
                and isinstance(node.args[0], ast.Constant)
            ):
                marked.add(node.args[0].value)
    return marked


REFERENCE_TEXTS = [
    ("tcp", "Country", ["name"]),
    ("tcp", "FieldPresence", ["name"]),
    ("tcp", "ThematicArea", ["name", "description"]),
    ("tcp", "FormOfAssistance", ["name", "description"]),
    ("tcp", "BoardComponent", ["name", "description"]),
    ("tcp", "SustainableDevelopmentGoal", ["name", "description"]),
    ("tcp", "Mechanism", ["name", "abbreviation"]),
    ("tcp", "PartnerOrganisation", ["name"]),
    ("tcp", "FundingSource", ["name"]),
    ("tcp", "ScreeningCriterion", ["name", "guidance"]),
    ("evaluations", "EvaluationCriterion", ["name", "question"]),
    ("evaluations", "RatingScale", ["name", "description"]),
    ("evaluations", "RatingLevel", ["label", "description"]),
]


@pytest.mark.parametrize(("app", "model", "fields"), REFERENCE_TEXTS, ids=lambda v: str(v))
def test_every_loaded_reference_text_is_marked_for_the_catalogues(db, app, model, fields) -> None:
    marked = _marked_texts()
    rows = apps.get_model(app, model).objects.values_list(*fields)
    loaded = {text for row in rows for text in row if text}
    assert loaded, f"no {model} loaded"
    assert loaded - marked == set()

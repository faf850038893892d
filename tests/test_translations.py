"""The six catalogues are complete, compiled and safe to format.

A string missing from any catalogue (new, changed, or left fuzzy by
``makemessages``) fails here, in the language it is missing from. CI also
fails when the catalogues no longer match the source (``scripts/catalogues.py
check``, run by ``make test``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale

from tests.tcp.test_translated_reference import REFERENCE_TEXTS

ROOT = Path(settings.BASE_DIR)
CODES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# The plural forms each language needs (Django's own catalogues agree).
NPLURALS = {"en": 2, "fr": 3, "es": 3, "ar": 6, "zh-hans": 1, "ru": 4}


def _po(code: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"))


def _missing(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_the_catalogues_are_the_six_un_languages():
    assert set(CODES) == set(NPLURALS)
    assert settings.LOCALE_PATHS == [ROOT / "locale"]


@pytest.mark.parametrize("code", CODES)
def test_every_string_is_translated(code):
    po = _po(code)
    assert len(po) > 1000, "the catalogue lost most of its strings"
    missing = [e.msgid for e in po if not e.obsolete and _missing(e)]
    assert not missing, f"{len(missing)} strings untranslated in {code}, first: {missing[:10]}"
    assert not po.obsolete_entries()


@pytest.mark.parametrize("code", CODES)
def test_the_header_names_the_language_and_its_plural_forms(code):
    po = _po(code)
    assert po.metadata["Language"] == to_locale(code)
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    assert nplurals == NPLURALS[code]
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == nplurals, entry.msgid


@pytest.mark.parametrize("code", CODES)
def test_translations_keep_the_placeholders_and_tags(code):
    wrong = []
    for entry in _po(code):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        tags = sorted(TAG.findall(entry.msgid))
        if entry.msgid_plural:
            allowed = set(wanted) | set(PLACEHOLDER.findall(entry.msgid_plural))
            # A plural form may spell its number out ("one", "two"), nothing more.
            wrong += [
                (entry.msgid, text)
                for text in _translations(entry)
                if not set(PLACEHOLDER.findall(text)) <= allowed
            ]
        else:
            if sorted(PLACEHOLDER.findall(entry.msgstr)) != wanted:
                wrong.append((entry.msgid, entry.msgstr))
            if sorted(TAG.findall(entry.msgstr)) != tags:
                wrong.append((entry.msgid, entry.msgstr))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("code", CODES)
def test_the_compiled_catalogue_is_the_current_one(code):
    po = _po(code)
    mo = polib.mofile(str(ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.mo"))

    def pairs(catalogue) -> dict:
        return {
            (e.msgctxt, e.msgid): tuple(_translations(e))
            for e in catalogue
            if e.msgid and not _missing(e)
        }

    assert pairs(mo) == pairs(po), "run `make messages` to compile the catalogues"


@pytest.mark.parametrize("code", CODES)
def test_gnu_msgfmt_accepts_the_catalogue(code, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext is missing: scripts/system-deps installs it"
    path = ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("code", [c for c in CODES if c != settings.LANGUAGE_CODE])
def test_reference_data_is_in_every_catalogue(code):
    """Countries, thematic areas, forms of assistance, criteria… as loaded."""
    translated = {
        e.msgid for e in _po(code) if not e.msgid_plural and e.msgstr and "fuzzy" not in e.flags
    }
    loaded = {
        (model, text)
        for app, model, fields in REFERENCE_TEXTS
        for row in apps.get_model(app, model).objects.values_list(*fields)
        for text in row
        if text
    }
    assert len(loaded) > 400
    missing = sorted(item for item in loaded if item[1] not in translated)
    assert not missing, f"{len(missing)} reference texts untranslated in {code}: {missing[:10]}"


# Names under which the code imports gettext's functions: makemessages
# extracts only these (tcp/management/commands/makemessages.py adds ``_l``).
EXTRACTED_ALIASES = {"_", "_l"}
GETTEXT_IMPORT = re.compile(r"from django\.utils\.translation import ([^\n(]+|\([^)]*\))")


def test_every_gettext_alias_is_one_makemessages_extracts():
    unknown = []
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {".venv", "tests", "bench", "node_modules"}:
            continue
        for names in GETTEXT_IMPORT.findall(path.read_text(encoding="utf-8")):
            for name in names.strip("()").split(","):
                if " as " in name:
                    alias = name.split(" as ")[1].strip()
                    if alias not in EXTRACTED_ALIASES:
                        unknown.append(f"{path.relative_to(ROOT)}: {name.strip()}")
    assert not unknown


@pytest.mark.django_db
@pytest.mark.parametrize("code", CODES)
def test_a_page_reads_in_its_language(code, desk_officer):
    client = Client()
    desk_officer.language = code
    desk_officer.save(update_fields=["language"])
    client.force_login(desk_officer)
    page = client.get(reverse("dashboard")).content.decode()
    with translation.override(code):
        expected = [translation.gettext(s) for s in ("Dashboard", "Requests", "Log out")]
    for text in expected:
        assert text in page
    if code != settings.LANGUAGE_CODE:
        assert "Log out" not in page

#!/usr/bin/env python3
"""The translation catalogues under ``locale/``: bring them up to date, or check them.

    python scripts/catalogues.py update   # after changing strings: extract, merge, compile
    python scripts/catalogues.py check    # CI: fails if `update` would change a catalogue

``update`` runs ``makemessages`` for every language of ``settings.LANGUAGES``
with the project's options, fills the English catalogue from the source
strings, normalises each header and compiles the ``.mo`` files (committed, so
the product runs without GNU gettext). New or changed strings of the other
languages are left empty or fuzzy for translators; the translation test
(tests/test_translations.py) fails until they are filled.

``check`` runs the same extraction and compares the result with the committed
catalogues, ignoring only the creation date, then puts the committed ones back.
"""

from __future__ import annotations

import difflib
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcp.settings")

import django  # noqa: E402

os.chdir(ROOT)
django.setup()

import polib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils.translation import to_locale  # noqa: E402

LOCALE_DIR = ROOT / "locale"
LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES]
# Source that is not the product's interface: tests, benchmarks, the environment.
IGNORE = [".venv", "bench", "tests", "staticfiles", "var", "node_modules", "locale", "scripts"]
HEADER = {
    "Project-Id-Version": "OHCHR Technical Cooperation Programme",
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "OHCHR TCP translators",
    "Language-Team": "OHCHR TCP translators",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}


def po_path(locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def extract(locale_dir: Path) -> None:
    """``makemessages`` for every language, into ``locale_dir``."""
    with override_settings(LOCALE_PATHS=[locale_dir]):
        call_command(
            "makemessages",
            locale=LOCALES,
            domain="django",
            add_location="file",
            no_obsolete=True,
            # Neither GNU gettext nor polib wraps, so the two writers agree.
            no_wrap=True,
            ignore_patterns=IGNORE,
            verbosity=0,
        )


def finish(locale_dir: Path) -> None:
    """Headers named, English filled from the source strings."""
    for locale in LOCALES:
        path = po_path(locale_dir, locale)
        po = polib.pofile(str(path), wrapwidth=0)
        metadata = {**po.metadata, **HEADER, "Language": locale}
        if metadata != po.metadata or po.metadata_is_fuzzy:
            po.metadata = metadata
            po.metadata_is_fuzzy = False
        if locale == settings.LANGUAGE_CODE:
            for entry in po:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                else:
                    entry.msgstr = entry.msgid
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
        po.save()


def _comparable(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith('"POT-Creation-Date:')
    ]


def update() -> None:
    LOCALE_DIR.mkdir(exist_ok=True)
    extract(LOCALE_DIR)
    finish(LOCALE_DIR)
    with override_settings(LOCALE_PATHS=[LOCALE_DIR]):
        call_command("compilemessages", locale=LOCALES, verbosity=0)
    print(f"Catalogues updated: {', '.join(LOCALES)}")


def check() -> int:
    """Extract in place (``makemessages`` writes where the sources' ``locale/`` is),
    compare with what was committed, and put the committed files back."""
    with tempfile.TemporaryDirectory() as tmp:
        committed_dir = Path(tmp) / "locale"
        shutil.copytree(LOCALE_DIR, committed_dir)
        try:
            extract(LOCALE_DIR)
            finish(LOCALE_DIR)
            changed = []
            for locale in LOCALES:
                committed = _comparable(po_path(committed_dir, locale))
                extracted = _comparable(po_path(LOCALE_DIR, locale))
                if committed != extracted:
                    changed.append(locale)
                    diff = difflib.unified_diff(committed, extracted, "committed", "extracted", n=1)
                    print("\n".join(list(diff)[:40]), file=sys.stderr)
        finally:
            shutil.rmtree(LOCALE_DIR)
            shutil.copytree(committed_dir, LOCALE_DIR)
    if changed:
        print(
            "The catalogues are out of date for: "
            + ", ".join(changed)
            + ". Run `make messages`, translate what is new, and commit locale/.",
            file=sys.stderr,
        )
        return 1
    print("Catalogues are up to date.")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)

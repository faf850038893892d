"""Reference data in the reader's language.

Reference names (countries, thematic areas, forms of assistance, criteria…)
are stored in English, the canonical value that search and ordering use;
``tcp/reference_data.py`` and the reference data migrations mark each with
``gettext_noop`` so that ``makemessages`` puts them in the catalogues. They
are translated when shown: by the models' ``__str__`` and ``translated_*``
properties, and by :func:`name` for a value read as plain data
(``values_list("country__name")`` in figures, exports and PDFs). A name an
administrator adds later has no translation and shows as typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext


def name(value: str | None) -> str:
    """A stored reference value in the active language, or as stored."""
    # gettext("") answers the catalogue's header, never an empty string.
    return gettext(value) if value else ""


def sort_key(text: Any) -> str:
    """Alphabetical order good enough for a list of names in any of the six
    languages without ICU: case and accents ignored ("Érythrée" with the E's)."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def alphabetical[T](items: Iterable[T], key: Callable[[T], Any] = str) -> list[T]:
    """``items`` in the alphabetical order of their label in the active language."""
    return sorted(items, key=lambda item: sort_key(key(item)))


class AlphabeticalChoiceIterator(ModelChoiceIterator):
    """The choices of a model field in the order of their translated labels:
    the queryset is read once, as usual, and sorted in Python."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()
        yield from alphabetical((self.choice(obj) for obj in queryset), key=lambda c: c[1])


class AlphabeticalModelChoiceField(forms.ModelChoiceField):
    iterator = AlphabeticalChoiceIterator


class AlphabeticalModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = AlphabeticalChoiceIterator

"""Forms the shell shares: the filter bar of list pages and the history filters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tcp import l10n
from tcp.documents import ALL_KINDS, Visibility, allowed_description
from tcp.translated import AlphabeticalModelChoiceField

# What the file inputs offer to pick; the server still checks the bytes.
ACCEPT = ",".join(sorted({f".{k.extension}" for k in ALL_KINDS} | {".jpeg"}))


def upload_help(max_bytes: int | None = None) -> str:
    return str(
        _("%(types)s; up to %(size)s each.")
        % {
            "types": allowed_description(),
            "size": l10n.filesize(max_bytes or settings.TCP_MAX_UPLOAD_BYTES),
        }
    )


def part_label(part: Any, field: Any) -> str:
    """A field's name in the summary of errors when the form repeats it per part
    ("Component: Training — Title", "Kenya — Score"), where its label alone is ambiguous."""
    return str(_("%(part)s — %(field)s") % {"part": part, "field": field})


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a model's validation errors on the fields the form shows, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class DocumentUploadForm(forms.Form):
    """One file per POST, its kind and who may read it: a failed upload is retried
    alone, nothing else retyped. Every stage's upload uses it."""

    # Empty files and odd names reach the service, which refuses them with its own
    # message (Django's field would say "The submitted file is empty." first).
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    kind = forms.ChoiceField(label=_("Kind of document"))
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        kinds: Sequence[tuple[str, str]],
        initial_kind: str,
        visibility_help: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()
        self.fields["file"].widget.attrs["accept"] = ACCEPT
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = initial_kind
        self.fields["visibility"].help_text = visibility_help


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ListFilterForm(forms.Form):
    """GET parameters of a list page. Invalid values are dropped, not fatal."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Reference or title"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    country = AlphabeticalModelChoiceField(
        label=_("Country"), required=False, queryset=None, empty_label=_("All countries")
    )
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        statuses: Sequence[tuple[str, str]],
        countries: QuerySet | None,
        sorts: Iterable[str],
    ) -> None:
        super().__init__(data)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        if countries is None:
            # Governments work for one State: there is nothing to choose.
            del self.fields["country"]
        else:
            self.fields["country"].queryset = countries
        keys = list(sorts)
        self.fields["sort"].choices = [(k, k) for k in keys] + [(f"-{k}", k) for k in keys]


class NoteForm(forms.Form):
    """The note of a step on its confirmation page: what was typed on the record's
    page, kept, and still editable (required when the step asks for one)."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, label: str, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = capfirst(label)
        self.fields["note"].required = required

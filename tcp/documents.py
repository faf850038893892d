"""Uploaded documents: checked by content, stored under random names.

Every app that accepts files (request letters, assessment reports, ...)
stores them through ``DocumentBase`` and checks them with
``inspect_upload``: the size limit from settings, a non-empty body, a safe
file name, and a type recognised from the bytes themselves, never from the
name or the browser's claim. Files go through Django's storage API (local
disk by default, S3-compatible storage by configuration) under random names
outside any public folder, and are served only by permission-checked views
as attachments. A SHA-256 checksum, recorded at upload, detects a file
changed behind the product's back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
DOCX = FileKind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
)
XLSX = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook"
)
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text")
JPEG = FileKind("jpg", "image/jpeg", "JPEG image")
PNG = FileKind("png", "image/png", "PNG image")
CSV = FileKind("csv", "text/csv", "CSV table")
ALL_KINDS = (PDF, DOCX, XLSX, ODT, JPEG, PNG, CSV)


def allowed_description(kinds: tuple[FileKind, ...] = ALL_KINDS) -> str:
    return ", ".join(k.label for k in kinds)


def sniff(head: bytes, file: UploadedFile) -> FileKind | None:
    """The kind of file the bytes say this is, among the allowed kinds, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    return CSV if _is_csv(file) else None


def _office_kind(file: UploadedFile) -> FileKind | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
            if mimetype == ODT.content_type.encode():
                return ODT
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def _is_csv(file: UploadedFile, sample_size: int = 64 * 1024) -> bool:
    file.seek(0)
    sample = file.read(sample_size)
    cut = len(sample) == sample_size and file.read(1) != b""
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A cut in the middle of a multi-byte character at the sample's end is fine.
        try:
            text = sample[:-3].decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
    # Markup (HTML, SVG, XML) is never a table, even when it has commas.
    if not text.strip() or text.lstrip().startswith("<"):
        return False
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        return False
    try:
        # Records, not lines: a quoted text may run over several lines.
        records = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    except csv.Error:
        return False
    if cut and len(records) > 1:
        records = records[:-1]  # the sample ends inside the last record
    widths = {len(row) for row in records[:50]}
    # A table: at least two columns, and the same number of them on each record.
    return len(widths) == 1 and widths.pop() >= 2


def clean_file_name(name: str) -> str:
    """The name to show and offer on download; refuses what cannot be a plain name."""
    if not name or name != name.strip():
        raise ValidationError(_("The file needs a name without leading or trailing spaces."))
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise ValidationError(_("The file name may not contain “/” or “\\”."))
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise ValidationError(_("The file name contains control characters."))
    if len(name) > 200:
        raise ValidationError(_("The file name is longer than 200 characters."))
    return unicodedata.normalize("NFC", name)


@dataclass(frozen=True)
class InspectedUpload:
    kind: FileKind
    name: str
    size: int
    sha256: str


def inspect_upload(
    file: UploadedFile, *, name: str | None = None, kinds: tuple[FileKind, ...] = ALL_KINDS
) -> InspectedUpload:
    """Check an upload; raises ValidationError with a message a person can act on.

    The name checked is the one the browser sent (``raw_name``, kept by
    tcp.uploads: Django strips path separators and control characters from
    ``file.name`` silently; the product refuses such names out loud instead).
    """
    if name is None:
        name = getattr(file, "raw_name", file.name)
    name = clean_file_name(name)
    limit = settings.TCP_MAX_UPLOAD_BYTES
    if file.size is None or file.size == 0:
        raise ValidationError(_("The file “%s” is empty.") % name)
    if file.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    head = file.read(16)
    kind = sniff(head, file)
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("“%(name)s” is not one of the accepted types (%(types)s), whatever its name says.")
            % {"name": name, "types": allowed_description(kinds)}
        )
    return InspectedUpload(kind=kind, name=name, size=file.size, sha256=checksum(file))


def checksum(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def random_path(instance: models.Model, filename: str) -> str:
    """A random storage name: nothing of the user's file name reaches the disk."""
    label = instance._meta.label_lower.replace(".", "/")
    return f"documents/{label}/{uuid.uuid4().hex}"


class Visibility(models.TextChoices):
    INTERNAL = "internal", gettext_lazy("Internal (OHCHR only)")
    SHARED = "shared", gettext_lazy("Shared with the government")


class DocumentBase(models.Model):
    """Fields every stored document has; apps add the record it belongs to."""

    file = models.FileField(upload_to=random_path, max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    def is_intact(self) -> bool:
        """Whether the stored bytes still match the checksum taken at upload."""
        with self.file.open("rb") as stored:
            return checksum(stored) == self.sha256


def store_upload(
    *,
    model: type[DocumentBase],
    file: UploadedFile,
    by: Any,
    siblings: models.QuerySet,
    kinds: tuple[FileKind, ...] = ALL_KINDS,
    **fields: Any,
) -> DocumentBase:
    """Check, store and record an upload; nothing of a refused one survives.

    ``siblings`` are the documents of the same record: a file already among
    them (same checksum) is refused as a duplicate. Raises TransitionRefused
    with the reason a person can act on.
    """
    from tcp.history import acting_as
    from tcp.lifecycle import TransitionRefused

    try:
        inspected = inspect_upload(file, kinds=kinds)
    except ValidationError as exc:
        raise TransitionRefused(" ".join(exc.messages)) from None
    duplicate = _("“%s” is already attached here.") % inspected.name
    if siblings.filter(sha256=inspected.sha256).exists():
        raise TransitionRefused(duplicate)
    document = model(
        original_name=inspected.name,
        content_type=inspected.kind.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by,
        **fields,
    )
    try:
        with transaction.atomic(), acting_as(by):
            document.file.save(inspected.name, file, save=False)
            document.full_clean()
            document.save()
    except BaseException as exc:
        # No partial write survives: the stored bytes go with the failed row.
        if document.file.name:
            document.file.delete(save=False)
        if isinstance(exc, IntegrityError):
            # Two uploads of the same file raced past the check above.
            raise TransitionRefused(duplicate) from None
        raise
    return document


def delete_document(document: DocumentBase, *, by: Any) -> None:
    """Delete the row now and the stored bytes once the deletion is committed."""
    from tcp.history import acting_as

    stored, storage = document.file.name, document.file.storage
    with transaction.atomic(), acting_as(by):
        document.delete()
        transaction.on_commit(lambda: storage.delete(stored))

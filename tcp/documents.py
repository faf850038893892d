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

Two kinds of files pass the type check yet still harm whoever opens them,
and are dealt with here too: Office archives that expand to far more than
they weigh (zip bombs; see ``check_archive``), and CSV tables whose cells a
spreadsheet would run as formulas (neutralised on storage; see
``neutralise_csv``).
"""

from __future__ import annotations

import codecs
import copy
import csv
import hashlib
import io
import re
import sys
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tcp import l10n


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str  # shown to people: lazy, translated when read


PDF = FileKind("pdf", "application/pdf", "PDF")
DOCX = FileKind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    gettext_lazy("Word document"),
)
XLSX = FileKind(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    gettext_lazy("Excel workbook"),
)
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", gettext_lazy("OpenDocument text"))
JPEG = FileKind("jpg", "image/jpeg", gettext_lazy("JPEG image"))
PNG = FileKind("png", "image/png", gettext_lazy("PNG image"))
CSV = FileKind("csv", "text/csv", gettext_lazy("CSV table"))
ALL_KINDS = (PDF, DOCX, XLSX, ODT, JPEG, PNG, CSV)
OFFICE_KINDS = (DOCX, XLSX, ODT)  # zip archives underneath

# An Office file is refused when it holds more entries than this, ...
MAX_ARCHIVE_ENTRIES = 10_000
# ... or when one entry expands more than this many times its compressed size,
MAX_COMPRESSION_RATIO = 100
# ... counted only for entries that expand to more than this (small parts may be tiny).
RATIO_CHECKED_ABOVE = 1024 * 1024
# The compressions Office programs write; others (bzip2, LZMA) expand without bound per read.
OFFICE_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_CHUNK = 64 * 1024


def max_unpacked_bytes() -> int:
    """How much an Office file may expand to when opened, all its entries together."""
    return getattr(settings, "TCP_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)


def allowed_description(kinds: tuple[FileKind, ...] = ALL_KINDS) -> str:
    return l10n.join((k.label for k in kinds), "or")


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
            mimetype = b""
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                # A few bytes at most: the entry's declared size may lie.
                if not info.flag_bits & 0x1 and info.compress_type in OFFICE_COMPRESSIONS:
                    mimetype = _read_entry(archive, info, at_most=100).strip()
            if mimetype == ODT.content_type.encode():
                return ODT
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except _DAMAGED_ARCHIVE:
        return None
    return None


# What reading a damaged or deceptive archive may raise.
_DAMAGED_ARCHIVE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, at_most: int) -> bytes:
    """The entry's bytes, but no more than ``at_most + 1``, whatever its header says its size is."""
    data = bytearray()
    with _open_unbounded(archive, info) as entry:
        while len(data) <= at_most and (chunk := entry.read(min(_CHUNK, at_most + 1))):
            data += chunk
    return bytes(data[: at_most + 1])


def _unpacked_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, stop_after: int) -> int:
    """The bytes the entry really expands to, counted; stops as soon as past ``stop_after``."""
    count = 0
    with _open_unbounded(archive, info) as entry:
        while chunk := entry.read(_CHUNK):
            count += len(chunk)
            if count > stop_after:
                break
    return count


def _open_unbounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> zipfile.ZipExtFile:
    """The entry, to be read to its real end: the callers above stop reading themselves.

    zipfile cuts an entry at the size its header declares; the header is the
    sender's word, so the reader is told no size and what comes out is
    counted instead. Each read returns at most the bytes asked for, and an
    entry read to its end still has its CRC checked.
    """
    probe = copy.copy(info)
    probe.file_size = sys.maxsize
    return archive.open(probe)


def check_archive(file: UploadedFile, *, name: str) -> None:
    """Refuse an Office file that would overload whoever opens it, or hides its content.

    Refused: more than ``MAX_ARCHIVE_ENTRIES`` entries; more than
    ``max_unpacked_bytes()`` expanded in all; an entry larger than
    ``RATIO_CHECKED_ABOVE`` expanded that expands more than
    ``MAX_COMPRESSION_RATIO`` times; a password; a compression Office
    programs do not write; entries whose content does not match the
    archive's table of contents. The declared sizes are checked first (fast
    refusal), then every entry is decompressed, counting what really comes
    out, with a reader that stops past the limits.
    """
    limit = max_unpacked_bytes()
    too_big = _(
        "“%(name)s” expands to more than %(limit)s when opened, which could overload the "
        "computer that opens it. If it is a genuine document, save it as PDF or split it into "
        "smaller files, and upload those."
    ) % {"name": name, "limit": l10n.filesize(limit)}
    absurd = _(
        "“%(name)s” contains a part that expands more than %(ratio)s times its size when "
        "opened, the mark of a file built to overload the computer that opens it. If it is a "
        "genuine document, save it as PDF and upload that instead."
    ) % {"name": name, "ratio": l10n.number(MAX_COMPRESSION_RATIO)}
    damaged = _(
        "“%(name)s” is damaged or was not saved by an office program: its contents do not "
        "match its table of contents. Open it, save it again, and upload the new copy."
    ) % {"name": name}
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise ValidationError(
                    _(
                        "“%(name)s” is made of more than %(count)s parts, far more than a "
                        "genuine document. Save it as PDF, or split it, and upload that instead."
                    )
                    % {
                        "name": name,
                        "count": l10n.number(MAX_ARCHIVE_ENTRIES),
                    }
                )
            if any(info.flag_bits & 0x1 for info in entries):
                raise ValidationError(_protected(name))
            if any(info.compress_type not in OFFICE_COMPRESSIONS for info in entries):
                raise ValidationError(damaged)
            if sum(info.file_size for info in entries) > limit:
                raise ValidationError(too_big)
            if any(_is_absurd(info.file_size, info.compress_size) for info in entries):
                raise ValidationError(absurd)
            total = 0
            for info in entries:
                remaining = limit - total
                allowed = max(RATIO_CHECKED_ABOVE, MAX_COMPRESSION_RATIO * info.compress_size)
                size = _unpacked_size(archive, info, stop_after=min(remaining, allowed))
                if size > remaining:
                    raise ValidationError(too_big)
                if _is_absurd(size, info.compress_size):
                    raise ValidationError(absurd)
                if size != info.file_size:
                    raise ValidationError(damaged)
                total += size
            if _odf_is_encrypted(archive):
                raise ValidationError(_protected(name))
    except _DAMAGED_ARCHIVE:
        raise ValidationError(damaged) from None
    finally:
        file.seek(0)


def _is_absurd(expanded: int, compressed: int) -> bool:
    return expanded > RATIO_CHECKED_ABOVE and expanded > MAX_COMPRESSION_RATIO * compressed


def _odf_is_encrypted(archive: zipfile.ZipFile) -> bool:
    """OpenDocument encrypts the parts themselves and says so in its manifest."""
    try:
        info = archive.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    # Its size was verified just before; a manifest is a few kilobytes.
    return b"encryption-data" in _read_entry(archive, info, at_most=RATIO_CHECKED_ABOVE)


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_protected_ooxml(file: UploadedFile) -> bool:
    """A Word or Excel file saved with a password: an OLE container holding EncryptedPackage."""
    marker = "EncryptedPackage".encode("utf-16-le")
    file.seek(0)
    tail = b""
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        if marker in tail + chunk:
            return True
        tail = chunk[-len(marker) :]
    return False


def _protected(name: str) -> str:
    return _(
        "“%(name)s” is protected by a password, so its content cannot be checked. Remove the "
        "password in the program that made it, save it, and upload it again."
    ) % {"name": name}


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


# A spreadsheet runs a cell that begins with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ... except a plain number: "-12", "+3.5", "-1,000.50", "-1 000,5", "-2.5e3", "-12%".
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,\u00a0\u202f ]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?%?\Z")
CSV_DELIMITERS = ",;\t|"
# A formula character at the start of the text, or after a delimiter, a line end or a quote.
_FORMULA_CANDIDATE = re.compile(r'(?:\A|[,;\t|"\r\n])[=+\-@\t\r]')


def _csv_delimiter(sample: str) -> str:
    """The delimiter csv.Sniffer finds, when it splits the sample into a table; else a comma."""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","
    if delimiter == ",":
        return delimiter
    try:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(r)]
    except csv.Error:
        return ","
    widths = {len(row) for row in rows[:50]}
    return delimiter if len(widths) == 1 and widths.pop() >= 2 else ","


def _csv_field(delimiter: str) -> re.Pattern[str]:
    """One field as csv.reader and spreadsheets read it: quoted (``""`` inside), or plain.

    Text after a closing quote belongs to the field, as csv.reader has it.
    """
    d = re.escape(delimiter)
    return re.compile(
        rf'"(?P<quoted>[^"]*(?:""[^"]*)*)"?(?P<after>[^{d}\r\n]*)|(?P<plain>[^{d}\r\n]*)'
    )


def _formula_cells(text: str, delimiter: str) -> list[int]:
    """Where to insert ``'`` (offsets in ``text``) so that no cell is read as a formula."""
    field = _csv_field(delimiter)
    insert_at: list[int] = []
    pos, end = 0, len(text)
    while pos < end:
        match = field.match(text, pos)
        if match["quoted"] is not None:
            value = match["quoted"].replace('""', '"') + match["after"]
            start = match.start() + 1  # inside the quotes: the value is what is prefixed
        else:
            value, start = match["plain"], match.start()
        if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
            insert_at.append(start)
        pos = match.end()
        if pos < end and text[pos] == delimiter:
            pos += 1
            if pos == end:  # a last, empty field
                break
        elif text.startswith("\r\n", pos):
            pos += 2
        else:
            pos += 1  # "\r" or "\n" ends the record
    return insert_at


def neutralise_csv(data: bytes) -> tuple[bytes, int]:
    """The CSV with each cell a spreadsheet would run as a formula prefixed with ``'``.

    Returns the bytes to store and the number of cells prefixed; when that is
    0 the bytes are ``data`` itself. Only the prefixes are added: delimiter
    (csv.Sniffer's, or a comma), quoting, line ends, UTF-8 and its BOM, and
    any byte that is not UTF-8 stay as they were. Plain numbers ("-12",
    "+3.5", "-1,000.50") are numbers, not formulas, and stay as they are.
    """
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = data[len(bom) :].decode("utf-8", "surrogateescape")
    # Fast path: no formula character where a field's value may begin.
    if not _FORMULA_CANDIDATE.search(text):
        return data, 0
    insert_at = _formula_cells(text, _csv_delimiter(text[: 64 * 1024]))
    if not insert_at:
        return data, 0
    bounds = [0, *insert_at, len(text)]
    parts = [text[a:b] for a, b in pairwise(bounds)]
    return bom + "'".join(parts).encode("utf-8", "surrogateescape"), len(insert_at)


def neutralised_notice(document: Any) -> str | None:
    """What to tell the person who uploaded ``document``, if its cells were prefixed."""
    count = getattr(document, "neutralised_cells", 0)
    if not count:
        return None
    return ngettext(
        "%(count)d cell that began with =, +, -, @ or a tab was prefixed with ' so that a "
        "spreadsheet shows it as text.",
        "%(count)d cells that began with =, +, -, @ or a tab were prefixed with ' so that a "
        "spreadsheet shows them as text.",
        count,
    ) % {"count": count}


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
            % {"name": name, "size": l10n.filesize(file.size), "limit": l10n.filesize(limit)}
        )
    file.seek(0)
    head = file.read(16)
    kind = sniff(head, file)
    if kind is None or kind not in kinds:
        if (
            head.startswith(_CFB_MAGIC)
            and (DOCX in kinds or XLSX in kinds)
            and _is_protected_ooxml(file)
        ):
            raise ValidationError(_protected(name))
        raise ValidationError(
            _("“%(name)s” is not one of the accepted types (%(types)s), whatever its name says.")
            % {"name": name, "types": allowed_description(kinds)}
        )
    if kind in OFFICE_KINDS:
        check_archive(file, name=name)
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

    file = models.FileField(gettext_lazy("file"), upload_to=random_path, max_length=255)
    original_name = models.CharField(gettext_lazy("original name"), max_length=200)
    content_type = models.CharField(gettext_lazy("content type"), max_length=100)
    size = models.PositiveBigIntegerField(gettext_lazy("size"))
    sha256 = models.CharField(gettext_lazy("sha256"), max_length=64)
    visibility = models.CharField(
        gettext_lazy("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    # Not a field: set by store_upload on the document it returns, for the uploader's notice.
    neutralised_cells: int = 0

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
    them (same checksum of the bytes as stored) is refused as a duplicate.
    Raises TransitionRefused with the reason a person can act on.

    A CSV table is stored with its formula cells neutralised (see
    ``neutralise_csv``); its size and checksum are those of the bytes
    stored. The returned document's ``neutralised_cells`` says how many
    cells were prefixed (0 for an unchanged file), and
    ``neutralised_notice(document)`` the sentence to show the uploader.
    """
    from tcp.history import acting_as
    from tcp.lifecycle import TransitionRefused

    try:
        inspected = inspect_upload(file, kinds=kinds)
    except ValidationError as exc:
        raise TransitionRefused(" ".join(exc.messages)) from None
    content, size, sha256, neutralised = file, inspected.size, inspected.sha256, 0
    if inspected.kind == CSV:
        file.seek(0)
        stored, neutralised = neutralise_csv(file.read())
        file.seek(0)
        if neutralised:
            content = ContentFile(stored, name=inspected.name)
            size, sha256 = len(stored), hashlib.sha256(stored).hexdigest()
    duplicate = _("“%s” is already attached here.") % inspected.name
    if siblings.filter(sha256=sha256).exists():
        raise TransitionRefused(duplicate)
    document = model(
        original_name=inspected.name,
        content_type=inspected.kind.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=by,
        **fields,
    )
    try:
        with transaction.atomic(), acting_as(by):
            document.file.save(inspected.name, content, save=False)
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
    document.neutralised_cells = neutralised
    return document


def delete_document(document: DocumentBase, *, by: Any) -> None:
    """Delete the row now and the stored bytes once the deletion is committed."""
    from tcp.history import acting_as

    stored, storage = document.file.name, document.file.storage
    with transaction.atomic(), acting_as(by):
        document.delete()
        transaction.on_commit(lambda: storage.delete(stored))

"""Upload checks: type by content, size, emptiness, names, zip bombs, CSV formulas."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from requests_app.models import RequestDocument
from tcp.documents import (
    ALL_KINDS,
    CSV,
    PDF,
    inspect_upload,
    neutralise_csv,
    neutralised_notice,
    store_upload,
)
from tcp.lifecycle import TransitionRefused
from tests.factories import AssistanceRequestFactory
from tests.files import (
    CSV_BYTES,
    ELF_BYTES,
    GOOD,
    HTML_BYTES,
    PDF_BYTES,
    PLAIN_ZIP_BYTES,
    upload,
)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_each_accepted_type_is_recognised_by_its_content(name):
    inspected = inspect_upload(upload(name, GOOD[name]))
    assert inspected.kind.extension == name.rsplit(".", 1)[1]
    assert inspected.kind in ALL_KINDS
    assert len(inspected.sha256) == 64


def test_a_pdf_is_a_pdf_whatever_its_name():
    assert inspect_upload(upload("scan.bin", PDF_BYTES)).kind == PDF


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", ELF_BYTES),  # a renamed executable
        ("report.pdf", HTML_BYTES),  # HTML named .pdf
        ("archive.docx", PLAIN_ZIP_BYTES),  # a zip that is no office document
        ("page.csv", HTML_BYTES),  # markup is not a table
        ("one-column.csv", b"just\none\ncolumn\n"),
        ("binary.csv", b"a,b\n\x00\x01,\x02\n"),
    ],
)
def test_content_that_is_not_an_accepted_type_is_refused(name, data):
    with pytest.raises(ValidationError, match="not one of the accepted types"):
        inspect_upload(upload(name, data, content_type="application/pdf"))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="is empty"):
        inspect_upload(upload("empty.pdf", b""))


def test_an_oversized_file_is_refused_with_the_limit(settings):
    settings.TCP_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload("big.pdf", PDF_BYTES + b"0" * 2048))
    assert "is 2.1\xa0kB; the limit is 1\xa0kB." in refused.value.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "dir/report.pdf",
        "dir\\report.pdf",
        "bad\x00name.pdf",
        "tab\tname.pdf",
        "bidi\u202egnp.pdf",
        " leading.pdf",
        "..",
    ],
)
def test_names_with_path_separators_or_control_characters_are_refused(name):
    with pytest.raises(ValidationError):
        inspect_upload(upload("report.pdf", PDF_BYTES), name=name)


def test_the_kinds_an_upload_may_have_can_be_narrowed():
    with pytest.raises(ValidationError, match="PDF"):
        inspect_upload(upload("table.csv", CSV_BYTES), kinds=(PDF,))
    assert inspect_upload(upload("table.csv", CSV_BYTES), kinds=(CSV,)).kind == CSV


def test_the_name_the_browser_sent_is_checked_not_djangos_cleaned_one(rf):
    from django.test.client import BOUNDARY, encode_multipart

    from tcp.uploads import RawNameKeepingParser

    file = upload("report.pdf", PDF_BYTES)
    file.name = "report.pdf"
    body = encode_multipart(BOUNDARY, {"document": file})
    body = body.replace(b'filename="report.pdf"', b'filename="../../etc/passwd.pdf"')
    # An equal, not identical, content type: the factory then sends the bytes as they are.
    request = rf.post("/", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    request.multipart_parser_class = RawNameKeepingParser

    received = request.FILES["document"]
    assert received.name == "passwd.pdf"  # what Django alone would have stored
    with pytest.raises(ValidationError, match="may not contain"):
        inspect_upload(received)


# --- archives that expand too far, or hide their content ---

MiB = 1024 * 1024
OFFICE_PARTS = {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>"}


def office_zip(
    entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED, zeros: dict | None = None
) -> bytes:
    """An Office-shaped archive; ``zeros`` entries are streamed runs of zero bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, size in (zeros or {}).items():
            with archive.open(name, "w") as entry:
                block = bytes(MiB)
                for _ in range(size // MiB):
                    entry.write(block)
                entry.write(bytes(size % MiB))
    return buffer.getvalue()


def lie_in_headers(data: bytes, name: str, *, size: int | None = None, flags: int = 0) -> bytes:
    """The archive with ``name``'s declared size changed, or flag bits set, in both headers."""
    out = bytearray(data)
    for signature, flag_at, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 6, 22, 26, 30),  # local file header
        (b"PK\x01\x02", 8, 24, 28, 46),  # central directory entry
    ):
        start = out.find(signature)
        while start != -1:
            length = struct.unpack_from("<H", out, start + name_length_at)[0]
            if out[start + name_at : start + name_at + length] == name.encode():
                if size is not None:
                    struct.pack_into("<I", out, start + size_at, size)
                old = struct.unpack_from("<H", out, start + flag_at)[0]
                struct.pack_into("<H", out, start + flag_at, old | flags)
            start = out.find(signature, start + 4)
    return bytes(out)


def refusal(file, **kwargs) -> str:
    """The message inspect_upload refuses ``file`` with."""
    with pytest.raises(ValidationError) as refused:
        inspect_upload(file, **kwargs)
    return " ".join(refused.value.messages)


def stored_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


@pytest.fixture
def draft(focal_point_kenya, kenya):
    return AssistanceRequestFactory(country=kenya, created_by=focal_point_kenya, complete=False)


def store(draft, user, name: str, data: bytes):
    return store_upload(
        model=RequestDocument,
        file=upload(name, data),
        by=user,
        siblings=draft.documents.all(),
        request=draft,
    )


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_with_the_limit_and_nothing_is_stored(draft, focal_point_kenya):
    bomb = office_zip(OFFICE_PARTS, zeros={"word/document.xml": 150 * MiB})
    assert len(bomb) < MiB  # it weighs little; it is opening it that hurts
    before = stored_files()
    with pytest.raises(TransitionRefused, match=r"expands to more than 100\sMB when opened"):
        store(draft, focal_point_kenya, "minutes.docx", bomb)
    assert not RequestDocument.objects.exists()
    assert stored_files() == before


def test_the_unpacked_limit_is_a_setting(settings):
    settings.TCP_MAX_UNPACKED_BYTES = 2 * MiB
    # Many parts, each modest: the sum counts.
    text = b"".join(b"<w:t>%d</w:t>" % i for i in range(100_000))
    data = office_zip({**OFFICE_PARTS, "word/a.xml": text, "word/b.xml": text})
    assert "expands to more than 2\xa0MB when opened" in refusal(upload("minutes.docx", data))


def test_a_part_that_expands_absurdly_is_refused():
    data = office_zip(OFFICE_PARTS, zeros={"xl/worksheets/sheet1.xml": 5 * MiB})
    with pytest.raises(ValidationError, match="expands more than 100 times"):
        inspect_upload(upload("budget.xlsx", data))


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (
            512 * 1024,
            "expands to more than 512\xa0kB when opened",
        ),  # the total, counted while reading
        (None, "expands more than 100 times"),  # the ratio, from the bytes that came out
    ],
)
def test_sizes_the_headers_understate_are_measured_from_the_content(settings, limit, message):
    if limit is not None:
        settings.TCP_MAX_UNPACKED_BYTES = limit
    honest = office_zip(OFFICE_PARTS, zeros={"word/document.xml": 3 * MiB})
    liar = lie_in_headers(honest, "word/document.xml", size=1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1000
    assert message in refusal(upload("minutes.docx", liar))


def test_contents_that_do_not_match_the_table_of_contents_are_refused():
    text = b"<w:p>" + bytes(range(256)) * 20 + b"</w:p>"
    data = office_zip({**OFFICE_PARTS, "word/document.xml": text})
    liar = lie_in_headers(data, "word/document.xml", size=len(text) - 100)
    with pytest.raises(ValidationError, match="is damaged"):
        inspect_upload(upload("minutes.docx", liar))


def test_an_archive_of_too_many_parts_is_refused():
    parts = {f"word/media/p{i}.xml": b"<p/>" for i in range(10_001)}
    data = office_zip({**OFFICE_PARTS, **parts}, compression=zipfile.ZIP_STORED)
    with pytest.raises(ValidationError, match=r"more than 10,000 parts"):
        inspect_upload(upload("minutes.docx", data))


def test_a_compression_office_programs_do_not_write_is_refused():
    data = office_zip(
        {**OFFICE_PARTS, "word/document.xml": b"<w:document/>"}, compression=zipfile.ZIP_BZIP2
    )
    with pytest.raises(ValidationError, match="not saved by an office program"):
        inspect_upload(upload("minutes.docx", data))


ENCRYPTED_OOXML = (  # what Word and Excel write with a password: an OLE container
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + bytes(504)
    + "EncryptionInfo".encode("utf-16-le")
    + bytes(50)
    + "EncryptedPackage".encode("utf-16-le")
    + bytes(1000)
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("minutes.docx", ENCRYPTED_OOXML),
        (
            "minutes.docx",
            lie_in_headers(
                office_zip({**OFFICE_PARTS, "word/document.xml": b"x"}),
                "word/document.xml",
                flags=0x1,
            ),
        ),
        (
            "findings.odt",
            office_zip(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.text",
                    "content.xml": b"\x8a\x13 ciphertext",
                    "META-INF/manifest.xml": (
                        b'<manifest:file-entry manifest:full-path="content.xml">'
                        b'<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
                        b"</manifest:file-entry>"
                    ),
                }
            ),
        ),
    ],
)
def test_a_password_protected_office_file_is_refused(name, data):
    with pytest.raises(ValidationError, match="is protected by a password"):
        inspect_upload(upload(name, data))


def test_a_password_protected_file_where_office_files_are_not_accepted_is_just_refused():
    with pytest.raises(ValidationError, match="not one of the accepted types"):
        inspect_upload(upload("minutes.docx", ENCRYPTED_OOXML), kinds=(PDF, CSV))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "part"),
    [("minutes.docx", "word/document.xml"), ("budget.xlsx", "xl/worksheets/sheet1.xml")],
)
def test_a_genuine_office_file_of_a_few_megabytes_is_stored(draft, focal_point_kenya, name, part):
    words = [b"mandate", b"workshop", b"Nairobi", b"participants", b"treaty", b"report"]
    body = b" ".join(words[(i * i + 7 * i) % len(words)] + b"%d" % i for i in range(300_000))
    picture = bytes(random.Random(1).randbytes(200_000))  # a photo does not compress
    data = office_zip({**OFFICE_PARTS, part: body, "docProps/thumbnail.jpeg": picture})
    assert len(body) > 3 * MiB

    document = store(draft, focal_point_kenya, name, data)

    assert document.content_type == inspect_upload(upload(name, data)).kind.content_type
    assert document.size == len(data)
    assert document.is_intact()
    assert document.neutralised_cells == 0


# --- CSV cells a spreadsheet would run as formulas ---

FORMULA_CSV = (
    b"name,amount,link,note\n"
    b'Nairobi,-12,"=HYPERLINK(""http://evil.example"",""Click"")",fine\n'
    b"Mombasa,+3.5,+cmd|' /C calc'!A0,\"-1,000.50\"\n"
    b"Kisumu,-1.5e3,@SUM(A1),12%\n"
)
NEUTRALISED_CSV = (
    b"name,amount,link,note\n"
    b'Nairobi,-12,"\'=HYPERLINK(""http://evil.example"",""Click"")",fine\n'
    b"Mombasa,+3.5,'+cmd|' /C calc'!A0,\"-1,000.50\"\n"
    b"Kisumu,-1.5e3,'@SUM(A1),12%\n"
)


@pytest.mark.django_db
def test_formula_cells_of_a_csv_are_prefixed_and_its_numbers_left_alone(draft, focal_point_kenya):
    document = store(draft, focal_point_kenya, "participants.csv", FORMULA_CSV)

    with document.file.open("rb") as stored:
        data = stored.read()
    assert data == NEUTRALISED_CSV
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    document.refresh_from_db()
    assert document.is_intact()
    assert list(csv.reader(io.StringIO(data.decode())))[1:] == [
        ["Nairobi", "-12", '\'=HYPERLINK("http://evil.example","Click")', "fine"],
        ["Mombasa", "+3.5", "'+cmd|' /C calc'!A0", "-1,000.50"],
        ["Kisumu", "-1.5e3", "'@SUM(A1)", "12%"],
    ]


@pytest.mark.django_db
def test_the_uploader_is_told_how_many_cells_were_prefixed(draft, focal_point_kenya):
    document = store(draft, focal_point_kenya, "participants.csv", FORMULA_CSV)
    assert document.neutralised_cells == 3
    assert neutralised_notice(document) == (
        "3 cells that began with =, +, -, @ or a tab were prefixed with ' so that a "
        "spreadsheet shows them as text."
    )


@pytest.mark.django_db
def test_a_clean_csv_is_stored_byte_for_byte(draft, focal_point_kenya):
    data = (
        b"\xef\xbb\xbfdistrict,participants,change\r\n"
        b'"Nairobi, town",24,-3\r\n"Mombasa",17,"+1,5"\r\nKisumu,9,"caf\xc3\xa9 -2 = ok"\r\n'
    )
    document = store(draft, focal_point_kenya, "participants.csv", data)

    with document.file.open("rb") as stored:
        assert stored.read() == data
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.neutralised_cells == 0
    assert neutralised_notice(document) is None


@pytest.mark.django_db
def test_the_duplicate_check_compares_the_bytes_as_stored(draft, focal_point_kenya):
    store(draft, focal_point_kenya, "participants.csv", FORMULA_CSV)
    before = stored_files()
    # The original again, or the neutralised copy downloaded and sent back: the same file.
    for data in (FORMULA_CSV, NEUTRALISED_CSV):
        with pytest.raises(TransitionRefused, match="already attached"):
            store(draft, focal_point_kenya, "again.csv", data)
    assert draft.documents.count() == 1
    assert stored_files() == before


@pytest.mark.parametrize(
    ("data", "expected", "count"),
    [
        # Delimiter, quoting, line ends and BOM stay; only the prefixes are added.
        (
            b'\xef\xbb\xbfa;b\r\n=1+1;-3\r\n-x;"@y"\r\n',
            b"\xef\xbb\xbfa;b\r\n'=1+1;-3\r\n'-x;\"'@y\"\r\n",
            3,
        ),
        (b"a\tb\n=1\t-2\n", b"a\tb\n'=1\t-2\n", 1),
        # Cells that begin with a tab or a carriage return (quoted), or only look like numbers.
        (b'a,b\n"\t=2","\r=3"\n', b'a,b\n"\'\t=2","\'\r=3"\n', 2),
        (b"a,b\n-1+2,--5\n-,+\n", b"a,b\n'-1+2,'--5\n'-,'+\n", 4),
        # Inside a quoted cell, a new line is no new cell.
        (b'a,b\n"multi\n=line",x\n', b'a,b\n"multi\n=line",x\n', 0),
        # Bytes that are not UTF-8 pass through untouched.
        (b"a,b\n\xe9t\xe9,=\xe9\n", b"a,b\n\xe9t\xe9,'=\xe9\n", 1),
    ],
)
def test_neutralising_adds_only_the_prefixes(data, expected, count):
    assert neutralise_csv(data) == (expected, count)


@pytest.mark.parametrize(
    "number", ["-12", "+3.5", '"-1,000.50"', "-1.5e3", "-0.5", "+12%", "-.5", '"-1 000,5"']
)
def test_plain_numbers_are_not_formulas(number):
    data = f"a,b\nx,{number}\n".encode()
    assert neutralise_csv(data) == (data, 0)

"""Upload checks: type by content, size, emptiness, names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tcp.documents import ALL_KINDS, CSV, PDF, inspect_upload
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
    with pytest.raises(ValidationError, match=r"the limit is 1\.0"):
        inspect_upload(upload("big.pdf", PDF_BYTES + b"0" * 2048))


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

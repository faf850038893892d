"""The UHRI CSV import: what a good file writes, what a bad one reports, who may import."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.models import Recommendation
from requests_app.recommendations import (
    EXAMPLE_CSV,
    ImportReport,
    RowError,
    import_recommendations,
)
from tcp.lifecycle import TransitionRefused
from tcp.models import Country, Mechanism, SustainableDevelopmentGoal, ThematicArea
from tests.files import HTML_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
Rec = Recommendation

HEADER = (
    "UHRI ID,Country,Mechanism,Session/Cycle,Date,Document symbol,Text,Themes,"
    "Affected persons,SDGs,Position,Implementation status\n"
)


def _file(name: str):
    return upload(name, (DATA / name).read_bytes(), "text/csv")


def _csv(*rows: str, header: str = HEADER, name: str = "export.csv"):
    return upload(name, (header + "\n".join(rows) + "\n").encode(), "text/csv")


def _row(
    uhri_id: str, *, country: str = "KEN", mechanism: str = "UPR", text: str = "Do it."
) -> str:
    return f"{uhri_id},{country},{mechanism},,,,{text},,,,,"


def _themes(rec: Recommendation) -> set[str]:
    return set(rec.thematic_areas.values_list("code", flat=True))


def _sdgs(rec: Recommendation) -> set[int]:
    return set(rec.sdgs.values_list("number", flat=True))


def _history_m2m(record, name: str, target: str) -> set[int]:
    """The related ids a history record kept (simple-history's m2m snapshot)."""
    model = getattr(type(record), name).model
    return set(model.objects.filter(history=record).values_list(f"{target}_id", flat=True))


# --- a good file ---


def test_good_file_creates_every_row_with_its_fields(desk_officer, kenya):
    report = import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)

    assert report == ImportReport(created=4, updated=0, unchanged=0, errors=[])
    upr = Rec.objects.get(uhri_id="KEN-UPR3-001")
    assert upr.country == kenya
    assert upr.mechanism.code == "upr"
    assert upr.session_or_cycle == "3rd cycle"
    assert upr.date == datetime.date(2020, 3, 19)
    assert upr.document_symbol == "A/HRC/44/9"
    assert upr.text.startswith("Strengthen the Kenya National Commission")
    assert upr.affected_persons == "General public"
    assert upr.upr_position == Rec.UprPosition.SUPPORTED
    assert upr.implementation_status == Rec.Implementation.PARTIALLY_IMPLEMENTED
    assert _themes(upr) == {"national-human-rights-institutions"}
    # "SDG 16" and the target "16.a" are both goal 16.
    assert _sdgs(upr) == {16}


def test_good_file_reads_names_other_date_format_quotes_and_lists(desk_officer):
    import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)

    noted = Rec.objects.get(uhri_id="KEN-UPR3-002")
    assert noted.date == datetime.date(2020, 3, 19)  # 19/03/2020
    assert noted.text == (
        'Ensure that places of detention meet "minimum standards",\nincluding for children.'
    )
    assert noted.upr_position == Rec.UprPosition.NOTED
    assert noted.implementation_status == Rec.Implementation.NOT_ASSESSED
    assert noted.affected_persons == "Persons deprived of liberty; Children"
    assert _themes(noted) == {"administration-of-justice", "human-rights-training"}
    cedaw = Rec.objects.get(uhri_id="KEN-CEDAW-8-014")
    assert cedaw.mechanism.code == "cedaw"
    assert cedaw.upr_position == ""
    assert _themes(cedaw) == {"women-gender-equality"}
    assert _sdgs(cedaw) == {5}
    crc = Rec.objects.get(uhri_id="KEN-CRC-35-020")
    assert crc.mechanism.code == "crc"
    assert crc.date is None
    assert _sdgs(crc) == set()


def test_import_history_names_the_importer_and_keeps_themes_and_sdgs(desk_officer):
    import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)

    rec = Rec.objects.get(uhri_id="KEN-UPR3-001")
    (created,) = rec.history.all()
    assert created.history_type == "+"
    assert created.history_user == desk_officer
    assert created.history_change_reason == "Imported from uhri_good.csv"
    assert created.text == rec.text
    nhri = ThematicArea.objects.get(code="national-human-rights-institutions")
    assert _history_m2m(created, "thematic_areas", "thematicarea") == {nhri.pk}
    goal = SustainableDevelopmentGoal.objects.get(number=16)
    assert _history_m2m(created, "sdgs", "sustainabledevelopmentgoal") == {goal.pk}


def test_reimport_updates_by_uhri_id_without_doubling(desk_officer):
    import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)

    report = import_recommendations(file=_file("uhri_update.csv"), by=desk_officer)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert Rec.objects.count() == 5
    assert Rec.objects.filter(uhri_id="KEN-UPR3-001").count() == 1
    upr = Rec.objects.get(uhri_id="KEN-UPR3-001")
    assert upr.implementation_status == Rec.Implementation.IMPLEMENTED
    assert _themes(upr) == {"national-human-rights-institutions", "civil-society"}
    assert _sdgs(upr) == {16}
    assert Rec.objects.get(uhri_id="KEN-CCPR-4-007").mechanism.code == "ccpr"


def test_reimport_records_the_change_in_history_and_skips_unchanged_rows(
    desk_officer, administrator
):
    import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)
    import_recommendations(file=_file("uhri_update.csv"), by=administrator)

    upr = Rec.objects.get(uhri_id="KEN-UPR3-001")
    changed, created = upr.history.all()
    assert changed.history_type == "~"
    assert changed.history_user == administrator
    delta = changed.diff_against(created)
    assert set(delta.changed_fields) == {"implementation_status", "thematic_areas"}
    civil = ThematicArea.objects.get(code="civil-society")
    assert civil.pk in _history_m2m(changed, "thematic_areas", "thematicarea")
    assert civil.pk not in _history_m2m(created, "thematic_areas", "thematicarea")
    # Same values as recorded: no write, no history record.
    assert Rec.objects.get(uhri_id="KEN-CEDAW-8-014").history.count() == 1


def test_reimport_of_the_same_file_changes_nothing(desk_officer):
    import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)

    report = import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert all(rec.history.count() == 1 for rec in Rec.objects.all())


def test_history_of_a_later_edit_continues_from_the_import(desk_officer):
    import_recommendations(file=_file("uhri_good.csv"), by=desk_officer)
    rec = Rec.objects.get(uhri_id="KEN-UPR3-001")

    rec.thematic_areas.add(ThematicArea.objects.get(code="elections"))

    latest = rec.history.first()
    assert _history_m2m(latest, "thematic_areas", "thematicarea") == set(
        rec.thematic_areas.values_list("pk", flat=True)
    )


def test_example_file_is_a_valid_import(administrator):
    report = import_recommendations(
        file=upload("example.csv", EXAMPLE_CSV.encode(), "text/csv"), by=administrator
    )
    assert report.ok
    assert report.created == 2


def test_accepts_abbreviation_name_and_code_of_mechanisms_and_countries(administrator):
    report = import_recommendations(
        file=_csv(
            _row("A", country="Peru", mechanism="Human Rights Committee"),
            _row("B", country="per", mechanism="ccpr"),
            _row("C", country="Kenya", mechanism="SR torture"),
        ),
        by=administrator,
    )
    assert report.ok, report.errors
    assert set(Rec.objects.values_list("mechanism__code", flat=True)) == {"ccpr", "sr-torture"}


# --- bad rows ---


def test_every_bad_row_is_reported_with_line_and_column_and_nothing_is_imported(desk_officer):
    report = import_recommendations(file=_file("uhri_bad.csv"), by=desk_officer)

    assert report.created == report.updated == 0
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "Country"),
        (4, "Mechanism"),
        (5, "Date"),
        (6, "Themes"),
        (7, "SDGs"),
        (8, "Position"),
        (9, "Text"),
        (10, "UHRI ID"),
        (11, "Country"),
    ]
    messages = {e.line: e.message for e in report.errors}
    assert "Atlantis" in messages[3]
    assert "XYZ" in messages[4]
    assert "2020-02-30" in messages[5]
    assert "space-law" in messages[6]
    assert "18" in messages[7] and "1 to 17" in messages[7]
    assert "UPR" in messages[8]
    assert "required" in messages[9]
    assert "line 2" in messages[10]
    assert messages[11] == "You do not work on Peru."
    assert not Rec.objects.exists()


def test_one_bad_row_among_good_ones_imports_nothing(desk_officer):
    report = import_recommendations(
        file=_csv(_row("A"), _row("B"), _row("C", mechanism="Nope"), _row("D")), by=desk_officer
    )
    assert report.errors == [RowError(4, "Mechanism", report.errors[0].message)]
    assert not Rec.objects.exists()


def test_several_problems_on_one_row_are_all_reported(desk_officer):
    report = import_recommendations(
        file=_csv("X,Atlantis,Nope,,31/31/2020,,,bogus,,99,Maybe,Done"), by=desk_officer
    )
    assert {e.column for e in report.errors} == {
        "Country",
        "Mechanism",
        "Date",
        "Text",
        "Themes",
        "SDGs",
        "Position",
        "Implementation status",
    }
    assert {e.line for e in report.errors} == {2}


def test_missing_required_column_is_reported_on_the_header(desk_officer):
    report = import_recommendations(
        file=_csv("A,KEN,UPR", header="UHRI ID,Country,Mechanism\n"), by=desk_officer
    )
    assert report.errors == [RowError(1, "Text", "This required column is missing.")]


def test_row_with_a_wrong_number_of_cells_is_reported(desk_officer):
    rows = [_row(f"R{n}") for n in range(60)]
    rows.append("LATE,KEN,UPR,,,,A text, with an unquoted comma,,,,,")
    report = import_recommendations(file=_csv(*rows), by=desk_officer)
    assert [(e.line, e.column) for e in report.errors] == [(62, "")]
    assert "13 cells" in report.errors[0].message


def test_values_too_long_for_the_record_are_reported_by_full_clean(desk_officer):
    report = import_recommendations(file=_csv(f"{'X' * 70},KEN,UPR,,,,Text.,,,,,"), by=desk_officer)
    assert [(e.line, e.column) for e in report.errors] == [(2, "UHRI ID")]


def test_existing_record_of_a_country_out_of_scope_is_not_taken_over(
    desk_officer, desk_officer_peru
):
    import_recommendations(file=_csv(_row("SHARED-1", country="PER")), by=desk_officer_peru)

    report = import_recommendations(file=_csv(_row("SHARED-1", country="KEN")), by=desk_officer)

    assert [(e.line, e.column) for e in report.errors] == [(2, "UHRI ID")]
    assert Rec.objects.get(uhri_id="SHARED-1").country.iso3 == "PER"


def test_header_only_file_is_an_error(desk_officer):
    report = import_recommendations(file=_csv(), by=desk_officer)
    assert [(e.line, e.column) for e in report.errors] == [(2, "")]


# --- files that are not a CSV export ---


@pytest.mark.parametrize(
    ("name", "data"),
    [("recommendations.pdf", PDF_BYTES), ("recommendations.csv", PDF_BYTES)],
)
def test_pdf_is_refused_whatever_its_name(desk_officer, name, data):
    with pytest.raises(TransitionRefused, match="not one of the accepted types"):
        import_recommendations(file=upload(name, data), by=desk_officer)


def test_html_renamed_csv_is_refused(desk_officer):
    with pytest.raises(TransitionRefused, match="CSV table"):
        import_recommendations(file=upload("export.csv", HTML_BYTES), by=desk_officer)


def test_non_utf8_text_is_refused_with_advice_to_save_as_utf8(desk_officer):
    # The first 64 KB that inspect_upload reads are plain ASCII; "é" comes later, in Latin-1.
    rows = [_row(f"P{n}") for n in range(3000)]
    data = (HEADER + "\n".join(rows) + "\n").encode() + _row("Z", text="Défendre").encode("latin-1")
    with pytest.raises(TransitionRefused, match="UTF-8"):
        import_recommendations(file=upload("export.csv", data), by=desk_officer)
    assert not Rec.objects.exists()


# --- who may import ---


def test_focal_point_may_not_import(focal_point_kenya):
    with pytest.raises(TransitionRefused, match="may not import"):
        import_recommendations(file=_file("uhri_good.csv"), by=focal_point_kenya)
    assert not Rec.objects.exists()


@pytest.mark.parametrize("role", ["field_officer_east_africa", "auditor", "approver", "outsider"])
def test_roles_without_the_permissions_may_not_import(cast, role):
    with pytest.raises(TransitionRefused):
        import_recommendations(file=_file("uhri_good.csv"), by=cast[role])


def test_desk_officer_of_another_country_gets_row_errors(desk_officer_peru):
    report = import_recommendations(file=_file("uhri_good.csv"), by=desk_officer_peru)
    assert {e.message for e in report.errors} == {"You do not work on Kenya."}
    assert len(report.errors) == 4


def test_administrator_imports_for_every_country(administrator):
    report = import_recommendations(
        file=_csv(_row("A", country="KEN"), _row("B", country="PER")), by=administrator
    )
    assert report.created == 2


# --- cost ---


def test_query_count_does_not_grow_with_the_rows(desk_officer):
    def queries(prefix: str, rows: int) -> int:
        data = _csv(
            *(
                f"{prefix}{n},KEN,UPR,,2020-01-01,,Text {n}.,civil-society;elections,,5;16,"
                "Supported,"
                for n in range(rows)
            )
        )
        with CaptureQueriesContext(connection) as ctx:
            assert import_recommendations(file=data, by=desk_officer).created == rows
        return len(ctx.captured_queries)

    queries("WARM-", 1)  # the importer's permissions are read once, then cached
    assert queries("SMALL-", 5) == queries("LARGE-", 50)


def test_reference_data_is_read_once_not_per_row(desk_officer):
    rows = [_row(f"R{n}") for n in range(30)]
    with CaptureQueriesContext(connection) as ctx:
        import_recommendations(file=_csv(*rows), by=desk_officer)
    mechanism_reads = [
        q for q in ctx.captured_queries if f'FROM "{Mechanism._meta.db_table}"' in q["sql"]
    ]
    country_reads = [
        q for q in ctx.captured_queries if f'FROM "{Country._meta.db_table}"' in q["sql"]
    ]
    assert len(mechanism_reads) == 1
    assert len(country_reads) <= 3  # the lookups, plus the importer's scope


# --- the command ---


def test_command_imports_as_the_named_user(desk_officer):
    out = io.StringIO()
    call_command(
        "import_recommendations", str(DATA / "uhri_good.csv"), "--as", "do-kenya", stdout=out
    )
    assert "4 created, 0 updated" in out.getvalue()
    rec = Rec.objects.get(uhri_id="KEN-UPR3-001")
    assert rec.history.first().history_user == desk_officer


def test_command_prints_every_row_error_and_exits_1(desk_officer):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_recommendations", str(DATA / "uhri_bad.csv"), "--as", "do-kenya", stderr=err
        )
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 9
    assert "line 3, Country: Unknown country “Atlantis”" in lines[0]
    assert "line 11, Country: You do not work on Peru." in lines[-1]
    assert "nothing was imported" in str(raised.value)
    assert not Rec.objects.exists()


def test_command_refuses_a_user_without_permission(focal_point_kenya):
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_recommendations", str(DATA / "uhri_good.csv"), "--as", "fp-kenya")


def test_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user"):
        call_command("import_recommendations", str(DATA / "uhri_good.csv"), "--as", "nobody")


# --- known limits elsewhere ---


def _long_export(rows: int, text: str) -> bytes:
    lines = [HEADER.strip()]
    lines += [f'L{n},KEN,UPR,,,,"{text}",civil-society,,5,,' for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    "text", ["First paragraph.\nSecond paragraph.", "Long recommendation text. " * 60]
)
def test_real_exports_with_long_or_multiline_texts_are_accepted(desk_officer, text):
    data = _long_export(100, text)
    report = import_recommendations(file=upload("export.csv", data, "text/csv"), by=desk_officer)
    assert report.created == 100

"""Import of recommendations from a Universal Human Rights Index (UHRI) CSV export.

One service, ``import_recommendations``: it checks the upload, reads every
row, resolves names against the reference data and validates each record
with ``full_clean()``. Any error anywhere means nothing is written; the
report lists every error with its line and column, so one round of fixes
is enough. The ``UHRI ID`` is the key: a row whose identifier is already
recorded updates that recommendation instead of adding a second one.

Reference data is read once and the writes are in bulk, batch by batch:
5,000 new rows take about 150 queries and four seconds on SQLite, not the
tens of thousands of queries of saving row by row. Bulk writes bypass
simple-history's signals, so the import writes one history record per
created or changed recommendation itself, with the importer as its user and
the themes and SDGs as they stand after the import. The columns are
documented in ``requests_app/README.md``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_app.models import Recommendation
from tcp import changelog
from tcp.documents import CSV, inspect_upload
from tcp.history import acting_as, untracked
from tcp.lifecycle import TransitionRefused
from tcp.models import Country, Mechanism, SustainableDevelopmentGoal, ThematicArea
from tcp.scoping import Scope, scope_for

ADD = "requests_app.add_recommendation"
CHANGE = "requests_app.change_recommendation"

# Rows per INSERT/UPDATE and ids per IN (...): well inside SQLite's and
# PostgreSQL's limits on query parameters, and few round trips.
_BATCH = 500

Rec = Recommendation


@dataclass(frozen=True)
class ImportColumn:
    """One column of the import file, as documented to the people who fill it."""

    header: str
    field: str
    required: bool
    help: Any  # lazily translated text


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(
        "UHRI ID",
        "uhri_id",
        True,
        gettext_lazy(
            "The record's identifier in the Index. A row whose UHRI ID is already recorded "
            "updates that recommendation."
        ),
    ),
    ImportColumn(
        "Country",
        "country",
        True,
        gettext_lazy("ISO3 code (KEN) or the country's name as in the reference data (Kenya)."),
    ),
    ImportColumn(
        "Mechanism",
        "mechanism",
        True,
        gettext_lazy("Code, abbreviation (UPR, CEDAW, CRC) or full name of the mechanism."),
    ),
    ImportColumn(
        "Session/Cycle", "session_or_cycle", False, gettext_lazy("For example “4th cycle”.")
    ),
    ImportColumn("Date", "date", False, gettext_lazy("YYYY-MM-DD, or DD/MM/YYYY.")),
    ImportColumn(
        "Document symbol", "document_symbol", False, gettext_lazy("For example A/HRC/50/10.")
    ),
    ImportColumn("Text", "text", True, gettext_lazy("The recommendation itself.")),
    ImportColumn(
        "Themes",
        "thematic_areas",
        False,
        gettext_lazy("Thematic area codes or names of this system, separated by semicolons."),
    ),
    ImportColumn(
        "Affected persons",
        "affected_persons",
        False,
        gettext_lazy("Groups concerned, separated by semicolons."),
    ),
    ImportColumn(
        "SDGs",
        "sdgs",
        False,
        gettext_lazy(
            "Goals separated by semicolons: 5, SDG 5, or a target such as 5.2 (counts as goal 5)."
        ),
    ),
    ImportColumn(
        "Position",
        "upr_position",
        False,
        gettext_lazy("Supported or Noted, for UPR recommendations only; blank otherwise."),
    ),
    ImportColumn(
        "Implementation status",
        "implementation_status",
        False,
        gettext_lazy(
            "Not implemented, Partially implemented or Implemented; blank means not assessed."
        ),
    ),
)
_HEADER_OF = {c.field: c.header for c in COLUMNS}

EXAMPLE_CSV = (
    "UHRI ID,Country,Mechanism,Session/Cycle,Date,Document symbol,Text,Themes,"
    "Affected persons,SDGs,Position,Implementation status\n"
    "UPR-KEN-4-001,KEN,UPR,4th cycle,2025-01-24,A/HRC/59/10,"
    '"Strengthen the Kenya National Commission on Human Rights, in line with the '
    'Paris Principles.",national-human-rights-institutions,General public,'
    "SDG 16;16.a,Supported,Partially implemented\n"
    "CEDAW-KEN-9-012,Kenya,CEDAW,9th periodic report,15/11/2024,CEDAW/C/KEN/CO/9,"
    '"Adopt a national action plan on gender equality.",'
    "Women's rights and gender equality;national-plans-of-action,Women;Girls,5;5.2,,"
    "Not implemented\n"
)

# The model fields a row sets, besides the two many-to-many relations.
_FIELDS = (
    "uhri_id",
    "country",
    "mechanism",
    "session_or_cycle",
    "date",
    "document_symbol",
    "text",
    "affected_persons",
    "upr_position",
    "implementation_status",
)
_M2M = ("thematic_areas", "sdgs")
_ATTNAMES = {name: Rec._meta.get_field(name).attname for name in _FIELDS}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    # Rows that match their record exactly: nothing written, no history.
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def can_import(user: Any) -> bool:
    """Whether ``user`` may import at all; the rows still have to be in their scope.

    An import creates or updates depending on what is already recorded, so
    it takes both permissions: desk officers and administrators hold them.
    A focal point holds only ``add_recommendation``, to cite a recommendation
    by hand in a request, and never imports the Index.
    """
    return bool(user.is_active and user.has_perm(ADD) and user.has_perm(CHANGE))


def import_recommendations(*, file: Any, by: Any) -> ImportReport:
    """Create or update the recommendations of a UHRI CSV export, all or nothing.

    Raises TransitionRefused when the whole file is refused (no permission,
    not a UTF-8 CSV table); returns a report whose ``errors`` list every
    problem found in the rows, in which case nothing was written.
    """
    if not can_import(by):
        raise TransitionRefused(
            _(
                "You may not import recommendations: it takes the permission to add and "
                "change them (desk officers and administrators)."
            )
        )
    try:
        inspected = inspect_upload(file, kinds=(CSV,))
    except ValidationError as exc:
        raise TransitionRefused(" ".join(exc.messages)) from None
    records, read_errors = _read(file)
    reason = (_("Imported from %s") % inspected.name)[:100]
    try:
        with transaction.atomic(), acting_as(by):
            report, plans = _validate(records, by=by, scope=scope_for(by))
            report.errors[:0] = read_errors
            if report.errors:
                return report
            _write(plans, by=by, reason=reason)
    except IntegrityError:
        # Someone recorded one of these UHRI IDs between our check and our write.
        raise TransitionRefused(
            _("Another change to these recommendations was saved meanwhile; import the file again.")
        ) from None
    return report


# --- reading ---


def _read(file: Any) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """The file's records, numbered as a spreadsheet numbers rows (the header is 1).

    A quoted text that runs over several lines is still one numbered record.
    """
    file.seek(0)
    data = file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TransitionRefused(
            _(
                "The file is not UTF-8 text (see line %d): save it from your spreadsheet "
                "as “CSV UTF-8 (comma delimited)”."
            )
            % line
        ) from None
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, cells))
    except csv.Error as exc:
        return records, [
            RowError(
                len(records) + 1, "", _("The file cannot be read from this line on: %s.") % exc
            )
        ]
    return records, []


def _key(header: str) -> str:
    """Headers match whatever their case, spaces and punctuation: "Session / cycle"."""
    return re.sub(r"[\W_]+", "", header.casefold())


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


# --- reference data, read once per import ---


class _Index:
    """Names (codes, abbreviations, names) of reference entries, case-insensitive."""

    def __init__(self, entries: Iterable[tuple[Iterable[str], Any]]) -> None:
        self._by_name: dict[str, dict[int, Any]] = {}
        for names, obj in entries:
            for name in names:
                if name and name.strip():
                    self._by_name.setdefault(_norm(name), {})[obj.pk] = obj

    def find(self, name: str) -> list[Any]:
        return list(self._by_name.get(_norm(name), {}).values())


@dataclass
class _Lookups:
    countries: _Index
    mechanisms: _Index
    themes: _Index
    sdgs: dict[int, SustainableDevelopmentGoal]

    @classmethod
    def load(cls) -> _Lookups:
        countries = Country.objects.only("pk", "iso3", "name")
        mechanisms = Mechanism.objects.only("pk", "code", "abbreviation", "name", "kind")
        themes = ThematicArea.objects.only("pk", "code", "name")
        return cls(
            countries=_Index(((c.iso3, c.name), c) for c in countries),
            mechanisms=_Index(((m.code, m.abbreviation, m.name), m) for m in mechanisms),
            themes=_Index(((t.code, t.name), t) for t in themes),
            sdgs={g.number: g for g in SustainableDevelopmentGoal.objects.only("pk", "number")},
        )


# --- validation ---


@dataclass
class _Plan:
    """What to write for one row: the record as it will be, and its relations."""

    record: Recommendation
    is_new: bool
    changed_fields: set[str] = field(default_factory=set)
    m2m: dict[str, set[int]] = field(default_factory=dict)
    changed_m2m: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return self.is_new or bool(self.changed_fields or self.changed_m2m)


_SDG = re.compile(r"^(?:sdg|goal)?\s*(\d{1,3})(?:\.\w{1,3})?$")
_POSITIONS = {_norm(str(label)): value for value, label in Rec.UprPosition.choices} | {
    value: value for value in Rec.UprPosition.values
}
_STATUSES = {_norm(str(label)): value for value, label in Rec.Implementation.choices} | {
    value: value for value in Rec.Implementation.values
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _columns(line: int, header: Sequence[str]) -> tuple[dict[str, int], list[RowError]]:
    wanted = {_key(c.header): c for c in COLUMNS}
    positions: dict[str, int] = {}
    errors = []
    for index, name in enumerate(header):
        column = wanted.get(_key(name))
        if column is None:
            continue  # other columns of the export are ignored
        if column.field in positions:
            errors.append(RowError(line, column.header, _("The column appears twice.")))
        positions[column.field] = index
    for column in COLUMNS:
        if column.required and column.field not in positions:
            errors.append(RowError(line, column.header, _("This required column is missing.")))
    return positions, errors


@dataclass
class _Existing:
    """The recorded recommendations of the file's UHRI IDs, and their relations."""

    records: dict[str, Recommendation]
    # {"thematic_areas": {recommendation pk: {thematic area pks}}, "sdgs": ...}
    m2m: dict[str, dict[int, set[int]]]

    @classmethod
    def load(cls, uhri_ids: set[str]) -> _Existing:
        """Locked until the import ends, so that two imports do not interleave."""
        records: dict[str, Recommendation] = {}
        for chunk in _chunks(sorted(uhri_ids)):
            query = Rec.objects.select_for_update(of=("self",)).filter(uhri_id__in=chunk)
            records.update({rec.uhri_id: rec for rec in query})
        m2m: dict[str, dict[int, set[int]]] = {}
        for name in _M2M:
            # Pairs of ids, not related objects: a re-import compares thousands of them.
            through, source, target = _m2m_names(name)
            related = m2m[name] = {}
            for chunk in _chunks(sorted(rec.pk for rec in records.values())):
                pairs = through.objects.filter(**{f"{source}__in": chunk})
                for record_id, target_id in pairs.values_list(source, target):
                    related.setdefault(record_id, set()).add(target_id)
        return cls(records, m2m)


def _validate(
    records: list[tuple[int, list[str]]], *, by: Any, scope: Scope
) -> tuple[ImportReport, list[_Plan]]:
    report = ImportReport()
    filled = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not filled:
        report.errors.append(RowError(1, "", _("The file is empty.")))
        return report, []
    (header_line, header), rows = filled[0], filled[1:]
    positions, header_errors = _columns(header_line, header)
    if header_errors:
        report.errors.extend(header_errors)
        return report, []
    if not rows:
        report.errors.append(
            RowError(header_line + 1, "", _("There is no recommendation below the header."))
        )
        return report, []
    uhri_at = positions["uhri_id"]
    existing = _Existing.load({c[uhri_at].strip() for _l, c in rows if len(c) > uhri_at} - {""})
    checker = _RowChecker(_Lookups.load(), scope, existing, positions, width=len(header))
    plans = []
    for line, cells in rows:
        plan, errors = checker.check(line, cells)
        report.errors.extend(errors)
        if plan is not None:
            plans.append(plan)
    if not report.errors:
        report.created = sum(p.is_new for p in plans)
        report.updated = sum(p.changed and not p.is_new for p in plans)
        report.unchanged = len(plans) - report.created - report.updated
    return report, plans


class _RowChecker:
    def __init__(
        self,
        lookups: _Lookups,
        scope: Scope,
        existing: _Existing,
        positions: dict[str, int],
        *,
        width: int,
    ) -> None:
        self.lookups = lookups
        self.scope = scope
        self.existing = existing
        self.positions = positions
        self.width = width
        self.seen: dict[str, int] = {}

    def check(self, line: int, cells: list[str]) -> tuple[_Plan | None, list[RowError]]:
        errors: list[RowError] = []

        def error(field_name: str, message: str) -> None:
            errors.append(RowError(line, _HEADER_OF.get(field_name, ""), message))

        if len(cells) != self.width:
            error(
                "",
                _(
                    "This line has %(cells)d cells where the header has %(header)d: "
                    "put a text that contains a comma between double quotes."
                )
                % {"cells": len(cells), "header": self.width},
            )
            return None, errors

        def value(field_name: str) -> str:
            at = self.positions.get(field_name)
            return "" if at is None else cells[at].replace("\r\n", "\n").strip()

        uhri_id = value("uhri_id")
        found = self._record(uhri_id, error, line)
        # A row without a usable record is still checked in full, on a scratch one.
        record = found if found is not None else Recommendation()
        before = {name: getattr(record, attname) for name, attname in _ATTNAMES.items()}
        values: dict[str, Any] = {
            "uhri_id": uhri_id or None,
            "session_or_cycle": value("session_or_cycle"),
            "document_symbol": value("document_symbol"),
            "text": value("text"),
            "affected_persons": "; ".join(_split(value("affected_persons"))),
        }
        if not values["text"]:
            error("text", _("The text of the recommendation is required."))
        values["country"] = self._country(value("country"), error)
        values["mechanism"] = _one(
            value("mechanism"),
            self.lookups.mechanisms,
            "mechanism",
            error,
            required=_("The mechanism is required."),
            unknown=_("Unknown mechanism “%s”: use its code, abbreviation or name."),
        )
        values["date"] = _date(value("date"), error)
        values["upr_position"] = _choice(
            value("upr_position"), _POSITIONS, "upr_position", _("Supported or Noted"), error
        )
        status = value("implementation_status")
        values["implementation_status"] = (
            _choice(
                status,
                _STATUSES,
                "implementation_status",
                _("Not implemented, Partially implemented or Implemented"),
                error,
            )
            if status
            else Rec.Implementation.NOT_ASSESSED
        )
        m2m = {
            "thematic_areas": self._themes(value("thematic_areas"), error),
            "sdgs": self._sdgs(value("sdgs"), error),
        }
        for name, new in values.items():
            setattr(record, name, new)
        _full_clean(record, reported={e.column for e in errors}, error=error)
        if errors or found is None:
            return None, errors
        plan = _Plan(record=record, is_new=record.pk is None, m2m=m2m)
        if not plan.is_new:
            plan.changed_fields = {
                name
                for name, attname in _ATTNAMES.items()
                if getattr(record, attname) != before[name]
            }
            plan.changed_m2m = {
                name for name in _M2M if self.existing.m2m[name].get(record.pk, set()) != m2m[name]
            }
        return plan, errors

    def _record(self, uhri_id: str, error: Any, line: int) -> Recommendation | None:
        if not uhri_id:
            error("uhri_id", _("The UHRI ID is required: it identifies the record."))
            return None
        if uhri_id in self.seen:
            error(
                "uhri_id",
                _("“%(id)s” is already on line %(line)d of this file.")
                % {"id": uhri_id, "line": self.seen[uhri_id]},
            )
            return None
        self.seen[uhri_id] = line
        record = self.existing.records.get(uhri_id)
        if record is None:
            return Recommendation()
        if not self.scope.covers(record.country_id):
            # The record is a public text of the Index; saying it exists leaks nothing.
            error("uhri_id", _("“%s” is recorded for a country you do not work on.") % uhri_id)
            return None
        return record

    def _country(self, name: str, error: Any) -> Country | None:
        country = _one(
            name,
            self.lookups.countries,
            "country",
            error,
            required=_("The country is required."),
            unknown=_("Unknown country “%s”: use its ISO3 code or its name."),
        )
        if country is not None and not self.scope.covers(country.pk):
            error("country", _("You do not work on %s.") % country.translated_name)
            return None
        return country

    def _themes(self, value: str, error: Any) -> set[int]:
        found, unknown = set(), []
        for name in _split(value):
            matches = self.lookups.themes.find(name)
            if len(matches) == 1:
                found.add(matches[0].pk)
            else:
                unknown.append(name)
        if unknown:
            error(
                "thematic_areas",
                _("Unknown thematic area: %s. Use the codes or names of this system.")
                % "; ".join(f"“{name}”" for name in unknown),
            )
        return found

    def _sdgs(self, value: str, error: Any) -> set[int]:
        found = set()
        for item in _split(value):
            match = _SDG.match(_norm(item))
            if match is None:
                error(
                    "sdgs",
                    _("“%s” is not an SDG: write 5, SDG 5, or a target such as 5.2.") % item,
                )
                continue
            goal = self.lookups.sdgs.get(int(match.group(1)))
            if goal is None:
                error(
                    "sdgs",
                    _("“%s” is not an SDG: the goals are numbered 1 to 17.") % item,
                )
                continue
            found.add(goal.pk)
        return found


def _one(
    name: str, index: _Index, field_name: str, error: Any, *, required: str, unknown: str
) -> Any:
    if not name:
        error(field_name, required)
        return None
    found = index.find(name)
    if len(found) == 1:
        return found[0]
    if not found:
        error(field_name, unknown % name)
    else:
        error(
            field_name,
            _("“%(name)s” could be %(choices)s: use the code.")
            % {"name": name, "choices": "; ".join(str(o) for o in found)},
        )
    return None


def _date(value: str, error: Any) -> datetime.date | None:
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    error("date", _("“%s” is not a date: write YYYY-MM-DD or DD/MM/YYYY.") % value)
    return None


def _choice(value: str, choices: dict[str, str], field_name: str, allowed: str, error: Any) -> str:
    if not value:
        return ""
    found = choices.get(_norm(value))
    if found is None:
        error(
            field_name, _("“%(value)s”: write %(allowed)s.") % {"value": value, "allowed": allowed}
        )
        return ""
    return found


def _full_clean(record: Recommendation, *, reported: set[str], error: Any) -> None:
    """The model's own rules, for what the row checks above did not already report.

    Country and mechanism come from the reference data read above, and the
    UHRI ID was matched against the records already: validating them again
    would cost a query per row and per relation.
    """
    try:
        record.full_clean(exclude=["country", "mechanism"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else _HEADER_OF.get(name, name)
            if column in reported:
                continue
            for message in messages:
                error(name if name in _HEADER_OF else "", message)


# --- writing ---


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(plans: list[_Plan], *, by: Any, reason: str) -> None:
    now = timezone.now()
    created = [p for p in plans if p.is_new]
    updated = [p for p in plans if p.changed and not p.is_new]
    # Untracked: this import writes the history of its rows itself (_write_history).
    with untracked():
        Rec.objects.bulk_create([p.record for p in created], batch_size=_BATCH)
    if updated:
        for p in updated:
            p.record.updated_at = now
        # Only the columns some row changes (often just the implementation status).
        names = sorted({name for p in updated for name in p.changed_fields})
        _update([p.record for p in updated], [*names, "updated_at"])
    touched = created + updated
    through_ids = {name: _write_m2m(name, created, updated) for name in _M2M}
    _write_history(touched, created, by=by, reason=reason, when=now, through_ids=through_ids)


def _update(records: list[Recommendation], names: list[str]) -> None:
    """One UPDATE statement run for every record (executemany), values bound as parameters.

    bulk_update() builds a CASE WHEN per column over each batch, which takes
    longer to compile than to run: a few seconds for 5,000 records, against
    a tenth of a second here.
    """
    fields = [Rec._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Table and column names come from the model, never from the file.
    sql = f"UPDATE {quote(Rec._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields] + [record.pk]
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _m2m_names(name: str) -> tuple[type[models.Model], str, str]:
    relation = Rec._meta.get_field(name)
    through = relation.remote_field.through
    return through, f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"


def _write_m2m(
    name: str, created: list[_Plan], updated: list[_Plan]
) -> dict[int, list[tuple[int, int]]]:
    """Replace the relation where it changed; the rows each touched record ends with.

    Returns ``{record pk: [(through row id, target pk), ...]}`` for the history.
    """
    through, source, target = _m2m_names(name)
    replaced = [p for p in updated if name in p.changed_m2m]
    for chunk in _chunks([p.record.pk for p in replaced]):
        through.objects.filter(**{f"{source}__in": chunk}).delete()
    through.objects.bulk_create(
        [
            through(**{source: p.record.pk, target: pk})
            for p in (*created, *replaced)
            for pk in sorted(p.m2m[name])
        ],
        batch_size=_BATCH,
    )
    rows: dict[int, list[tuple[int, int]]] = {}
    touched = [p.record.pk for p in (*created, *updated)]
    for chunk in _chunks(touched):
        for row_id, record_id, target_id in through.objects.filter(
            **{f"{source}__in": chunk}
        ).values_list("id", source, target):
            rows.setdefault(record_id, []).append((row_id, target_id))
    return rows


def _write_history(
    touched: list[_Plan],
    created: list[_Plan],
    *,
    by: Any,
    reason: str,
    when: datetime.datetime,
    through_ids: dict[str, dict[int, list[tuple[int, int]]]],
) -> None:
    """One history record per written recommendation, with its themes and SDGs.

    What simple-history's save() and m2m signals would write, in a few bulk
    inserts instead of a dozen queries per row (and one record, not three),
    then the change log's line of each (no signal is sent for bulk rows).
    """
    manager = Rec.history
    history = [
        *manager.bulk_history_create(
            [p.record for p in created],
            batch_size=_BATCH,
            default_user=by,
            default_change_reason=reason,
            default_date=when,
        ),
        *manager.bulk_history_create(
            [p.record for p in touched if not p.is_new],
            batch_size=_BATCH,
            update=True,
            default_user=by,
            default_change_reason=reason,
            default_date=when,
        ),
    ]
    for name in _M2M:
        m2m_history = getattr(manager.model, name).model
        _through, source, target = _m2m_names(name)
        m2m_history.objects.bulk_create(
            [
                m2m_history(history_id=h.pk, id=row_id, **{source: h.id, target: target_id})
                for h in history
                for row_id, target_id in through_ids[name].get(h.id, [])
            ],
            batch_size=_BATCH,
        )
    changelog.record_many(Rec, history, objects=[p.record for p in touched])

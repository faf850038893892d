"""Do the scoped list pages stay fast with a million requests? A benchmark and a check.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcp_bench \\
        .venv/bin/python bench/scale.py [--requests 1000000] [--reuse] [--repeat 15]

What it does, in order:

1. Creates the database named in DATABASE_URL if it is missing (its name must
   contain "bench": without ``--reuse`` the script drops and recreates it),
   and runs ``migrate``.
2. Loads data in the shape the services write it (see ``Loader``): requests
   spread unevenly over 150 countries and ten years, each with its history
   rows ("+" and one "~" per transition), a StatusChange (and its history row)
   per transition, needs assessments for most accepted requests, notifications,
   users of every role with their scope granted through ``tcp.scoping``, and
   exception grants. Bulk rows go in with COPY. ``--reuse`` keeps data already
   loaded when the request count matches; without it the database is dropped
   and reloaded. Then VACUUM ANALYZE, before anything is timed.
3. For a desk officer, a field officer, a focal point and an approver, renders
   the request list (default sort and ``?status=submitted``), the assessment
   list and the dashboard through ``django.test.Client`` (real views, real
   templates): median and p90 of ``--repeat`` runs after a warm-up.
4. Captures the SQL those pages run (``CaptureQueriesContext``) and times the
   list queries (page and count) with EXPLAIN (ANALYZE, BUFFERS) against the
   bare SQL for the same rows: ``country_id IN (<the user's countries>)``
   [``AND status <> 'draft'`` for OHCHR staff] [``OR id IN (<exception
   grants>)``], same order, same limit. Reports the plans that read the
   requests or assessments table whole (a Seq Scan, or an index scan with no
   Index Cond over half the table), and writes the plans to
   ``<out-dir>/plans-<label>.txt``. The other statements of those pages that
   read these tables (dashboard blocks, the assessment list's backlog) are
   timed with EXPLAIN ANALYZE too.
5. Prints Markdown tables and exits 1 if a criterion fails for a desk officer,
   a field officer or a focal point: a page median of 150 ms or more, a list
   query more than 2x its bare SQL, or a statement of those pages that reads
   the requests table whole. The approver (all countries) is reported, not
   judged.

The script measures whatever the code of its own tree does: it imports the
project next to it and never re-implements a selector. A statement that runs
longer than ``--timeout`` seconds is cancelled (statement_timeout) and
reported as "> N s".
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import os
import queue
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcp.settings")

REQUESTS_TABLE = "requests_app_assistancerequest"
ASSESSMENTS_TABLE = "assessments_needsassessment"
WATCHED_TABLES = (REQUESTS_TABLE, ASSESSMENTS_TABLE)
PAGE_SIZE = 25
PAGE_LIMIT_MS = 150.0
# The plans of other statements of the pages this slow (ms) go to the plans file too.
OTHER_PLAN_MS = 20.0
RATIO_LIMIT = 2.0
# A list query within this many milliseconds of its bare SQL passes whatever the
# ratio: below a millisecond, two EXPLAIN ANALYZE runs differ by more than 2x.
RATIO_SLACK_MS = 0.5
MARKER_USER = "bench.desk"
# A ReferenceCounter row written last: the load finished, with this many requests.
LOADED_SERIES = "BENCH-LOADED"
NULL = "\\N"  # how COPY ... (FORMAT csv, NULL '\N') spells NULL

# The countries of the demo data, and where they rank by number of requests
# (0 is the biggest): a big one, a few middling ones, small ones.
FIXED_RANKS = {
    "KEN": 1,
    "ETH": 5,
    "UGA": 10,
    "TZA": 15,
    "PER": 25,
    "RWA": 40,
    "KHM": 60,
    "DJI": 110,
    "ERI": 130,
}
COUNTRIES = 150
DESK_PORTFOLIO = ("KEN", "UGA", "PER", "KHM")
FIELD_PRESENCE = "east-africa-regional-office"
FOCAL_COUNTRY = "KEN"


# --- command line and database ---


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000, help="requests to load")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per page")
    parser.add_argument("--explain-repeat", type=int, default=7, help="EXPLAIN ANALYZE runs")
    parser.add_argument(
        "--timeout", type=float, default=120, help="statement timeout (s) for pages and lists"
    )
    parser.add_argument(
        "--capture-timeout",
        type=float,
        default=10,
        help="statement timeout (s) while capturing SQL and for other queries",
    )
    parser.add_argument(
        "--slow-ms", type=float, default=5000, help="a page slower than this is timed once"
    )
    parser.add_argument("--label", default="now", help="names the plans file")
    parser.add_argument(
        "--out-dir", type=Path, default=Path(__file__).resolve().parent, help="for the plans"
    )
    parser.add_argument("--seed", type=int, default=20261127)
    return parser.parse_args(argv)


def database_config() -> dict[str, Any]:
    """The DATABASE_URL, checked: PostgreSQL, and a database this script may drop."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database, e.g. .../tcp_bench")
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if name in ("tcp", "test_tcp") or "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    return config


def _maintenance_connection(config: dict[str, Any]) -> Any:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", **_connect_kwargs(config))
    conn.autocommit = True
    return conn


def prepare_database(config: dict[str, Any], *, reuse: bool, requests: int) -> bool:
    """Create the database if missing; return True when it must be (re)loaded.

    With ``reuse``, data already there is kept when it holds exactly
    ``requests`` requests and its load finished (``LOADED_SERIES``); otherwise
    the database is dropped and created empty.
    """
    import psycopg2
    from psycopg2 import sql

    name = config["NAME"]
    admin = _maintenance_connection(config)
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cur.fetchone() is not None
        if exists and reuse:
            target = psycopg2.connect(dbname=name, **_connect_kwargs(config))
            try:
                with target.cursor() as cur:
                    cur.execute(f"SELECT count(*) FROM {REQUESTS_TABLE}")
                    count = cur.fetchone()[0]
                    cur.execute(
                        "SELECT last_value FROM tcp_referencecounter WHERE series = %s",
                        [LOADED_SERIES],
                    )
                    found = cur.fetchone()
                    marker = found is not None and found[0] == count
            except psycopg2.Error:
                count, marker = -1, False
            finally:
                target.close()
            if count == requests and marker:
                log(f"Reusing {name}: {count:,} requests already loaded.")
                return False
            log(f"{name} holds {count:,} requests, not {requests:,}: reloading.")
        with admin.cursor() as cur:
            if exists:
                cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        log(f"Created database {name}.")
        return True
    finally:
        admin.close()


def _connect_kwargs(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }


def log(message: str) -> None:
    """Progress, on stderr (stdout carries the Markdown report)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- statement timeout for the benchmark's connection ---

_timeout_ms = 0


def _apply_timeout(connection: Any, **kwargs: Any) -> None:
    with connection.cursor() as cur:
        cur.execute(f"SET statement_timeout = {int(_timeout_ms)}")


def set_statement_timeout(seconds: float) -> None:
    """Cancel statements after ``seconds`` (0: never), on this and any later connection."""
    global _timeout_ms
    from django.db import connection

    _timeout_ms = int(seconds * 1000)
    if connection.connection is not None:
        _apply_timeout(connection)


def is_timeout(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is PostgreSQL cancelling a statement
    for statement_timeout."""
    seen = 0
    while exc is not None and seen < 10:
        if "canceling statement due to statement timeout" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


# --- loading ---


@dataclass
class World:
    """Who and where: the users of every role and the countries they work on."""

    admin: Any
    countries: list[Any]  # the 150 countries with requests, biggest first
    cum_weights: list[float]
    focal_points: dict[int, list[Any]]
    desk_of: dict[int, Any]
    presences_of: dict[int, list[Any]]
    field_of: dict[int, Any]
    approvers: list[Any]
    subjects: dict[str, Any] = field(default_factory=dict)


TITLES = (
    "Strengthening the national human rights institution of {c}",
    "Training of prison officials on the Nelson Mandela Rules in {c}",
    "Legislative review of the public order law ({c})",
    "National human rights action plan for {c}",
    "Support to the treaty reporting mechanism of {c}",
    "Human rights training for the police service of {c}",
    "Follow-up to the Universal Periodic Review recommendations, {c}",
    "Capacity building of the judiciary on fair trial standards in {c}",
    "Human rights education in the school curriculum of {c}",
    "Strengthening the protection of human rights defenders in {c}",
    "Data collection on gender-based violence in {c}",
    "Access to justice for persons with disabilities in {c}",
)
AUTHORITIES = (
    "Ministry of Justice and Constitutional Affairs",
    "Ministry of Foreign Affairs",
    "Office of the Attorney General",
    "Ministry of the Interior",
    "National Human Rights Commission",
    "Ministry of Gender and Social Protection",
)
DESCRIPTIONS = (
    "Technical advice, training and documentation to strengthen the institution's "
    "complaints handling, its regional outreach and its monitoring of places of detention.",
    "A series of workshops for officials, followed by a review of the standing orders and "
    "the preparation of a manual for trainers.",
    "Expert review of the draft law against international standards, with a consultation of "
    "civil society and a report to the parliamentary committee.",
    "Support to the drafting committee: methodology, consultations in the regions, and a "
    "monitoring framework with indicators.",
)
JUSTIFICATIONS = (
    "Follows up recommendations of the Universal Periodic Review.",
    "Responds to the concluding observations of the treaty bodies.",
    "Requested by the national human rights institution after its accreditation review.",
)
QUESTIONS = (
    "Which ministries will take part?",
    "Please attach the official letter signed by the minister.",
    "Could you clarify the expected timeline and the counterpart institution?",
)
ANSWERS = ("The letter is attached.", "The Ministry of Justice leads, with the Commission.")
DECLINE_REASONS = (
    "Procurement of equipment falls outside technical cooperation.",
    "The request duplicates an ongoing programme of a partner organisation.",
)

# action -> (target status, who acts, label, status label)
REQUEST_ACTIONS = {
    "submit": ("submitted", "focal", "Submit", "Submitted"),
    "acknowledge": ("acknowledged", "desk", "Acknowledge", "Acknowledged"),
    "request_information": (
        "information_requested",
        "desk",
        "Ask for more information",
        "Information requested",
    ),
    "resubmit": ("submitted", "focal", "Answer and resubmit", "Submitted"),
    "start_assessment": ("under_assessment", "desk", "Start screening", "Being screened"),
    "accept": ("accepted", "approver", "Accept", "Accepted"),
    "decline": ("declined", "approver", "Decline", "Declined"),
    "withdraw": ("withdrawn", "focal", "Withdraw", "Withdrawn"),
}
REQUEST_GAPS = {  # days from the previous event: (low, high)
    "submit": (0.5, 30),
    "acknowledge": (0.5, 10),
    "request_information": (1, 20),
    "resubmit": (2, 40),
    "start_assessment": (1, 20),
    "accept": (5, 60),
    "decline": (5, 60),
    "withdraw": (1, 60),
}
ASSESSMENT_ACTIONS = {
    "start": ("in_progress", "field"),
    "submit_findings": ("findings_submitted", "field"),
    "return_findings": ("in_progress", "desk"),
    "validate": ("validated", "desk"),
    "share": ("shared_with_government", "desk"),
}
ASSESSMENT_GAPS = {
    "start": (5, 30),
    "submit_findings": (20, 90),
    "return_findings": (3, 15),
    "validate": (3, 20),
    "share": (2, 15),
}
# Final status by age of the request, in days: (upper bound of the age, weights).
REQUEST_STATUS_BY_AGE = (
    (
        90,
        {
            "draft": 25,
            "submitted": 25,
            "acknowledged": 15,
            "information_requested": 10,
            "under_assessment": 15,
            "accepted": 5,
            "declined": 3,
            "withdrawn": 2,
        },
    ),
    (
        365,
        {
            "draft": 8,
            "submitted": 2,
            "acknowledged": 5,
            "information_requested": 5,
            "under_assessment": 10,
            "accepted": 35,
            "declined": 20,
            "withdrawn": 15,
        },
    ),
    (10**6, {"draft": 5, "accepted": 40, "declined": 25, "withdrawn": 30}),
)
ASSESSMENT_STATUS_BY_AGE = (
    (
        120,
        {
            "planned": 35,
            "in_progress": 40,
            "findings_submitted": 15,
            "validated": 7,
            "shared_with_government": 3,
        },
    ),
    (
        365,
        {
            "planned": 5,
            "in_progress": 15,
            "findings_submitted": 15,
            "validated": 15,
            "shared_with_government": 50,
        },
    ),
    (
        10**6,
        {"in_progress": 3, "findings_submitted": 4, "validated": 8, "shared_with_government": 85},
    ),
)


def make_world(rng: random.Random) -> World:
    """Users of every role, their scope granted through ``tcp.scoping`` as the admin.

    The four measured users are ``bench.desk`` (portfolio KEN, UGA, PER, KHM),
    ``bench.field`` (officer of the East Africa regional office, seven
    countries), ``bench.gov`` (focal point of Kenya) and ``bench.approver``.
    Around them: a desk officer for every other country (four each), an
    officer per field presence, one or two focal points per country, more
    approvers, an auditor and roster experts.
    """
    from django.contrib.auth.models import Group

    from tcp import scoping
    from tcp.history import acting_as
    from tcp.models import Country, FieldPresence, RosterExpert, User
    from tcp.roles import Role

    groups = {role: Group.objects.get(name=role.value) for role in Role}
    admin = User.objects.create(
        username="bench.admin", is_superuser=True, is_staff=True, password="!"
    )

    def user(username: str, role: Role | None) -> Any:
        with acting_as(admin):
            person = User.objects.create(
                username=username,
                first_name=username.split(".")[0].title(),
                last_name=username.split(".", 1)[-1].title(),
                email=f"{username}@example.org",
                password="!",  # unusable: the benchmark logs in with force_login
            )
            if role is not None:
                person.groups.add(groups[role])
        return person

    by_iso = {c.iso3: c for c in Country.objects.order_by("iso3")}
    others = [iso for iso in by_iso if iso not in FIXED_RANKS]
    rng.shuffle(others)
    ranked = others[: COUNTRIES - len(FIXED_RANKS)]
    for iso, rank in sorted(FIXED_RANKS.items(), key=lambda item: item[1]):
        ranked.insert(rank, iso)
    countries = [by_iso[iso] for iso in ranked]
    weights = [1 / (rank + 8) for rank in range(len(countries))]
    cum_weights = list(itertools.accumulate(weights))

    subjects = {
        "desk": user(MARKER_USER, Role.DESK_OFFICER),
        "field": user("bench.field", Role.FIELD_OFFICER),
        "focal": user("bench.gov", Role.FOCAL_POINT),
        "approver": user("bench.approver", Role.PROGRAMME_APPROVER),
    }
    approvers = [subjects["approver"], user("approver.2", Role.PROGRAMME_APPROVER)]
    approvers.append(user("approver.3", Role.PROGRAMME_APPROVER))
    user("auditor.1", Role.AUDITOR)

    desk_of: dict[int, Any] = {}
    for iso in DESK_PORTFOLIO:
        scoping.set_desk_officer(country=by_iso[iso], user=subjects["desk"], by=admin)
        desk_of[by_iso[iso].pk] = subjects["desk"]
    rest = [c for c in countries if c.iso3 not in DESK_PORTFOLIO]
    for start in range(0, len(rest), 4):
        officer = user(f"desk.{start // 4 + 1:02d}", Role.DESK_OFFICER)
        for country in rest[start : start + 4]:
            scoping.set_desk_officer(country=country, user=officer, by=admin)
            desk_of[country.pk] = officer

    presences_of: dict[int, list[Any]] = defaultdict(list)
    field_of: dict[int, Any] = {}
    for presence in FieldPresence.objects.prefetch_related("countries").order_by("code"):
        for country in presence.countries.all():
            presences_of[country.pk].append(presence)
        if presence.code == FIELD_PRESENCE:
            officer = subjects["field"]
            scoping.add_presence_officer(
                user=user("field.east-africa-2", Role.FIELD_OFFICER), presence=presence, by=admin
            )
        else:
            officer = user(f"field.{presence.code}", Role.FIELD_OFFICER)
        scoping.add_presence_officer(user=officer, presence=presence, by=admin)
        field_of[presence.pk] = officer

    focal_points: dict[int, list[Any]] = {}
    for country in countries:
        if country.iso3 == FOCAL_COUNTRY:
            people = [subjects["focal"], user("gov.ken-2", Role.FOCAL_POINT)]
        else:
            people = [user(f"gov.{country.iso3.lower()}", Role.FOCAL_POINT)]
            if rng.random() < 0.3:
                people.append(user(f"gov.{country.iso3.lower()}-2", Role.FOCAL_POINT))
        for person in people:
            scoping.assign_focal_point(user=person, country=country, by=admin)
        focal_points[country.pk] = people

    for number in range(1, 61):
        expert = user(f"expert.{number:02d}", None)
        RosterExpert.objects.create(name=str(expert), email=expert.email, user=expert)

    return World(
        admin=admin,
        countries=countries,
        cum_weights=cum_weights,
        focal_points=focal_points,
        desk_of=desk_of,
        presences_of=dict(presences_of),
        field_of=field_of,
        approvers=approvers,
        subjects=subjects,
    )


class Copier:
    """Rows for one table, collected as CSV in memory, to be sent with COPY."""

    def __init__(self, table: str, columns: tuple[str, ...]) -> None:
        self.table = table
        self.columns = columns
        self.total = 0
        self._reset()

    def _reset(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.rows = 0

    def add(self, row: tuple[Any, ...]) -> None:
        """One row, its values in the order of ``columns`` (NULL for None)."""
        self.writer.writerow(row)
        self.rows += 1

    def take(self) -> tuple[str, io.StringIO] | None:
        """The COPY statement and the rows added since the last take (None if none)."""
        if not self.rows:
            return None
        statement = (
            f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN "
            f"WITH (FORMAT csv, NULL '{NULL}')"
        )
        buffer = self.buffer
        buffer.seek(0)
        self.total += self.rows
        self._reset()
        return statement, buffer


class CopyThread(threading.Thread):
    """Sends COPY statements in order on its own connection, while the next rows are made.

    The server ingests (one core) while Python generates (the other).
    """

    def __init__(self) -> None:
        super().__init__(name="bench-copy", daemon=True)
        self.queue: queue.Queue = queue.Queue(maxsize=16)
        self.error: BaseException | None = None
        self.seconds = 0.0

    def put(self, item: tuple[str, io.StringIO]) -> None:
        """Queue one COPY (blocks while two chunks are waiting)."""
        if self.error is not None:
            raise RuntimeError("COPY failed") from self.error
        self.queue.put(item)

    def run(self) -> None:
        """The thread: COPY each queued buffer, keep the first error."""
        from django.db import connection

        try:
            while (item := self.queue.get()) is not None:
                if self.error is not None:
                    continue  # drain after a failure
                statement, buffer = item
                start = time.perf_counter()
                try:
                    with connection.cursor() as cursor:
                        cursor.copy_expert(statement, buffer)
                except BaseException as exc:
                    self.error = exc
                self.seconds += time.perf_counter() - start
        finally:
            connection.close()

    def finish(self) -> None:
        """Wait for every COPY sent so far; raise if one failed."""
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise RuntimeError("COPY failed") from self.error


REQUEST_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "reference",
    "title",
    "requesting_authority",
    "description",
    "justification",
    "desired_start",
    "desired_end",
    "status",
    "decline_reason",
    "submitted_at",
    "decided_at",
    "country_id",
    "created_by_id",
)
ASSESSMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "reference",
    "mode",
    "mission_start",
    "mission_end",
    "terms_of_reference",
    "due_date",
    "summary",
    "status",
    "country_id",
    "field_presence_id",
    "request_id",
)
STATUS_CHANGE_COLUMNS = (
    "id",
    "object_id",
    "action",
    "from_status",
    "to_status",
    "note",
    "at",
    "by_id",
    "content_type_id",
)
ASSESSMENT_OPTIONAL = ("title",)
# What simple-history adds to a model's columns in its historical table.
HISTORY_COLUMNS = (
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)
# key -> (table, columns, the identity column the loader numbers itself)
TABLES = {
    "request": (REQUESTS_TABLE, REQUEST_COLUMNS, "id"),
    "request_history": (
        "requests_app_historicalassistancerequest",
        REQUEST_COLUMNS + HISTORY_COLUMNS,
        "history_id",
    ),
    "assessment": (ASSESSMENTS_TABLE, ASSESSMENT_COLUMNS, "id"),
    "assessment_history": (
        "assessments_historicalneedsassessment",
        ASSESSMENT_COLUMNS + HISTORY_COLUMNS,
        "history_id",
    ),
    "status_change": ("tcp_statuschange", STATUS_CHANGE_COLUMNS, "id"),
    "status_change_history": (
        "tcp_historicalstatuschange",
        STATUS_CHANGE_COLUMNS + HISTORY_COLUMNS,
        "history_id",
    ),
    "notification": (
        "tcp_notification",
        ("id", "subject", "sent_at", "recipient_id", "status_change_id"),
        "id",
    ),
}
DAY = 86400.0


def _weighted(rng: random.Random, table: tuple[tuple[int, dict[str, int]], ...], age: float):
    """A status drawn from the weights of the first age bracket ``age`` (days) falls in."""
    for bound, weights in table:
        if age < bound:
            return rng.choices(list(weights), weights=list(weights.values()))[0]
    raise AssertionError(age)


def request_path(status: str, rng: random.Random) -> list[str]:
    """The actions that lead a new draft to ``status``, as the lifecycle allows them."""
    core = ["submit", "acknowledge"]
    if rng.random() < 0.12:
        core += ["request_information", "resubmit", "acknowledge"]
    if status == "draft":
        return []
    if status == "submitted":
        if rng.random() < 0.1:
            return ["submit", "acknowledge", "request_information", "resubmit"]
        return ["submit"]
    if status == "acknowledged":
        return core
    if status == "information_requested":
        if rng.random() < 0.2:
            return [*core, "start_assessment", "request_information"]
        return [*core, "request_information"]
    if status == "under_assessment":
        return [*core, "start_assessment"]
    if status in ("accepted", "declined"):
        return [*core, "start_assessment", "accept" if status == "accepted" else "decline"]
    if status == "withdrawn":
        prefixes = ([], ["submit"], ["submit", "acknowledge"], [*core, "start_assessment"])
        return [*rng.choice(prefixes), "withdraw"]
    raise ValueError(status)


def assessment_path(status: str, rng: random.Random) -> list[str]:
    """The actions that lead a planned assessment to ``status``."""
    order = ["start", "submit_findings", "validate", "share"]
    steps = {
        "planned": 0,
        "in_progress": 1,
        "findings_submitted": 2,
        "validated": 3,
        "shared_with_government": 4,
    }
    path = order[: steps[status]]
    if len(path) >= 2 and rng.random() < 0.1:
        path[2:2] = ["return_findings", "submit_findings"]
    return path


def _ts(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()


def _date(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()


def _columns_of(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
        )
        return {row[0] for row in cursor.fetchall()}


class Loader:
    """Writes requests and what hangs under them with COPY, numbering the rows itself.

    Requests are numbered in the order they were created (as real ones are),
    ``created_at`` spread over ten years with more in recent ones. Each gets
    the rows its lifecycle writes: the history "+" row as a draft, then per
    transition a "~" history row with the change reason the lifecycle writes,
    a StatusChange and its history row, all by the person who acts (focal
    point, desk officer, approver, field officer). About 98% of the requests
    accepted more than 90 days ago have a needs assessment (40% of the recent
    ones), with its own history and status changes. Events of the last two
    years have their notifications (who acts next, or the government when a
    decision concerns it).
    """

    CHUNK = 50_000

    def __init__(self, world: World, rng: random.Random) -> None:
        from django.contrib.contenttypes.models import ContentType

        from assessments.models import NeedsAssessment
        from requests_app.models import AssistanceRequest

        self.world = world
        self.rng = rng
        self.now = time.time()
        self.request_ct = ContentType.objects.get_for_model(AssistanceRequest).pk
        self.assessment_ct = ContentType.objects.get_for_model(NeedsAssessment).pk
        # Columns some trees have and others not, filled when present: an
        # assessment's own title (the request's, at planning).
        self.assessment_extra = tuple(
            c for c in ASSESSMENT_OPTIONAL if c in _columns_of(ASSESSMENTS_TABLE)
        )
        self.copiers = {}
        for key, (table, columns, _id) in TABLES.items():
            if key.startswith("assessment"):
                n = len(ASSESSMENT_COLUMNS)
                columns = columns[:n] + self.assessment_extra + columns[n:]
            self.copiers[key] = Copier(table, columns)
        self.next_id: dict[str, int] = {}
        self.counters: dict[str, int] = defaultdict(int)

    def run(self, n: int) -> dict[str, int]:
        """Load ``n`` requests; returns the rows written per table."""
        from django.db import connection

        with connection.cursor() as cursor:
            self._check_columns(cursor)
            for key, (table, _cols, column) in TABLES.items():
                cursor.execute(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}")
                self.next_id[key] = cursor.fetchone()[0]
        span = 3652 * DAY
        first = self.now - span
        countries = self.world.countries
        writer = CopyThread()
        writer.start()
        start = time.perf_counter()
        try:
            for base in range(0, n, self.CHUNK):
                size = min(self.CHUNK, n - base)
                picks = self.rng.choices(countries, cum_weights=self.world.cum_weights, k=size)
                for offset, country in enumerate(picks):
                    # Growing volume: the share created before t grows like (t / span) ** 1.3.
                    fraction = (base + offset + self.rng.random()) / n
                    self.request(country, first + span * fraction ** (1 / 1.3))
                for copier in self.copiers.values():
                    item = copier.take()
                    if item is not None:
                        writer.put(item)
                log(f"  {base + size:,} / {n:,} requests made")
        finally:
            writer.finish()
        log(
            f"  rows made and sent in {time.perf_counter() - start:.0f} s "
            f"(of which the server spent {writer.seconds:.0f} s in COPY)"
        )
        self._finish()
        return {copier.table: copier.total for copier in self.copiers.values()}

    def _check_columns(self, cursor: Any) -> None:
        """Stop early, and clearly, if the tree's schema has a required column not filled here."""
        for copier in self.copiers.values():
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
                [copier.table],
            )
            missing = sorted({row[0] for row in cursor.fetchall()} - set(copier.columns))
            if missing:
                sys.exit(f"{copier.table} has required columns the loader does not fill: {missing}")

    def _finish(self) -> None:
        """Identity sequences past the loaded ids; reference counters past the references."""
        from django.db import connection

        from tcp.models import ReferenceCounter

        with connection.cursor() as cursor:
            for table, _cols, column in TABLES.values():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"GREATEST((SELECT MAX({column}) FROM {table}), 1))"
                )
        ReferenceCounter.objects.bulk_create(
            [ReferenceCounter(series=s, last_value=v) for s, v in self.counters.items()],
            update_conflicts=True,
            unique_fields=["series"],
            update_fields=["last_value"],
        )

    def _take(self, key: str) -> int:
        value = self.next_id[key]
        self.next_id[key] = value + 1
        return value

    def _reference(self, prefix: str, iso3: str, epoch: float) -> str:
        series = f"{prefix}-{dt.datetime.fromtimestamp(epoch, dt.UTC).year}-{iso3}"
        self.counters[series] += 1
        return f"{series}-{self.counters[series]:03d}"

    def _times(self, start: float, actions: list[str], gaps: dict) -> list[float]:
        """When each action happened: gaps drawn in days, squeezed to end before now."""
        drawn = [self.rng.uniform(*gaps[a]) * DAY for a in actions]
        total = sum(drawn)
        room = self.now - 3600 - start
        if drawn and total > room:
            scale = max(room, 60) * self.rng.uniform(0.5, 0.99) / total
            drawn = [d * scale for d in drawn]
        times, t = [], start
        for gap in drawn:
            t += gap
            times.append(t)
        return times

    def request(self, country: Any, created: float) -> None:
        """The rows of one request, from its creation as a draft to its final status."""
        rng, world = self.rng, self.world
        status = _weighted(rng, REQUEST_STATUS_BY_AGE, (self.now - created) / DAY)
        actions = request_path(status, rng)
        times = self._times(created, actions, REQUEST_GAPS)
        reference = self._reference("TCR", country.iso3, created)
        focal = rng.choice(world.focal_points[country.pk])
        actors = {
            "focal": focal,
            "desk": world.desk_of[country.pk],
            "approver": rng.choice(world.approvers),
        }
        request_id = self._take("request")
        fixed = (
            reference,
            rng.choice(TITLES).format(c=country.name),
            rng.choice(AUTHORITIES),
            rng.choice(DESCRIPTIONS),
            rng.choice(JUSTIFICATIONS),
            NULL,  # desired_start
            NULL,  # desired_end
        )
        created_at = _ts(created)
        state = {"updated_at": created_at, "status": "draft", "decline_reason": ""}
        state.update(submitted_at=NULL, decided_at=NULL)

        def row() -> tuple[Any, ...]:
            return (
                request_id,
                created_at,
                state["updated_at"],
                *fixed,
                state["status"],
                state["decline_reason"],
                state["submitted_at"],
                state["decided_at"],
                country.pk,
                focal.pk,
            )

        history = self.copiers["request_history"]
        history.add((*row(), self._take("request_history"), created_at, NULL, "+", focal.pk))
        recent = self.now - 730 * DAY
        decided = None
        for action, at in zip(actions, times, strict=True):
            target, role, label, status_label = REQUEST_ACTIONS[action]
            actor, before, stamp, note = actors[role], state["status"], _ts(at), ""
            state["status"] = target
            state["updated_at"] = stamp
            if action in ("submit", "resubmit"):
                state["submitted_at"] = stamp
            if action in ("accept", "decline"):
                state["decided_at"] = stamp
                decided = at
            if action == "request_information":
                note = rng.choice(QUESTIONS)
            elif action == "resubmit":
                note = rng.choice(ANSWERS)
            elif action == "decline":
                note = state["decline_reason"] = rng.choice(DECLINE_REASONS)
            reason = f"{action}: {before} → {target}"
            history.add((*row(), self._take("request_history"), stamp, reason, "~", actor.pk))
            change = self.status_change(
                self.request_ct, request_id, action, before, target, note, stamp, actor
            )
            if at >= recent:
                self.notify(change, at, f"[{reference}] {label}: {status_label}", action, actors)
        self.copiers["request"].add(row())
        if decided is not None and status == "accepted":
            share = 0.98 if self.now - decided > 90 * DAY else 0.4
            if rng.random() < share:
                self.assessment(country, request_id, fixed[1], decided, actors["desk"])

    def notify(
        self, change: int, at: float, subject: str, action: str, actors: dict[str, Any]
    ) -> None:
        """The notifications of one request event: who acts next, or the government."""
        recipients = {
            "submit": [actors["desk"]],
            "resubmit": [actors["desk"]],
            "withdraw": [actors["desk"]],
            "start_assessment": self.world.approvers,
            "request_information": [actors["focal"]],
            "accept": [actors["focal"]],
            "decline": [actors["focal"]],
        }.get(action, [])
        for person in recipients:
            sent = _ts(at + self.rng.uniform(5, 120))
            self.copiers["notification"].add(
                (self._take("notification"), subject, sent, person.pk, change)
            )

    def status_change(
        self,
        content_type: int,
        object_id: int,
        action: str,
        before: str,
        target: str,
        note: str,
        stamp: str,
        actor: Any,
    ) -> int:
        """A StatusChange row and the history row simple-history writes with it."""
        change_id = self._take("status_change")
        row = (change_id, object_id, action, before, target, note, stamp, actor.pk, content_type)
        self.copiers["status_change"].add(row)
        history_id = self._take("status_change_history")
        self.copiers["status_change_history"].add((*row, history_id, stamp, NULL, "+", actor.pk))
        return change_id

    def assessment(
        self, country: Any, request_id: int, title: str, decided: float, desk: Any
    ) -> None:
        """A needs assessment planned after the request was accepted, and its lifecycle.

        Conducted by a field presence covering the country (60% where there is
        one; its officer starts it and submits the findings) or by a mission.
        """
        rng, now = self.rng, self.now
        created = min(decided + rng.uniform(2, 30) * DAY, now - rng.uniform(60, DAY))
        created = max(created, decided + 1)
        status = _weighted(rng, ASSESSMENT_STATUS_BY_AGE, (now - created) / DAY)
        actions = assessment_path(status, rng)
        times = self._times(created, actions, ASSESSMENT_GAPS)
        presences = self.world.presences_of.get(country.pk, [])
        presence = rng.choice(presences) if presences and rng.random() < 0.6 else None
        people = {"desk": desk, "field": self.world.field_of[presence.pk] if presence else desk}
        mission_start = mission_end = NULL
        if presence is None:
            start = created + rng.uniform(20, 40) * DAY
            mission_start, mission_end = _date(start), _date(start + rng.uniform(7, 14) * DAY)
        assessment_id = self._take("assessment")
        created_at = _ts(created)
        state = {"updated_at": created_at, "summary": "", "status": "planned"}
        fixed = (
            self._reference("TCA", country.iso3, created),
            "field_presence" if presence else "mission",
            mission_start,
            mission_end,
            "Assess the needs of the institution and the assistance that would meet them.",
            _date(created + rng.uniform(45, 120) * DAY),  # due_date
        )

        extra = tuple({"title": title}[c] for c in self.assessment_extra)

        def row() -> tuple[Any, ...]:
            return (
                assessment_id,
                created_at,
                state["updated_at"],
                *fixed,
                state["summary"],
                state["status"],
                country.pk,
                presence.pk if presence else NULL,
                request_id,
                *extra,
            )

        history = self.copiers["assessment_history"]
        history.add((*row(), self._take("assessment_history"), created_at, NULL, "+", desk.pk))
        for action, at in zip(actions, times, strict=True):
            target, role = ASSESSMENT_ACTIONS[action]
            actor, before, stamp = people[role], state["status"], _ts(at)
            state["status"] = target
            state["updated_at"] = stamp
            if action == "submit_findings":
                state["summary"] = "Needs on complaints handling and regional outreach."
            note = "Please cover the regional offices too." if action == "return_findings" else ""
            reason = f"{action}: {before} → {target}"
            history.add((*row(), self._take("assessment_history"), stamp, reason, "~", actor.pk))
            self.status_change(
                self.assessment_ct, assessment_id, action, before, target, note, stamp, actor
            )
        self.copiers["assessment"].add(row())


def grant_exceptions(world: World, rng: random.Random) -> dict[str, int]:
    """Exception grants through ``tcp.scoping.grant_exception``, as an administrator gives them.

    Forty focal points are invited to one to three requests of another State
    (a joint request), sixty roster experts to one to three assessments, and
    the measured focal point to two requests of Uganda.
    """
    from assessments.models import NeedsAssessment
    from requests_app.models import AssistanceRequest
    from tcp import scoping
    from tcp.models import User

    view_request = "requests_app.view_assistancerequest"
    view_assessment = "assessments.view_needsassessment"
    requests = AssistanceRequest.objects.exclude(status="draft").order_by("pk")
    assessments = NeedsAssessment.objects.order_by("pk")
    last_request = requests.values_list("pk", flat=True).last()
    last_assessment = assessments.values_list("pk", flat=True).last()
    counts = {"request": 0, "assessment": 0}

    def grant(user: Any, perm: str, obj: Any) -> None:
        scoping.grant_exception(user=user, perm=perm, obj=obj, by=world.admin)
        counts["request" if perm == view_request else "assessment"] += 1

    others = [
        (person, country)
        for country, people in world.focal_points.items()
        for person in people
        if person.pk != world.subjects["focal"].pk
    ]
    for person, own in rng.sample(others, 40):
        for _ in range(rng.randint(1, 3)):
            found = None
            while found is None:
                found = (
                    requests.exclude(country_id=own)
                    .filter(pk__gte=rng.randint(1, last_request))
                    .first()
                )
            grant(person, view_request, found)
    uganda = list(requests.filter(country__iso3="UGA").order_by("-pk")[:200])
    for obj in uganda[::100]:
        grant(world.subjects["focal"], view_request, obj)
    if last_assessment:
        for expert in User.objects.filter(username__startswith="expert.").order_by("pk"):
            for _ in range(rng.randint(1, 3)):
                found = assessments.filter(pk__gte=rng.randint(1, last_assessment)).first()
                if found is not None:
                    grant(expert, view_assessment, found)
    return counts


def load_all(n: int, seed: int) -> float:
    """Users, scope, requests and everything under them, grants. Returns seconds taken."""
    from tcp.models import ReferenceCounter

    rng = random.Random(seed)
    start = time.perf_counter()
    log("Creating users and their scope through tcp.scoping ...")
    world = make_world(rng)
    log(f"Loading {n:,} requests with COPY ...")
    with secondary_indexes_dropped([table for table, _cols, _id in TABLES.values()]):
        totals = Loader(world, rng).run(n)
    for table, count in totals.items():
        log(f"  {table}: {count:,} rows")
    counts = grant_exceptions(world, rng)
    log(f"Exception grants: {counts}")
    ReferenceCounter.objects.create(series=LOADED_SERIES, last_value=n)
    return time.perf_counter() - start


@contextmanager
def secondary_indexes_dropped(tables: list[str]) -> Iterator[None]:
    """Drop the indexes of ``tables`` that back no constraint, and build them again after.

    COPY into a table with ten indexes is three times slower than into the bare
    table plus building the indexes once. Primary keys and unique constraints
    stay. The indexes are rebuilt from their own definitions, even on failure.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
        log(f"  rebuilt {len(indexes)} indexes in {time.perf_counter() - start:.0f} s")


def vacuum_analyze() -> float:
    """VACUUM ANALYZE the database: statistics (and visibility maps) before any timing."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


# --- the measured users ---


@dataclass
class Subject:
    """A measured user, and what the bare SQL for their rows needs to know."""

    key: str
    label: str
    user: Any
    country_ids: list[int]
    ohchr: bool
    all_countries: bool
    request_exceptions: list[int]
    assessment_exceptions: list[int]
    judged: bool


def subjects() -> list[Subject]:
    """The four measured users, with their countries read from the data (not from a selector)."""
    from assessments.models import NeedsAssessmentUserObjectPermission
    from requests_app.models import AssistanceRequestUserObjectPermission
    from tcp.models import Country, FieldPresence, User

    def exceptions(model: Any, user: Any) -> list[int]:
        return sorted(model.objects.filter(user=user).values_list("content_object_id", flat=True))

    def make(key: str, label: str, username: str, **kwargs: Any) -> Subject:
        user = User.objects.get(username=username)
        return Subject(
            key=key,
            label=label,
            user=user,
            request_exceptions=exceptions(AssistanceRequestUserObjectPermission, user),
            assessment_exceptions=exceptions(NeedsAssessmentUserObjectPermission, user),
            **kwargs,
        )

    portfolio = list(Country.objects.filter(iso3__in=DESK_PORTFOLIO).values_list("pk", flat=True))
    presence = FieldPresence.objects.get(code=FIELD_PRESENCE)
    covered = list(presence.countries.values_list("pk", flat=True))
    kenya = Country.objects.get(iso3=FOCAL_COUNTRY).pk
    return [
        make(
            "desk",
            f"desk officer ({len(portfolio)} countries)",
            MARKER_USER,
            country_ids=sorted(portfolio),
            ohchr=True,
            all_countries=False,
            judged=True,
        ),
        make(
            "field",
            f"field officer ({len(covered)} countries)",
            "bench.field",
            country_ids=sorted(covered),
            ohchr=True,
            all_countries=False,
            judged=True,
        ),
        make(
            "focal",
            "focal point (KEN)",
            "bench.gov",
            country_ids=[kenya],
            ohchr=False,
            all_countries=False,
            judged=True,
        ),
        make(
            "approver",
            "approver (all)",
            "bench.approver",
            country_ids=[],
            ohchr=True,
            all_countries=True,
            judged=False,
        ),
    ]


def _ids(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


def bare_request_sql(subject: Subject, *, status: str | None, count: bool) -> str:
    """The hand-written SQL for the rows ``subject`` sees in the request list."""
    scope = "TRUE" if subject.all_countries else f"r.country_id IN ({_ids(subject.country_ids)})"
    if subject.ohchr:
        scope += " AND r.status <> 'draft'"
    if subject.request_exceptions:
        scope = f"({scope}) OR r.id IN ({_ids(subject.request_exceptions)})"
    where = f"({scope})" + (f" AND r.status = '{status}'" if status else "")
    if count:
        return f"SELECT COUNT(*) FROM {REQUESTS_TABLE} r WHERE {where}"
    return (
        f"SELECT r.*, c.* FROM {REQUESTS_TABLE} r JOIN tcp_country c ON c.id = r.country_id "
        f"WHERE {where} ORDER BY r.created_at DESC, r.id DESC LIMIT {PAGE_SIZE}"
    )


def bare_assessment_sql(subject: Subject, *, count: bool) -> str:
    """The hand-written SQL for the rows ``subject`` sees in the assessment list."""
    if subject.all_countries:
        scope = "TRUE"
    else:
        scope = f"a.country_id IN ({_ids(subject.country_ids)})"
        if not subject.ohchr:
            scope += " AND a.status = 'shared_with_government'"
    if subject.assessment_exceptions:
        scope = f"({scope}) OR a.id IN ({_ids(subject.assessment_exceptions)})"
    if count:
        return f"SELECT COUNT(*) FROM {ASSESSMENTS_TABLE} a WHERE {scope}"
    return (
        f"SELECT a.*, c.*, r.*, p.* FROM {ASSESSMENTS_TABLE} a "
        f"JOIN tcp_country c ON c.id = a.country_id "
        f"JOIN {REQUESTS_TABLE} r ON r.id = a.request_id "
        f"LEFT JOIN tcp_fieldpresence p ON p.id = a.field_presence_id "
        f"WHERE {scope} ORDER BY a.due_date ASC, a.id ASC LIMIT {PAGE_SIZE}"
    )


# --- capturing the SQL of a page ---


@dataclass
class Query:
    """One statement a page ran."""

    sql: str
    ms: float | None  # None: cancelled by the capture timeout
    table: str | None  # the first table it reads FROM

    @property
    def timed_out(self) -> bool:
        return self.ms is None

    @property
    def is_count(self) -> bool:
        return bool(re.match(r"\s*SELECT COUNT\(", self.sql))

    @property
    def watched(self) -> bool:
        return any(f'"{t}"' in self.sql for t in WATCHED_TABLES)


_FROM = re.compile(r'\bFROM "(\w+)"')
_MARK = re.compile(r"^/\* bench-timeout (\d+) \*/ ")
STAND_IN_COUNT = 1000


class StandIn:
    """While capturing: a statement cancelled by the timeout is recorded and replaced
    by a cheap stand-in (a count of 1000, or no rows), so the page renders to the
    end and every statement it would run is seen."""

    def __init__(self) -> None:
        self.originals: list[str] = []

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict):
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            if not is_timeout(exc):
                raise
            cursor = context["cursor"]
            text = cursor.mogrify(sql, params) if params is not None else sql
            text = text.decode() if isinstance(text, bytes) else text
            mark = f"/* bench-timeout {len(self.originals)} */ "
            self.originals.append(text)
            if re.match(r'\s*SELECT COUNT\(\*\) AS "__count"', sql):
                return execute(f'{mark}SELECT %s AS "__count"', (STAND_IN_COUNT,), False, context)
            return execute(f"{mark}SELECT * FROM ({sql}) AS bench_q LIMIT 0", params, many, context)


def capture_page(client: Any, url: str, timeout_s: float) -> tuple[list[Query], int]:
    """The statements one render of ``url`` runs (status code too), each cut at ``timeout_s``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stand_in = StandIn()
    set_statement_timeout(timeout_s)
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(stand_in):
        response = client.get(url)
    queries = []
    for item in captured.captured_queries:
        sql, ms = item["sql"], float(item["time"]) * 1000
        mark = _MARK.match(sql)
        if mark:
            sql, ms = stand_in.originals[int(mark.group(1))], None
        found = _FROM.search(sql)
        queries.append(Query(sql=sql, ms=ms, table=found.group(1) if found else None))
    return queries, response.status_code


def list_queries(queries: list[Query], table: str) -> tuple[Query | None, Query | None]:
    """The count query of the list over ``table`` and the page query that follows it.

    The page query is the first later statement over the same table with an
    ORDER BY and a LIMIT of at most a page (fewer when fewer rows match).
    """
    count = next((q for q in queries if q.table == table and q.is_count), None)
    after = queries[queries.index(count) + 1 :] if count is not None else queries
    page = None
    for query in after:
        limit = re.search(r"ORDER BY .* LIMIT (\d+)$", query.sql.strip(), re.S)
        if query.table == table and not query.is_count and limit:
            page = query if 1 < int(limit.group(1)) <= PAGE_SIZE else None
            if page is not None:
                break
    return page, count


# --- EXPLAIN ANALYZE ---


@dataclass
class Explained:
    """A statement's execution time (median of runs; None past the timeout) and plan."""

    ms: float | None
    plan: str
    timeout_s: float

    @property
    def whole_scans(self) -> list[str]:
        """The watched tables this plan reads whole (see ``whole_table_scans``)."""
        return whole_table_scans(self.plan)

    @property
    def scans_requests(self) -> bool:
        return any(item.startswith(REQUESTS_TABLE) for item in self.whole_scans)

    def shown(self) -> str:
        if self.ms is None:
            return f"> {self.timeout_s:g} s"
        return f"{self.ms:.2f}" if self.ms < 10 else f"{self.ms:.1f}"


_SCAN = re.compile(
    r"(?P<kind>(?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan)(?: Backward)?)"
    r"(?: using \S+)? on (?P<table>\w+)"
)
_ACTUAL = re.compile(r"actual time=\S+ rows=(\d+) loops=(\d+)")
LOAD_AT_START: list[float] = []
# Rows per table (planner statistics), read once the data is analysed.
TABLE_ROWS: dict[str, float] = {}


def whole_table_scans(plan: str) -> list[str]:
    """The requests and assessments tables a plan reads whole, as "table (how)".

    A Seq Scan, or an index scan with no Index Cond that reads (returns or
    filters out, over all its loops) at least half the table's rows: the
    929c441 selector reads the requests table through its country index that
    way, re-checking a subplan per row, which a search for "Seq Scan" misses.
    In a plan without ANALYZE (a cancelled statement), every index scan with
    no Index Cond counts.
    """
    found = []
    lines = plan.splitlines()
    for number, line in enumerate(lines):
        match = _SCAN.search(line)
        if match is None or match.group("table") not in WATCHED_TABLES:
            continue
        table, kind = match.group("table"), match.group("kind")
        if "Seq Scan" in kind:
            found.append(f"{table} (Seq Scan)")
            continue
        details = []
        for following in lines[number + 1 :]:
            if "->" in following:
                break
            details.append(following)
        if any("Index Cond" in d for d in details):
            continue
        actual = _ACTUAL.search(line)
        if actual is None:
            found.append(f"{table} ({kind}, no Index Cond)")
            continue
        removed = next(
            (int(m.group(1)) for d in details if (m := re.search(r"Removed by Filter: (\d+)", d))),
            0,
        )
        read = (int(actual.group(1)) + removed) * int(actual.group(2))
        if read >= 0.5 * TABLE_ROWS.get(table, float("inf")):
            found.append(f"{table} ({kind}, {read:,} rows read)")
    return sorted(set(found))


def _explain_once(sql: str, analyze: bool) -> tuple[float | None, str]:
    from django.db import connection

    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return (float(found.group(1)) if found else None), plan


def explain_many(sqls: list[str], *, repeat: int, timeout_s: float) -> list[Explained]:
    """EXPLAIN (ANALYZE, BUFFERS) each statement: one warm-up each, then ``repeat``
    rounds that run them in turn, so that a selector's SQL and its bare SQL share the
    machine's load alike; each gets the median of its rounds.

    A statement slower than a second is run once. One that exceeds ``timeout_s``
    is cancelled; its plan is then the planner's estimate (EXPLAIN alone).
    """
    set_statement_timeout(timeout_s)
    first: list[float | None] = []
    plans: list[str] = []
    samples: list[list[float]] = []
    for sql in sqls:
        try:
            ms, plan = _explain_once(sql, analyze=True)
        except Exception as exc:
            if not is_timeout(exc):
                raise
            _, estimate = _explain_once(sql, analyze=False)
            ms, plan = None, f"(cancelled after {timeout_s:g} s; estimate)\n{estimate}"
        first.append(ms)
        plans.append(plan)
        samples.append([])
    for _ in range(repeat):
        for index, sql in enumerate(sqls):
            if first[index] is not None and first[index] < 1000:
                ms, plans[index] = _explain_once(sql, analyze=True)
                samples[index].append(ms)
    return [
        Explained(
            ms=statistics.median(runs) if runs else ms,
            plan=plan,
            timeout_s=timeout_s,
        )
        for ms, plan, runs in zip(first, plans, samples, strict=True)
    ]


def explain(sql: str, *, repeat: int, timeout_s: float) -> Explained:
    """``explain_many`` for one statement."""
    return explain_many([sql], repeat=repeat, timeout_s=timeout_s)[0]


def run_scalar(sql: str, timeout_s: float) -> Any:
    """The first column of the first row of ``sql``, or None past the timeout."""
    from django.db import connection

    set_statement_timeout(timeout_s)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return row[0] if row else None
    except Exception as exc:
        if not is_timeout(exc):
            raise
        return None


def first_column(sql: str, timeout_s: float) -> list[Any] | None:
    """The first column of every row of ``sql`` (the ids of a page), or None past the timeout."""
    from django.db import connection

    set_statement_timeout(timeout_s)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]
    except Exception as exc:
        if not is_timeout(exc):
            raise
        return None


# --- timing pages ---


@dataclass
class PageTiming:
    """Wall times of one page for one user, through the test client."""

    role: str
    page: str
    judged: bool
    samples: list[float]
    queries: int
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p90(self) -> float | None:
        if len(self.samples) < 2:
            return self.median
        return statistics.quantiles(self.samples, n=10, method="inclusive")[8]


def time_page(client: Any, url: str, *, repeat: int, slow_ms: float, timeout_s: float) -> Any:
    """One warm-up, then ``repeat`` timed renders (one if the warm-up exceeded ``slow_ms``).

    Returns (samples in ms, error text).
    """

    def once() -> float:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        return elapsed

    set_statement_timeout(timeout_s)
    try:
        warm = once()
        runs = 1 if warm > slow_ms else repeat
        return [once() for _ in range(runs)], ""
    except Exception as exc:
        if is_timeout(exc):
            return [], f"> {timeout_s:g} s"
        return [], f"error: {type(exc).__name__}: {str(exc)[:80]}"


# --- the measurement ---


@dataclass
class ListResult:
    """A list query of one page for one user: the selector's SQL against the bare SQL."""

    role: str
    name: str
    judged: bool
    selector: Explained | None
    bare: Explained
    rows_selector: int | None
    rows_bare: int | None
    same_rows: bool | None
    sql: str

    @property
    def ratio(self) -> float | None:
        if self.selector is None or self.selector.ms is None or not self.bare.ms:
            return None
        return self.selector.ms / self.bare.ms

    def failures(self) -> list[str]:
        """The criteria this list query fails: time, ratio, whole-table scan, rows."""
        if not self.judged:
            return []
        if self.selector is None:
            return [f"{self.role}: {self.name}: the page ran no such query"]
        found = []
        if self.selector.ms is None:
            found.append(f"{self.role}: {self.name}: SQL {self.selector.shown()}")
        elif (
            self.ratio is not None
            and self.ratio > RATIO_LIMIT
            and self.selector.ms - (self.bare.ms or 0) > RATIO_SLACK_MS
        ):
            found.append(f"{self.role}: {self.name}: SQL {self.ratio:.1f}x the bare SQL")
        if self.selector.scans_requests:
            found.append(f"{self.role}: {self.name}: reads {REQUESTS_TABLE} whole")
        if self.same_rows is False or (
            self.rows_selector is not None
            and self.rows_bare is not None
            and self.rows_selector != self.rows_bare
        ):
            found.append(f"{self.role}: {self.name}: not the rows of the bare SQL")
        return found


@dataclass
class OtherQueries:
    """The other statements of a page that read the requests or assessments table."""

    role: str
    page: str
    judged: bool
    explained: list[tuple[Query, Explained]]

    @property
    def total_ms(self) -> float | None:
        if any(e.ms is None for _q, e in self.explained):
            return None
        return sum(e.ms or 0 for _q, e in self.explained)

    def slowest(self) -> tuple[Query, Explained] | None:
        if not self.explained:
            return None
        return max(self.explained, key=lambda pair: _sort_ms(pair[1].ms))

    def failures(self) -> list[str]:
        """A statement of a judged user's page that reads the requests table whole."""
        if not self.judged:
            return []
        return [
            f"{self.role}: {self.page}: reads {REQUESTS_TABLE} whole in `{_short(q.sql)}`"
            for q, e in self.explained
            if e.scans_requests
        ]


def _sort_ms(ms: float | None) -> float:
    return float("inf") if ms is None else ms


def _short(sql: str, width: int = 100) -> str:
    """A statement in a few words: what it reads, from which table, and its WHERE."""
    text = re.sub(r"\s+", " ", sql).strip()
    found = re.search(r' FROM "(\w+)"', text)
    table = found.group(1) if found else "?"
    text = text.replace(f'"{table}".', "")
    text = re.sub(r'"(\w+)"\."(\w+)"', r"\1.\2", text).replace('"', "")
    head = "count" if re.match(r"SELECT COUNT\(", text) else "rows"
    where = text.split(" WHERE ", 1)[1] if " WHERE " in text else ""
    text = f"{head} of {table} where {where}"
    return text if len(text) <= width else text[: width - 1] + "…"


PAGES = (
    ("requests", "requests_app:list", ""),
    ("requests?status=submitted", "requests_app:list", "?status=submitted"),
    ("assessments", "assessments:list", ""),
    ("dashboard", "dashboard", ""),
)


def page_urls() -> list[tuple[str, str]]:
    """(name, url) of the measured pages, from the tree's URLconf."""
    from django.urls import reverse

    return [(name, reverse(url_name) + query) for name, url_name, query in PAGES]


@dataclass
class Report:
    """Everything measured, for the tables and the plans file."""

    pages: list[PageTiming] = field(default_factory=list)
    lists: list[ListResult] = field(default_factory=list)
    others: list[OtherQueries] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)


def measure(args: argparse.Namespace) -> Report:
    """Every page for every measured user: capture, EXPLAIN, bare SQL, then timing."""
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [list(WATCHED_TABLES)],
        )
        TABLE_ROWS.update(cursor.fetchall())
    LOAD_AT_START[:] = os.getloadavg()
    report = Report()
    urls = page_urls()
    for subject in subjects():
        log(f"Measuring {subject.label} ...")
        client = Client()
        client.force_login(subject.user, backend="django.contrib.auth.backends.ModelBackend")
        captured = {}
        for name, url in urls:
            queries, status = capture_page(client, url, args.capture_timeout)
            slow = sum(q.timed_out for q in queries)
            log(f"  {name}: {len(queries)} queries, HTTP {status}, {slow} past the capture timeout")
            captured[name] = queries
        _measure_lists(subject, captured, args, report)
        for name, url in urls:
            samples, error = time_page(
                client, url, repeat=args.repeat, slow_ms=args.slow_ms, timeout_s=args.timeout
            )
            timing = PageTiming(
                subject.label, name, subject.judged, samples, len(captured[name]), error
            )
            report.pages.append(timing)
            log(f"  timed {name}: median {timing.median} ms {error}")
    set_statement_timeout(0)
    return report


def _measure_lists(
    subject: Subject, captured: dict[str, list[Query]], args: argparse.Namespace, report: Report
) -> None:
    """EXPLAIN ANALYZE the list queries of the captured pages against their bare SQL,
    check they return the bare SQL's rows, then EXPLAIN the pages' other statements."""
    lists = (
        ("requests", "requests", REQUESTS_TABLE, None),
        ("requests?status=submitted", "submitted", REQUESTS_TABLE, "submitted"),
        ("assessments", "assessments", ASSESSMENTS_TABLE, None),
    )
    used: set[int] = set()
    for page_name, short, table, status in lists:
        queries = captured[page_name]
        page, count = list_queries(queries, table)
        for kind, query in (("page", page), ("count", count)):
            if table == REQUESTS_TABLE:
                bare_sql = bare_request_sql(subject, status=status, count=kind == "count")
            else:
                bare_sql = bare_assessment_sql(subject, count=kind == "count")
            name = f"{short} {kind}"
            log(f"  EXPLAIN {name}")
            statements = [bare_sql] if query is None else [query.sql, bare_sql]
            *found, bare = explain_many(
                statements, repeat=args.explain_repeat, timeout_s=args.timeout
            )
            selector = found[0] if found else None
            if query is not None:
                used.add(id(query))
            rows_selector = rows_bare = same = None
            if kind == "count":
                rows_bare = run_scalar(bare_sql, args.timeout)
                if query is not None:
                    rows_selector = run_scalar(query.sql, args.capture_timeout)
            elif query is not None:
                got = first_column(query.sql, args.capture_timeout)
                want = first_column(bare_sql, args.timeout)
                same = None if got is None or want is None else got == want
            result = ListResult(
                role=subject.label,
                name=name,
                judged=subject.judged,
                selector=selector,
                bare=bare,
                rows_selector=rows_selector,
                rows_bare=rows_bare,
                same_rows=same,
                sql=query.sql if query else "",
            )
            report.lists.append(result)
            if kind == "page" or short == "requests":
                report.plans.append(_plan_text(subject, name, result, bare_sql))
    for page_name, queries in captured.items():
        others = [q for q in queries if q.watched and id(q) not in used]
        explained = []
        for query in others:
            log(f"  EXPLAIN other query of {page_name}")
            result = explain(query.sql, repeat=3, timeout_s=args.capture_timeout)
            explained.append((query, result))
            if result.ms is None or result.ms >= OTHER_PLAN_MS or result.whole_scans:
                report.plans.append(
                    f"==== {subject.label}: another statement of {page_name} ====\n\n"
                    f"{query.sql}\n\n{result.plan}\n\n"
                )
        report.others.append(OtherQueries(subject.label, page_name, subject.judged, explained))


def _plan_text(subject: Subject, name: str, result: ListResult, bare_sql: str) -> str:
    lines = [f"==== {subject.label}: {name} ====", "", "-- the selector's SQL:"]
    if result.selector is None:
        lines.append("(the page ran no such query)")
    else:
        lines += [result.sql, "", result.selector.plan]
    lines += ["", "-- the bare SQL for the same rows:", bare_sql, "", result.bare.plan, "", ""]
    return "\n".join(lines)


# --- the report ---


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def environment(load_s: float | None, analyze_s: float) -> list[str]:
    """Where and on what the figures were taken."""
    import django
    from django.db import connection

    import tcp

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        settings = {}
        for name in ("work_mem", "shared_buffers", "effective_cache_size", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
        counts = {}
        for table in (
            REQUESTS_TABLE,
            "requests_app_historicalassistancerequest",
            "tcp_statuschange",
            "tcp_historicalstatuschange",
            ASSESSMENTS_TABLE,
            "assessments_historicalneedsassessment",
            "tcp_notification",
            "tcp_user",
            "requests_app_assistancerequestuserobjectpermission",
            "assessments_needsassessmentuserobjectpermission",
            "tcp_countryuserobjectpermission",
        ):
            cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'")
            counts[table] = cursor.fetchone()[0]
    code = Path(tcp.__file__).resolve().parent.parent
    head = ""
    with suppress(OSError):
        head = subprocess.run(
            ["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        ).stdout.strip()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    start_load = ", ".join(f"{v:.1f}" for v in LOAD_AT_START)
    lines = [
        f"Code: {code} (HEAD {head or '?'}, working tree as it is); Django {django.get_version()}",
        f"Machine: {os.cpu_count()} cores; load average (1, 5, 15 min) before timing "
        f"{start_load}, at the end {load}",
        f"PostgreSQL {version}: " + ", ".join(f"{k} {v}" for k, v in settings.items()),
        "Rows (planner estimates): " + ", ".join(f"{t} {c:,}" for t, c in counts.items()),
        f"VACUUM ANALYZE: {analyze_s:.0f} s"
        + (f"; load: {load_s:.0f} s" if load_s is not None else "; data reused"),
    ]
    return lines


def markdown(report: Report, header: list[str]) -> str:
    """The figures as Markdown tables, and the criteria that fail."""
    out = [*(f"- {line}" for line in header), ""]
    out += [
        "Pages through django.test.Client (ms, after one warm-up):",
        "",
        "| user | page | median | p90 | runs | queries | check |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for p in report.pages:
        check = _page_check(p)
        median = p.error or _ms(p.median)
        out.append(
            f"| {p.role} | `{p.page}` | {median} | {_ms(p.p90) if not p.error else '—'} | "
            f"{len(p.samples)} | {p.queries} | {check} |"
        )
    out += [
        "",
        "List queries: EXPLAIN (ANALYZE, BUFFERS) execution time in ms, median of runs, "
        "the selector's SQL (captured from the page) against the bare SQL for the same rows:",
        "",
        "| user | query | rows | selector | bare | ratio | same rows | whole-table scan | check |",
        "|---|---|---:|---:|---:|---:|---|---|---|",
    ]
    for r in report.lists:
        rows = r.rows_bare if r.rows_bare is not None else ""
        if r.rows_selector is not None and r.rows_selector != r.rows_bare:
            rows = f"{r.rows_selector} vs {r.rows_bare}"
        seq = ", ".join(r.selector.whole_scans) if r.selector and r.selector.whole_scans else "no"
        same = {True: "yes", False: "NO", None: ""}[r.same_rows]
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "—"
        check = "info" if not r.judged else ("FAIL" if r.failures() else "ok")
        out.append(
            f"| {r.role} | {r.name} | {rows} | {r.selector.shown() if r.selector else 'none'} | "
            f"{r.bare.shown()} | {ratio} | {same} | {seq} | {check} |"
        )
    out += [
        "",
        "Other statements of these pages that read the requests or assessments table "
        "(EXPLAIN ANALYZE, ms):",
        "",
        "| user | page | statements | total | slowest | slowest statement | whole-table scans |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for o in report.others:
        if not o.explained:
            continue
        slowest = o.slowest()
        scans = sum(bool(e.whole_scans) for _q, e in o.explained)
        total = _ms(o.total_ms) if o.total_ms is not None else "> timeout"
        out.append(
            f"| {o.role} | `{o.page}` | {len(o.explained)} | {total} | "
            f"{slowest[1].shown() if slowest else ''} | "
            f"`{_short(slowest[0].sql, 110) if slowest else ''}` | {scans} |"
        )
    failures = criteria_failures(report)
    out += ["", "Criteria (desk officer, field officer, focal point):", ""]
    out += [f"- FAIL {f}" for f in failures] or ["- all pass"]
    return "\n".join(out)


def _page_check(p: PageTiming) -> str:
    if not p.judged:
        return "info"
    if p.error or p.median is None or p.median >= PAGE_LIMIT_MS:
        return "FAIL"
    return "ok"


def criteria_failures(report: Report) -> list[str]:
    """Every way the done-criteria fail, one line each."""
    failures = []
    for p in report.pages:
        if _page_check(p) == "FAIL":
            shown = p.error or f"median {p.median:.0f} ms"
            failures.append(f"{p.role}: page `{p.page}`: {shown} (limit {PAGE_LIMIT_MS:.0f} ms)")
    for r in report.lists:
        failures += r.failures()
    for o in report.others:
        failures += o.failures()
    return failures


def write_plans(report: Report, out_dir: Path, label: str, header: list[str]) -> Path:
    """The plans of the list queries, selector and bare, for every measured user."""
    path = out_dir / f"plans-{label}.txt"
    text = "\n".join(header) + "\n\n" + "\n".join(report.plans)
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Log the start and duration of a phase."""
    log(f"{name} ...")
    start = time.perf_counter()
    yield
    log(f"{name}: {time.perf_counter() - start:.1f} s")


def main(argv: list[str] | None = None) -> int:
    """Prepare, load (or reuse), analyse, measure, report; 1 if a criterion fails."""
    args = parse_args(argv)
    config = database_config()
    must_load = prepare_database(config, reuse=args.reuse, requests=args.requests)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.backends.signals import connection_created

    settings.DEBUG = False
    # Whitenoise looks for collected static files the benchmark does not need.
    warnings.filterwarnings("ignore", message="No directory at")
    connection_created.connect(_apply_timeout, dispatch_uid="bench.scale.timeout")
    log(f"Code under test: {ROOT}")
    with phase("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    load_s = None
    if must_load:
        load_s = load_all(args.requests, args.seed)
        log(f"Load: {load_s:.0f} s")
    with phase("VACUUM ANALYZE"):
        analyze_s = vacuum_analyze()
    report = measure(args)
    header = environment(load_s, analyze_s)
    text = markdown(report, header)
    print(text)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = write_plans(report, args.out_dir, args.label, header)
    log(f"Plans written to {path}")
    return 1 if criteria_failures(report) else 0


if __name__ == "__main__":
    sys.exit(main())

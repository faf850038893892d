"""Does the change log stay fast with ten million history rows? A benchmark and a check.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcp_bench_history \\
        .venv/bin/python bench/history.py [--rows 10000000] [--reuse] [--repeat 9]

1. Creates the database named in DATABASE_URL (its name must contain "bench";
   without ``--reuse`` it is dropped and recreated) and runs ``migrate``.
2. Loads history in the shape the services write it, with SQL
   (``INSERT … SELECT generate_series``): ``--rows`` historical rows over the
   request, programme, budget-line and expenditure history tables (a "+" row
   per record, "~" rows for its edits and transitions, "-" for deleted
   budget lines), each with its change-log line (``tcp_changeevent``) as
   ``tcp.changelog`` writes it: the record's anchor and reference, its
   country (a line per country for the regional programmes' records, one of
   them ``is_primary``), the acting user, the changed fields with old and new
   values, the step and note of transitions, a State's drafts ``private``.
   Time runs forward over five years with the ids, as it does when the log is
   written. Then VACUUM ANALYZE.
3. As the auditor, renders through ``django.test.Client`` (real views,
   templates and SQL): the unfiltered log's first page and a page five
   years deep (its cursor), each filter (record type, reference, country,
   user, kind of change, one year, one country for one year), a record's
   history, and the auditor's dashboard. Median and p90 of ``--repeat`` runs,
   and the number of queries each page ran; EXPLAIN (ANALYZE) of the log
   query of each page goes to ``bench/plans-history.txt``.
4. Exits 1 if a page's median is 300 ms or more.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcp.settings")

LIMIT_MS = 300.0
YEARS = 5
USERS = 60


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="history rows to load")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per page")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def prepare_database(reuse: bool, rows: int) -> bool:
    """Create (or keep) the database; True when it must be loaded."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: a benchmark database's name contains 'bench'.")
    kwargs = {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    admin = psycopg2.connect(dbname="postgres", **kwargs)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cur.fetchone() is not None
        if exists and reuse:
            target = psycopg2.connect(dbname=name, **kwargs)
            try:
                with target.cursor() as cur:
                    cur.execute("SELECT count(*) FROM tcp_changeevent WHERE is_primary")
                    if cur.fetchone()[0] >= rows:
                        log(f"Reusing {name}.")
                        return False
            except psycopg2.Error:
                pass
            finally:
                target.close()
        with admin.cursor() as cur:
            if exists:
                cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        log(f"Created database {name}.")
        return True
    finally:
        admin.close()


# --- loading ---

# Each table's statuses over a record's ten versions.
STATUSES = {
    "requests_app_historicalassistancerequest": (
        "(ARRAY['draft','submitted','acknowledged','under_assessment','accepted','accepted',"
        "'accepted','accepted','accepted','accepted'])[v + 1]"
    ),
    "programmes_historicalprogramme": (
        "(ARRAY['drafting','under_review','approved','accepted','in_implementation',"
        "'in_implementation','in_implementation','in_implementation','completed','closed'])[v + 1]"
    ),
    "programmes_historicalexpenditure": "'recorded'",
}

# Shares of the history rows by table, and the actions of their rows.
TABLES = (
    # (history table, model label, share)
    ("requests_app_historicalassistancerequest", "requests_app.assistancerequest", 0.45),
    ("programmes_historicalprogramme", "programmes.programme", 0.10),
    ("programmes_historicalbudgetline", "programmes.budgetline", 0.25),
    ("programmes_historicalexpenditure", "programmes.expenditure", 0.20),
)


def load(rows: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection

    from tcp.models import Country, User
    from tcp.roles import Role

    log("Users and roles")
    auditor, _ = User.objects.get_or_create(username="bench.auditor")
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR.value))
    for i in range(USERS):
        User.objects.get_or_create(username=f"bench.user{i}", defaults={"last_name": f"User {i}"})
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    countries = list(Country.objects.order_by("pk").values_list("pk", "iso3"))
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_country (n int PRIMARY KEY, id int, iso3 text)")
        cur.executemany(
            "INSERT INTO bench_country VALUES (%s, %s, %s)",
            [(n, pk, iso3) for n, (pk, iso3) in enumerate(countries)],
        )
        cur.execute("CREATE TEMP TABLE bench_user (n int PRIMARY KEY, id int)")
        cur.executemany("INSERT INTO bench_user VALUES (%s, %s)", list(enumerate(user_ids)))
        indexes = _drop_indexes(cur, "tcp_changeevent")
        start = 0
        for table, label, share in TABLES:
            count = int(rows * share)
            log(f"{count:,} rows into {table} and their change-log lines")
            _load_table(cur, table, label, start, count, rows, len(countries), len(user_ids))
            start += count
        log("Change-log lines of the regional programmes' records in their second country")
        cur.execute(
            """
            INSERT INTO tcp_changeevent (at, user_id, action, model, object_id, label,
                anchor_model, anchor_id, reference, country_id, is_primary, private,
                history_id, transition, from_status, to_status, note, changes)
            SELECT at, user_id, action, model, object_id, label, anchor_model, anchor_id,
                   reference, (SELECT id FROM bench_country WHERE n = (e.anchor_id * 7) %% %s),
                   false, private, history_id, transition, from_status, to_status, note, changes
            FROM tcp_changeevent e WHERE anchor_model = 'programmes.programme'
              AND anchor_id %% 20 = 0
            """,
            [len(countries)],
        )
        log("Indexes")
        for statement in indexes:
            cur.execute(statement)
    with connection.cursor() as cur:
        log("VACUUM ANALYZE")
        cur.execute("VACUUM ANALYZE")


def _drop_indexes(cur: Any, table: str) -> list[str]:
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE "
        "'%%pkey'",
        [table],
    )
    found = cur.fetchall()
    for name, _definition in found:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _load_table(
    cur: Any,
    table: str,
    label: str,
    start: int,
    count: int,
    grand: int,
    countries: int,
    users: int,
) -> None:
    """``count`` history rows of ``table``, ten per record, and their log lines.

    Row i of the table is at that share of five years: the tables' rows
    interleave in time as the services write them, each table's forward with
    its ids.
    """
    anchor = "programmes.programme" if label.startswith("programmes") else label
    per_record = 10
    seconds = YEARS * 365 * 86400
    # Common expressions over s (0..count-1): record r, its version v, its time.
    series = f"""
        SELECT s, s / {per_record} AS r, s % {per_record} AS v,
               now() - make_interval(secs => {seconds} * (1 - s::float / {count}))
                   - make_interval(secs => {start} % 997) AS at
        FROM generate_series(0, {count - 1}) AS s
    """
    history_type = "CASE WHEN v = 0 THEN '+' WHEN v = 9 AND r % 10 = 0 THEN '-' ELSE '~' END"
    reference = (
        "'TCR-' || (2022 + r % 5) || '-' || c.iso3 || '-' || lpad((r % 99999)::text, 5, '0')"
        if label.startswith("requests_app")
        else "'TCP-' || (2022 + r % 5) || '-' || c.iso3 || '-' || lpad((r / 4 % 9999)::text, 4, '0')"
    )
    status = STATUSES.get(table, "''")
    _load_generic(cur, table, series, history_type, countries, users, reference, status)
    # The log lines: one per history row, as tcp.changelog writes them.
    action = (
        "CASE WHEN v = 0 THEN 'created' WHEN v = 9 AND r % 10 = 0 THEN 'deleted' "
        "WHEN v IN (1, 2, 4) THEN 'transition' ELSE 'changed' END"
    )
    anchor_id = "r + 1" if anchor == label else "r / 4 + 1"
    cur.execute(
        f"""
        INSERT INTO tcp_changeevent (at, user_id, action, model, object_id, label, anchor_model,
            anchor_id, reference, country_id, is_primary, private, history_id, transition,
            from_status, to_status, note, changes)
        SELECT at, u.id, {action}, '{label}', r + 1, 'Record ' || r, '{anchor}', {anchor_id},
               {reference}, c.id, true,
               ('{label}' = 'requests_app.assistancerequest' AND v = 0 AND r % 50 = 0),
               s + 1,
               CASE WHEN v IN (1, 2, 4) THEN (ARRAY['submit','acknowledge','x','accept'])[v] ELSE '' END,
               CASE WHEN v IN (1, 2, 4) THEN 'submitted' ELSE '' END,
               CASE WHEN v IN (1, 2, 4) THEN 'acknowledged' ELSE '' END,
               CASE WHEN v = 4 THEN 'Accepted after screening.' ELSE '' END,
               CASE WHEN v IN (0, 9) THEN '[{{"field": "title", "old": null, "new": "Record"}}]'::jsonb
                    ELSE jsonb_build_array(jsonb_build_object(
                        'field', 'amount', 'old', (v * 100)::text, 'new', (v * 125)::text))
               END
        FROM ({series}) g
        JOIN bench_country c ON c.n = g.r % {countries}
        JOIN bench_user u ON u.n = (g.r + g.v) % {users}
        """
    )


def _load_generic(
    cur: Any,
    table: str,
    series: str,
    history_type: str,
    countries: int,
    users: int,
    reference: str,
    status: str,
) -> None:
    cur.execute(
        """
        SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = %s ORDER BY ordinal_position
        """,
        [table],
    )
    values = []
    columns = []
    for name, data_type, nullable in cur.fetchall():
        if name == "history_id":
            continue
        columns.append(f'"{name}"')
        if name == "id":
            values.append("r + 1")
        elif name == "history_type":
            values.append(history_type)
        elif name in ("history_date", "created_at", "updated_at", "recorded_at", "applied_at"):
            values.append("at")
        elif name == "history_user_id" or name.endswith("_by_id"):
            values.append("u.id")
        elif name == "country_id":
            values.append("c.id")
        elif name == "reference":
            values.append(reference)
        elif name == "status":
            values.append(status)
        elif name.endswith("_id"):
            values.append("r / 4 + 1")
        elif nullable == "YES":
            values.append("NULL")
        elif data_type in ("integer", "bigint", "smallint", "numeric"):
            values.append("(v * 100)")
        elif data_type == "date":
            values.append("at::date")
        elif data_type.startswith("timestamp"):
            values.append("at")
        elif data_type == "boolean":
            values.append("false")
        elif data_type == "jsonb":
            values.append("'{}'::jsonb")
        else:
            values.append("'Record ' || r")
    cur.execute(
        f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {", ".join(values)}
        FROM ({series}) g
        JOIN bench_country c ON c.n = g.r % {countries}
        JOIN bench_user u ON u.n = (g.r + g.v) % {users}
        """
    )


# --- timing ---


def pages() -> list[tuple[str, str, dict[str, str]]]:
    """(label, url name or path, query) of each page timed."""
    from django.db import connection
    from django.urls import reverse

    from tcp.models import ChangeEvent, Country

    kenya = Country.objects.get(iso3="KEN")
    year = time.localtime().tm_year - 2
    deep = (
        ChangeEvent.objects.filter(is_primary=True, private=False)
        .order_by("at", "id")
        .values_list("at", "id")[1000:1001]
        .get()
    )
    reference = (
        ChangeEvent.objects.filter(country=kenya, model="requests_app.assistancerequest")
        .values_list("reference", flat=True)
        .first()
    )
    record = ChangeEvent.objects.filter(reference=reference).values_list("model", "object_id")[0]
    user = ChangeEvent.objects.filter(is_primary=True).values_list("user_id", flat=True).first()
    del connection  # (only the ORM is used)
    log_url = reverse("history")
    return [
        ("log: first page", log_url, {}),
        ("log: five years deep", log_url, {"before": f"{deep[0].isoformat()}_{deep[1]}"}),
        ("log: record type", log_url, {"model": "programmes.budgetline"}),
        ("log: reference", log_url, {"reference": reference}),
        ("log: country", log_url, {"country": str(kenya.pk)}),
        ("log: user", log_url, {"user": str(user)}),
        ("log: kind of change", log_url, {"action": "deleted"}),
        ("log: one year", log_url, {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}),
        (
            "log: one country, one year",
            log_url,
            {"country": str(kenya.pk), "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"},
        ),
        (
            "log: country, type and kind",
            log_url,
            {"country": str(kenya.pk), "model": "programmes.expenditure", "action": "created"},
        ),
        ("record history", reverse("record_history", args=list(record)), {}),
        ("auditor's dashboard", reverse("dashboard"), {}),
    ]


def measure(repeat: int) -> bool:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tcp.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench.auditor"))
    ok = True
    plans = []
    print("\n| page | median ms | p90 ms | queries |\n|---|---:|---:|---:|")
    for label, url, query in pages():
        client.get(url, query)  # warm
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url, query)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, query)
        samples.sort()
        median = statistics.median(samples)
        p90 = samples[int(len(samples) * 0.9) - 1] if len(samples) > 1 else samples[0]
        print(f"| {label} | {median:.1f} | {p90:.1f} | {len(ctx)} |", flush=True)
        ok &= median < LIMIT_MS
        for q in ctx.captured_queries:
            if "tcp_changeevent" in q["sql"]:
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    plan = "\n".join(row[0] for row in cur.fetchall())
                plans.append(f"## {label}\n\n{q['sql']}\n\n{plan}\n")
    (ROOT / "bench" / "plans-history.txt").write_text("\n".join(plans))
    return ok


def main() -> None:
    args = parse_args()
    fresh = prepare_database(args.reuse, args.rows)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    if fresh:
        started = time.perf_counter()
        load(args.rows)
        log(f"Loaded in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE is_primary) FROM tcp_changeevent")
        lines, primary = cur.fetchone()
        history = 0
        for table, _label, _share in TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            history += cur.fetchone()[0]
    log(f"{history:,} history rows; {lines:,} change-log lines ({primary:,} primary)")
    ok = measure(args.repeat)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

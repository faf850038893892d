"""Benchmarks of the hot paths of scoping, on a throwaway test database.

    make bench                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcp make bench

Creates N requests spread over 40 countries, then times, for a desk officer
with a four-country portfolio and for an approver who sees everything:
computing the scope, counting visible requests, and rendering the first page
(25 rows) of the list query; and reference numbers handed out per second.
Figures are printed as a Markdown table; bench/RESULTS.md keeps them.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcp.settings_test")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "20000"))


def timed(fn, repeat: int = 30) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from requests_app.models import AssistanceRequest
    from requests_app.selectors import visible_requests
    from tcp import scoping
    from tcp.history import untracked
    from tcp.models import Country, User
    from tcp.references import next_reference
    from tcp.roles import Role

    admin = User.objects.create(username="bench-admin")
    countries = list(Country.objects.order_by("iso3")[:40])
    desk = User.objects.create(username="bench-desk")
    desk.groups.add(Group.objects.get(name=Role.DESK_OFFICER.value))
    for country in countries[:4]:
        scoping.set_desk_officer(country=country, user=desk, by=admin)
    approver = User.objects.create(username="bench-approver")
    approver.groups.add(Group.objects.get(name=Role.PROGRAMME_APPROVER.value))

    start = time.perf_counter()
    # Untracked: synthetic rows for a read benchmark, not data anyone wrote.
    with untracked():
        AssistanceRequest.objects.bulk_create(
            [
                AssistanceRequest(
                    reference=f"BENCH-{i:06d}",
                    country=countries[i % len(countries)],
                    title=f"Request {i}",
                    status="submitted",
                    created_by=admin,
                )
                for i in range(N)
            ],
            batch_size=2000,
        )
    setup_s = time.perf_counter() - start

    rows = []
    for label, user in (("desk officer (4 countries)", desk), ("approver (all)", approver)):
        visible = visible_requests(user).count()
        rows.append(
            (
                label,
                visible,
                timed(lambda u=user: scoping.scope_for(u)),
                timed(lambda u=user: visible_requests(u).count()),
                timed(lambda u=user: list(visible_requests(u).order_by("-created_at")[:25])),
            )
        )

    start = time.perf_counter()
    for _ in range(500):
        next_reference("TCR", "BEN", year=2099)
    refs_per_s = 500 / (time.perf_counter() - start)

    print(
        f"Database: {connection.vendor}; {N} requests over {len(countries)} countries "
        f"(inserted in {setup_s:.1f} s)\n"
    )
    print("| user | visible | scope_for ms | count ms | first page (25) ms |")
    print("|---|---:|---:|---:|---:|")
    for label, visible, scope_ms, count_ms, page_ms in rows:
        print(f"| {label} | {visible} | {scope_ms:.2f} | {count_ms:.2f} | {page_ms:.2f} |")
    print(f"\nnext_reference: {refs_per_s:.0f} references/s (one connection)")


if __name__ == "__main__":
    main()

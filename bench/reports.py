"""How long do the big PDF reports take to render, with how much memory, and does
asking for one answer at once?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcp_bench_reports \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/reports.py [--programmes 1000] [--reuse]

1. Creates the database named in DATABASE_URL (its name must contain "bench";
   without ``--reuse`` it is dropped and recreated) and migrates.
2. Loads through the services, so each record has its history and events:
   one national programme in implementation long enough for a ~20-page
   programme document (components, indicators with values, activities,
   partners, budget lines with expenditure), and ``--programmes`` programmes
   over 60 countries, in every status, each with components, indicators,
   budget lines on the three funding sources and expenditure this year.
   Then ANALYZE.
3. Renders the programme document (as its desk officer) and the annual report
   of this year (as the approver) three times each: the HTML (the data,
   read through the selectors), the PDF (WeasyPrint in its child process),
   pages, and the child's peak memory (ru_maxrss of the children).
4. Times the request that asks for a report (``POST /reports/ask/``) with the
   broker in CELERY_BROKER_URL: the task is queued, not run (median of 20).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcp.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded")
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


def prepare_database(reuse: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    name = url.rsplit("/", 1)[-1]
    if not url.startswith("postgres") or "bench" not in name:
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name contains 'bench'.")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and not reuse:
        subprocess.run(["psql", admin, "-qc", f'DROP DATABASE "{name}"'], check=True)
        exists = ""
    if not exists:
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


class Loader:
    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from tcp.models import Country, FormOfAssistance, FundingSource, ThematicArea
        from tcp.roles import Role

        self.User = get_user_model()
        self.today = dt.date.today()
        self.year_start = dt.date(self.today.year, 1, 1)
        self.countries = list(Country.objects.filter(iso3__isnull=False).order_by("iso3")[:60])
        self.sources = list(FundingSource.objects.order_by("pk"))
        self.themes = list(ThematicArea.objects.order_by("pk"))
        self.forms = list(FormOfAssistance.objects.order_by("pk"))
        self.admin = self._user("bench.admin", None)
        self.approver = self._user("bench.approver", Role.PROGRAMME_APPROVER)
        self.desk = self._user("bench.desk", Role.DESK_OFFICER)
        self.field = self._user("bench.field", Role.FIELD_OFFICER)
        self.gov = self._user("bench.gov", Role.FOCAL_POINT)
        self.focal_points: dict[int, object] = {}

    def _user(self, username: str, role):
        user, _created = self.User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "is_superuser": role is None},
        )
        return user

    def grant(self) -> None:
        from tcp import scoping
        from tcp.roles import Role, role_group

        for user, role in (
            (self.approver, Role.PROGRAMME_APPROVER),
            (self.desk, Role.DESK_OFFICER),
            (self.field, Role.FIELD_OFFICER),
            (self.gov, Role.FOCAL_POINT),
        ):
            scoping.set_roles(user=user, roles=[role_group(role)], by=self.admin)
        for country in self.countries:
            scoping.set_desk_officer(country=country, user=self.desk, by=self.admin)
            # Each State accepts its programmes through its own focal point.
            focal = self._user(f"bench.gov.{country.iso3.lower()}", Role.FOCAL_POINT)
            scoping.set_roles(user=focal, roles=[role_group(Role.FOCAL_POINT)], by=self.admin)
            scoping.assign_focal_point(user=focal, country=country, by=self.admin)
            self.focal_points[country.pk] = focal
        scoping.assign_focal_point(user=self.gov, country=self.countries[0], by=self.admin)

    def programme(
        self,
        country,
        *,
        components: int,
        indicators: int,
        activities: int,
        lines: int,
        status: str,
        title: str,
    ):
        from programmes import budget, implementation
        from programmes import services as programmes

        start = self.year_start - dt.timedelta(days=random.randint(0, 400))
        programme = programmes.create_programme(
            title=title,
            countries=[country],
            objective="Strengthen the national human rights institution and the justice sector. "
            * 3,
            start_date=start,
            end_date=start + dt.timedelta(days=730),
            by=self.desk,
        )
        parts = []
        for c in range(components):
            component = programmes.add_component(
                programme=programme,
                thematic_area=self.themes[c % len(self.themes)],
                title=f"Component {c + 1}: {self.themes[c % len(self.themes)].name}",
                objective="Institutions apply the standards in their daily work. " * 4,
                outputs="Officials trained\nProcedures adopted\nMonitoring visits held",
                by=self.desk,
            )
            inds = [
                programmes.add_indicator(
                    component=component,
                    by=self.desk,
                    name=f"Indicator {c + 1}.{i + 1}: cases handled within the legal time",
                    unit="cases",
                    baseline=Decimal(10 + i),
                    target=Decimal(60 + i),
                )
                for i in range(indicators)
            ]
            budget_lines = [
                budget.add_budget_line(
                    programme=programme,
                    by=self.desk,
                    component=component,
                    funding_source=self.sources[(c + b) % len(self.sources)],
                    description=f"Line {c + 1}.{b + 1}: training, experts and travel",
                    amount=Decimal(random.randint(5_000, 90_000)) + Decimal("0.50"),
                )
                for b in range(lines)
            ]
            parts.append((component, inds, budget_lines))
        if status == "drafting":
            return programme
        programmes.transition_programme(
            programme=programme, action="submit_for_review", by=self.desk
        )
        if status == "under_review":
            return programme
        programmes.transition_programme(programme=programme, action="approve", by=self.approver)
        if status == "approved":
            return programme
        programmes.accept_programme(programme=programme, by=self.focal_points[country.pk])
        programmes.transition_programme(
            programme=programme, action="start_implementation", by=self.desk
        )
        for component, inds, budget_lines in parts:
            for a in range(activities):
                implementation.add_activity(
                    component=component,
                    by=self.desk,
                    form=self.forms[a % len(self.forms)],
                    title=f"Activity {a + 1} of {component.title[:40]}",
                    place="The capital",
                    start_date=self.today - dt.timedelta(days=30 * a + 10),
                    end_date=self.today - dt.timedelta(days=30 * a + 5),
                )
            for ind in inds:
                for v in range(3):
                    programmes.record_indicator_value(
                        indicator=ind,
                        by=self.desk,
                        date=self.today - dt.timedelta(days=90 * (3 - v)),
                        value=Decimal(15 + 10 * v),
                        source="Case management system",
                    )
            for line in budget_lines:
                budget.record_expenditure(
                    line=line,
                    by=self.desk,
                    date=max(self.year_start, self.today - dt.timedelta(days=20)),
                    amount=(line.amount / 3).quantize(Decimal("0.01")),
                    description="Training cycle",
                )
        return programme

    def load(self, n: int):
        from tcp.history import acting_as

        random.seed(7)
        with acting_as(self.admin):
            self.grant()
        big = self.programme(
            self.countries[0],
            components=16,
            indicators=3,
            activities=5,
            lines=2,
            status="in_implementation",
            title="Kenya: human rights in the administration of justice",
        )
        statuses = [
            "drafting",
            "under_review",
            "approved",
            "in_implementation",
            "in_implementation",
        ]
        started = time.monotonic()
        for i in range(n):
            self.programme(
                self.countries[i % len(self.countries)],
                components=2,
                indicators=1,
                activities=0,
                lines=2,
                status=statuses[i % len(statuses)],
                title=f"Programme {i + 1}",
            )
            if (i + 1) % 100 == 0:
                print(
                    f"  {i + 1} programmes loaded ({time.monotonic() - started:.0f} s)", flush=True
                )
        return big


def measure(report_kind: str, reference: str, user, repeat: int, params=None) -> dict:
    from tcp import reports
    from tcp.models import Report

    row = Report.objects.create(
        kind=report_kind,
        reference=reference,
        params=params or {},
        language="en",
        requested_by=user,
        title="bench",
    )
    html_ms, pdf_ms, pages = [], [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        html = reports.html_for(row)
        html_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        _pdf, pages = reports.pdf_from_html(html)
        pdf_ms.append((time.perf_counter() - t) * 1000)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "html_ms": statistics.median(html_ms),
        "pdf_ms": statistics.median(pdf_ms),
        "pages": pages,
        "peak_mib": peak_mib,
        "html_kib": len(html) / 1024,
    }


def time_ask(user, reference: str, n: int = 20) -> list[float]:
    from django.test import Client

    from tcp.models import Report

    client = Client()
    client.force_login(user)
    times = []
    for _ in range(n):
        Report.objects.filter(requested_by=user).delete()  # no waiting one to reuse
        t = time.perf_counter()
        response = client.post("/reports/ask/", {"kind": "programme", "reference": reference})
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 302, response.status_code
    return times


def main() -> int:
    args = parse_args()
    prepare_database(args.reuse)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from programmes.models import Programme

    if settings.CELERY_TASK_ALWAYS_EAGER:
        sys.exit("Set CELERY_BROKER_URL: the ask request must queue the task, not run it.")
    call_command("migrate", interactive=False, verbosity=0)
    loader_started = time.monotonic()
    if args.reuse and Programme.objects.count() > args.programmes:
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        desk, approver = users.get(username="bench.desk"), users.get(username="bench.approver")
        big = Programme.objects.get(title__startswith="Kenya: human rights")
    else:
        loader = Loader()
        big = loader.load(args.programmes)
        desk, approver = loader.desk, loader.approver
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data ready in {time.monotonic() - loader_started:.0f} s: "
        f"{Programme.objects.count()} programmes"
    )

    year = str(dt.date.today().year)
    # The smaller first: ru_maxrss of the children is the largest so far, so each
    # figure is that report's own peak (or the larger one's before it).
    annual = measure("annual", year, approver, args.repeat)
    document = measure("programme", big.reference, desk, args.repeat)
    from celery import current_app

    queue = current_app.conf.task_default_queue
    ask = time_ask(desk, big.reference)
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)  # nothing is left queued

    print()
    print(
        "| report | pages | HTML (data) ms | PDF ms | total s "
        "| peak memory of the renderer MiB | HTML KiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, m in (
        ("programme document (desk officer)", document),
        (f"annual report {year}, {Programme.objects.count()} programmes (approver)", annual),
    ):
        print(
            f"| {name} | {m['pages']} | {m['html_ms']:.0f} | {m['pdf_ms']:.0f} | "
            f"{(m['html_ms'] + m['pdf_ms']) / 1000:.1f} | {m['peak_mib']:.0f} | "
            f"{m['html_kib']:.0f} |"
        )
    print()
    print(
        f"POST /reports/ask/ (queues the task): median {statistics.median(ask):.1f} ms, "
        f"max {max(ask):.1f} ms over {len(ask)}"
    )
    ok = statistics.median(ask) < 200
    print("check: the ask request answers in under 200 ms:", "ok" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

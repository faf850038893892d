"""Render one report now, as a user would receive it (for support and template checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tcp import reports
from tcp.history import acting_as
from tcp.models import Region, Report


class Command(BaseCommand):
    help = (
        "Render one PDF report synchronously as USER would receive it and write it to FILE. "
        "KIND: request, assessment, programme, evaluation, annual (REFERENCE: the year)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=Report.Kind.values)
        parser.add_argument("reference")
        parser.add_argument("--user", required=True, help="whose view of the data to render")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[c for c, _ in settings.LANGUAGES]
        )
        parser.add_argument("--region", choices=Region.values, help="annual report: one region")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            user = get_user_model().objects.get(username=o["user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {o['user']!r}.") from exc
        kind = reports.kind(o["kind"])
        try:
            subject = kind.subject(user, o["reference"])
        except Http404 as exc:
            raise CommandError(
                f"{o['user']} may not open {o['kind']} {o['reference']} (or it does not exist)."
            ) from exc
        params = {"region": o["region"]} if o.get("region") else {}
        with acting_as(user):
            report = Report.objects.create(
                kind=o["kind"],
                subject_id=getattr(subject, "pk", None),
                reference=o["reference"],
                params=params,
                language=o["language"],
                requested_by=user,
                title=str(kind.title(subject, params))[:300],
            )
        report = reports.render(report.pk)
        if report.status != Report.Status.READY:
            raise CommandError(f"The report failed: {report.error}")
        with report.file.open("rb") as src:
            Path(o["out"]).write_bytes(src.read())
        self.stdout.write(f"{o['out']}: {report.pages} pages, {report.size} bytes")

"""Import a UHRI CSV export from the command line, through the same service as the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.recommendations import import_recommendations
from tcp.lifecycle import TransitionRefused


class Command(BaseCommand):
    help = (
        "Create or update recommendations from a Universal Human Rights Index CSV export, "
        "as USERNAME (scope, permissions and history are that user's). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, comma separated).")
        parser.add_argument(
            "--as", dest="username", required=True, help="The user the import acts as."
        )

    def handle(self, *args: Any, file: Path, username: str, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user “{username}”.") from None
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        with handle:
            try:
                report = import_recommendations(file=File(handle, name=file.name), by=user)
            except TransitionRefused as exc:
                raise CommandError(exc.message) from None
        if report.errors:
            for error in report.errors:
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"line {error.line}{column}: {error.message}")
            raise CommandError(
                f"{len(report.errors)} problem(s) in {file.name}: nothing was imported."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged."
            )
        )

"""One reminder sweep now, for a server without beat or to check the thresholds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand

from tcp import reminders


class Command(BaseCommand):
    help = (
        "Run one reminder sweep now and print what it sent, by kind. "
        "--dry-run lists what would be sent, and sends and writes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            due = reminders.dry_run()
            for d in due:
                who = d.recipient.get_username()
                extra = " (escalation)" if d.escalation else ""
                self.stdout.write(
                    f"would send {d.reminder.code}{extra}: "
                    f"{d.reminder.reference_of(d.record)} due {d.due_on} to {who}"
                )
            by_kind = Counter(d.reminder.code for d in due)
            self._totals("would send", by_kind)
            return
        result = reminders.sweep()
        outcomes: dict[str, Counter] = {}
        for (code, outcome), n in result.delivered.items():
            outcomes.setdefault(outcome, Counter())[code] += n
        for outcome in ("sent", "digest", "none", "cleared", "failed", "skipped"):
            if outcome in outcomes:
                self._totals(_WORDS[outcome], outcomes[outcome])
        if not result.delivered:
            self.stdout.write("Nothing to send.")

    def _totals(self, words: str, by_kind: Counter) -> None:
        self.stdout.write(f"{words}: {sum(by_kind.values())}")
        for code, n in sorted(by_kind.items()):
            self.stdout.write(f"  {code}: {n}")


_WORDS = {
    "sent": "sent by e-mail",
    "digest": "kept for the daily digest",
    "none": "listed in the application only (muted)",
    "cleared": "not sent, no longer due",
    "failed": "failed (retried by the next sweep)",
    "skipped": "skipped (claimed elsewhere)",
}

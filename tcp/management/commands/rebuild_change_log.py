"""Write the change log's index from the history tables: after upgrading a
database whose history predates the log, or to repair it.

    python manage.py rebuild_change_log [--keep]

Reads every history row of every model with history, oldest first across
models, and writes its line as ``tcp.changelog`` does when the row is
written (a transition is recognised by the reason the lifecycle gives its
save, its note taken from the step's ``StatusChange``). Without ``--keep`` it
empties the index first; with it, rows already indexed are skipped. The
history tables themselves are only read.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from simple_history.models import registered_models

from tcp import changelog
from tcp.models import ChangeEvent, StatusChange

# The reason ``Lifecycle.apply`` gives the save of a step: "submit: draft → submitted".
STEP = re.compile(r"^(?P<action>[\w-]+): (?P<before>[\w-]+) → (?P<after>[\w-]+)$")
CHUNK = 2000


class Command(BaseCommand):
    help = "Write the change log's lines from the history tables."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--keep", action="store_true", help="skip rows already indexed")

    def handle(self, *args: Any, keep: bool, **options: Any) -> None:
        models = [
            m
            for m in registered_models.values()
            if hasattr(m, "history") and changelog.label_of(m) not in changelog.SKIPPED
        ]
        if not keep:
            ChangeEvent.objects.all().delete()
        done = set(ChangeEvent.objects.values_list("model", "history_id")) if keep else set()
        written = 0
        streams = [_rows(model) for model in models]
        for _at, label, _pk, model, row in heapq.merge(*streams):
            if (label, row.history_id) in done:
                continue
            with transaction.atomic():
                instance = row.instance
                step = STEP.match(row.history_change_reason or "")
                if step and row.history_type == "~":
                    instance._tcp_transition = (
                        step["action"],
                        step["before"],
                        step["after"],
                        _note(model, row, step["action"], step["after"]),
                        _status_field(model),
                    )
                if changelog.write_events(model, instance, row):
                    written += 1
        self.stdout.write(f"{written} change-log lines written.")


def _rows(model: Any) -> Iterator[tuple[Any, str, int, Any, Any]]:
    label = changelog.label_of(model)
    rows = model.history.order_by("history_date", "history_id").iterator(chunk_size=CHUNK)
    for row in rows:
        yield row.history_date, label, row.history_id, model, row


def _note(model: Any, row: Any, action: str, after: str) -> str:
    change = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=row.id,
            action=action,
            to_status=after,
            at__gte=row.history_date,
        )
        .order_by("at")
        .first()
    )
    return change.note if change is not None else ""


def _status_field(model: Any) -> str:
    from tcp.lifecycle import lifecycle_for

    try:
        return lifecycle_for(model).status_field
    except KeyError:
        return "status"

"""Human references such as TCR-2026-KEN-004: unique and never reused."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tcp.models import ReferenceCounter


def next_reference(prefix: str, code: str, *, year: int | None = None) -> str:
    """Hand out the next number of the series ``PREFIX-YEAR-CODE``.

    The counter row is created if missing (ON CONFLICT DO NOTHING, so two
    first-comers cannot both insert it) and then incremented under a row
    lock: concurrent callers queue on that row until the holder commits, so
    no two transactions ever get the same number. Numbers are never given
    back, so a deleted record's reference is not reused.
    """
    year = year or timezone.now().year
    series = f"{prefix}-{year}-{code.upper()}"
    with transaction.atomic():
        ReferenceCounter.objects.bulk_create(
            [ReferenceCounter(series=series)], ignore_conflicts=True
        )
        ReferenceCounter.objects.filter(series=series).update(last_value=F("last_value") + 1)
        value = ReferenceCounter.objects.get(series=series).last_value
    return f"{series}-{value:03d}"

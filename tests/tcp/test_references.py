"""Human references: TCR-2026-KEN-004, unique and never reused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from requests_app.models import AssistanceRequest
from tcp.references import next_reference
from tests.factories import AssistanceRequestFactory


@pytest.mark.django_db
def test_references_count_up_per_series():
    assert next_reference("TCR", "ken", year=2026) == "TCR-2026-KEN-001"
    assert next_reference("TCR", "KEN", year=2026) == "TCR-2026-KEN-002"
    assert next_reference("TCR", "PER", year=2026) == "TCR-2026-PER-001"
    assert next_reference("TCR", "KEN", year=2027) == "TCR-2027-KEN-001"


@pytest.mark.django_db
def test_a_deleted_records_reference_is_not_reused(kenya):
    first = AssistanceRequestFactory(country=kenya)
    reference = first.reference
    first.delete()
    second = AssistanceRequestFactory(country=kenya)
    assert second.reference != reference
    assert not AssistanceRequest.objects.filter(reference=reference).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent connections need PostgreSQL (CI runs on it)",
)
def test_references_are_unique_under_concurrent_creation():
    threads, per_thread = 8, 25
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                results.append(next_reference("TCR", "KEN", year=2031))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()

    assert errors == []
    assert len(results) == threads * per_thread
    assert len(set(results)) == len(results)
    assert sorted(results) == [f"TCR-2031-KEN-{n:03d}" for n in range(1, 201)]

"""Concurrent writers, in real threads against the real database (each thread has its own connection):
none fails, none breaks a rule between elements, none is lost (issue 7, item 3).

These tests commit (pytest-django's `transactional_db`), so they load the province and its plan themselves
and the database is flushed after each; pytest-django runs them after the tests that roll back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction

from treem.accounts.policy import EntryScope
from treem.indicators import datavalues, validation
from treem.indicators.datavalues import ImportSummary, ValueInput, import_values
from treem.indicators.models import DataValue
from treem.indicators.periods import get_period
from treem.units.models import AdministrativeUnit

PERIOD = "2023S1"
FULL = EntryScope(True)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: row locks and deadlock detection"
)


@pytest.fixture
def engine_data(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """Units, agencies and the plan in a database these tests really commit to (see tests/browser)."""
    from conftest import PLAN_FILE

    call_command("load_units", verbosity=0)
    call_command("load_agencies", verbosity=0)
    call_command("load_plan", str(PLAN_FILE), verbosity=0)


def pause_between_check_and_write(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make every write wait between its checks and its writes (inside its transaction), so that writers
    released together overlap every time instead of by chance."""
    outlier_warnings = validation.outlier_warnings

    def slow(resolved: Any) -> Any:
        time.sleep(seconds)
        return outlier_warnings(resolved)

    monkeypatch.setattr(validation, "outlier_warnings", slow)


def communes(n: int, district: str = "474") -> list[str]:
    codes = AdministrativeUnit.objects.filter(parent__code=district).order_by("path")
    return list(codes.values_list("code", flat=True)[:n])


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same moment; each one's result or the exception it raised."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def target(i: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def write(rows: list[tuple[str, str, object]]) -> Callable[[], ImportSummary]:
    """A call writing (element, unit, value) rows of PERIOD with the full entry scope."""
    inputs = [ValueInput(e, "default", u, PERIOD, v, where=f"{e}/{u}") for e, u, v in rows]
    return lambda: import_values(inputs, user=None, scope=FULL)


def value(element: str, unit: str) -> Decimal | None:
    found = DataValue.objects.filter(element__code=element, unit__code=unit, period__code=PERIOD).first()
    return None if found is None else found.value


def test_overlapping_batches_of_many_writers_all_succeed_and_each_batch_lands_whole(
    engine_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight writers store the same twenty cells in different orders, four rounds over, each batch emptying
    (deleting) a different quarter of the cells: no writer fails (no "database is locked", no deadlock, no
    duplicate), every batch is written whole, and every change is in the history."""
    units = communes(20)
    get_period(PERIOD)  # created once here, not by the first writer while the others wait for it
    pause_between_check_and_write(monkeypatch, 0.1)
    writers = 8
    summaries: list[Any] = []
    for round_ in range(4):
        batches = []
        for w in range(writers):
            order = units[w:] + units[:w] if w % 2 else list(reversed(units))
            batches.append(
                {
                    u: "" if (i + w + round_) % 4 == 0 else str(1000 + 10 * round_ + w)
                    for i, u in enumerate(order)
                }
            )
        summaries += run_together(
            [write([("LIVE_BIRTHS", u, v) for u, v in batch.items()]) for batch in batches]
        )

    failures = [s for s in summaries if not isinstance(s, ImportSummary) or s.conflicts]
    assert failures == []
    final = {u: value("LIVE_BIRTHS", u) for u in units}
    last_round = [{u: Decimal(v) if v else None for u, v in batch.items()} for batch in batches]
    assert final in last_round  # the batch committed last holds every cell: batches never interleave
    changes = sum(s.imported + s.updated + s.deleted for s in summaries)
    assert changes == DataValue.history.count()


def test_a_rule_between_elements_holds_when_two_writers_change_its_two_sides(
    engine_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MT-HCDB-CS is a percent: cared-for children (numerator) may not exceed children in special
    circumstances (denominator). One writer raises the numerator, the other lowers the denominator; each
    change alone keeps the rule, both together would break it. A pause between the rule check and the write
    makes the two transactions overlap every time."""
    pause_between_check_and_write(monkeypatch, 0.3)
    for unit in communes(3):
        seeded = write([("SPECIAL_CIRCUMSTANCES_CARED", unit, 50), ("SPECIAL_CIRCUMSTANCES", unit, 60)])()
        assert not seeded.conflicts, seeded.conflicts
        raise_numerator = ValueInput("SPECIAL_CIRCUMSTANCES_CARED", "default", unit, PERIOD, 60)
        lower_denominator = ValueInput("SPECIAL_CIRCUMSTANCES", "default", unit, PERIOD, 55)

        results = run_together(
            [
                lambda i=raise_numerator: import_values([i], user=None, scope=FULL),
                lambda i=lower_denominator: import_values([i], user=None, scope=FULL),
            ]
        )

        assert all(isinstance(r, ImportSummary) for r in results), results
        numerator = value("SPECIAL_CIRCUMSTANCES_CARED", unit)
        denominator = value("SPECIAL_CIRCUMSTANCES", unit)
        assert numerator is not None and denominator is not None
        assert numerator <= denominator, f"{unit}: {numerator} > {denominator}"
        assert sorted(bool(r.conflicts) for r in results) == [False, True]  # the later one is refused


@ON_POSTGRESQL
def test_a_write_that_loses_a_deadlock_is_retried_and_succeeds(
    engine_data: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Another transaction holds the second row and then asks for the first, which the import has just
    locked: PostgreSQL aborts one of the two (the import, which waited first). The import is tried again
    and succeeds once the other transaction has finished."""
    a, b = communes(2)
    seeded = write([("LIVE_BIRTHS", a, 100), ("LIVE_BIRTHS", b, 200)])()
    assert not seeded.conflicts
    first, second = sorted(DataValue.objects.values_list("pk", flat=True))
    holding = threading.Event()
    table = DataValue._meta.db_table

    def other_transaction() -> str:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL deadlock_timeout = '20s'")  # the import detects the deadlock first
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [second])  # noqa: S608
            holding.set()
            time.sleep(0.5)  # the import has locked the first row and waits for the second
            cursor.execute(f"UPDATE {table} SET comment = 'khác' WHERE id = %s", [first])  # noqa: S608
        return "done"

    def importer() -> ImportSummary:
        holding.wait(10)
        return write([("LIVE_BIRTHS", a, 110), ("LIVE_BIRTHS", b, 210)])()

    with caplog.at_level("WARNING", logger="treem.core.transactions"):
        other, summary = run_together([other_transaction, importer])

    assert other == "done"
    assert isinstance(summary, ImportSummary), summary
    assert summary.conflicts == [] and summary.updated == 2
    assert (value("LIVE_BIRTHS", a), value("LIVE_BIRTHS", b)) == (Decimal(110), Decimal(210))
    assert DataValue.objects.get(pk=first).comment == "khác"  # the other transaction's change is kept
    assert any("deadlock" in r.getMessage() for r in caplog.records)


def test_a_write_that_keeps_losing_is_tried_a_bounded_number_of_times_then_refused_clearly(
    engine_data: None, monkeypatch: pytest.MonkeyPatch, client: Any, make_user: Callable[..., Any]
) -> None:
    """Each attempt loses (a stand-in for a deadlock every time): after MAX_ATTEMPTS tries nothing is
    written and the API answers 409 with a message that says to try again."""
    import psycopg

    from treem.core import transactions

    attempts = []

    def always_deadlocked(*args: Any, **kwargs: Any) -> ImportSummary:
        attempts.append(1)
        raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected("deadlock detected")

    monkeypatch.setattr(datavalues, "_check_and_write", always_deadlocked)
    monkeypatch.setattr(transactions, "BACKOFF_SECONDS", 0.001)
    from treem.accounts.models import Role

    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    body = {
        "dataValues": [
            {"dataElement": "LIVE_BIRTHS", "period": PERIOD, "orgUnit": communes(1)[0], "value": "7"}
        ]
    }

    response = client.post("/api/dataValueSets/", body, content_type="application/json")

    assert response.status_code == 409
    [conflict] = response.json()["response"]["conflicts"]
    assert (conflict["value"], conflict["errorCode"]) == (
        str(datavalues.CONCURRENT_WRITE),
        "TREEM_CONCURRENT",
    )
    assert len(attempts) == transactions.MAX_ATTEMPTS
    assert not DataValue.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: its locking settings")
def test_sqlite_writers_queue_wal_immediate_transactions_and_a_busy_timeout(db: None) -> None:
    """What lets SQLite writers wait for each other instead of failing with "database is locked"."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]

"""Two officers writing at once, in real threads with their own connections (PostgreSQL: row locks).

- The same step recorded twice on one case at the same moment: exactly one record is written, the other
  writer is refused with the procedure's reason (the step was done), because the case row is locked while
  a step is recorded (treem.cases.services.do_record_step).
- Two notifications in one commune at the same moment get two different case codes, because the commune's
  row is locked while the next number is taken.

Each write is made to wait inside its transaction (after its checks), so the writers overlap every time,
not by chance: without the locks both would pass their checks. These tests commit (pytest-django's
`transactional_db`), so they load the units themselves; the database is flushed after each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from treem.accounts.models import Role
from treem.cases import services
from treem.cases.models import Case, StepRecord
from treem.cases.services import CaseError, do_record_step, do_register_notification

from .conftest import SECRET, local, notification

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite lets one writer at a time into the whole file, so there are no row locks "
    "to test",
)
PAUSE = 0.5  # seconds each writer waits inside its transaction


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

    threads = [threading.Thread(target=target, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def slowed(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make services.<name> wait PAUSE seconds before it runs (it runs inside the writer's transaction)."""
    original = getattr(services, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, slow)


@pytest.fixture
def officer(transactional_db, django_db_serialized_rollback, make_user):
    call_command("load_units", verbosity=0)
    return make_user(Role.COMMUNE_OFFICER, "19903")


def register(officer: Any) -> Case:
    moment = local(2024, 4, 25, 9, 0)
    return do_register_notification(
        officer, commune_code="19903", values=notification(moment), secret_values=SECRET, at=moment
    )


def test_the_same_step_recorded_twice_at_once_is_written_once_and_the_other_is_refused(officer, monkeypatch):
    case = register(officer)
    values = {
        "assessed_at": local(2024, 4, 25, 10).isoformat(),
        "assessed_by": "Cán bộ xã",
        "verified": True,
        "risk": "low",
    }
    slowed(monkeypatch, "_form")  # between the order check and the write

    def record() -> Any:
        return do_record_step(officer, case, "initial_assessment", values, {"findings": "Đã kiểm tra"})

    results = run_together([record, record])

    written = [r for r in results if isinstance(r, StepRecord)]
    refused = [r for r in results if isinstance(r, CaseError)]
    assert len(written) == 1 and len(refused) == 1, results
    assert (
        refused[0].message
        == "Bước “Kiểm tra, xác minh thông tin và đánh giá nguy cơ ban đầu” đã được thực hiện."
    )
    assert list(case.records.order_by("id").values_list("step", flat=True)) == [
        "notification",
        "initial_assessment",
    ]


def test_two_notifications_in_one_commune_at_once_get_different_codes(officer, monkeypatch):
    slowed(monkeypatch, "_case_code")  # between locking the commune and taking the next number

    results = run_together([lambda: register(officer), lambda: register(officer)])

    assert all(isinstance(r, Case) for r in results), results
    assert sorted(r.code for r in results) == ["19903-2024-0001", "19903-2024-0002"]
    assert Case.objects.count() == 2

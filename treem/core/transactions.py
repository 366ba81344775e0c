"""Transactions that lose to a concurrent one are tried again, a bounded number of times.

PostgreSQL aborts one of two transactions that wait for each other (deadlock_detected, SQLSTATE 40P01)
and, at stricter isolation levels, one that read what another changed (serialization_failure, 40001).
Neither is the user's fault and both succeed when simply run again, so a write runs through
`run_in_transaction`: rolled back and run again after a short random pause, up to MAX_ATTEMPTS times, then
`Contended` is raised for the caller to answer "try again" (HTTP 409), never a server error. SQLite's
"database is locked" (a writer waited longer than the busy timeout) is not tried again: the wait was
already long; it is `Contended` too.

Only the outermost transaction can be run again (a savepoint inside a failed PostgreSQL transaction cannot
go on), so inside an atomic block the work runs once and the error goes up to whoever owns the transaction.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from django.db import DatabaseError, OperationalError, connection, transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.05  # the pause before attempt n is about n × this, with jitter
RETRYABLE_SQLSTATES = {"40P01": "deadlock", "40001": "serialization failure"}


class Contended(Exception):
    """A write kept losing to concurrent writes (or waited too long for them); nothing was written."""


def retry_reason(exc: BaseException) -> str | None:
    """'deadlock' / 'serialization failure' when running the transaction again may succeed, else None."""
    cause = exc.__cause__ if isinstance(exc, DatabaseError) else exc
    return RETRYABLE_SQLSTATES.get(str(getattr(cause, "sqlstate", "") or ""))


def is_lock_timeout(exc: BaseException) -> bool:
    """SQLite gave up waiting for another writer (its busy timeout passed)."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def run_in_transaction(work: Callable[[], T], *, keeps_nothing: bool = False) -> T:
    """work() in a transaction, run again when it loses a deadlock or serialization check.

    `keeps_nothing`: the work rolls back whatever it writes (a dry run). On SQLite, where every transaction
    otherwise begins IMMEDIATE (holding the one write lock, settings.py), it then begins DEFERRED: a check
    does not queue behind the writers, nor they behind it.

    Raises Contended after MAX_ATTEMPTS losses (or a SQLite lock timeout); any other error goes up as is."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with _deferred() if keeps_nothing else nullcontext(), transaction.atomic():
                return work()
        except DatabaseError as exc:
            reason = retry_reason(exc)
            if reason is None:
                if is_lock_timeout(exc):
                    raise Contended(str(exc)) from exc
                raise
            if attempt == MAX_ATTEMPTS:
                logger.warning("write lost a %s %d times; giving up", reason, attempt)
                raise Contended(reason) from exc
            logger.warning("write lost a %s (attempt %d of %d); trying again", reason, attempt, MAX_ATTEMPTS)
            time.sleep(BACKOFF_SECONDS * attempt * (0.5 + random.random()))  # noqa: S311 - jitter only
    raise AssertionError("unreachable")  # the loop returns or raises


@contextmanager
def _deferred() -> Iterator[None]:
    """On SQLite, begin the next transaction DEFERRED (a shared lock until it writes, if it ever does)."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()  # connecting sets transaction_mode from the settings
    mode = connection.transaction_mode  # type: ignore[attr-defined]  # the SQLite backend's
    connection.transaction_mode = None  # type: ignore[attr-defined]  # Django then says plain BEGIN
    try:
        yield
    finally:
        connection.transaction_mode = mode  # type: ignore[attr-defined]

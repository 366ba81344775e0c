"""Writes of figures are serialised per (unit, period) while rules are checked, so the rules hold over what
is committed.

Rules between elements hold for one unit and period. Two writers that each check a rule against what the
other has not committed yet can together break it (one raises a numerator while the other lowers its
denominator: each change alone keeps the rule). So a write locks the (unit, period) cells it touches
before it reads what is stored, and holds the locks until it commits or rolls back:

- PostgreSQL: transaction-level advisory locks, always taken in one order (sorted keys), so two writers
  never wait for each other in a cycle, and the rows of a cell are only ever changed by its lock holder.
  A write of more than CELL_LOCK_LIMIT cells (a national file) locks its periods whole instead, since each
  lock takes a slot in the server's lock table; every writer first takes a shared lock on the periods it
  writes, so a period lock waits for the cell writers and holds off new ones.
- SQLite: transactions begin IMMEDIATE (settings.py), so one writer at a time holds the whole database;
  nothing to add here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection

CELL_LOCK_LIMIT = 500

_LOCK_IN_ORDER = "SELECT count({function}(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS keys"


def _key(*parts: object) -> int:
    """A stable signed 64-bit key (the same in every app server process, unlike hash())."""
    digest = hashlib.blake2b(":".join(map(str, ("treem", *parts))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def cell_key(unit_id: int, period_id: int) -> int:
    return _key("cell", unit_id, period_id)


def period_key(period_id: int) -> int:
    return _key("period", period_id)


def lock_cells(cells: Iterable[tuple[int, int]]) -> None:
    """Lock (unit id, period id) cells for writing until the current transaction ends."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_cells() must run inside the write's transaction")
    cells = set(cells)
    if not cells:
        return
    periods = sorted(period_key(p) for p in {p for _, p in cells})
    with connection.cursor() as cursor:
        if len(cells) > CELL_LOCK_LIMIT:
            cursor.execute(_LOCK_IN_ORDER.format(function="pg_advisory_xact_lock"), [periods])
            return
        cursor.execute(_LOCK_IN_ORDER.format(function="pg_advisory_xact_lock_shared"), [periods])
        cursor.execute(
            _LOCK_IN_ORDER.format(function="pg_advisory_xact_lock"),
            [sorted(cell_key(u, p) for u, p in cells)],
        )


def lock_periods(period_ids: Iterable[int]) -> None:
    """Hold off every write of these periods until the current transaction ends, after the writes already
    running have committed (they hold the periods' shared locks). Accepting a report takes them, so no
    write of its figures slips in between the check and the acceptance."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_periods() must run inside the transaction")
    keys = sorted(period_key(p) for p in set(period_ids))
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_IN_ORDER.format(function="pg_advisory_xact_lock"), [keys])

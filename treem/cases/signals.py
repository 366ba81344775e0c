"""Signals the case and child records send, for the apps that build on them (treem.register recomputes
the figures derived from records). Sent after the change commits (transaction.on_commit), so a receiver
never sees a change that was rolled back.

A loader that makes many records at once (demo data, an upload) wraps its loop in `batched()`: the changes
are gathered and announced once when it ends, so the figures are recomputed once, not once per record."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal

# kwargs: commune_ids (list[int]: the communes whose records changed), since (datetime.date: the earliest
# day whose figures the change may alter).
child_records_changed = Signal()


@dataclass
class _Batch:
    commune_ids: set[int] = field(default_factory=set)
    since: datetime.date | None = None


_batch: ContextVar[_Batch | None] = ContextVar("records_changed_batch", default=None)


def _announce(commune_ids: Iterable[int], since: datetime.date) -> None:
    ids = sorted(set(commune_ids))

    def send() -> None:
        child_records_changed.send(sender=None, commune_ids=ids, since=since)

    transaction.on_commit(send)


def send_records_changed(commune_ids: Iterable[int], since: datetime.date) -> None:
    """Announce, once the current transaction commits, that records of these communes changed from `since`
    (inside `batched()`: when the batch ends)."""
    batch = _batch.get()
    if batch is None:
        _announce(commune_ids, since)
        return
    batch.commune_ids.update(commune_ids)
    batch.since = since if batch.since is None else min(batch.since, since)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Gather the record changes made inside, and announce them once at the end (after the commit of the
    transaction then open, if any; a change rolled back is never announced, as on_commit drops it). Nested
    batches join the outer one."""
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if batch.commune_ids and batch.since is not None:
            _announce(batch.commune_ids, batch.since)

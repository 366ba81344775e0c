"""Signals the case and child records send, for the apps that build on them (treem.register recomputes
the figures derived from records). Sent after the change commits (transaction.on_commit), so a receiver
never sees a change that was rolled back."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# kwargs: commune_ids (list[int]: the communes whose records changed), since (datetime.date: the earliest
# day whose figures the change may alter).
child_records_changed = Signal()


def send_records_changed(commune_ids: Iterable[int], since: datetime.date) -> None:
    """Announce, once the current transaction commits, that records of these communes changed from `since`."""
    ids = sorted(set(commune_ids))

    def send() -> None:
        child_records_changed.send(sender=None, commune_ids=ids, since=since)

    transaction.on_commit(send)

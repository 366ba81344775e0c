"""Figures an app above the engine has frozen: the engine refuses to change them.

The engine knows no report. Reporting registers a lock source (`register_lock_source`): at each write
the engine hands it the cells the write touches and the source answers, for each locked one, why (the
figures of an accepted submission stay as they were accepted until the province reopens it). The check
runs after the write has taken its cell locks (write_lock), and accepting a submission takes the period
locks of its figures, so a write and an acceptance never pass each other."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One value a write touches, as a lock source needs it."""

    element_id: int
    supplier_id: int | None
    unit_path: str
    period_start: datetime.date
    period_end: datetime.date


LockSource = Callable[[list[Cell]], dict[int, str]]  # cells → {index of a locked cell: why}
_sources: list[LockSource] = []


def register_lock_source(source: LockSource) -> None:
    if source not in _sources:
        _sources.append(source)


def locked(cells: list[Cell]) -> dict[int, str]:
    """The locked cells among `cells`, by index, with the first reason a source gives."""
    found: dict[int, str] = {}
    if not cells:
        return found
    for source in _sources:
        for index, reason in source(cells).items():
            found.setdefault(index, reason)
    return found

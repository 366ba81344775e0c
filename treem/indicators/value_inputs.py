"""What a write of figures takes and gives back: the inputs, the messages, the DHIS2-shaped summary, and the
rows the write path passes between its steps. `datavalues` re-exports the public ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .models import Period


class Seen(NamedTuple):
    """The value stored when the user looked (a preview): the write is refused if it has changed since.
    `value` None: there was none."""

    value: Decimal | None


@dataclass(slots=True)
class ValueInput:
    element: str
    combo: str
    unit: str
    period: str
    value: object  # raw: str, number or None/"" (= delete)
    comment: str | None = None  # None: keep the stored comment (Excel and the grid carry none); "": clear it
    where: str = ""  # where the value came from, e.g. "Trang tính 'Số liệu', dòng 7, cột E"
    seen: Seen | None = None  # None: no check against what was seen
    index: int | None = None  # position in a DHIS2 file (0-based), reported in conflicts' `indexes`
    followup: bool | None = None  # DHIS2 "mark for follow-up"; None: keep the stored flag


@dataclass
class Message:
    """A conflict or warning. `where` is for people (a row, a sheet cell); `object`, `code` and `indexes` are
    for DHIS2 clients: the offending identifier (an element, unit, period or combo code, a rule code, the
    value itself), DHIS2's error code (E7610…) and the positions of the inputs it concerns."""

    where: str
    field: str
    text: str
    object: str = ""
    code: str = ""
    indexes: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.where}{', ' if self.where else ''}{self.field}: {self.text}"


@dataclass
class Change:
    input: ValueInput
    kind: str  # new | changed | unchanged | deleted
    old: Decimal | None
    new: Decimal | None


@dataclass
class ImportSummary:
    dry_run: bool
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def rejected_indexes(self) -> list[int]:
        """The positions of the inputs not written because of a conflict (DHIS2 `rejectedIndexes`)."""
        return sorted({i for c in self.conflicts for i in c.indexes})

    @property
    def status(self) -> str:
        return "ERROR" if self.conflicts else ("WARNING" if self.warnings else "SUCCESS")

    def as_dict(self) -> dict[str, Any]:
        """The shape of DHIS2's importSummary."""
        return {
            "status": self.status,
            "dryRun": self.dry_run,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": [{"object": c.where, "property": c.field, "value": c.text} for c in self.conflicts],
            "warnings": [{"object": w.where, "property": w.field, "value": w.text} for w in self.warnings],
        }


class Resolved(NamedTuple):
    """An input that passed its own checks, as database ids."""

    input: ValueInput
    element_id: int
    combo_id: int
    unit_id: int
    period: Period
    value: Decimal | None


class Stored(NamedTuple):
    """A stored value an input may replace."""

    id: int
    value: Decimal
    comment: str
    stored_by_id: int | None


CellIds = tuple[int, int, int, int]  # element, combo, unit, period ids

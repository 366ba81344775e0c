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


@dataclass
class Message:
    where: str
    field: str
    text: str

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

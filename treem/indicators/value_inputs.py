"""What a write of figures takes and gives back: the inputs, the messages, the DHIS2-shaped summary, and the
rows the write path passes between its steps. `datavalues` re-exports the public ones."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field  # Message has a field named `field`
from decimal import Decimal
from typing import Any, NamedTuple

from .models import Period

# DHIS2's importStrategy, what an import does to stored values (import_options maps DHIS2's older names).
CREATE_AND_UPDATE, CREATE, UPDATE, DELETE = "CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE"
STRATEGIES = (CREATE_AND_UPDATE, CREATE, UPDATE, DELETE)


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
    indexes: list[int] = dataclass_field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.where}{', ' if self.where else ''}{self.field}: {self.text}"


def conflict(item: ValueInput, field: str, text: str, *, object: str, code: str) -> Message:  # noqa: A002
    """A conflict about one input: its `where` for people, its index for DHIS2 clients (`conflict_codes`)."""
    return Message(item.where, field, text, object, code, [] if item.index is None else [item.index])


@dataclass
class Change:
    input: ValueInput
    kind: str  # new | changed | unchanged | deleted
    old: Decimal | None
    new: Decimal | None


@dataclass
class ImportSummary:
    """What a write did. `ignored` counts the inputs that changed nothing (unchanged, nothing to delete, or
    left alone by the import strategy): the grid and Excel show it as "unchanged". `refused` counts the
    inputs (and the reader's rejected rows) not written because of a conflict (all of them when a conflict
    kept the whole write out); DHIS2 counts both as ignored (`import_count`). `skipped` holds the indexes
    of the inputs the strategy left alone (CREATE: already stored; UPDATE, DELETE: not stored), which
    DHIS2 lists among its rejectedIndexes without a conflict."""

    dry_run: bool
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[Message] = dataclass_field(default_factory=list)
    warnings: list[Message] = dataclass_field(default_factory=list)
    changes: list[Change] = dataclass_field(default_factory=list)
    refused: int = 0
    skipped: list[int] = dataclass_field(default_factory=list)

    @property
    def rejected_indexes(self) -> list[int]:
        """The positions of the inputs not written because of a conflict or left alone by the import
        strategy (DHIS2 `rejectedIndexes`)."""
        return sorted({i for c in self.conflicts for i in c.indexes} | set(self.skipped))

    def import_count(self) -> dict[str, int]:
        """DHIS2's importCount: every input not imported, updated or deleted is ignored."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "ignored": self.ignored + self.refused,
            "deleted": self.deleted,
        }

    @property
    def written(self) -> int:
        """How many values were (in a dry run: would be) imported, updated or deleted."""
        return self.imported + self.updated + self.deleted

    @property
    def status(self) -> str:
        """DHIS2's: ERROR when conflicts kept everything out, WARNING when some values were written despite
        conflicts (atomicMode NONE) or with outlier warnings, else SUCCESS."""
        if self.conflicts:
            return "WARNING" if self.written else "ERROR"
        return "WARNING" if self.warnings else "SUCCESS"

    def refuse_all(self, total: int) -> None:
        """Nothing was (or would be) written, because of a conflict: the `total` inputs are all refused."""
        self.imported = self.updated = self.ignored = self.deleted = 0
        self.refused = total
        self.changes.clear()
        self.warnings.clear()
        self.skipped.clear()

    def as_dict(self) -> dict[str, Any]:
        """The shape of DHIS2's importSummary."""
        return {
            "status": self.status,
            "dryRun": self.dry_run,
            "importCount": self.import_count(),
            # `object` here is where the value came from (a row, a cell), for people reading the command's
            # output; the Web API answers DHIS2's shape instead (webmessage.import_summary).
            "conflicts": [
                {
                    "object": c.where,
                    "property": c.field,
                    "value": c.text,
                    "errorCode": c.code,
                    "indexes": c.indexes,
                }
                for c in self.conflicts
            ],
            "rejectedIndexes": self.rejected_indexes,
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

    @property
    def annotates(self) -> bool:
        """A DHIS2 row with a comment and no value (DHIS2 stores such comment-only rows): it adds its comment
        to the stored value, never deletes it. A deletion carries no comment (the readers and the DELETE
        strategy drop it), and the grid and Excel give none."""
        return self.value is None and bool(self.input.comment) and self.input.value in (None, "")


class Stored(NamedTuple):
    """A stored value an input may replace."""

    id: int
    value: Decimal
    comment: str
    stored_by_id: int | None
    followup: bool


CellIds = tuple[int, int, int, int]  # element, combo, unit, period ids

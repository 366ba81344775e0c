"""Writing data values: the one path every entry route takes (grid cell, Excel, DHIS2 file, API).

`import_values` checks everything first and, by default (DHIS2's atomicMode ALL), writes nothing if any
value is wrong; with atomicMode NONE it writes the values without a conflict. It reports, like DHIS2's
import summary, how many values were imported (new), updated, left unchanged (ignored) and deleted, with
every conflict named by where it came from (row, column, field) in Vietnamese and, for DHIS2 clients, by
the offending identifier, an error code (`conflict_codes`) and the inputs' indexes.

Its steps live beside it: `resolver` (codes → ids, each input's own checks), `write_lock` (serialising
writers per unit and period), `rule_check` (rules between elements, values changed since a preview),
`value_write` (the import strategy, locked cells, the write), `bulk` (new values and their history),
`value_audit` (the audit event); `value_inputs` holds the shapes.

Concurrent writers: a write locks the (unit, period) cells it touches before it reads what is stored, so
rules hold over what is committed; a transaction that loses a deadlock anyway is run again
(`core.transactions`), and after a few losses the summary carries CONCURRENT_WRITE (the API answers 409).

Counts: `ignored` is what changed nothing (unchanged, nothing to delete, left alone by the strategy: the
"unchanged" of the grid and Excel); `refused` the inputs a conflict kept out; DHIS2's importCount adds
them up (`ImportSummary.import_count`). A change of only the follow-up flag is an update.

What a write changes: an input equal to the stored value leaves it untouched (no history, same stored-by);
a comment is kept unless the input carries one (`comment=None`: Excel and the grid carry none); stored-by is
the user who last changed the value (editing only the comment keeps it; the history row names the editor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from treem.accounts import policy
from treem.accounts.models import User
from treem.core.transactions import Contended, run_in_transaction

from . import conflict_codes as codes
from . import rule_check, validation, value_write, write_lock
from .disclosure import Reader
from .models import DEFAULT_COMBO
from .resolver import COMMENT_MAX_LENGTH, LEVEL_NAMES, Catalogue, ElementInfo, Resolver
from .value_audit import record_import
from .value_inputs import (
    CREATE,
    CREATE_AND_UPDATE,
    DELETE,
    STRATEGIES,
    UPDATE,
    Change,
    ImportSummary,
    Message,
    Resolved,
    Seen,
    Stored,
    ValueInput,
)
from .value_write import ids

__all__ = [
    "COMMENT_MAX_LENGTH",
    "CONCURRENT_WRITE",
    "CREATE",
    "CREATE_AND_UPDATE",
    "DELETE",
    "STRATEGIES",
    "UPDATE",
    "LEVEL_NAMES",
    "Catalogue",
    "Change",
    "ElementInfo",
    "ImportSummary",
    "Message",
    "Resolved",
    "Seen",
    "Stored",
    "ValueInput",
    "import_values",
    "save_cell",
]

CONCURRENT_WRITE = gettext_lazy(
    "số liệu vừa được người khác ghi cùng lúc; không có gì được ghi, vui lòng thử lại"
)


@dataclass(frozen=True)
class _Options:
    dry_run: bool
    check_outliers: bool
    keep_changes: bool
    strategy: str
    atomic: bool
    reader: Reader | None  # None: every figure may be told (command line, derivation)


def import_values(
    inputs: list[ValueInput],
    *,
    user: User | AnonymousUser | None,
    dry_run: bool = False,
    check_outliers: bool = True,
    scope: policy.EntryScope | None = None,
    keep_changes: bool = True,
    derivation: bool = False,
    strategy: str = CREATE_AND_UPDATE,
    atomic: bool = True,
    strict_numbers: bool = False,
    rejected: Sequence[Message] = (),
    reader: Reader | None = None,
) -> ImportSummary:
    """Check then write `inputs`. With dry_run nothing is written (not even the Period rows the check
    looked up); with `atomic` (DHIS2's atomicMode ALL) neither is anything when there is any conflict.
    `atomic=False` (atomicMode NONE) writes the inputs without a conflict, so that what is written still
    breaks no rule between elements, and reports the others.

    `strategy` (DHIS2's importStrategy): CREATE_AND_UPDATE; CREATE leaves stored values alone (ignored);
    UPDATE creates none (ignored); DELETE deletes the value each input names, whatever its value says
    (none stored: ignored). `strict_numbers`: numbers as DHIS2 writes them (machine formats), not as people
    type them (validation.check_value). `rejected`: conflicts the reader found (rows it could not read),
    reported first; with `atomic` they too keep everything out.

    `reader`: who reads the answer (disclosure.Reader), by default the user's own in their scope; the command
    line and the derivation (no user) see every figure. A rule comparing a derived figure the reader may not
    see exactly is not checked for that unit: its message, or even whether it fails, would tell the figure.

    `scope` defaults to the user's entry scope; the command line passes a full one. `keep_changes=False`
    leaves `summary.changes` empty (a preview needs them; a national file's counts do not).
    `derivation=True` only for the computation of derived values (treem.register.derivation): every other
    writer is refused a derived element's value for the periods it is derived in."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown import strategy {strategy!r}")  # the options parser refuses bad input
    if strategy == DELETE:  # every input deletes: a comment it carries is not a note to keep
        inputs = [replace(i, comment=None) if i.comment else i for i in inputs]

    # Metadata is read before the transaction (on SQLite, before taking the one write lock): elements,
    # units, the user's scope and the rules change only when a plan or the unit tree is loaded.
    catalogue = Catalogue()
    units = catalogue.unit_map({i.unit for i in inputs})
    entry_scope = scope or policy.scope_for(user).entry
    rules = validation.all_rules()
    if reader is None and user is not None and not derivation:
        reader = Reader.of(policy.scope_for(user), user)
    options = _Options(dry_run, check_outliers, keep_changes, strategy, atomic, reader)

    def attempt() -> ImportSummary:
        catalogue.periods.clear()  # Period rows made by an attempt that was rolled back are gone
        resolver = Resolver(
            catalogue,
            entry_scope,
            units,
            derivation=derivation,
            strict=strict_numbers,
            delete_only=strategy == DELETE,
        )
        summary = ImportSummary(dry_run=dry_run, conflicts=list(rejected))
        kept = _check_and_write(inputs, user, resolver, rules, options, summary)
        if atomic and summary.conflicts:
            summary.refuse_all(total)
        else:
            summary.refused = len(inputs) - kept + reader_rows
        if summary.dry_run or (summary.conflicts and (atomic or not summary.written)):
            transaction.set_rollback(True)
        return summary

    # The rows the reader could not read count among the values refused, as in DHIS2's importCount.
    reader_rows = len({i for m in rejected for i in m.indexes}) + sum(1 for m in rejected if not m.indexes)
    total = len(inputs) + reader_rows
    try:
        return run_in_transaction(attempt, keeps_nothing=dry_run)
    except Contended:
        concurrent = Message("", "value", str(CONCURRENT_WRITE), code=codes.CONCURRENT_WRITE)
        summary = ImportSummary(dry_run=dry_run, conflicts=[*rejected, concurrent])
        summary.refuse_all(total)
        return summary


def _check_and_write(
    inputs: list[ValueInput],
    user: User | AnonymousUser | None,
    resolver: Resolver,
    rules: list[validation.Rule],
    options: _Options,
    summary: ImportSummary,
) -> int:
    """Checks, then writes unless a conflict keeps an atomic write out; returns how many inputs were kept
    (written, or counted as unchanged or left alone by the strategy)."""
    resolved = _resolve_all(inputs, resolver, summary)
    atomic = options.atomic
    if not options.dry_run and (not summary.conflicts or not atomic):
        # From here to the commit no other writer changes these cells: what is read below stays true.
        write_lock.lock_cells({(r.unit_id, r.period.id) for r in resolved})
    existing = value_write.existing_values(resolved)
    strategy = options.strategy
    acting = (
        resolved
        if strategy == CREATE_AND_UPDATE
        else [r for r in resolved if value_write.acts(r, existing.get(ids(r)), strategy)]
    )
    if atomic:
        # Rules between elements are checked over the rows that are valid on their own, so one pass names
        # every problem of the file.
        rule_check.check_rules(acting, rules, summary, hidden=hidden_rules(options.reader, resolver))
        value_write.check_locks(acting, existing, resolver, summary)
        if summary.conflicts:
            return 0
        rule_check.check_seen(resolved, existing, summary)
        if summary.conflicts:
            return 0
        kept = resolved
    else:
        # Each check leaves out the inputs it refuses; rules last, over what would then be written.
        acting = _without(acting, value_write.check_locks(acting, existing, resolver, summary))
        acting = _without(acting, rule_check.check_seen(acting, existing, summary))
        hidden = hidden_rules(options.reader, resolver)
        acting = _without(acting, rule_check.check_rules(acting, rules, summary, atomic=False, hidden=hidden))
        passed = {id(r) for r in acting}
        kept = [
            r for r in resolved if id(r) in passed or not value_write.acts(r, existing.get(ids(r)), strategy)
        ]
    user_id = user.pk if user is not None and user.pk else None
    to_create, to_update, to_delete = value_write.plan(
        kept,
        existing,
        user_id,
        summary,
        strategy=options.strategy,
        check_outliers=options.check_outliers,
        keep_changes=options.keep_changes,
    )
    if not options.dry_run:
        try:
            value_write.write(to_create, to_update, to_delete, user if isinstance(user, User) else None)
        except IntegrityError:  # a writer outside this path stored one of these values since they were read
            summary.conflicts.append(Message("", "value", str(CONCURRENT_WRITE), code=codes.CONCURRENT_WRITE))
            summary.refuse_all(0)  # the caller counts every input refused (nothing written)
            return 0
        record_import(summary, resolver.units, kept, existing, to_create, to_update, to_delete, user)
    return len(kept)


def hidden_rules(reader: Reader | None, resolver: Resolver) -> rule_check.HiddenRule | None:
    """The rules a write leaves unchecked for a cell: those comparing an element derived in the cell's period
    (counted from children's records) when the reader does not see that unit's derived counts exactly.
    Checking them would answer "is the count below what I typed?" for any number typed, bypassing the
    small-count rule; a typed figure that contradicts a hidden count is left for those who see it."""
    if reader is None:
        return None
    derived = [info.element for info in resolver.catalogue.elements.values() if info.element.derived_since]
    if not derived:
        return None
    paths = {unit.pk: unit.path for versions in resolver.units.values() for unit in versions}

    def hidden(cell: validation.Cell, rule: validation.Rule) -> bool:
        unit_id, period_code = cell
        period = resolver.catalogue.periods.get(period_code)
        if period is None or reader.exact(paths.get(unit_id, "")):
            return False
        return any(e.code in rule.elements and e.is_derived_for(period.start_date) for e in derived)

    return hidden


def _resolve_all(inputs: list[ValueInput], resolver: Resolver, summary: ImportSummary) -> list[Resolved]:
    """The inputs valid on their own, as ids; a conflict for each of the others. The same value given twice
    is refused (which one is meant?): every input of it is left out, the conflict names them all."""
    resolved: list[Resolved | None] = []
    first: dict[tuple[str, str, str, str], int] = {}  # the value's key → position of its first input
    repeated: set[int] = set()  # positions of the first inputs of repeated values
    for item in inputs:
        row = resolver.resolve(item)
        key = (item.element, item.combo or DEFAULT_COMBO, item.unit, item.period)
        at = first.setdefault(key, len(resolved))
        if at != len(resolved):
            before = inputs[at]
            problems = row if isinstance(row, list) else []
            indexes = sorted({i for i in (before.index, item.index) if i is not None})
            text = f"giá trị bị lặp (đã có ở {before.where or 'dòng trước'})"
            problems.append(Message(item.where, "value", text, item.element, codes.DUPLICATE, indexes))
            row = problems
            repeated.add(at)
        if isinstance(row, list):
            summary.conflicts.extend(row)
            resolved.append(None)
        else:
            resolved.append(row)
    return [r for at, r in enumerate(resolved) if r is not None and at not in repeated]


def _without(rows: list[Resolved], positions: set[int]) -> list[Resolved]:
    return [r for at, r in enumerate(rows) if at not in positions] if positions else rows


def save_cell(
    user: User | AnonymousUser | None,
    element: str,
    combo: str,
    unit: str,
    period: str,
    raw: object,
    comment: str | None = None,
) -> ImportSummary:
    """One grid cell typed by a user; the stored comment stays unless `comment` is given."""
    return import_values([ValueInput(element, combo, unit, period, raw, comment)], user=user)

"""Writing data values: the one path every entry route takes (grid cell, Excel, DHIS2 file, API).

`import_values` checks everything first and writes nothing if any value is wrong; it reports, like
DHIS2's import summary, how many values were imported (new), updated, left unchanged (ignored) and
deleted, with every conflict named by where it came from (row, column, field) in Vietnamese.

Its steps live beside it: `resolver` (codes → ids, each input's own checks), `write_lock` (serialising
writers per unit and period), `rule_check` (rules between elements, values changed since a preview),
`bulk` (new values and their history), `value_audit` (the audit event); `value_inputs` holds the shapes.

Concurrent writers: a write locks the (unit, period) cells it touches before it reads what is stored, so
rules hold over what is committed; a transaction that loses a deadlock anyway is run again
(`core.transactions`), and after a few losses the summary carries CONCURRENT_WRITE (the API answers 409).

What a write changes: an input equal to the stored value leaves it untouched (no history, same stored-by);
a comment is kept unless the input carries one (`comment=None`: Excel and the grid carry none); stored-by is
the user who last changed the value (editing only the comment keeps it; the history row names the editor).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from treem.accounts import policy
from treem.accounts.models import User
from treem.core.transactions import Contended, run_in_transaction

from . import bulk, locks, rule_check, validation, write_lock
from .models import DEFAULT_COMBO, DataValue
from .resolver import COMMENT_MAX_LENGTH, LEVEL_NAMES, Catalogue, ElementInfo, Resolver
from .value_audit import record_import
from .value_inputs import CellIds, Change, ImportSummary, Message, Resolved, Seen, Stored, ValueInput

__all__ = [
    "COMMENT_MAX_LENGTH",
    "CONCURRENT_WRITE",
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

# id → (value, comment, stored-by user id) of a stored value to change
Updates = dict[int, tuple[Decimal, str, int | None]]


def import_values(
    inputs: list[ValueInput],
    *,
    user: User | AnonymousUser | None,
    dry_run: bool = False,
    check_outliers: bool = True,
    scope: policy.EntryScope | None = None,
    keep_changes: bool = True,
    derivation: bool = False,
) -> ImportSummary:
    """Check then write `inputs` atomically. With conflicts, or with dry_run, nothing is written (not even
    the Period rows the check looked up).

    `scope` defaults to the user's entry scope; the command line passes a full one. `keep_changes=False`
    leaves `summary.changes` empty (a preview needs them; a national file's counts do not).
    `derivation=True` only for the computation of derived values (treem.register.derivation): every other
    writer is refused a derived element's value for the periods it is derived in."""

    # Metadata is read before the transaction (on SQLite, before taking the one write lock): elements,
    # units, the user's scope and the rules change only when a plan or the unit tree is loaded.
    catalogue = Catalogue()
    units = catalogue.unit_map({i.unit for i in inputs})
    entry_scope = scope or policy.scope_for(user).entry
    rules = validation.all_rules()

    def attempt() -> ImportSummary:
        catalogue.periods.clear()  # Period rows made by an attempt that was rolled back are gone
        resolver = Resolver(catalogue, entry_scope, units, derivation=derivation)
        summary = _check_and_write(inputs, user, resolver, rules, dry_run, check_outliers, keep_changes)
        if summary.dry_run or summary.conflicts:
            transaction.set_rollback(True)
        return summary

    try:
        return run_in_transaction(attempt, keeps_nothing=dry_run)
    except Contended:
        return ImportSummary(dry_run=dry_run, conflicts=[Message("", "value", str(CONCURRENT_WRITE))])


def _check_and_write(
    inputs: list[ValueInput],
    user: User | AnonymousUser | None,
    resolver: Resolver,
    rules: list[validation.Rule],
    dry_run: bool,
    check_outliers: bool,
    keep_changes: bool,
) -> ImportSummary:
    summary = ImportSummary(dry_run=dry_run)
    resolved: list[Resolved] = []
    seen: dict[tuple[str, str, str, str], str] = {}
    for item in inputs:
        row = resolver.resolve(item)
        key = (item.element, item.combo or DEFAULT_COMBO, item.unit, item.period)
        if key in seen:
            problems = row if isinstance(row, list) else []
            problems.append(Message(item.where, "value", f"giá trị bị lặp (đã có ở {seen[key]})"))
            row = problems
        seen[key] = item.where or "dòng trước"
        if isinstance(row, list):
            summary.conflicts.extend(row)
        else:
            resolved.append(row)
    if not dry_run and not summary.conflicts:
        # From here to the commit no other writer changes these cells: what is read below stays true.
        write_lock.lock_cells({(r.unit_id, r.period.id) for r in resolved})
    # Rules between elements are checked over the rows that are valid on their own, so one pass names
    # every problem of the file.
    rule_check.check_rules(resolved, rules, summary)
    existing = _existing_values(resolved)
    _check_locks(resolved, existing, resolver, summary)
    if summary.conflicts:
        return summary
    rule_check.check_seen(resolved, existing, summary)
    if summary.conflicts:
        return summary
    user_id = user.pk if user is not None and user.pk else None
    to_create, to_update, to_delete = _plan(
        resolved, existing, user_id, summary, check_outliers, keep_changes
    )
    if not dry_run:
        try:
            _write(to_create, to_update, to_delete, user if isinstance(user, User) else None)
        except IntegrityError:  # a writer outside this path stored one of these values since they were read
            summary.conflicts.append(Message("", "value", str(CONCURRENT_WRITE)))
        else:
            record_import(summary, resolver.units, resolved, existing, to_create, to_update, to_delete, user)
    return summary


def _changes(row: Resolved, current: Stored | None) -> bool:
    """Whether writing the row changes what is stored (its value, or its comment when one is given)."""
    if current is None:
        return row.value is not None
    if row.value is None or row.value != current.value:
        return True
    return row.input.comment is not None and row.input.comment != current.comment


def _check_locks(
    resolved: list[Resolved], existing: dict[CellIds, Stored], resolver: Resolver, summary: ImportSummary
) -> None:
    """A conflict for every input that would change a cell an app above the engine has locked (an accepted
    report). Sending a locked value again unchanged is no change, so a re-import of the same file passes."""
    changing = [
        r for r in resolved if _changes(r, existing.get((r.element_id, r.combo_id, r.unit_id, r.period.id)))
    ]
    elements = {info.element.pk: info.element for info in resolver.catalogue.elements.values()}
    paths = {unit.pk: unit.path for versions in resolver.units.values() for unit in versions}
    cells = [
        locks.Cell(
            r.element_id,
            elements[r.element_id].supplier_id,
            paths[r.unit_id],
            r.period.start_date,
            r.period.end_date,
        )  # fmt: skip
        for r in changing
    ]
    for index, reason in sorted(locks.locked(cells).items()):
        summary.conflicts.append(Message(changing[index].input.where, "value", reason))


def _plan(
    resolved: list[Resolved],
    existing: dict[CellIds, Stored],
    user_id: int | None,
    summary: ImportSummary,
    check_outliers: bool,
    keep_changes: bool,
) -> tuple[list[bulk.NewValue], Updates, list[int]]:
    """What to create, update and delete; counts each input in the summary (and notes its change)."""
    to_create: list[bulk.NewValue] = []
    to_update: Updates = {}
    to_delete: list[int] = []
    outliers = validation.outlier_warnings(resolved) if check_outliers else {}
    note = summary.changes.append if keep_changes else (lambda change: None)
    for item, element_id, combo_id, unit_id, period, value in resolved:
        ids = (element_id, combo_id, unit_id, period.id)
        current = existing.get(ids)
        if value is None:
            if current is None:
                summary.ignored += 1
                note(Change(item, "unchanged", None, None))
            else:
                summary.deleted += 1
                note(Change(item, "deleted", current.value, None))
                to_delete.append(current.id)
            continue
        warning = outliers.get(ids)
        if warning:
            summary.warnings.append(Message(item.where, "value", warning))
        if current is None:
            summary.imported += 1
            note(Change(item, "new", None, value))
            to_create.append((element_id, combo_id, unit_id, period.id, value, item.comment or "", user_id))
            continue
        comment = current.comment if item.comment is None else item.comment
        if current.value != value:  # a new value: its user stored it
            to_update[current.id] = (value, comment, user_id)
        elif comment != current.comment:  # only the comment: the value is still the other user's
            to_update[current.id] = (value, comment, current.stored_by_id)
        else:
            summary.ignored += 1
            note(Change(item, "unchanged", value, value))
            continue
        summary.updated += 1
        note(Change(item, "changed", current.value, value))
    return to_create, to_update, to_delete


def _existing_values(resolved: list[Resolved]) -> dict[CellIds, Stored]:
    """The stored values the inputs may replace, by (element, combo, unit, period) ids, as plain tuples."""
    if not resolved:
        return {}
    period_ids = {r.period.id for r in resolved}
    element_ids = {r.element_id for r in resolved}
    unit_ids: list[int] | set[int] = list({r.unit_id for r in resolved})
    values = DataValue.objects.filter(period_id__in=period_ids, element_id__in=element_ids)
    if len(unit_ids) <= validation.MAX_FILTERED_UNITS:
        values = values.filter(unit_id__in=unit_ids)
    else:
        unit_ids = set(unit_ids)  # a whole-country file: read the period, keep the file's units
    found: dict[CellIds, Stored] = {}
    # Plain fetch, not .iterator(): PostgreSQL plans a server-side cursor for the first rows, badly here.
    for element_id, combo_id, unit_id, period_id, pk, value, comment, stored_by_id in values.values_list(
        "element_id", "combo_id", "unit_id", "period_id", "id", "value", "comment", "stored_by_id"
    ):
        if unit_id in unit_ids:
            found[(element_id, combo_id, unit_id, period_id)] = Stored(pk, value, comment, stored_by_id)
    return found


# Rows changed or deleted are locked in id order first (PostgreSQL), the one order every writer uses, so
# two writers never hold each other's rows; a very large write relies on its period locks instead.
ROW_LOCK_LIMIT = 10_000


@transaction.atomic
def _write(
    to_create: list[bulk.NewValue], to_update: Updates, to_delete: list[int], user: User | None
) -> None:
    """New values in bulk (with their history rows); updates and deletions through simple_history, so each
    keeps who changed it (the history row's user), when, and the value before."""
    from simple_history.utils import bulk_update_with_history

    now = timezone.now()
    bulk.insert_new_values(to_create, now)
    ids = sorted([*to_update, *to_delete])
    rows = DataValue.objects.filter(pk__in=ids).order_by("pk")
    found = list(rows.select_for_update()) if len(ids) <= ROW_LOCK_LIMIT else rows.iterator(chunk_size=2000)
    changed, deleted = [], []
    for dv in found:
        if dv.pk in to_update:
            dv.value, dv.comment, dv.stored_by_id = to_update[dv.pk]
            dv.updated_at = now
            changed.append(dv)
        else:
            deleted.append(dv)
    if changed:
        bulk_update_with_history(
            changed,
            DataValue,
            ["value", "comment", "stored_by", "updated_at"],
            batch_size=2000,
            default_user=user,
            default_date=now,
        )
    for dv in deleted:
        if user is not None:
            dv._history_user = user  # type: ignore[attr-defined]  # simple_history: who deleted it
        dv.delete()  # simple_history records the deletion with the old value


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

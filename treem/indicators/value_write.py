"""The planning and writing steps of `datavalues.import_values`: what is stored, what each input does to
it under the import strategy, which inputs change a locked cell, and the write itself."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.models import User

from . import bulk, locks, validation
from . import conflict_codes as codes
from .models import DataValue
from .resolver import Resolver
from .value_inputs import (
    CREATE,
    CREATE_AND_UPDATE,
    DELETE,
    UPDATE,
    CellIds,
    Change,
    ImportSummary,
    Resolved,
    Stored,
    conflict,
)

# id → (value, comment, stored-by user id, followup) of a stored value to change
Updates = dict[int, tuple[Decimal, str, int | None, bool]]


def ids(row: Resolved) -> CellIds:
    return (row.element_id, row.combo_id, row.unit_id, row.period.id)


def acts(row: Resolved, current: Stored | None, strategy: str) -> bool:
    """Whether the strategy lets the input act on the stored value (otherwise it is left alone: ignored,
    its index rejected, as DHIS2 does). DELETE inputs were resolved with no value: they delete."""
    if strategy == CREATE:
        return current is None
    if strategy in (UPDATE, DELETE):
        return current is not None
    return True


def changes(row: Resolved, current: Stored | None) -> bool:
    """Whether writing the row changes what is stored (its value, or its comment or follow-up flag when
    the input gives one)."""
    if current is None:
        return row.value is not None
    if row.annotates:
        return row.input.comment != current.comment
    if row.value is None or row.value != current.value:
        return True
    if row.input.followup is not None and row.input.followup != current.followup:
        return True
    return row.input.comment is not None and row.input.comment != current.comment


def check_locks(
    rows: list[Resolved], existing: dict[CellIds, Stored], resolver: Resolver, summary: ImportSummary
) -> set[int]:
    """A conflict for every input that would change a cell an app above the engine has locked (an accepted
    report); returns their positions in `rows`. Sending a locked value again unchanged is no change, so a
    re-import of the same file passes."""
    changing = [at for at, r in enumerate(rows) if changes(r, existing.get(ids(r)))]
    elements = {info.element.pk: info.element for info in resolver.catalogue.elements.values()}
    paths = {unit.pk: unit.path for versions in resolver.units.values() for unit in versions}
    cells = [
        locks.Cell(
            rows[at].element_id,
            elements[rows[at].element_id].supplier_id,
            paths[rows[at].unit_id],
            rows[at].period.start_date,
            rows[at].period.end_date,
        )  # fmt: skip
        for at in changing
    ]
    refused: set[int] = set()
    for index, reason in sorted(locks.locked(cells).items()):
        item = rows[changing[index]].input
        summary.conflicts.append(conflict(item, "value", reason, object=item.unit, code=codes.LOCKED))
        refused.add(changing[index])
    return refused


def plan(
    rows: list[Resolved],
    existing: dict[CellIds, Stored],
    user_id: int | None,
    summary: ImportSummary,
    *,
    strategy: str,
    check_outliers: bool,
    keep_changes: bool,
) -> tuple[list[bulk.NewValue], Updates, list[int]]:
    """What to create, update and delete; counts each input in the summary (and notes its change)."""
    to_create: list[bulk.NewValue] = []
    to_update: Updates = {}
    to_delete: list[int] = []
    every = strategy == CREATE_AND_UPDATE  # every input acts: no need to ask (a national file's millions)
    acting = rows if every else [r for r in rows if acts(r, existing.get(ids(r)), strategy)]
    outliers = validation.outlier_warnings(acting) if check_outliers and acting else {}
    note = summary.changes.append if keep_changes else (lambda change: None)
    for row in rows:
        item, element_id, combo_id, unit_id, period, value = row
        key = ids(row)
        current = existing.get(key)
        if not every and not acts(row, current, strategy):
            summary.ignored += 1
            if item.index is not None:
                summary.skipped.append(item.index)
            stored = None if current is None else current.value
            note(Change(item, "unchanged", stored, stored))
            continue
        if row.annotates:
            if current is None:  # nothing to note: treem keeps no comment without a figure
                summary.ignored += 1
                text = _("không có số liệu để ghi chú; ghi chú không được lưu")
                summary.warnings.append(conflict(item, "comment", text, object=item.element, code=""))
                note(Change(item, "unchanged", None, None))
                continue
            value = current.value  # the comment goes on the stored value, which stays
        elif value is None:
            if current is None:
                summary.ignored += 1
                note(Change(item, "unchanged", None, None))
            else:
                summary.deleted += 1
                note(Change(item, "deleted", current.value, None))
                to_delete.append(current.id)
            continue
        warning = outliers.get(key)
        if warning:
            summary.warnings.append(conflict(item, "value", warning, object=item.element, code=""))
        if current is None:
            summary.imported += 1
            note(Change(item, "new", None, value))
            new = (
                element_id,
                combo_id,
                unit_id,
                period.id,
                value,
                item.comment or "",
                user_id,
                bool(item.followup),
            )
            to_create.append(new)
            continue
        comment = current.comment if item.comment is None else item.comment
        followup = current.followup if item.followup is None else item.followup
        if current.value != value:  # a new value: its user stored it
            to_update[current.id] = (value, comment, user_id, followup)
        elif comment != current.comment or followup != current.followup:
            # only the comment or the flag: the value is still the other user's
            to_update[current.id] = (value, comment, current.stored_by_id, followup)
        else:
            summary.ignored += 1
            note(Change(item, "unchanged", value, value))
            continue
        summary.updated += 1
        note(Change(item, "changed", current.value, value))
    return to_create, to_update, to_delete


def existing_values(resolved: list[Resolved]) -> dict[CellIds, Stored]:
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
    for (
        element_id,
        combo_id,
        unit_id,
        period_id,
        pk,
        value,
        comment,
        stored_by_id,
        followup,
    ) in values.values_list(
        "element_id", "combo_id", "unit_id", "period_id", "id", "value", "comment", "stored_by_id", "followup"
    ):
        if unit_id in unit_ids:
            found[(element_id, combo_id, unit_id, period_id)] = Stored(
                pk, value, comment, stored_by_id, followup
            )
    return found


# Rows changed or deleted are locked in id order first (PostgreSQL), the one order every writer uses, so
# two writers never hold each other's rows; a very large write relies on its period locks instead.
ROW_LOCK_LIMIT = 10_000


@transaction.atomic
def write(
    to_create: list[bulk.NewValue], to_update: Updates, to_delete: list[int], user: User | None
) -> None:
    """New values in bulk (with their history rows); updates and deletions through simple_history, so each
    keeps who changed it (the history row's user), when, and the value before."""
    from simple_history.utils import bulk_update_with_history

    now = timezone.now()
    bulk.insert_new_values(to_create, now)
    pks = sorted([*to_update, *to_delete])
    rows = DataValue.objects.filter(pk__in=pks).order_by("pk")
    found = list(rows.select_for_update()) if len(pks) <= ROW_LOCK_LIMIT else rows.iterator(chunk_size=2000)
    changed, deleted = [], []
    for dv in found:
        if dv.pk in to_update:
            dv.value, dv.comment, dv.stored_by_id, dv.followup = to_update[dv.pk]
            dv.updated_at = now
            changed.append(dv)
        else:
            deleted.append(dv)
    if changed:
        bulk_update_with_history(
            changed,
            DataValue,
            ["value", "comment", "stored_by", "followup", "updated_at"],
            batch_size=2000,
            default_user=user,
            default_date=now,
        )
    for dv in deleted:
        if user is not None:
            dv._history_user = user  # type: ignore[attr-defined]  # simple_history: who deleted it
        dv.delete()  # simple_history records the deletion with the old value

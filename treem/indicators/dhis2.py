"""DHIS2 dataValueSets out, JSON and CSV (reading them is `dhis2_read`). orgUnit is the GSO code; categoryOptionCombo is our
combo code (`default`, `rural`, `urban`…); attributeOptionCombo is always `default` (treem has no attribute
combos). `created` and `lastUpdated` are written as DHIS2 writes them (`2019-09-02T15:44:34.392+0000`).

An export for a user leaves out the derived values that reader may not see (`withheld_values`, the rule of
treem.indicators.disclosure): DHIS2 has no "< 5", and leaving a value out is how DHIS2's own aggregate
suppression works. The operator's command (export_datavalues) exports every value."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from treem.core.dhis2_message import utc_timestamp
from treem.units import geometry

from .dhis2_csv import POSITIONS
from .disclosure import Reader, withheld
from .disclosure_periods import across_periods, adds_up, year_tree
from .models import DataElement, DataValue, Period

# DHIS2's CSV columns, in the order its position-read files use (the reader's POSITIONS), named in lower case.
CSV_COLUMNS = [name.lower() for name in POSITIONS]
DEFAULT_ATTRIBUTE_COMBO = "default"
ORDER = ("period__start_date", "period__code", "unit__path", "element__code", "combo__code")
RELATED = ("element", "combo", "unit", "period", "stored_by")


def _where(
    period_codes: Iterable[str] | None,
    units: Sequence[Any] | None,
    element_codes: Iterable[str] | None,
    children: bool,
) -> Q:
    where = Q()
    if period_codes is not None:
        where &= Q(period__code__in=list(period_codes))
    if units is not None:
        which = Q(pk__in=[])
        for unit in units:
            which |= Q(unit__path__startswith=unit.path) if children else Q(unit=unit)
        where &= which
    if element_codes:
        where &= Q(element__code__in=list(element_codes))
    return where


def values_for_export(
    period_codes: Iterable[str] | None = None,
    units: Sequence[Any] | None = None,
    element_codes: Iterable[str] | None = None,
    *,
    children: bool = True,
    last_updated: datetime.datetime | None = None,
) -> QuerySet[DataValue]:
    """The stored values asked for: of `units` and, with `children`, every unit under them; changed at or
    after `last_updated` when given. `period_codes` or `units` None: all of them ([]: none)."""
    rows = DataValue.objects.filter(_where(period_codes, units, element_codes, children))
    if last_updated is not None:
        rows = rows.filter(updated_at__gte=last_updated)
    return rows.select_related(*RELATED).order_by(*ORDER)


def deleted_for_export(
    period_codes: Iterable[str] | None = None,
    units: Sequence[Any] | None = None,
    element_codes: Iterable[str] | None = None,
    *,
    children: bool = True,
    last_updated: datetime.datetime | None = None,
    reader: Reader | None = None,
) -> list[Any]:
    """DHIS2's `includeDeleted`: for each cell that has no value now, its last deletion (a history row of
    type "-": the value as it was, `history_date` when it was deleted, `history_user` by whom).

    For a `reader` (None: the operator, who sees everything) a deleted derived value is left out unless the
    reader sees that unit's counts exactly: the disclosure rule works on the values stored now, and a
    deleted small count, or one that would give a withheld neighbour back, would escape it."""
    history = DataValue.history.model
    current = DataValue.objects.filter(
        element_id=OuterRef("element_id"),
        combo_id=OuterRef("combo_id"),
        unit_id=OuterRef("unit_id"),
        period_id=OuterRef("period_id"),
    )
    rows = history.objects.filter(_where(period_codes, units, element_codes, children), history_type="-")
    if last_updated is not None:
        rows = rows.filter(history_date__gte=last_updated)
    rows = (
        rows.filter(~Exists(current))
        .select_related(*RELATED, "history_user")
        .order_by(*ORDER, "-history_date", "-history_id")
    )
    found: list[Any] = []
    seen: set[tuple[int, int, int, int]] = set()
    for row in rows.iterator(chunk_size=5000):
        cell = (row.element_id, row.combo_id, row.unit_id, row.period_id)
        if cell in seen:
            continue
        seen.add(cell)
        if reader is not None and row.element.is_derived_for(row.period.start_date):
            if not reader.exact(row.unit.path):
                continue
        found.append(row)
    return found


def withheld_values(
    period_codes: Iterable[str],
    unit: Any,
    element_codes: Iterable[str] | None,
    reader: Reader,
    *,
    children: bool = True,
) -> set[int]:
    """The ids of the values under `unit` that an export for `reader` leaves out: derived values of 1 …
    TREEM_SMALL_COUNT − 1 outside the reader's exact area, and their complements, among the units of one
    parent (a district's total is published), among an element's categories in one unit (its total is)
    and, for an element that adds up over time, among the periods of a year (year = S1 + S2 = Q1 + … + Q4).
    The complements are chosen over whole groups, the requested unit's siblings and every period of the
    requested periods' years included, so asking unit by unit or period by period gives nothing more than
    asking for the parent and the year. Without `children`, only the unit's own values (the groups stay
    the same)."""
    elements = list(DataElement.objects.exclude(derived_rule="").filter(derived_since__isnull=False))
    if element_codes:
        wanted = set(element_codes)
        elements = [e for e in elements if e.code in wanted]
    asked = set(period_codes)
    years = {code for asked_code in asked for code in year_tree(asked_code)}
    periods = list(Period.objects.filter(code__in=years | asked))
    pairs = [
        (e, p)
        for e in elements
        for p in periods
        if e.is_derived_for(p.start_date) and (p.code in asked or adds_up(e))
    ]
    if not pairs:
        return set()
    where = Q(unit__path__startswith=unit.path)
    if unit.parent_id is not None:
        where |= Q(unit__parent_id=unit.parent_id)
    which = Q()
    for element, period in pairs:
        which |= Q(element=element, period=period)
    rows = DataValue.objects.filter(which, where).values_list(
        "pk", "unit__path", "unit__parent_id", "element__code", "period__code", "combo__code", "value"
    )
    counts: dict[tuple[str, str, str, str], int] = {}
    ids: dict[tuple[str, str, str, str], int] = {}
    siblings: dict[tuple[Any, ...], list[tuple[str, str, str, str]]] = {}
    categories: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for pk, path, parent_id, element_code, period_code, combo_code, value in rows:
        key = (path, element_code, period_code, combo_code)  # the path first: ties go in unit order
        counts[key], ids[key] = int(value), pk
        siblings.setdefault((parent_id, element_code, period_code, combo_code), []).append(key)
        categories.setdefault((path, element_code, period_code), []).append(key)
    flows = {e.code for e in elements if adds_up(e)}
    in_years = across_periods(
        [key for key in counts if key[1] in flows], lambda key: key[2], lambda key: (key[0], key[1], key[3])
    )
    hidden = withheld(counts, [*siblings.values(), *categories.values(), *in_years])
    return {
        ids[key]
        for key in hidden
        if key[2] in asked
        and (geometry.is_within(key[0], unit.path) if children else key[0] == unit.path)
        and not reader.exact(key[0])
    }


def _csv_cell(value: object) -> object:
    """Flags as DHIS2 writes them in CSV: true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _plain(value) -> str:
    return format(value.normalize(), "f")


def _fields(row: Any, deleted: bool) -> dict[str, Any]:
    """One value as DHIS2 exports it. A deleted one (a history row) was last updated when it was deleted,
    by whoever deleted it."""
    if deleted:
        user, last_updated = row.history_user or row.stored_by, row.history_date
    else:
        user, last_updated = row.stored_by, row.updated_at
    return {
        "dataElement": row.element.code,
        "period": row.period.code,
        "orgUnit": row.unit.code,
        "categoryOptionCombo": row.combo.code,
        "attributeOptionCombo": DEFAULT_ATTRIBUTE_COMBO,
        "value": _plain(row.value),
        "storedBy": user.username if user else "",
        "created": utc_timestamp(row.created_at),
        "lastUpdated": utc_timestamp(last_updated),
        "comment": row.comment,
        "followup": bool(row.followup),
        "deleted": deleted,
    }


def _exported(rows: QuerySet[DataValue], withheld: Collection[int], deleted: Iterable[Any]) -> Iterator[dict]:
    for dv in rows.iterator(chunk_size=5000):
        if dv.pk not in withheld:
            yield _fields(dv, False)
    for row in deleted:
        yield _fields(row, True)


def write_json(rows: QuerySet[DataValue], withheld: Collection[int] = (), deleted: Iterable[Any] = ()) -> str:
    """`withheld`: ids of values left out (withheld_values); `deleted`: deleted_for_export's rows, after
    the stored values."""
    return json.dumps({"dataValues": list(_exported(rows, withheld, deleted))}, ensure_ascii=False, indent=1)


def write_csv(rows: QuerySet[DataValue], withheld: Collection[int] = (), deleted: Iterable[Any] = ()) -> str:
    """DHIS2's CSV: its eleven columns in its order (no `created`: DHIS2's CSV has none), flags as
    true/false."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for value in _exported(rows, withheld, deleted):
        writer.writerow([_csv_cell(value[name]) for name in POSITIONS])
    return out.getvalue()

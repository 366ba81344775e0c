"""Aggregation over the unit tree: Σ of data element terms for each unit asked for, over its subtree.

The sums run in SQL: one GROUP BY at the deepest level asked for, grouping data values by the ancestor's
prefix of `AdministrativeUnit.path` (see units.geometry: a level's prefix has a fixed length).

Over time, elements of aggregation `sum` (births, deaths, cases) add up the periods inside the period
asked for; elements of aggregation `last` (populations, registers) take the latest period inside it
that has data for that unit. The engine knows no plan: plans.evaluation builds indicators on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr

from treem.units.geometry import LEVEL_RANK
from treem.units.models import AdministrativeUnit, UnitLevel

from .expressions import Term
from .models import AggregationType, DataElement, DataValue, Period


@dataclass
class Sums:
    """Per (ancestor path, element id, combo id): total per period, and units reporting per period."""

    totals: dict
    reporters: dict


# Above this many subtrees, filtering by unit costs more than it saves (the whole country, say).
MAX_SUBTREE_FILTERS = 20


def _subtree_roots(units: list[AdministrativeUnit]) -> list[AdministrativeUnit] | None:
    """The units asked for that no other asked-for unit contains, or None when they are too many for a
    filter by subtree to help."""
    roots = [u for u in units if not any(u.path != o.path and u.path.startswith(o.path) for o in units)]
    return roots if len(roots) <= MAX_SUBTREE_FILTERS else None


def _subtree_unit_ids(
    units: list[AdministrativeUnit],
) -> QuerySet[AdministrativeUnit, Mapping[str, object]] | None:
    """A subquery of the ids of every unit under the units asked for (by the indexed path prefix), or
    None when they are too many for the filter to help."""
    roots = _subtree_roots(units)
    if roots is None:
        return None
    under = Q()
    for root in roots:
        under |= Q(path__startswith=root.path)
    return AdministrativeUnit.objects.filter(under).values("id")


def _per_unit_value_sql(elements: list[DataElement], periods: list[Period]) -> str:
    """SQL for one reporting unit's figure of an element over several periods (as DHIS2 chooses, unit by
    unit): a `last` element takes the unit's newest period; a `sum` element adds the unit's periods,
    a wider period replacing the narrower ones inside it (a year entered whole and by halves counts once).
    Ids are integers from the database, written into the SQL directly."""

    def value_in(period: Period) -> str:
        return f"MAX(CASE WHEN v.period_id = {int(period.id)} THEN v.value END)"

    def inside(inner: Period, outer: Period) -> bool:
        return (
            inner.id != outer.id and outer.start_date <= inner.start_date and inner.end_date <= outer.end_date
        )

    def widest(candidates: list[Period]) -> list[Period]:
        return [p for p in candidates if not any(inside(p, o) for o in candidates)]

    def summed(period: Period, candidates: list[Period]) -> str:
        parts = widest([p for p in candidates if inside(p, period)])
        below = " + ".join(f"COALESCE({summed(p, candidates)}, 0)" for p in parts) or "NULL"
        return f"CASE WHEN {value_in(period)} IS NOT NULL THEN {value_in(period)} ELSE {below} END"

    newest_first = sorted(periods, key=lambda p: (p.end_date, p.start_date), reverse=True)
    last = f"COALESCE({', '.join(value_in(p) for p in newest_first)}, NULL)"
    total = " + ".join(f"COALESCE({summed(p, periods)}, 0)" for p in widest(periods))
    last_ids = ", ".join(str(int(e.pk)) for e in elements if e.aggregation == AggregationType.LAST) or "NULL"
    return f"CASE WHEN v.element_id IN ({last_ids}) THEN {last} ELSE {total} END"


def _sums_per_unit(
    units: list[AdministrativeUnit], elements: list[DataElement], periods: list[Period], deepest: int
) -> Iterator[dict[str, Any]]:
    """Rows (ancestor, element, combo, total, units) when the period asked for holds several stored periods:
    each unit's figure is chosen first (`_per_unit_value_sql`), then the units add up by ancestor."""
    table = connection.ops.quote_name(DataValue._meta.db_table)
    unit_table = connection.ops.quote_name(AdministrativeUnit._meta.db_table)
    where, params = "", []
    roots = _subtree_roots(units)
    if roots is not None:
        subtree = f"SELECT id FROM {unit_table} WHERE " + " OR ".join(["path LIKE %s"] * len(roots))
        # PostgreSQL: an array of the subtree's ids makes it read their values by the unit index.
        where = (
            f" AND v.unit_id = ANY(ARRAY({subtree}))"
            if connection.vendor == "postgresql"
            else f" AND v.unit_id IN ({subtree})"
        )
        params = [root.path + "%" for root in roots]
    period_ids = ", ".join(str(int(p.id)) for p in periods)
    element_ids = ", ".join(str(int(e.pk)) for e in elements) or "NULL"
    sql = (
        f"SELECT substr(u.path, 1, {int(deepest)}), x.element_id, x.combo_id, SUM(x.value), COUNT(*) FROM ("  # noqa: S608
        f"SELECT v.unit_id, v.element_id, v.combo_id, {_per_unit_value_sql(elements, periods)} AS value "
        f"FROM {table} v WHERE v.period_id IN ({period_ids}) AND v.element_id IN ({element_ids}){where} "
        f"GROUP BY v.unit_id, v.element_id, v.combo_id"
        f") x JOIN {unit_table} u ON u.id = x.unit_id GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for ancestor, element_id, combo_id, total, count in cursor.fetchall():
            if not isinstance(total, Decimal):  # SQLite sums decimals as floats
                total = Decimal(repr(total)).quantize(Decimal("0.0001"))
            yield {
                "ancestor": ancestor,
                "element_id": element_id,
                "combo_id": combo_id,
                "period_id": 0,
                "total": total,
                "units": count,
            }


def subtree_sums(units: list[AdministrativeUnit], elements: list[DataElement], periods: list[Period]) -> Sums:
    """Σvalue and the number of reporting units per (unit path, element, combo[, period]) for the units
    asked for. One GROUP BY at the deepest level asked for; coarser units add up their groups. When the
    period holds several stored periods, each unit's figure is chosen first (`_sums_per_unit`)."""
    totals: dict = defaultdict(lambda: defaultdict(Decimal))
    reporters: dict = defaultdict(lambda: defaultdict(int))
    wanted = {u.path for u in units}
    lengths = sorted({len(u.path) for u in units})
    deepest = lengths[-1]
    rows: Iterable[dict[str, Any]]
    if len(periods) > 1:
        rows = _sums_per_unit(units, elements, periods, deepest)
    else:
        values = DataValue.objects.filter(
            element_id__in=[e.pk for e in elements], period__in=periods
        ).annotate(ancestor=Substr("unit__path", 1, deepest))
        unit_ids = _subtree_unit_ids(units)
        if unit_ids is not None:
            values = values.filter(unit_id__in=Subquery(unit_ids))
        rows = (
            values.values("ancestor", "element_id", "combo_id", "period_id")
            # One row per unit in each group (element, combo, unit, period is unique): COUNT(*) counts the
            # reporting units and, unlike COUNT(DISTINCT), lets PostgreSQL group by hash.
            .annotate(total=Sum("value"), units=Count("*"))
            .order_by()
        )
    for row in rows:  # not .iterator(): a server-side cursor makes PostgreSQL plan a sort, not a hash
        for length in lengths:
            path = row["ancestor"][:length]
            if path in wanted and len(path) == length:
                key = (path, row["element_id"], row["combo_id"])
                totals[key][row["period_id"]] += row["total"]
                reporters[key][row["period_id"]] += row["units"]
    return Sums(totals, reporters)


def expected_units(units: list[AdministrativeUnit], period: Period) -> dict[tuple[str, str], int]:
    """How many units of each collection level lie under each unit asked for (valid in the period)."""
    return {key: sum(by_type.values()) for key, by_type in expected_units_by_type(units, period).items()}


def expected_units_by_type(
    units: list[AdministrativeUnit], period: Period
) -> dict[tuple[str, str], dict[str, int]]:
    """`expected_units` split by unit type (xã, phường, thị trấn…), in the same queries: what applies to
    one area only (units.areas) expects the units of that area."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for level in (UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        for unit in units:
            if LEVEL_RANK[unit.level] > LEVEL_RANK[level]:
                out[(unit.path, level)] = {}
        # Grouped by the asking unit's own path length: a level has no fixed depth (2023 vs 2025 trees).
        by_ancestor = defaultdict(list)
        for unit in units:
            if LEVEL_RANK[unit.level] <= LEVEL_RANK[level]:
                by_ancestor[len(unit.path)].append(unit.path)
        for prefix_length, paths in by_ancestor.items():
            rows = (
                AdministrativeUnit.objects.filter(level=level)
                .existing_during(period.start_date, period.end_date)
                .annotate(ancestor=Substr("path", 1, prefix_length))
                .filter(ancestor__in=paths)
                .values("ancestor", "unit_type")
                .annotate(n=Count("id"))
                .order_by()
            )
            counts: dict[str, dict[str, int]] = defaultdict(dict)
            for r in rows:
                counts[r["ancestor"]][r["unit_type"]] = r["n"]
            for path in paths:
                out[(path, level)] = counts.get(path, {})
    return out


def term_total(
    terms: list[Term],
    unit: AdministrativeUnit,
    elements: dict[str, DataElement],
    sums: Sums,
    periods: list[Period],
) -> tuple[Decimal | None, int]:
    """Σ of an expression's terms for a unit's subtree; and the fewest units reporting any term."""
    total, found, reported = Decimal(0), False, None
    for term in terms:
        element = elements.get(term.element)
        if element is None:
            return None, 0
        combos = [c for c in element.combos.all() if term.combo is None or c.code == term.combo]
        term_units = 0
        for combo in combos:
            key = (unit.path, element.pk, combo.pk)
            by_period = sums.totals.get(key)
            if not by_period:
                continue
            # With several periods each unit's figure was chosen in SQL already, so what is here adds up.
            total += sum(by_period.values())
            counts = sums.reporters[key].values()
            # A `last` unit counts in one period only; a `sum` unit may count in each half: the most in one.
            term_units = max(
                term_units, sum(counts) if element.aggregation == AggregationType.LAST else max(counts)
            )
            found = True
        reported = term_units if reported is None else min(reported, term_units)
    return (total if found else None), (reported or 0)

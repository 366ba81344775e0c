"""Aggregation and target evaluation.

A unit's value for an indicator and period is Σnumerator / Σdenominator × factor over every unit in its
subtree (never an average of rates). The sums run in SQL: one GROUP BY per level of the units asked for,
grouping data values by the ancestor's prefix of `AdministrativeUnit.path` (GSO codes have fixed widths:
province 2, district 3, commune 5 digits, so the prefix of a level has a fixed length).

Over time, elements of aggregation `sum` (births, deaths, cases) add up the periods inside the period
asked for; elements of aggregation `last` (populations, registers) take the latest period inside it
that has data for that ancestor.

Status compares the value rounded half-up to 2 decimals (what users see) with the threshold, in the
plan's direction exactly: equal to a `lt` threshold is not achieved, equal to a `le` one is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from treem.plans.models import Indicator, Plan
from treem.units.models import AdministrativeUnit, UnitLevel

from .expressions import Term, parse
from .models import AggregationType, DataElement, DataValue, Period
from .numbers import round_half_up
from .periods import contained_periods, find_period
from .validation import COMPARE

PATH_LENGTH = {
    UnitLevel.PROVINCE: 3,
    UnitLevel.DISTRICT: 7,
    UnitLevel.COMMUNE: 13,
}  # "46/", "46/474/", "46/474/19750/"


class Status:
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    PARTIAL = "partial"  # a value, but some units below have not reported
    NO_DATA = "no_data"

    LABELS = {
        "achieved": _("Đạt"),
        "not_achieved": _("Không đạt"),
        "partial": _("Thiếu số liệu"),
        "no_data": _("Chưa có số liệu"),
    }


@dataclass
class Evaluation:
    indicator: Indicator
    unit: AdministrativeUnit
    period: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    reported_units: int
    expected_units: int
    status: str
    achieved: bool | None  # the comparison alone, also for partial data

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator.code,
            "unit": self.unit.code,
            "period": self.period,
            "disaggregation": self.indicator.disaggregation,
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
            "value": _plain(round_half_up(self.value, 4)) if self.value is not None else None,
            "threshold": _plain(self.indicator.threshold),
            "direction": self.indicator.direction,
            "status": self.status,
            "reported_units": self.reported_units,
            "expected_units": self.expected_units,
        }


def _plain(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def compare(value: Decimal, direction: str, threshold: Decimal) -> bool:
    return COMPARE[direction](round_half_up(value), threshold)


@dataclass
class _Sums:
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


def _subtree_unit_ids(units: list[AdministrativeUnit]):
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
):
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


def _sums(units: list[AdministrativeUnit], elements: list[DataElement], periods: list[Period]) -> _Sums:
    """Σvalue and the number of reporting units per (unit path, element, combo[, period]) for the units
    asked for. One GROUP BY at the deepest level asked for; coarser units add up their groups. When the
    period holds several stored periods, each unit's figure is chosen first (`_sums_per_unit`)."""
    totals: dict = defaultdict(lambda: defaultdict(Decimal))
    reporters: dict = defaultdict(lambda: defaultdict(int))
    wanted = {u.path for u in units}
    lengths = sorted({PATH_LENGTH[u.level] for u in units})
    deepest = lengths[-1]
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
    return _Sums(totals, reporters)


def _expected_units(units: list[AdministrativeUnit], period: Period) -> dict[tuple[str, str], int]:
    """How many units of each collection level lie under each unit asked for (valid in the period)."""
    out: dict[tuple[str, str], int] = {}
    for level in (UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        length = PATH_LENGTH[level]
        for unit in units:
            if PATH_LENGTH[unit.level] > length:
                out[(unit.path, level)] = 0
        by_ancestor = defaultdict(list)
        for unit in units:
            if PATH_LENGTH[unit.level] <= length:
                by_ancestor[PATH_LENGTH[unit.level]].append(unit.path)
        for prefix_length, paths in by_ancestor.items():
            rows = (
                AdministrativeUnit.objects.filter(level=level)
                .existing_during(period.start_date, period.end_date)
                .annotate(ancestor=Substr("path", 1, prefix_length))
                .filter(ancestor__in=paths)
                .values("ancestor")
                .annotate(n=Count("id"))
                .order_by()
            )
            counts = {r["ancestor"]: r["n"] for r in rows}
            for path in paths:
                out[(path, level)] = counts.get(path, 0)
    return out


def evaluate(
    plan: Plan, period_code: str, units: list[AdministrativeUnit], indicators: list[Indicator] | None = None
) -> list[Evaluation]:
    """Evaluate each indicator of the plan for each unit in one period."""
    period = find_period(period_code)
    periods = list(contained_periods(period).order_by("-end_date", "start_date"))
    indicators = (
        indicators
        if indicators is not None
        else list(
            plan.indicators.filter(is_active=True).select_related("target").order_by("target__order", "order")
        )
    )
    parsed = {ind.pk: (parse(ind.numerator), parse(ind.denominator)) for ind in indicators}
    codes = {t.element for num, den in parsed.values() for t in num + den}
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes).prefetch_related("combos")}
    sums = _sums(units, list(elements.values()), periods)
    expected = _expected_units(units, period)
    results = []
    for unit in units:
        for ind in indicators:
            num_terms, den_terms = parsed[ind.pk]
            numerator, num_reported = _total(num_terms, unit, elements, sums, periods)
            denominator, den_reported = _total(den_terms, unit, elements, sums, periods)
            levels = {
                elements[t.element].collection_level for t in num_terms + den_terms if t.element in elements
            }
            expected_units = max((expected.get((unit.path, lv), 0) for lv in levels), default=0)
            if PATH_LENGTH[unit.level] >= max((PATH_LENGTH[lv] for lv in levels), default=0):
                expected_units = 1  # a unit at (or below) the collection level reports for itself
            reported = min(num_reported, den_reported)
            value = None
            if numerator is not None and denominator:
                value = numerator / denominator * ind.factor
            achieved = compare(value, ind.direction, ind.threshold) if value is not None else None
            if value is None:
                status = Status.NO_DATA
            elif reported < expected_units:
                status = Status.PARTIAL
            else:
                status = Status.ACHIEVED if achieved else Status.NOT_ACHIEVED
            results.append(
                Evaluation(
                    ind,
                    unit,
                    period.code,
                    numerator,
                    denominator,
                    value,
                    reported,
                    expected_units,
                    status,
                    achieved,
                )
            )
    return results


def _total(
    terms: list[Term],
    unit: AdministrativeUnit,
    elements: dict[str, DataElement],
    sums: _Sums,
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

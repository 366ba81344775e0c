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

import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from treem.plans.models import Indicator, Plan
from treem.units.models import AdministrativeUnit, UnitLevel

from .expressions import Term, parse
from .models import AggregationType, DataElement, DataValue, Period
from .numbers import round_half_up
from .periods import contained_periods, find_period

PATH_LENGTH = {
    UnitLevel.PROVINCE: 3,
    UnitLevel.DISTRICT: 7,
    UnitLevel.COMMUNE: 13,
}  # "46/", "46/474/", "46/474/19750/"
COMPARE = {"lt": operator.lt, "le": operator.le, "ge": operator.ge, "gt": operator.gt}


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


def _subtree_unit_ids(units: list[AdministrativeUnit]):
    """A subquery of the ids of every unit under the units asked for (by the indexed path prefix), or
    None when they are too many for the filter to help."""
    roots = [u for u in units if not any(u.path != o.path and u.path.startswith(o.path) for o in units)]
    if len(roots) > MAX_SUBTREE_FILTERS:
        return None
    under = Q()
    for root in roots:
        under |= Q(path__startswith=root.path)
    return AdministrativeUnit.objects.filter(under).values("id")


def _sums(units: list[AdministrativeUnit], element_ids: set[int], periods: list[Period]) -> _Sums:
    """Σvalue and the number of reporting units per (unit path, element, combo, period) for the units
    asked for. One GROUP BY at the deepest level asked for; coarser units add up their groups."""
    totals: dict = defaultdict(lambda: defaultdict(Decimal))
    reporters: dict = defaultdict(lambda: defaultdict(int))
    wanted = {u.path for u in units}
    lengths = sorted({PATH_LENGTH[u.level] for u in units})
    deepest = lengths[-1]
    values = DataValue.objects.filter(element_id__in=element_ids, period__in=periods).annotate(
        ancestor=Substr("unit__path", 1, deepest)
    )
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
    sums = _sums(units, {e.pk for e in elements.values()}, periods)
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


def _non_overlapping(periods: list[Period], by_period: dict) -> list[Period]:
    """The periods with data to add up, coarsest first and never two that overlap, so a year entered both
    as a whole and by halves is counted once (the whole year wins)."""
    chosen: list[Period] = []
    for period in sorted(
        (p for p in periods if p.pk in by_period), key=lambda p: (p.start_date - p.end_date, p.start_date)
    ):
        if all(period.end_date < c.start_date or period.start_date > c.end_date for c in chosen):
            chosen.append(period)
    return chosen


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
            if element.aggregation == AggregationType.LAST:
                latest = next(p for p in periods if p.pk in by_period)  # periods are newest first
                total += by_period[latest.pk]
                term_units = max(term_units, sums.reporters[key][latest.pk])
            else:
                chosen = _non_overlapping(periods, by_period)
                total += sum(by_period[p.pk] for p in chosen)
                term_units = max(term_units, max(sums.reporters[key][p.pk] for p in chosen))
            found = True
        reported = term_units if reported is None else min(reported, term_units)
    return (total if found else None), (reported or 0)

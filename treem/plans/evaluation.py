"""Evaluating a plan's indicators over the engine: value, status against the threshold, completeness.

A unit's value for an indicator and period is Σnumerator / Σdenominator × factor over every unit in its
subtree (never an average of rates), summed in SQL by `indicators.aggregation`.

Status compares the value rounded half-up to 2 decimals (what users see) with the threshold, in the
plan's direction exactly: equal to a `lt` threshold is not achieved, equal to a `le` one is.

A plan's targets are annual. For a period shorter than a year the comparison says whether the unit is on
track, not the year's verdict (`on_track` / `behind`), and an `annualized` indicator (a flow counted over
the period over a yearly stock) is first scaled to the year: × days in the year / days in the period.
An indicator restricted to one area (`disaggregation: {area: rural}`) does not apply to a unit of the
other area (units.areas), nor to a unit with no unit of its area below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from treem.core import comparisons
from treem.core.numbers import round_half_up
from treem.core.periods import PeriodType, period_days
from treem.indicators.aggregation import expected_units_by_type, subtree_sums, term_total
from treem.indicators.expressions import parse
from treem.indicators.models import DataElement, Period
from treem.indicators.periods import contained_periods, find_period
from treem.units import areas
from treem.units.geometry import LEVEL_RANK
from treem.units.models import AdministrativeUnit

from .models import Indicator, Plan


class Status:
    ACHIEVED = "achieved"  # the year's verdict
    NOT_ACHIEVED = "not_achieved"
    ON_TRACK = "on_track"  # a shorter period: progress toward the annual target
    BEHIND = "behind"
    PARTIAL = "partial"  # a value, but some units below have not reported
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"  # restricted to an area the unit is not in

    LABELS = {
        "achieved": _("Đạt"),
        "not_achieved": _("Không đạt"),
        "on_track": _("Đúng tiến độ"),
        "behind": _("Chậm tiến độ"),
        "partial": _("Thiếu số liệu"),
        "no_data": _("Chưa có số liệu"),
        "not_applicable": _("Không áp dụng"),
    }

    @classmethod
    def judged(cls, achieved: bool, progress: bool) -> str:
        if progress:
            return cls.ON_TRACK if achieved else cls.BEHIND
        return cls.ACHIEVED if achieved else cls.NOT_ACHIEVED

    @classmethod
    def summarised(cls, progress: bool) -> list[str]:
        """The statuses a page counts for a period: the year's verdicts or progress, never both."""
        judged = [cls.ON_TRACK, cls.BEHIND] if progress else [cls.ACHIEVED, cls.NOT_ACHIEVED]
        return [*judged, cls.PARTIAL, cls.NO_DATA, cls.NOT_APPLICABLE]


def is_progress(period: Period) -> bool:
    """Whether a period is shorter than the year an annual target is set for."""
    return period.period_type != PeriodType.YEARLY


def annualize(value: Decimal, period: Period) -> Decimal:
    """A rate over a period shorter than a year, scaled to the year (DHIS2's annualized indicators)."""
    days, year_days = period_days(period.code)
    return value * year_days / days


def indicator_area(indicator: Indicator) -> str | None:
    """The area an indicator is restricted to (`disaggregation: {area: …}`), or None."""
    area = (indicator.disaggregation or {}).get(areas.CATEGORY)
    return area if isinstance(area, str) else None


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
    progress: bool = False  # a period shorter than the year: on_track / behind, not the year's verdict
    annualized: bool = False  # the value was scaled to the year

    def as_dict(self) -> dict[str, Any]:
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
            "progress": self.progress,
            "annualized": self.annualized,
            "reported_units": self.reported_units,
            "expected_units": self.expected_units,
        }


def _plain(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def compare(value: Decimal, direction: str, threshold: Decimal) -> bool:
    return comparisons.compare(round_half_up(value), direction, threshold)


def _expected(
    expected: dict[tuple[str, str], dict[str, int]], path: str, level: str, area: str | None
) -> int:
    """Units of a collection level under a unit that an indicator restricted to `area` expects."""
    by_type = expected.get((path, level), {})
    return sum(n for unit_type, n in by_type.items() if areas.applies_to_type(area, unit_type))


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
    sums = subtree_sums(units, list(elements.values()), periods)
    expected = expected_units_by_type(units, period)
    progress = is_progress(period)
    results = []
    for unit in units:
        for ind in indicators:
            num_terms, den_terms = parsed[ind.pk]
            area = indicator_area(ind)
            levels = {
                elements[t.element].collection_level for t in num_terms + den_terms if t.element in elements
            }
            expected_count = max((_expected(expected, unit.path, lv, area) for lv in levels), default=0)
            reports_itself = LEVEL_RANK[unit.level] >= max((LEVEL_RANK[lv] for lv in levels), default=0)
            if not areas.applies(area, unit) or (area and not reports_itself and not expected_count):
                results.append(
                    Evaluation(
                        ind, unit, period.code, None, None, None, 0, 0, Status.NOT_APPLICABLE, None, progress
                    )
                )
                continue
            if reports_itself:
                expected_count = 1  # a unit at (or below) the collection level reports for itself
            numerator, num_reported = term_total(num_terms, unit, elements, sums, periods)
            denominator, den_reported = term_total(den_terms, unit, elements, sums, periods)
            reported = min(num_reported, den_reported)
            results.append(judged(ind, unit, period, numerator, denominator, reported, expected_count))
    return results


def judged(
    indicator: Indicator,
    unit: AdministrativeUnit,
    period: Period,
    numerator: Decimal | None,
    denominator: Decimal | None,
    reported: int,
    expected: int,
) -> Evaluation:
    """An indicator's value and status for a unit from the sums of its numerator and denominator and how many
    units reported of those expected: the one place the rules of judging live (evaluate() and the sums
    across the 2025 reform in plans.lineage both call it)."""
    progress = is_progress(period)
    value = None
    scaled = False
    if numerator is not None and denominator:
        value = numerator / denominator * indicator.factor
        if indicator.annualized and progress:
            value, scaled = annualize(value, period), True
    achieved = compare(value, indicator.direction, indicator.threshold) if value is not None else None
    if value is None:
        status = Status.NO_DATA
    elif reported < expected:
        status = Status.PARTIAL
    else:
        status = Status.judged(bool(achieved), progress)
    return Evaluation(
        indicator,
        unit,
        period.code,
        numerator,
        denominator,
        value,
        reported,
        expected,
        status,
        achieved,
        progress,
        scaled,
    )

"""Evaluating a plan's indicators over the engine: value, status against the threshold, completeness.

A unit's value for an indicator and period is Σnumerator / Σdenominator × factor over every unit in its
subtree (never an average of rates), summed in SQL by `indicators.aggregation`.

Status compares the value rounded half-up to 2 decimals (what users see) with the threshold, in the
plan's direction exactly: equal to a `lt` threshold is not achieved, equal to a `le` one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from treem.core import comparisons
from treem.core.numbers import round_half_up
from treem.indicators.aggregation import expected_units, subtree_sums, term_total
from treem.indicators.expressions import parse
from treem.indicators.models import DataElement
from treem.indicators.periods import contained_periods, find_period
from treem.units.geometry import PATH_LENGTH
from treem.units.models import AdministrativeUnit

from .models import Indicator, Plan


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
    expected = expected_units(units, period)
    results = []
    for unit in units:
        for ind in indicators:
            num_terms, den_terms = parsed[ind.pk]
            numerator, num_reported = term_total(num_terms, unit, elements, sums, periods)
            denominator, den_reported = term_total(den_terms, unit, elements, sums, periods)
            levels = {
                elements[t.element].collection_level for t in num_terms + den_terms if t.element in elements
            }
            expected_count = max((expected.get((unit.path, lv), 0) for lv in levels), default=0)
            if PATH_LENGTH[unit.level] >= max((PATH_LENGTH[lv] for lv in levels), default=0):
                expected_count = 1  # a unit at (or below) the collection level reports for itself
            reported = min(num_reported, den_reported)
            value = None
            if numerator is not None and denominator:
                value = numerator / denominator * ind.factor
            achieved = compare(value, ind.direction, ind.threshold) if value is not None else None
            if value is None:
                status = Status.NO_DATA
            elif reported < expected_count:
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
                    expected_count,
                    status,
                    achieved,
                )
            )
    return results

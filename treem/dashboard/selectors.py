"""Reads for the scorecard, drill-down and charts (the completeness matrix: completeness.py).

The dashboard has no rules of its own: values and statuses come from `indicators.evaluation.evaluate`,
which aggregates in SQL; here we only choose what to ask for (plan, period, unit, children) and shape the
answers for pages. Every unit asked for is first checked against the user's scope (`accounts.policy`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.numbers import round_half_up
from treem.core.periods import offered_periods as offered_period_codes
from treem.core.periods import parse_period, period_label
from treem.indicators.models import DataValue, Period
from treem.indicators.periods import previous_period
from treem.plans.evaluation import Evaluation, Status, evaluate
from treem.plans.models import Indicator, Plan, Target
from treem.plans.selectors import active_plans
from treem.units import geometry
from treem.units.models import AdministrativeUnit, UnitLevel
from treem.units.scope import Scope, unit_in_scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# --- plan, period, unit ----------------------------------------------------------------------------


def plans(scope: Scope) -> QuerySet[Plan]:
    return active_plans(scope)


def periods_with_values(plan: Plan) -> list[Period]:
    """Stored periods that hold at least one value, up to the plan's year (newest first)."""
    has_values = Exists(DataValue.objects.filter(period=OuterRef("pk")))
    return list(
        Period.objects.filter(has_values, start_date__year__lte=plan.year).order_by("-end_date", "start_date")
    )


def default_period(plan: Plan, with_values: list[Period]) -> str:
    """The latest period with data; the plan's year when nothing has been entered yet."""
    return with_values[0].code if with_values else str(plan.year)


def offered_periods(plan: Plan, with_values: list[Period], current: str | None = None) -> list[str]:
    """Both halves and the whole of every year that has data, and of the plan's year, in time order
    (2022S1, 2022S2, 2022, 2023S1…); plus the period being shown, if it is of another kind."""
    years = {p.start_date.year for p in with_values} | {plan.year}
    return offered_period_codes(years, [current] if current else [])


def period_options(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, period_label(code)) for code in codes]


def scope_root(scope: Scope, plan: Plan) -> AdministrativeUnit | None:
    """The highest unit of the plan's province the scope sees: the province for province-wide roles,
    the district or commune of a scoped officer."""
    return scope.units().filter(path__startswith=plan.province.path).order_by("path").first()


def visible_unit(scope: Scope, plan: Plan, code: str) -> AdministrativeUnit | None:
    """A unit of the plan's province inside the scope (None: unknown or outside the scope alike)."""
    unit = unit_in_scope(scope, code)
    return unit if unit is not None and geometry.is_within(unit.path, plan.province.path) else None


def breadcrumbs(unit: AdministrativeUnit, choices: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """The unit's ancestors among the units offered (so only those the user may see), the unit last."""
    return [u for u in choices if unit.path.startswith(u.path)]


def unit_choices(scope: Scope, plan: Plan, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Units offered in the unit picker: the province and districts in scope, the unit shown and its
    children (communes are reached from their district, 141 options would be too many). Every
    visible ancestor of the unit is among them."""
    return list(
        scope.units()
        .filter(path__startswith=plan.province.path)
        .filter(Q(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT]) | Q(parent=unit) | Q(pk=unit.pk))
        .order_by("path")
    )


def child_units(unit: AdministrativeUnit, period: Period) -> list[AdministrativeUnit]:
    """The unit's children that existed at some time in the period."""
    return list(unit.children.existing_during(period.start_date, period.end_date).order_by("path"))


# --- scorecard ------------------------------------------------------------------------------------


def active_indicators(plan: Plan) -> list[Indicator]:
    return list(
        plan.indicators.filter(is_active=True)
        .select_related("target", "supplier")
        .order_by("target__order", "order")
    )


def indicator_by_code(plan: Plan, code: str) -> Indicator | None:
    return plan.indicators.filter(is_active=True, code=code).select_related("target", "supplier").first()


@dataclass
class Trend:
    arrow: str  # ↑ ↓ →
    css: str  # trend-better | trend-worse | trend-same
    label: str


def trend(current: Evaluation, previous: Evaluation | None) -> Trend | None:
    """How the value moved since the previous period, judged by the direction of the threshold."""
    if previous is None or current.value is None or previous.value is None:
        return None
    now, before = round_half_up(current.value), round_half_up(previous.value)
    if now == before:
        return Trend("→", "trend-same", _("không đổi so với kỳ trước"))
    went_down = now < before
    better = went_down == comparisons.lower_is_better(current.indicator.direction)
    return Trend(
        "↓" if went_down else "↑",
        "trend-better" if better else "trend-worse",
        _("chuyển biến tốt (về phía ngưỡng)") if better else _("chuyển biến xấu (xa ngưỡng hơn)"),
    )


@dataclass
class ScorecardRow:
    evaluation: Evaluation
    previous: Evaluation | None
    trend: Trend | None

    @property
    def indicator(self) -> Indicator:
        return self.evaluation.indicator


@dataclass
class TargetGroup:
    target: Target
    rows: list[ScorecardRow] = field(default_factory=list)


def scorecard(
    plan: Plan, period: Period, unit: AdministrativeUnit, indicators: list[Indicator]
) -> tuple[list[TargetGroup], Period]:
    """Every active indicator for the unit in the period and the period before, grouped by target:
    two evaluate() calls in all."""
    before = previous_period(period)
    current = evaluate(plan, period.code, [unit], indicators)
    previous = {e.indicator.pk: e for e in evaluate(plan, before.code, [unit], indicators)}
    groups: dict[int, TargetGroup] = {}
    for ev in current:
        prev = previous.get(ev.indicator.pk)
        group = groups.setdefault(ev.indicator.target_id, TargetGroup(ev.indicator.target))
        group.rows.append(ScorecardRow(ev, prev, trend(ev, prev)))
    return list(groups.values()), before


def status_counts(groups: list[TargetGroup]) -> list[tuple[str, StrOrPromise, int]]:
    """(status, Vietnamese label, number of indicators) for the statuses of the period's kind (the year's
    verdicts, or progress for a shorter period), in the labels' order; "not applicable" only when some are."""
    counts: dict[str, int] = defaultdict(int)
    progress = False
    for group in groups:
        for row in group.rows:
            counts[row.evaluation.status] += 1
            progress = row.evaluation.progress
    return [
        (status, Status.LABELS[status], counts[status])
        for status in Status.summarised(progress)
        if counts[status] or status != Status.NOT_APPLICABLE
    ]


def scorecard_flags(groups: list[TargetGroup]) -> dict[str, bool]:
    """What the page explains: `progress` (a period shorter than the year) and `any_annualized`."""
    evaluations = [row.evaluation for group in groups for row in group.rows]
    return {
        "progress": any(ev.progress for ev in evaluations),
        "any_annualized": any(ev.annualized for ev in evaluations),
    }


# --- drill-down -----------------------------------------------------------------------------------


@dataclass
class DrillDown:
    total: Evaluation  # the unit itself
    children: list[Evaluation]


def drilldown(plan: Plan, indicator: Indicator, period: Period, unit: AdministrativeUnit) -> DrillDown:
    """The indicator for the unit and each of its children, in one evaluate() call."""
    children = child_units(unit, period)
    results = evaluate(plan, period.code, [unit, *children], [indicator])
    return DrillDown(results[0], results[1:])


def time_series(
    plan: Plan, indicator: Indicator, unit: AdministrativeUnit, period_codes: list[str]
) -> list[Evaluation]:
    """The indicator for the unit in each period (one evaluate() per period: each has its own sums)."""
    return [evaluate(plan, code, [unit], [indicator])[0] for code in period_codes]


def sixmonthly_periods(codes: list[str]) -> list[str]:
    """The six-monthly periods of the years among `codes`, in order (2022S1, 2022S2, 2023S1…)."""
    years = sorted({parse_period(code)[1].year for code in codes})
    return [f"{year}S{half}" for year in years for half in (1, 2)]

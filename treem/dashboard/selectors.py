"""Reads for the scorecard, drill-down, completeness matrix and charts.

The dashboard has no rules of its own: values and statuses come from `indicators.evaluation.evaluate`,
which aggregates in SQL; here we only choose what to ask for (plan, period, unit, children) and shape the
answers for pages. Every unit asked for is first checked against the user's scope (`accounts.policy`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.numbers import round_half_up
from treem.core.periods import offered_periods as offered_period_codes
from treem.core.periods import parse_period, period_label
from treem.indicators.models import Completion, DataElement, DataValue, Period
from treem.indicators.periods import previous_period
from treem.plans.evaluation import Evaluation, Status, evaluate
from treem.plans.metadata import element_codes
from treem.plans.models import Indicator, Plan, Target
from treem.plans.selectors import active_plans
from treem.units import geometry
from treem.units.geometry import PATH_LENGTH
from treem.units.models import AdministrativeUnit, Agency, UnitLevel
from treem.units.scope import Scope, unit_in_scope

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


def status_counts(groups: list[TargetGroup]) -> list[tuple[str, str, int]]:
    """(status, Vietnamese label, number of indicators) for every status, in the labels' order."""
    counts: dict[str, int] = defaultdict(int)
    for group in groups:
        for row in group.rows:
            counts[row.evaluation.status] += 1
    return [(status, label, counts[status]) for status, label in Status.LABELS.items()]


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


# --- reporting completeness -----------------------------------------------------------------------


@dataclass
class CompletenessCell:
    agency: Agency
    entered: int = 0
    expected: int = 0
    marked: bool = False  # the agency marked this unit (or one above it) complete for the period
    marked_below: int = 0  # units below this one the agency marked complete

    @property
    def css(self) -> str:
        if self.expected and self.entered >= self.expected:
            return "complete-full"
        return "complete-some" if self.entered else "complete-none"


@dataclass
class CompletenessRow:
    unit: AdministrativeUnit
    cells: list[CompletenessCell]  # one per agency, in Completeness.agencies order


@dataclass
class Completeness:
    agencies: list[Agency]
    rows: list[CompletenessRow]

    def totals(self) -> list[CompletenessCell]:
        """One cell per agency summing its column."""
        out = [CompletenessCell(a) for a in self.agencies]
        for row in self.rows:
            for total, cell in zip(out, row.cells, strict=True):
                total.entered += cell.entered
                total.expected += cell.expected
        return out


def plan_elements(indicators: list[Indicator]) -> list[DataElement]:
    """The data elements behind the indicators, each with its number of combos (`n_combos`)."""
    return list(
        DataElement.objects.filter(code__in=element_codes(indicators))
        .select_related("supplier")
        .annotate(n_combos=Count("combos"))
        .order_by("supplier__code", "code")
    )


def completeness(
    plan: Plan,
    period: Period,
    unit: AdministrativeUnit,
    children: list[AdministrativeUnit],
    indicators: list[Indicator],
) -> Completeness:
    """For each agency supplying the plan's figures and each child unit (the unit itself when it has
    none): values entered for exactly this period / values expected (elements × combos × units at the
    element's collection level), and the agency's completion marks.

    Four queries whatever the number of cells: elements, then one GROUP BY each for values, units and
    completion marks, all grouped by the column's path prefix."""
    columns = children or [unit]
    length = PATH_LENGTH[columns[0].level]
    column_paths = {c.path for c in columns}
    elements = plan_elements(indicators)
    element_ids = [e.pk for e in elements]

    entered = {
        (r["column"], r["element__supplier_id"]): r["n"]
        for r in DataValue.objects.filter(
            period__code=period.code,
            element_id__in=element_ids,
            unit__path__startswith=unit.path,
            unit__level=F("element__collection_level"),  # a value counts where it is collected
        )
        .annotate(column=Substr("unit__path", 1, length))
        .values("column", "element__supplier_id")
        .annotate(n=Count("id"))
        .order_by()
    }

    levels = {e.collection_level for e in elements}
    units_below = {
        (r["column"], r["level"]): r["n"]
        for r in AdministrativeUnit.objects.filter(path__startswith=unit.path, level__in=levels)
        .existing_during(period.start_date, period.end_date)
        .annotate(column=Substr("path", 1, length))
        .values("column", "level")
        .annotate(n=Count("id"))
        .order_by()
    }

    suppliers: dict[int, Agency] = {}
    for element in elements:
        suppliers.setdefault(element.supplier_id, element.supplier)
    ancestors = geometry.ancestor_paths(unit.path)
    marks = (
        Completion.objects.filter(period__code=period.code, agency_id__in=list(suppliers))
        .filter(Q(unit__path__startswith=unit.path) | Q(unit__path__in=ancestors))
        .annotate(column=Substr("unit__path", 1, length))
        .values("column", "agency_id", "unit__level")
        .annotate(n=Count("id"))
        .order_by()
    )
    marked_all: set[int] = set()  # agencies that marked the unit shown, or a unit above it
    marked: set[tuple[str, int]] = set()
    marked_below: dict[tuple[str, int], int] = defaultdict(int)
    column_level = columns[0].level
    for r in marks:
        if r["column"] not in column_paths:
            marked_all.add(r["agency_id"])  # a path shorter than a column's: the unit or an ancestor
        elif r["unit__level"] == column_level:
            marked.add((r["column"], r["agency_id"]))
        else:
            marked_below[(r["column"], r["agency_id"])] += r["n"]

    agencies = sorted(suppliers.values(), key=lambda a: a.code)
    own = {a.pk: [e for e in elements if e.supplier_id == a.pk] for a in agencies}
    rows = []
    for column in columns:
        cells = []
        for agency in agencies:
            key = (column.path, agency.pk)
            cells.append(
                CompletenessCell(
                    agency,
                    entered=entered.get(key, 0),
                    expected=sum(
                        e.n_combos * units_below.get((column.path, e.collection_level), 0)
                        for e in own[agency.pk]
                    ),
                    marked=agency.pk in marked_all or key in marked,
                    marked_below=marked_below.get(key, 0),
                )
            )
        rows.append(CompletenessRow(column, cells))
    return Completeness(agencies, rows)

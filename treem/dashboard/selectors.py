"""Reads for the scorecard, drill-down and charts (the completeness matrix: completeness.py). No rules of
its own: values and statuses come from `plans.evaluation.evaluate`, which aggregates in SQL; here we only
choose what to ask for (plan, period, unit, children) and shape the answers for pages. Every unit asked
for is first checked against the user's scope (`accounts.policy`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.numbers import round_half_up
from treem.core.periods import offered_periods as offered_period_codes
from treem.core.periods import parse_period, period_dates, period_label
from treem.indicators.models import DataValue, Period
from treem.indicators.periods import previous_period
from treem.plans.evaluation import Evaluation, Status, evaluate
from treem.plans.models import Indicator, Plan, Target
from treem.plans.selectors import active_plans
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .disclosure import Derivations, DerivedMark, Shown, shown, shown_among, shown_rows

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# --- plan, period, unit ----------------------------------------------------------------------------


def plans(scope: Scope) -> QuerySet[Plan]:
    return active_plans(scope)


def default_plan(plans_seen: list[Plan]) -> Plan | None:
    """The newest issued of `plans_seen` (plan_choice), else the newest: a later draft is not opened first."""
    issued = [p for p in plans_seen if not p.is_draft]
    return next(iter(issued or plans_seen), None)


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


def plan_province(plan: Plan) -> AdministrativeUnit:
    """The plan's province as it was in the plan's year (its version, under its name of that year)."""
    year = (datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31))
    if plan.province.exists_during(*year):
        province = plan.province  # the loaders point a plan at its year's version: no query on every page
    else:
        province = AdministrativeUnit.objects.version_of(plan.province.code, during=year) or plan.province
    return province.as_named_on(year[0])


def _during(period: Period) -> tuple[datetime.date, datetime.date]:
    return period.start_date, period.end_date


def scope_root(scope: Scope, plan: Plan, period: Period) -> AdministrativeUnit | None:
    """The highest unit of the plan's province the scope sees that existed in the period: the province
    for province-wide roles, the district or commune of a scoped officer (None for a 2023 district
    officer on a period after the districts were abolished)."""
    root = (
        scope.units()
        .filter(path__startswith=plan_province(plan).path)
        .existing_during(*_during(period))
        .order_by("path")
        .first()
    )
    return root.as_named_on(period.start_date) if root is not None else None


def visible_unit(scope: Scope, plan: Plan, code: str, period: Period) -> AdministrativeUnit | None:
    """The version of the unit with this code that existed in the period, if it lies in the plan's
    province and in the scope (None: unknown, of another time, or outside the scope alike). A 2023 code
    on a 2026 page names the 2025 unit that carries it, or nothing."""
    if "\x00" in code:  # PostgreSQL cannot compare text holding NUL: no unit has such a code
        return None
    unit = scope.units().version_of(code, during=_during(period))
    if unit is None or not geometry.is_within(unit.path, plan_province(plan).path):
        return None
    return unit.as_named_on(period.start_date)


def breadcrumbs(unit: AdministrativeUnit, choices: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """The unit's ancestors among the units offered (so only those the user may see), the unit last."""
    return [u for u in choices if geometry.is_within(unit.path, u.path)]


def unit_choices(
    scope: Scope, plan: Plan, unit: AdministrativeUnit, period: Period
) -> list[AdministrativeUnit]:
    """Units offered in the unit picker, all existing in the period: the unit shown, its ancestors and
    its children, and the units right below the province (the districts in 2023, the communes from
    07/2025: 141 communes of 2023 would be too many, they are reached from their district). Every
    visible ancestor of the unit is among them."""
    province = plan_province(plan)
    ancestors = geometry.ancestor_paths(unit.path)
    choices = list(
        scope.units()
        .filter(path__startswith=province.path)
        .existing_during(*_during(period))
        .filter(
            Q(pk=province.pk)
            | geometry.children_q(province.path)
            | Q(path__in=ancestors)
            | Q(parent=unit)
            | Q(pk=unit.pk)
        )
        .order_by("path")
    )
    return [u.as_named_on(period.start_date) for u in choices]


def child_units(unit: AdministrativeUnit, period: Period) -> list[AdministrativeUnit]:
    """The unit's children that existed at some time in the period (a 2026 city: its communes; in 2023:
    its districts; in 2025, a year that spans the reform, both)."""
    return list(unit.children.existing_during(*_during(period)).order_by("path"))


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
    mark: DerivedMark | None = None  # counted from records in the period shown
    shown: Shown | None = None  # the numbers the page shows (small derived counts hidden)
    previous_shown: Shown | None = None

    @property
    def indicator(self) -> Indicator:
        return self.evaluation.indicator


@dataclass
class TargetGroup:
    target: Target
    rows: list[ScorecardRow] = field(default_factory=list)


def scorecard(
    plan: Plan,
    period: Period,
    unit: AdministrativeUnit,
    indicators: list[Indicator],
    *,
    exact: bool = False,
) -> tuple[list[TargetGroup], Period]:
    """Every active indicator for the unit in the period and the period before, grouped by target:
    two evaluate() calls in all, and read outside case management two more (its siblings, in the periods
    that have derived figures), or seven for each period whose derived counts add up over the year
    (`among_siblings`). Indicators counted from records are marked,
    and their small counts hidden unless `exact` (disclosure.exact_counts), with the hiding the drill-down
    of the parent gives them (`among_siblings`)."""
    before = previous_period(period)
    current = evaluate(plan, period.code, [unit], indicators)
    previous = {e.indicator.pk: e for e in evaluate(plan, before.code, [unit], indicators)}
    derivations = Derivations(indicators)
    marks, previous_marks = derivations.marks(period.code), derivations.marks(before.code)
    siblings = among_siblings(plan, period.code, unit, indicators, derivations, exact=exact)
    previous_siblings = among_siblings(plan, before.code, unit, indicators, derivations, exact=exact)
    groups: dict[int, TargetGroup] = {}
    for ev in current:
        prev = previous.get(ev.indicator.pk)
        mark = marks.get(ev.indicator.pk)
        figures = with_siblings(shown(ev, mark, exact), siblings.get(ev.indicator.pk))
        prev_figures = (
            with_siblings(
                shown(prev, previous_marks.get(ev.indicator.pk), exact),
                previous_siblings.get(ev.indicator.pk),
            )
            if prev
            else None
        )
        # an arrow (or "unchanged") beside a hidden value would tell where it lies
        hidden = figures.value_hidden or (prev_figures is not None and prev_figures.value_hidden)
        group = groups.setdefault(ev.indicator.target_id, TargetGroup(ev.indicator.target))
        group.rows.append(
            ScorecardRow(ev, prev, None if hidden else trend(ev, prev), mark, figures, prev_figures)
        )
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
    """What the page explains: `progress` (a period shorter than the year), `any_annualized`,
    `any_derived` (counted from records) and `any_hidden` (small counts hidden)."""
    rows = [row for group in groups for row in group.rows]
    return {
        "progress": any(row.evaluation.progress for row in rows),
        "any_annualized": any(row.evaluation.annualized for row in rows),
        "any_derived": any(row.mark for row in rows),
        "any_hidden": any(
            figures is not None and figures.value_hidden
            for row in rows
            for figures in (row.shown, row.previous_shown)
        ),
    }


# --- drill-down -----------------------------------------------------------------------------------


@dataclass
class Line:
    """An evaluation, the numbers of it a page shows and the mark of its period."""

    evaluation: Evaluation
    shown: Shown
    mark: DerivedMark | None = None


@dataclass
class DrillDown:
    total: Evaluation  # the unit itself
    children: list[Evaluation]
    mark: DerivedMark | None = None
    total_shown: Shown | None = None
    lines: list[Line] = field(default_factory=list)  # the children, with their shown numbers

    @property
    def any_hidden(self) -> bool:
        shown_numbers = [self.total_shown, *(line.shown for line in self.lines)]
        return any(figures.value_hidden for figures in shown_numbers if figures is not None)


def drilldown(
    plan: Plan, indicator: Indicator, period: Period, unit: AdministrativeUnit, *, exact: bool = False
) -> DrillDown:
    """The indicator for the unit and each of its children, in one evaluate() call (and one for the unit's
    siblings, see `among_siblings`); small derived counts hidden unless `exact`, with complementary hiding
    among the children (their total is shown) and for the unit itself among its siblings."""
    children = child_units(unit, period)
    results = evaluate(plan, period.code, [unit, *children], [indicator])
    derivations = Derivations([indicator])
    mark = derivations.marks(period.code).get(indicator.pk)
    rows = shown_rows(results[1:], mark, exact)
    if not exact and mark is not None and children and any(derivations.sums(indicator.pk)):
        # the children's counts over the periods of the year (seven evaluate() calls more)
        over_year = shown_among(
            period.code, [indicator], derivations, lambda code: evaluate(plan, code, children, [indicator])
        )[indicator.pk]
        rows = [over_year.get(ev.unit.path, figures) for ev, figures in zip(results[1:], rows, strict=True)]
    lines = [Line(ev, figures, mark) for ev, figures in zip(results[1:], rows, strict=True)]
    sibling = among_siblings(plan, period.code, unit, [indicator], derivations, exact=exact).get(indicator.pk)
    total = with_siblings(shown(results[0], mark, exact), sibling)
    return DrillDown(results[0], results[1:], mark, total, lines)


def time_series(
    plan: Plan,
    indicator: Indicator,
    unit: AdministrativeUnit,
    period_codes: list[str],
    *,
    exact: bool = False,
) -> list[Line]:
    """The indicator for the unit in each period (one evaluate() per period: each has its own sums, and
    one more for the unit's siblings in a derived period), with the period's mark; small derived counts
    hidden unless `exact`, as the drill-down of the unit's parent hides them."""
    series = []
    derivations = Derivations([indicator])
    for code in period_codes:
        ev = evaluate(plan, code, [unit], [indicator])[0]
        mark = derivations.marks(code).get(indicator.pk)
        sibling = among_siblings(plan, code, unit, [indicator], derivations, exact=exact).get(indicator.pk)
        series.append(Line(ev, with_siblings(shown(ev, mark, exact), sibling), mark))
    return series


def among_siblings(
    plan: Plan,
    period_code: str,
    unit: AdministrativeUnit,
    indicators: list[Indicator],
    derivations: Derivations,
    *,
    exact: bool,
) -> dict[int, Shown]:
    """The numbers of `unit` for each indicator marked in the period (by indicator pk) as the drill-down
    of its parent shows them, complementary hiding among its siblings included: otherwise the parent's
    total less the siblings it shows would give back a count hidden there but shown on the unit's own
    page. For a count that adds up over time, also what the other periods of the year would give back
    (year = S1 + S2 = Q1 + … + Q4), for a unit without a parent too (indicators.disclosure.shown_among).
    One evaluate() over the siblings, or one per period of the year (seven); nothing for an exact reader
    or a period without derived figures. The same rule as the evaluations API (plans.api._among_siblings)."""
    marks = derivations.marks(period_code)
    marked = [ind for ind in indicators if ind.pk in marks]
    if exact or not marked:
        return {}
    if unit.parent_id is None:
        if not any(any(derivations.sums(ind.pk)) for ind in marked):
            return {}
        siblings = [unit]
    else:
        _kind, start, end = period_dates(period_code)
        siblings = list(
            AdministrativeUnit.objects.filter(parent_id=unit.parent_id)
            .existing_during(start, end)
            .order_by("path")
        )
    if not any(sibling.pk == unit.pk for sibling in siblings):
        return {}
    figures = shown_among(
        period_code, marked, derivations, lambda code: evaluate(plan, code, siblings, marked)
    )
    return {pk: by_path[unit.path] for pk, by_path in figures.items() if unit.path in by_path}


def with_siblings(figures: Shown, sibling: Shown | None) -> Shown:
    """The unit's own numbers, also hiding what the drill-down of its parent hides (`among_siblings`)."""
    if sibling is None:
        return figures
    return figures.hiding(numerator=sibling.numerator_hidden, denominator=sibling.denominator_hidden)


def sixmonthly_periods(codes: list[str]) -> list[str]:
    """The six-monthly periods of the years among `codes`, in order (2022S1, 2022S2, 2023S1…)."""
    years = sorted({parse_period(code)[1].year for code in codes})
    return [f"{year}S{half}" for year in years for half in (1, 2)]

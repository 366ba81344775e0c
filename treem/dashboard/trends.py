"""An indicator over time for a unit, across the 2025 reform (the chart's series).

Which units each period is evaluated on is the plans' rule (`plans.lineage`): a 2025 commune's periods
before it existed add up its predecessors' figures when none of them was split, and say so; a split
predecessor gives no figure, with a note; a 2023 commune shows nothing after it ended; the province, which
continues through the reform, is evaluated as before. Here we only shape the lines and hide small counts.

Small counts (dashboard.disclosure): a period evaluated on the unit itself is hidden as `time_series`
hides it (the drill-down of its parent, siblings and periods of the year included). A sum over predecessors
is hidden where it is small, and also wherever one of its predecessors is hidden in the drill-down of its
own (2023) parent: the sum less the predecessors shown there would give that count back. A sum is shown
only when each of its parts would be. `exact` is the reader's right for the unit shown; the children
counted in its predecessors are the unit's children now, so it holds for them too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from treem.core.periods import period_dates
from treem.indicators.models import Period
from treem.plans.evaluation import Evaluation, Status, evaluate, is_progress
from treem.plans.lineage import Basis, Carried, lineage_of, through_reform
from treem.plans.models import Indicator, Plan
from treem.units.models import AdministrativeUnit

from .disclosure import Derivations, DerivedMark, Shown, shown, shown_among
from .selectors import Line, among_siblings, with_siblings


@dataclass
class TrendLine(Line):
    """A period of the series: the figure (a gap when there is none), and the note the page shows
    beside it (which predecessors were added, or why there is no figure)."""

    note: str = ""
    basis: str = Basis.OWN


def time_series(
    plan: Plan,
    indicator: Indicator,
    unit: AdministrativeUnit,
    period_codes: list[str],
    *,
    exact: bool = False,
) -> list[TrendLine]:
    """The indicator for the unit in each period, across the reform. Queries: two for the mapping, then
    one evaluate() a period (on the unit, or on all its predecessors at once), plus, outside case work in a
    period with derived figures, the sibling evaluations `time_series` makes (for a sum: one per 2023
    parent of the predecessors, not one per predecessor)."""
    lineage = lineage_of(unit)
    derivations = Derivations([indicator])
    series = []
    for code in period_codes:
        carried = through_reform(plan, code, lineage, [indicator])[0]
        mark = derivations.marks(code).get(indicator.pk)
        ev = carried.evaluation
        if ev is None:
            series.append(
                TrendLine(
                    gap(indicator, unit, code), Shown(None, None, None), mark, carried.note, carried.basis
                )
            )
        elif carried.basis == Basis.OWN:
            sibling = among_siblings(plan, code, unit, [indicator], derivations, exact=exact).get(
                indicator.pk
            )
            figures = with_siblings(shown(ev, mark, exact), sibling)
            series.append(TrendLine(ev, figures, mark, carried.note, carried.basis))
        else:
            figures = summed_shown(plan, carried, ev, derivations, mark, exact)
            series.append(TrendLine(ev, figures, mark, carried.note, carried.basis))
    return series


def gap(indicator: Indicator, unit: AdministrativeUnit, period_code: str) -> Evaluation:
    """No figure for the unit in the period: a gap in the line, "no data" in the table."""
    kind, start, end = period_dates(period_code)
    progress = is_progress(Period(code=period_code, period_type=kind, start_date=start, end_date=end))
    return Evaluation(indicator, unit, period_code, None, None, None, 0, 0, Status.NO_DATA, None, progress)


def summed_shown(
    plan: Plan,
    carried: Carried,
    total: Evaluation,
    derivations: Derivations,
    mark: DerivedMark | None,
    exact: bool,
) -> Shown:
    """The numbers of a sum over predecessors (`total`, the evaluation `carried` holds) as the page may
    show them: the module's rule."""
    figures = shown(total, mark, exact)
    if exact or mark is None:
        return figures
    parts = predecessors_shown(plan, carried, derivations)
    return figures.hiding(
        numerator=any(part.numerator_hidden for part in parts),
        denominator=any(part.denominator_hidden for part in parts),
    )


def predecessors_shown(plan: Plan, carried: Carried, derivations: Derivations) -> list[Shown]:
    """Each predecessor's numbers as the drill-down of its own parent shows them outside case work: one
    `shown_among` per parent (one evaluate() over its children, or seven when counts add up over the year)."""
    indicator, code = carried.indicator, carried.period
    predecessors = [part.unit for part in carried.parts]
    by_parent: dict[int | None, list[AdministrativeUnit]] = defaultdict(list)
    for unit in predecessors:
        by_parent[unit.parent_id].append(unit)
    _kind, start, end = period_dates(code)
    result = []
    for parent_id, units in by_parent.items():
        if parent_id is None:
            # a unit without a parent is hidden only against the other periods of its year
            for unit in units:
                result.append(_own_siblings(plan, code, unit, indicator, derivations))
            continue
        siblings = list(
            AdministrativeUnit.objects.filter(parent_id=parent_id)
            .existing_during(start, end)
            .order_by("path")
        )
        figures = shown_among(code, [indicator], derivations, _evaluator(plan, siblings, indicator))[
            indicator.pk
        ]
        result += [figures[unit.path] for unit in units if unit.path in figures]
    return result


def _evaluator(
    plan: Plan, units: list[AdministrativeUnit], indicator: Indicator
) -> Callable[[str], list[Evaluation]]:
    def evaluate_in(code: str) -> list[Evaluation]:
        return evaluate(plan, code, units, [indicator])

    return evaluate_in


def _own_siblings(
    plan: Plan, code: str, unit: AdministrativeUnit, indicator: Indicator, derivations: Derivations
) -> Shown:
    sibling = among_siblings(plan, code, unit, [indicator], derivations, exact=False).get(indicator.pk)
    return sibling if sibling is not None else Shown(None, None, None)

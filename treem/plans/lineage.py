"""Evaluating an indicator across the 2025 reform: a unit's figures for periods before it existed, added
up from the units it was made of (`UnitSuccession`, the mapping in data/units/).

Which units a period is evaluated on (unit U, valid from F to T; period P from S to E):

- P ends before F (E < F): the predecessors of U, when every one of them went wholly into U (each has
  one succession, to U, not `partial`). Their figures are one evaluate() over them all, numerators and
  denominators summed (Σnumerator / Σdenominator × factor, never an average of rates), then judged by
  the evaluation's own rules. A predecessor split between several new units (`partial`, or mapped to more
  than one) has no share that belongs to U: no figure, and a note saying which one was split.
- P starts on or after F: U itself (the engine's evaluation, unchanged).
- P straddles F (the year 2025, its second quarter never does): U's own figures if the engine holds any
  for U in P (a 2025 annual figure entered on the new commune); otherwise none. Adding the predecessors'
  half-year to U's half-year would mix two territories in one figure.
- P starts on or after T (a 2023 commune after the reform): nothing; its figures live on its successors.
- U with no predecessors (the province, which continues through the reform as the same row, or any
  unit outside the mapping): the engine's evaluation for every period, as before.

The mapping is read once per unit (`lineage_of`), and each period costs one evaluate() whatever the
number of predecessors.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from treem.core.formatting import format_date
from treem.core.periods import period_dates
from treem.indicators.models import Period
from treem.units.models import AdministrativeUnit, UnitSuccession

from .evaluation import Evaluation, Status, evaluate, is_progress, judged
from .models import Indicator, Plan


class Basis:
    """What a period's figure was evaluated on."""

    OWN = "own"  # the unit itself
    PREDECESSORS = "predecessors"  # the sum of the units it was made of
    NONE = "none"  # no figure: see the note


@dataclass(frozen=True)
class Lineage:
    """A unit and the units it was made of: `whole` went into it entirely, `split` only in part."""

    unit: AdministrativeUnit
    whole: tuple[AdministrativeUnit, ...] = ()
    split: tuple[AdministrativeUnit, ...] = ()
    since: datetime.date | None = None  # the day the mapping took effect

    @property
    def has_predecessors(self) -> bool:
        return bool(self.whole or self.split)

    @property
    def comparable(self) -> bool:
        """Whether the predecessors' figures add up to the unit's territory (none of them split)."""
        return bool(self.whole) and not self.split

    def summed_note(self) -> str:
        return _(
            "Cộng từ %(count)d xã/phường cũ: %(names)s (theo sắp xếp đơn vị hành chính từ %(since)s)"
        ) % {
            "count": len(self.whole),
            "names": ", ".join(unit.name for unit in self.whole),
            "since": format_date(self.since),
        }

    def split_note(self) -> str:
        return _("Không so sánh: xã cũ %(names)s bị chia tách") % {
            "names": ", ".join(unit.name for unit in self.split)
        }


def lineage_of(unit: AdministrativeUnit) -> Lineage:
    """The unit's predecessors, sorted by path, in two queries: the successions into the unit, and every
    succession out of those predecessors (a predecessor mapped wholly into the unit but also elsewhere is
    split all the same: the data would otherwise count it twice)."""
    into = list(
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor")
        .order_by("predecessor__path")
    )
    if not into:
        return Lineage(unit)
    out_count: dict[int, int] = {}
    for predecessor_id in UnitSuccession.objects.filter(
        predecessor_id__in=[s.predecessor_id for s in into]
    ).values_list("predecessor_id", flat=True):
        out_count[predecessor_id] = out_count.get(predecessor_id, 0) + 1
    whole = tuple(s.predecessor for s in into if not s.partial and out_count[s.predecessor_id] == 1)
    split = tuple(s.predecessor for s in into if s.partial or out_count[s.predecessor_id] > 1)
    return Lineage(unit, whole, split, min(s.since for s in into))


@dataclass
class Carried:
    """An indicator's figure for a unit in a period across the reform. `evaluation` is None when there is
    no figure to show; `note` says why, or, for a sum, which units it adds (for the page to show)."""

    indicator: Indicator
    period: str
    basis: str
    evaluation: Evaluation | None
    note: str = ""
    parts: list[Evaluation] = field(default_factory=list)  # the predecessors' own evaluations, for a sum


def basis_for(lineage: Lineage, period_code: str) -> tuple[str, str]:
    """(basis, note) for a period before looking at figures; a straddling period gives OWN with the note
    used when the unit turns out to hold no figure of its own."""
    unit = lineage.unit
    _kind, start, end = period_dates(period_code)
    if unit.valid_to is not None and start >= unit.valid_to:
        return Basis.NONE, _("Không có số liệu: đơn vị không còn từ %(day)s (sắp xếp đơn vị hành chính)") % {
            "day": format_date(unit.valid_to)
        }
    if not lineage.has_predecessors or unit.valid_from is None or start >= unit.valid_from:
        return Basis.OWN, ""
    if end >= unit.valid_from:
        return Basis.OWN, _(
            "Không có số liệu: kỳ này gồm cả trước và sau sắp xếp đơn vị hành chính (%(day)s)"
        ) % {"day": format_date(unit.valid_from)}
    if not lineage.comparable:
        return Basis.NONE, lineage.split_note()
    return Basis.PREDECESSORS, lineage.summed_note()


def through_reform(
    plan: Plan, period_code: str, lineage: Lineage, indicators: Sequence[Indicator]
) -> list[Carried]:
    """Each indicator for the lineage's unit in one period, in the indicators' order: one evaluate() on the
    unit or on all its predecessors (none when there is nothing to show)."""
    basis, note = basis_for(lineage, period_code)
    if basis == Basis.NONE:
        return [Carried(ind, period_code, basis, None, note) for ind in indicators]
    if basis == Basis.OWN:
        results = []
        for ev in evaluate(plan, period_code, [lineage.unit], list(indicators)):
            if note and ev.numerator is None and ev.denominator is None:
                results.append(Carried(ev.indicator, period_code, Basis.NONE, None, note))
            else:
                results.append(Carried(ev.indicator, period_code, Basis.OWN, ev))
        return results
    parts = evaluate(plan, period_code, list(lineage.whole), list(indicators))
    by_indicator: dict[int, list[Evaluation]] = {ind.pk: [] for ind in indicators}
    for ev in parts:
        by_indicator[ev.indicator.pk].append(ev)
    return [
        Carried(
            ind,
            period_code,
            basis,
            combined(ind, lineage.unit, period_code, by_indicator[ind.pk]),
            note,
            by_indicator[ind.pk],
        )
        for ind in indicators
    ]


def series_through_reform(
    plan: Plan, indicator: Indicator, unit: AdministrativeUnit, period_codes: Iterable[str]
) -> list[Carried]:
    """The indicator for the unit in each period (two queries for the mapping, one evaluate() a period)."""
    lineage = lineage_of(unit)
    return [through_reform(plan, code, lineage, [indicator])[0] for code in period_codes]


def _total(numbers: Iterable[Decimal | None]) -> Decimal | None:
    present = [n for n in numbers if n is not None]
    return sum(present, Decimal(0)) if present else None


def combined(
    indicator: Indicator, unit: AdministrativeUnit, period_code: str, parts: Sequence[Evaluation]
) -> Evaluation:
    """The predecessors' evaluations as one for `unit`: numerators, denominators and reporting units
    summed, then the value and status by the evaluation's rules (as evaluate() judges a district from its
    communes' sums). Predecessors the indicator does not apply to (another area) add nothing."""
    kind, start, end = period_dates(period_code)
    # an unsaved Period: the rules below read only its type and code (no query)
    period = Period(code=period_code, period_type=kind, start_date=start, end_date=end)
    progress = is_progress(period)
    applicable = [ev for ev in parts if ev.status != Status.NOT_APPLICABLE]
    if not applicable:
        return Evaluation(
            indicator, unit, period.code, None, None, None, 0, 0, Status.NOT_APPLICABLE, None, progress
        )
    numerator = _total(ev.numerator for ev in applicable)
    denominator = _total(ev.denominator for ev in applicable)
    reported = sum(ev.reported_units for ev in applicable)
    expected = sum(ev.expected_units for ev in applicable)
    # judged as evaluate() judges a district from its communes' sums
    return judged(indicator, unit, period, numerator, denominator, reported, expected)

"""Figures derived from records: the values of derived data elements (a plan file's `derived`) counted from
the register and the case records (treem.register.derived_rules) and written through the engine's one
write path, `import_values(..., derivation=True)`, so they keep history, pass the validation rules and
evaluate like any figure; nobody types them (treem.indicators.resolver.derived_refusal).

What is computed: for an element derived from `derived_since` and a period starting on or after that day,
one value per commune valid in the period (a commune with no records gets 0, not a blank), counted over the
period up to today (a stock on min(last day, today), a flow from the first day to it). Districts and the
province are not written: the engine adds communes up (aggregation `last` for stocks, `sum` for flows).

When: `do_derive_for_change` after a record changes (treem.register.receivers: the changed communes, the
periods that hold a day the change may alter); `do_derive` for a province or the country on a schedule
(treem.register.tasks, nightly) and from the command line (`manage.py derive_figures`).

Each province is written in one `import_values` call (one transaction). If the engine refuses it (an
accepted report locks a commune's cell, a validation rule mixes a derived figure with a wrong typed one),
each commune is written on its own, so the others still update; the refused ones are returned and logged.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from treem.accounts.policy import EntryScope
from treem.core.deadlines import today as local_today
from treem.core.periods import PeriodType, period_dates
from treem.indicators.datavalues import ImportSummary, ValueInput, import_values
from treem.indicators.models import DataElement
from treem.units.models import AdministrativeUnit, UnitLevel

from .derived_rules import AGGREGATES, Counts, Window

logger = logging.getLogger(__name__)

# The period types derived values are written for: the reports' years and halves, and the quarters the
# scorecard shows progress by. Months are left out: twelve more periods a year for every record change,
# for a figure no report asks for (a monthly value can be added here if one does).
DERIVED_PERIOD_TYPES = (PeriodType.YEARLY, PeriodType.SIXMONTHLY, PeriodType.QUARTERLY)
FULL_SCOPE = EntryScope(True)  # the computation writes for every unit, as the command line does


@dataclass
class Refusal:
    commune: str  # GSO code
    reasons: list[str]  # the engine's conflicts, each naming the period and element (ValueInput.where)


@dataclass
class DerivationReport:
    periods: list[str] = field(default_factory=list)
    communes: int = 0
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    refused: list[Refusal] = field(default_factory=list)


def derived_elements() -> list[DataElement]:
    """The elements with a rule this app computes (a rule of another app is left to it)."""
    elements = DataElement.objects.exclude(derived_rule="").filter(derived_since__isnull=False)
    return [e for e in elements.prefetch_related("combos") if e.derived_rule in AGGREGATES]


def periods_between(first: datetime.date, last: datetime.date, earliest_start: datetime.date) -> list[str]:
    """Ids of the periods of DERIVED_PERIOD_TYPES that hold a day from `first` to `last` and start on or
    after `earliest_start`, oldest first."""
    codes: list[str] = []
    for year in range(first.year, last.year + 1):
        candidates = [str(year), f"{year}S1", f"{year}S2", *(f"{year}Q{q}" for q in range(1, 5))]
        for code in candidates:
            _kind, start, end = period_dates(code)
            if start <= last and end >= first and start >= earliest_start:
                codes.append(code)
    return codes


def overlapping_periods(codes: Iterable[str]) -> list[str]:
    """The periods of DERIVED_PERIOD_TYPES that share a day with any of `codes` (each itself included when
    of those types), by first day, the longer first. They must be written together: the engine reads a
    year of a `last` element from its newest quarter, and a year of a `sum` element from the year's own
    value, so a year and the halves and quarters inside it must agree."""
    found: set[str] = set()
    for code in codes:
        _kind, start, end = period_dates(code)
        found.update(periods_between(start, end, datetime.date.min))
    return sorted(found, key=lambda c: (period_dates(c)[1], -period_dates(c)[2].toordinal()))


def current_periods(day: datetime.date | None = None) -> list[str]:
    """The periods holding `day` (today by default): the ones a nightly run brings up to date."""
    day = day or local_today()
    return periods_between(day, day, datetime.date.min)


def periods_for_change(since: datetime.date, elements: list[DataElement] | None = None) -> list[str]:
    """The periods a change of records from `since` may alter: those holding a day from `since` (or the
    first `derived_since`, if later) to today, that start on or after that `derived_since`."""
    elements = derived_elements() if elements is None else elements
    starts = [e.derived_since for e in elements if e.derived_since is not None]
    if not starts:
        return []
    today = local_today()
    first = max(since, min(starts))
    return periods_between(first, today, min(starts)) if first <= today else []


def do_derive_for_change(commune_ids: Iterable[int], since: datetime.date) -> DerivationReport:
    """Recompute the derived values of these communes for every period `periods_for_change` names."""
    elements = derived_elements()
    periods = periods_for_change(since, elements)
    if not periods:
        return DerivationReport()
    return do_derive(periods, commune_ids=list(commune_ids), elements=elements, expand=False)


def do_derive(
    periods: Iterable[str],
    *,
    province_codes: Iterable[str] | None = None,
    commune_ids: list[int] | None = None,
    elements: list[DataElement] | None = None,
    today: datetime.date | None = None,
    expand: bool = True,
) -> DerivationReport:
    """Compute and write the derived values of `periods`, and (`expand`) of the periods they overlap
    (`overlapping_periods`), for the communes of these provinces (None: every province), or only for
    `commune_ids`. Periods starting after today are skipped (nothing to count yet). `expand=False` is for
    a set already closed under overlap where it matters (`periods_for_change`)."""
    today = today or local_today()
    elements = derived_elements() if elements is None else elements
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE)
    if commune_ids is not None:
        communes = communes.filter(pk__in=commune_ids)
    elif province_codes is not None:
        provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code__in=list(province_codes))
        under = Q(pk__in=[])
        for province in provinces:
            under |= Q(path__startswith=province.path)
        communes = communes.filter(under)
    wanted = overlapping_periods(periods) if expand else list(periods)
    report = DerivationReport(periods=[p for p in wanted if period_dates(p)[1] <= today])
    by_province: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for commune in communes.order_by("path"):
        by_province[commune.path.split("/", 1)[0]].append(commune)
    for _province, units in sorted(by_province.items()):
        _derive_province(units, report.periods, elements, today, report)
    return report


def _derive_province(
    units: list[AdministrativeUnit],
    periods: list[str],
    elements: list[DataElement],
    today: datetime.date,
    report: DerivationReport,
) -> None:
    """Count every (element, period) over the province's communes, then write them in one batch."""
    unit_ids = [u.pk for u in units]
    counted: dict[tuple[str, str, datetime.date | None, datetime.date], Counts] = {}
    inputs: list[ValueInput] = []
    for code in periods:
        _kind, start, end = period_dates(code)
        window = Window(start, min(end, today))
        valid = [u for u in units if u.exists_during(start, end)]
        for element in elements:
            if not element.is_derived_for(start):
                continue
            aggregate, reads_start = AGGREGATES[element.derived_rule]
            params = element.derived_params or {}
            key = (
                element.derived_rule,
                json.dumps(params, sort_keys=True),
                start if reads_start else None,
                window.day,
            )
            if key not in counted:
                counted[key] = aggregate(unit_ids, window, params)
            counts = counted[key]
            combos = [combo.code for combo in element.combos.all()]
            for unit in valid:
                found = counts.get(unit.pk, {})
                inputs.extend(
                    ValueInput(
                        element.code,
                        combo,
                        unit.code,
                        code,
                        found.get(combo, 0),
                        where=f"{element.code}, {unit.code}, {code}",
                    )
                    for combo in combos
                )
    report.communes += len(units)
    _write(inputs, report)


def _write(inputs: list[ValueInput], report: DerivationReport) -> None:
    """One batch; if refused, commune by commune, so one refused commune does not hold back the others."""
    if not inputs:
        return
    summary = _import(inputs)
    if not summary.conflicts:
        _count(summary, report)
        return
    by_commune: dict[str, list[ValueInput]] = defaultdict(list)
    for item in inputs:
        by_commune[item.unit].append(item)
    for commune, items in by_commune.items():
        summary = _import(items)
        if summary.conflicts:
            reasons = [str(message) for message in summary.conflicts]
            report.refused.append(Refusal(commune, reasons))
            logger.warning("derived figures of commune %s refused: %s", commune, "; ".join(reasons))
        else:
            _count(summary, report)


def _import(inputs: list[ValueInput]) -> ImportSummary:
    return import_values(
        inputs, user=None, scope=FULL_SCOPE, derivation=True, check_outliers=False, keep_changes=False
    )


def _count(summary: ImportSummary, report: DerivationReport) -> None:
    report.imported += summary.imported
    report.updated += summary.updated
    report.ignored += summary.ignored

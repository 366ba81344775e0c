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

How: every count a run needs is made once over all its communes (the whole country with no commune list),
rules reading the same rows sharing one query (derived_rules.count_needs), without PostgreSQL's JIT. Only
the values that differ from the stored ones go to the engine. Each province is written in one
`import_values` call (one transaction). If the engine refuses it (an accepted report locks a commune's
cell, a validation rule mixes a derived figure with a wrong typed one), each commune is written on its own,
so the others still update; the refused ones are returned and logged. A record change's communes are
counted and written in one transaction under a lock per commune (`_derive_locked`), so two changes of one
commune cannot leave the older count written last.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q

from treem.accounts.policy import EntryScope
from treem.core.deadlines import today as local_today
from treem.core.periods import PeriodType, period_dates
from treem.core.transactions import run_in_transaction
from treem.indicators.datavalues import ImportSummary, ValueInput, import_values
from treem.indicators.models import DataElement, DataValue
from treem.units.models import AdministrativeUnit, UnitLevel

from .derived_rules import AGGREGATES, Counts, Need, count_needs

logger = logging.getLogger(__name__)

# The period types derived values are written for: the reports' years and halves, and the quarters the
# scorecard shows progress by. Months are left out: twelve more periods a year for every record change,
# for a figure no report asks for (a monthly value can be added here if one does).
DERIVED_PERIOD_TYPES = (PeriodType.YEARLY, PeriodType.SIXMONTHLY, PeriodType.QUARTERLY)
FULL_SCOPE = EntryScope(True)  # the computation writes for every unit, as the command line does
ANALYZE_AFTER = 50_000  # new values after which a run refreshes the planner's statistics of the values


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
    a set already closed under overlap where it matters (`periods_for_change`).

    Provinces and the country are counted first (every rule once over all their communes: the country
    with no commune list at all), then written province by province. Named communes (a record change) are
    counted and written in one transaction under a lock per commune (`_derive_locked`)."""
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
    plan = _Plan(report.periods, elements, today)
    if commune_ids is not None:
        for _province, units in sorted(by_province.items()):
            # a fresh part per attempt: a transaction run again after a deadlock counts only once
            part = run_in_transaction(partial(_derive_locked, units, plan))
            report.communes += part.communes
            report.refused += part.refused
            _count(part, report)
        return report
    counted_over = None if province_codes is None else [u.pk for us in by_province.values() for u in us]
    with _counting():
        counted = count_needs(counted_over, plan.needs())
    for _province, units in sorted(by_province.items()):
        report.communes += len(units)
        _write(_unchanged_left_out(plan.inputs(units, counted), units, report), report)
    if report.imported > ANALYZE_AFTER and connection.vendor == "postgresql":
        # The planner's statistics still describe the table before these rows: reading a period's values
        # (the engine's checks, the scorecard) would scan it whole until autovacuum catches up.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE indicators_datavalue")
    return report


def _derive_locked(units: list[AdministrativeUnit], plan: _Plan) -> DerivationReport:
    """Count and write these communes in the caller's transaction, holding a lock per commune until it
    ends. Two record changes of one commune committed at about the same time each recompute it; without
    the lock one could count before the other's change, then write after the other's recomputation,
    leaving a stale figure until the nightly run. With it the second counts only once the first has
    written, and it sees both changes (each statement reads what is committed when it starts). On SQLite
    the transaction itself holds the one write lock (settings.py: IMMEDIATE)."""
    if connection.vendor == "postgresql":
        keys = sorted(commune_lock_key(u.pk) for u in units)  # one order for every writer: no deadlock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS keys",
                [keys],
            )
    with _counting():
        counted = count_needs([u.pk for u in units], plan.needs())
    report = DerivationReport(communes=len(units))
    _write(_unchanged_left_out(plan.inputs(units, counted), units, report), report)
    return report


def commune_lock_key(commune_id: int) -> int:
    """The advisory lock key of a commune's derivation: stable across processes (hash() is not)."""
    digest = hashlib.blake2b(f"treem:derive:{commune_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _counting() -> Iterator[None]:
    """On PostgreSQL, the counts run without JIT: the planner's cost estimates of the eligibility EXISTS
    clauses are far above jit_above_cost, so each count spent 0.2–0.3 s compiling for 25 ms of work
    (docs/benchmarks.md). SET LOCAL needs a transaction; it ends with it (or with the caller's)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


class _Plan:
    """The counts a run needs and the values it writes: every (element, period) derived for the periods,
    counted once per window for all the communes."""

    def __init__(self, periods: list[str], elements: list[DataElement], today: datetime.date) -> None:
        self.cells: list[tuple[str, datetime.date, datetime.date, DataElement, Need, list[str]]] = []
        for code in periods:
            _kind, start, end = period_dates(code)
            for element in elements:
                if not element.is_derived_for(start):
                    continue
                _aggregate, reads_start = AGGREGATES[element.derived_rule]
                need = Need(
                    element.derived_rule,
                    json.dumps(element.derived_params or {}, sort_keys=True),
                    start if reads_start else None,
                    min(end, today),
                )
                combos = [combo.code for combo in element.combos.all()]
                self.cells.append((code, start, end, element, need, combos))

    def needs(self) -> set[Need]:
        return {cell[4] for cell in self.cells}

    def inputs(self, units: list[AdministrativeUnit], counted: dict[Need, Counts]) -> list[ValueInput]:
        """A value per commune valid in the period and combo (0 where nothing was counted)."""
        inputs: list[ValueInput] = []
        versions = _versions_of(units)
        for code, start, end, element, need, combos in self.cells:
            counts = counted[need]
            for unit in units:
                if not unit.exists_during(start, end) or _superseded(unit, versions, start, end):
                    continue
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
        return inputs


def _unchanged_left_out(
    inputs: list[ValueInput], units: list[AdministrativeUnit], report: DerivationReport
) -> list[ValueInput]:
    """The inputs whose value differs from the one stored (or has none stored). A nightly run finds most
    values unchanged; the engine would resolve and check each one to ignore it (24 s for the country)."""
    if not inputs:
        return inputs
    # Oldest version of a unit code first: an input names its unit by code, which the engine resolves to
    # the latest version existing in the period (after the 2025 reform a code is a 2023 and a 2025 unit).
    stored = {
        (element, combo, unit, period): value
        for element, combo, unit, period, value in DataValue.objects.filter(
            unit_id__in=[u.pk for u in units],
            element__code__in={i.element for i in inputs},
            period__code__in={i.period for i in inputs},
        )
        .order_by(F("unit__valid_from").asc(nulls_first=True))
        .values_list("element__code", "combo__code", "unit__code", "period__code", "value")
    }
    changed = [
        item
        for item in inputs
        if stored.get((item.element, item.combo, item.unit, item.period)) != Decimal(str(item.value))
    ]
    report.ignored += len(inputs) - len(changed)
    return changed


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


def _count(summary: ImportSummary | DerivationReport, report: DerivationReport) -> None:
    report.imported += summary.imported
    report.updated += summary.updated
    report.ignored += summary.ignored


def _versions_of(units: list[AdministrativeUnit]) -> dict[str, list[AdministrativeUnit]]:
    """Every version of the units' codes (a 2025 commune may carry the code of a 2023 one)."""
    found: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    codes = sorted({u.code for u in units})
    for at in range(0, len(codes), 900):  # SQLite limits bound parameters
        for unit in AdministrativeUnit.objects.filter(code__in=codes[at : at + 900]):
            found[unit.code].append(unit)
    return found


def _superseded(
    unit: AdministrativeUnit,
    versions: dict[str, list[AdministrativeUnit]],
    start: datetime.date,
    end: datetime.date,
) -> bool:
    """Whether a later version of the unit's code also existed in the period: a figure given by code then
    goes to that one (`version_of`), so this unit has none of its own (the 2025 annual period)."""
    since = unit.valid_from or datetime.date.min
    return any(
        other.pk != unit.pk
        and (other.valid_from or datetime.date.min) > since
        and other.exists_during(start, end)
        for other in versions.get(unit.code, [])
    )

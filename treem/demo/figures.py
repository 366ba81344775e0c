"""Demo figures (DEMO): plausible, deterministic data values for a plan's province.

`load_demo_figures(plan)` fills every data element the plan's indicators use, for every commune of the
plan's province that existed in each period, for the six-monthly periods of the plan's year and the year
before, so the scorecard and charts have something to show on a demo machine. The tree is the period's:
for a 2026 plan of Huế city, 2025S1 goes to the 2023 communes and 2025S2–2026S2 to the 40 communes of
07/2025 (no district level). Only `manage.py load_demo` calls it; never migrations or loaders.

The numbers are shaped like Thừa Thiên Huế's (≈300,000 children aged 0–15, ≈16,000 live births a year)
and come from one seeded random generator walked in a fixed order, so two loads give the same values and
a second load changes nothing. Every value carries the comment "DEMO" and goes through
`import_values`, so the same validation rules as for real figures hold.

Each district gets its own rates (drawn from a plausible range that straddles the plan's threshold), and
its communes vary a little around them (a commune with no district above it draws its own): some targets are achieved in some districts and not in others.
Earlier periods are a little worse than later ones, so trends point the right way.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from treem.accounts import policy
from treem.core.periods import parse_period
from treem.dashboard.selectors import plan_province
from treem.indicators.datavalues import ImportSummary, Message, ValueInput, import_values
from treem.indicators.models import DataValue
from treem.plans.metadata import plan_elements
from treem.plans.models import Plan
from treem.units import areas
from treem.units.models import AdministrativeUnit, UnitLevel

SEED = 462023


def demo_periods(year: int) -> tuple[str, ...]:
    """The half-years the demo fills for a plan of `year`: the year before and the plan's own."""
    return (f"{year - 1}S1", f"{year - 1}S2", f"{year}S1", f"{year}S2")


COMMENT = "DEMO"

CHILDREN = 300_000  # children aged 0–15 in the province
BIRTHS_PER_CHILD_YEAR = 16_000 / CHILDREN
GROWTH_PER_PERIOD = 0.003  # child population, per half-year

# The data elements the generator knows how to fill (the 2023 plan's); others are skipped with a warning.
FIGURES = frozenset(
    {
        "CHILDREN_TOTAL", "CHILDREN_UNDER1", "CHILDREN_UNDER5", "CHILDREN_UNDER6", "CHILDREN_AGED_5",
        "CHILDREN_AGED_6", "STUNTED_UNDER5", "UNDERWEIGHT_UNDER5", "OVERWEIGHT_UNDER5",
        "FULLY_IMMUNISED_UNDER5", "INSURED_UNDER6", "SPECIAL_CIRCUMSTANCES", "SPECIAL_CIRCUMSTANCES_CARED",
        "SPECIAL_CIRCUMSTANCES_ELIGIBLE", "SPECIAL_CIRCUMSTANCES_WELFARE", "CHILDREN_AGED_5_PRESCHOOL",
        "CHILDREN_AGED_6_GRADE1", "DISABLED_NEEDING_EDUCATION", "DISABLED_EDUCATED",
        "CHILDREN_PARTICIPATION_AWARE", "CHILD_PROTECTION_STAFF", "CHILD_PROTECTION_STAFF_TRAINED",
        "COMMUNES", "COMMUNES_CHILD_FRIENDLY_REGISTERED", "LIVE_BIRTHS", "NEONATAL_DEATHS", "DEATHS_UNDER1",
        "DEATHS_UNDER5", "FULLY_IMMUNISED_UNDER1", "INJURED_CHILDREN", "INJURY_DEATHS", "CASES_NOTIFIED",
        "CASES_SUPPORTED_TIMELY", "BIRTHS_REGISTERED_ON_TIME",
    }
)  # fmt: skip

# measure: (low, high, worse): a district's rate is drawn from [low, high]; `worse` is +1 when a higher
# rate is worse (earlier periods are then higher), -1 when a higher rate is better.
RATES = {
    "neonatal": (6.0, 10.0, +1),  # per 1,000 live births (plan: < 9.5)
    "under1_extra": (1.5, 5.0, +1),  # under-1 deaths beyond the neonatal ones, per 1,000 (plan: ≤ 12)
    "under5_extra": (3.0, 8.0, +1),  # under-5 deaths beyond the under-1 ones, per 1,000 (plan: < 18)
    "stunted": (8.0, 12.0, +1),  # % of under-5 (plan: < 9)
    "underweight": (5.0, 7.0, +1),  # % (plan: < 6.5)
    "overweight_rural": (3.0, 6.0, +1),  # % (plan: < 5)
    "overweight_urban": (7.0, 11.0, +1),  # % (plan: < 10)
    "immunised_under1": (93.0, 99.0, -1),  # % (plan: > 95)
    "immunised_under5": (93.0, 99.0, -1),  # % (plan: ≥ 95)
    "insured": (97.0, 100.0, -1),  # % (plan: ≥ 100)
    "special": (1.2, 1.8, +1),  # % of children (plan: < 1.5)
    "special_cared": (92.0, 100.0, -1),  # % (plan: ≥ 95)
    "special_eligible": (60.0, 80.0, 0),  # % of children in special circumstances
    "welfare": (95.0, 100.0, -1),  # % of the eligible (plan: ≥ 100)
    "injured": (400.0, 700.0, +1),  # per 100,000 children a year (plan: < 600)
    "injury_deaths": (6.0, 22.0, +1),  # per 100,000 children a year (plan: < 18)
    "preschool": (97.0, 100.0, -1),  # % of 5-year-olds (plan: > 98)
    "grade1": (97.0, 100.0, -1),  # % of 6-year-olds (plan: ≥ 99)
    "disabled_educated": (55.0, 75.0, -1),  # % (plan: > 65)
    "births_registered": (93.0, 99.0, -1),  # % (plan: > 95)
    "cases_supported": (90.0, 100.0, -1),  # % (plan: ≥ 100)
    "participation": (80.0, 92.0, -1),  # % of children (plan: ≥ 85)
    "staff_trained": (85.0, 100.0, -1),  # % (plan: ≥ 100)
}
# Targets of 100%: a district either reaches 100% everywhere or (drawn) falls short somewhere.
FULL_CHANCE = {"insured": 0.4, "welfare": 0.5, "cases_supported": 0.4, "staff_trained": 0.4}
TREND_PER_PERIOD = 0.05  # share of a rate's range by which each earlier half-year is worse
COMMUNE_SPREAD = 0.12  # share of a rate's range communes vary around their district's rate
CHILD_FRIENDLY_FULL_CHANCE = 0.3  # districts where every commune registered as child-friendly
CHILD_FRIENDLY_SHARE = (0.5, 0.95)  # elsewhere, the share of communes that registered


@dataclass
class DemoCommune:
    """A commune's fixed traits; its figures for a half-year follow from them (see `_figures`)."""

    unit: AdministrativeUnit
    area: str  # "rural" | "urban"
    children: float  # children aged 0–15 in the first period
    rates: dict[str, float]
    shares: dict[str, float]  # population shares, constant over time
    staff: int
    child_friendly: int  # 0 | 1


# (element code, combo code, unit code, period code, value)
ValueRow = tuple[str, str, str, str, int]


def load_demo_figures(plan: Plan) -> ImportSummary:
    """Write the demo figures for `plan` (idempotent: a second call reports every value ignored).

    Elements this generator has no model for are skipped with a warning in the summary."""
    rng = random.Random(SEED)
    elements = list(plan_elements(plan))
    periods = demo_periods(plan.year)
    communes = demo_communes(plan_province(plan), rng, CHILDREN, periods)
    inputs = [
        ValueInput(
            element, combo, unit, period, str(value), COMMENT, f"DEMO {element}/{combo}/{unit}/{period}"
        )
        for element, combo, unit, period, value in demo_values(elements, communes, periods, rng)
    ]
    # Values already stored as generated are left out of the import and counted as unchanged: once a demo
    # report is accepted its figures are locked, and the engine refuses any write to a locked cell, even
    # one that would change nothing.
    stored = _stored_values(plan)
    changed = [
        i for i in inputs if stored.get((i.element, i.combo, i.unit, i.period)) != (i.value, i.comment)
    ]
    summary = (
        import_values(changed, user=None, scope=policy.EntryScope(True), check_outliers=False)
        if changed
        else ImportSummary(dry_run=False)
    )
    summary.ignored += len(inputs) - len(changed)
    for code in sorted(unmodelled_elements(elements)):
        summary.warnings.append(
            Message("", "dataElement", f"không có mẫu số liệu minh họa cho {code}; bỏ qua")
        )
    return summary


def _stored_values(plan: Plan) -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """The province's stored commune values of the demo periods: (element, combo, unit, period) →
    (value as the generator writes it, comment)."""
    rows = DataValue.objects.filter(
        unit__path__startswith=plan_province(plan).path,
        unit__level=UnitLevel.COMMUNE,
        period__code__in=demo_periods(plan.year),
    ).values_list("element__code", "combo__code", "unit__code", "period__code", "value", "comment")
    return {
        (element, combo, unit, period): (_plain(value), comment)
        for element, combo, unit, period, value, comment in rows
    }


def _plain(value: Decimal) -> str:
    """A stored value as the generator writes it: a whole number without decimals."""
    return str(int(value)) if value == value.to_integral_value() else str(value)


def unmodelled_elements(elements) -> set[str]:
    """Codes of the elements the generator cannot fill (unknown figure, level or disaggregation)."""
    return {e.code for e in elements if _combos(e) is None}


def _combos(element) -> list[str] | None:
    if element.code not in FIGURES or element.collection_level != UnitLevel.COMMUNE:
        return None
    combos = sorted(c.code for c in element.combos.all())
    if combos == ["default"] or combos == ["rural", "urban"]:
        return combos
    return None


def demo_values(elements, communes: list[DemoCommune], periods, rng: random.Random) -> Iterator[ValueRow]:
    """Every value of `elements` for each commune valid in each period, period by period (the same
    order, so the same values, for the same generator state); none of an element counted from records
    in that period (its values are derived, never typed)."""
    elements = sorted((e for e in elements if _combos(e) is not None), key=lambda e: e.code)
    combos = {e.code: codes for e in elements if (codes := _combos(e)) is not None}
    for index, period in enumerate(periods):
        _, start, end = parse_period(period)
        steps_back = len(periods) - 1 - index
        for commune in communes:
            if not commune.unit.exists_during(start, end):
                continue
            figures = _figures(commune, index, steps_back, rng)
            for element in elements:
                if element.is_derived_for(start):
                    continue  # counted from the demo cases and register from then on, not typed
                value = figures[element.code]
                for combo in combos[element.code]:
                    # an area split puts the whole figure in the commune's own area
                    own = combo in ("default", commune.area)
                    yield element.code, combo, commune.unit.code, period, value if own else 0


def demo_communes(
    province: AdministrativeUnit, rng: random.Random, children: float, periods: tuple[str, ...] = ()
) -> list[DemoCommune]:
    """The province's communes that existed in `periods` (all of them without periods) with their
    traits; `children` in all in each generation of communes (the 2023 communes, and after the 2025 reform
    the 2025 ones: both cover the whole province). The tree of the time decides the groups that share
    rates: a 2023 district and its communes, or a 2025 commune right below the city on its own. The draws
    for a 2023 plan are the same whether or not the 2025 tree is loaded (it is not in those periods)."""
    span = _span(periods)
    below = AdministrativeUnit.objects.filter(parent=province)
    communes_qs = AdministrativeUnit.objects.filter(path__startswith=province.path, level=UnitLevel.COMMUNE)
    if span is not None:
        below, communes_qs = below.existing_during(*span), communes_qs.existing_during(*span)
    districts = list(below.exclude(level=UnitLevel.COMMUNE).order_by("code"))
    by_district: dict[int, list[AdministrativeUnit]] = {d.pk: [] for d in districts}
    on_their_own: list[AdministrativeUnit] = []  # communes right below the province (no district level)
    for unit in communes_qs.order_by("code"):
        if unit.parent_id in by_district:
            by_district[unit.parent_id].append(unit)
        elif unit.parent_id == province.pk:
            on_their_own.append(unit)
    groups = [by_district[d.pk] for d in districts] + [[unit] for unit in on_their_own]
    sizes = {}
    for group in groups:
        for unit in group:
            sizes[unit.pk] = rng.lognormvariate(0, 0.45)
    # each generation of communes shares the province's children (in one sum, in the draws' order)
    generation_size: dict[tuple[str, ...], float] = {}
    for group in groups:
        for unit in group:
            key = _generation(unit, periods)
            generation_size[key] = generation_size.get(key, 0.0) + sizes[unit.pk]
    communes = []
    for group in groups:
        district_rates = _district_rates(rng)
        full_friendly = rng.random() < CHILD_FRIENDLY_FULL_CHANCE
        friendly_share = 1.0 if full_friendly else rng.uniform(*CHILD_FRIENDLY_SHARE)
        for unit in group:
            rates = {}
            for measure, (low, high, _) in RATES.items():
                rate = district_rates[measure]
                if not (measure in FULL_CHANCE and rate == 100):  # a district at 100% is so everywhere
                    rate = min(high, max(low, rate + rng.gauss(0, COMMUNE_SPREAD * (high - low))))
                rates[measure] = rate
            communes.append(
                DemoCommune(
                    unit=unit,
                    area=areas.area(unit) or areas.RURAL,
                    children=children * sizes[unit.pk] / (generation_size[_generation(unit, periods)] or 1.0),
                    rates=rates,
                    shares={
                        "under1": rng.uniform(0.050, 0.055),
                        "under5": rng.uniform(0.255, 0.275),
                        "aged5": rng.uniform(0.052, 0.057),
                        "aged6": rng.uniform(0.053, 0.058),
                        "under6_extra": rng.uniform(0.050, 0.056),
                        "disabled": rng.uniform(0.004, 0.008),
                        "births": rng.uniform(0.92, 1.08),
                        "cases": rng.uniform(0.5, 1.5),
                    },
                    staff=rng.randint(4, 12),
                    child_friendly=1 if rng.random() < friendly_share else 0,
                )
            )
    return communes


def _span(periods: tuple[str, ...]) -> tuple[datetime.date, datetime.date] | None:
    """From the first day of the periods to their last (None: no periods, no limit)."""
    if not periods:
        return None
    days = [parse_period(code)[1:] for code in periods]
    return min(start for start, _ in days), max(end for _, end in days)


def _generation(unit: AdministrativeUnit, periods: tuple[str, ...]) -> tuple[str, ...]:
    """The periods the commune existed in: communes that existed in the same periods are one structure of
    the province (2023's, or 2025's), and each structure covers the whole province. For a plan whose
    periods all lie in one structure, every commune is of one generation."""
    return tuple(code for code in periods if unit.exists_during(*parse_period(code)[1:]))


def _district_rates(rng: random.Random) -> dict[str, float]:
    rates = {}
    for measure, (low, high, _) in RATES.items():
        if measure not in FULL_CHANCE:
            rates[measure] = rng.uniform(low, high)
        elif rng.random() < FULL_CHANCE[measure]:
            rates[measure] = 100.0
        else:  # falls short of 100% somewhere
            rates[measure] = rng.uniform(low, high - 0.5)
    return rates


def _rate(commune: DemoCommune, measure: str, steps_back: int) -> float:
    """The commune's rate `steps_back` half-years before the last period: earlier periods a little
    worse; a percentage stays within 0–100."""
    low, high, worse = RATES[measure]
    rate = max(0.0, commune.rates[measure] + worse * steps_back * TREND_PER_PERIOD * (high - low))
    return min(100.0, rate) if high <= 100 else rate


def _share(count: int, percent: float) -> int:
    """`percent` % of `count`, rounded half-up, never more than the whole."""
    return min(count, math.floor(count * percent / 100 + 0.5)) if percent < 100 else count


def _poisson(rng: random.Random, mean: float) -> int:
    """Poisson-distributed count (Knuth's method; the means here are small)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _binomial(rng: random.Random, n: int, percent: float) -> int:
    p = percent / 100
    return sum(1 for _ in range(n) if rng.random() < p)


def _figures(c: DemoCommune, index: int, steps_back: int, rng: random.Random) -> dict[str, int]:
    """Every element's value for one commune and half-year. Stocks are point-in-time counts; flows
    (births, deaths, injuries, cases, immunisations, registrations) are counts over the half-year."""
    children = round(c.children * (1 + GROWTH_PER_PERIOD * index))
    under1 = round(children * c.shares["under1"])
    under5 = round(children * c.shares["under5"])
    under6 = under5 + round(children * c.shares["under6_extra"])
    aged5 = round(children * c.shares["aged5"])
    aged6 = round(children * c.shares["aged6"])
    disabled = max(1, round(children * c.shares["disabled"]))
    special = round(children * _rate(c, "special", steps_back) / 100)
    eligible = _share(special, _rate(c, "special_eligible", steps_back))
    staff = c.staff
    overweight = "overweight_urban" if c.area == "urban" else "overweight_rural"

    births = max(1, round(children * BIRTHS_PER_CHILD_YEAR / 2 * c.shares["births"]))
    neonatal = _poisson(rng, births * _rate(c, "neonatal", steps_back) / 1000)
    deaths_under1 = neonatal + _poisson(rng, births * _rate(c, "under1_extra", steps_back) / 1000)
    deaths_under5 = deaths_under1 + _poisson(rng, births * _rate(c, "under5_extra", steps_back) / 1000)
    injured = _poisson(rng, children * _rate(c, "injured", steps_back) / 100_000 / 2)
    injury_deaths = min(
        injured, _poisson(rng, children * _rate(c, "injury_deaths", steps_back) / 100_000 / 2)
    )
    notified = _poisson(rng, children * 0.00025 * c.shares["cases"])
    return {
        "CHILDREN_TOTAL": children,
        "CHILDREN_UNDER1": under1,
        "CHILDREN_UNDER5": under5,
        "CHILDREN_UNDER6": under6,
        "CHILDREN_AGED_5": aged5,
        "CHILDREN_AGED_6": aged6,
        "STUNTED_UNDER5": _share(under5, _rate(c, "stunted", steps_back)),
        "UNDERWEIGHT_UNDER5": _share(under5, _rate(c, "underweight", steps_back)),
        "OVERWEIGHT_UNDER5": _share(under5, _rate(c, overweight, steps_back)),
        "FULLY_IMMUNISED_UNDER5": _share(under5, _rate(c, "immunised_under5", steps_back)),
        "INSURED_UNDER6": _share(under6, _rate(c, "insured", steps_back)),
        "SPECIAL_CIRCUMSTANCES": special,
        "SPECIAL_CIRCUMSTANCES_CARED": _share(special, _rate(c, "special_cared", steps_back)),
        "SPECIAL_CIRCUMSTANCES_ELIGIBLE": eligible,
        "SPECIAL_CIRCUMSTANCES_WELFARE": _share(eligible, _rate(c, "welfare", steps_back)),
        "CHILDREN_AGED_5_PRESCHOOL": _share(aged5, _rate(c, "preschool", steps_back)),
        "CHILDREN_AGED_6_GRADE1": _share(aged6, _rate(c, "grade1", steps_back)),
        "DISABLED_NEEDING_EDUCATION": disabled,
        "DISABLED_EDUCATED": _share(disabled, _rate(c, "disabled_educated", steps_back)),
        "CHILDREN_PARTICIPATION_AWARE": _share(children, _rate(c, "participation", steps_back)),
        "CHILD_PROTECTION_STAFF": staff,
        "CHILD_PROTECTION_STAFF_TRAINED": _share(staff, _rate(c, "staff_trained", steps_back)),
        "COMMUNES": 1,
        "COMMUNES_CHILD_FRIENDLY_REGISTERED": c.child_friendly,
        # flows over the half-year
        "LIVE_BIRTHS": births,
        "NEONATAL_DEATHS": neonatal,
        "DEATHS_UNDER1": deaths_under1,
        "DEATHS_UNDER5": deaths_under5,
        # immunised in the half-year: about half the year's cohort
        "FULLY_IMMUNISED_UNDER1": _share(under1, _rate(c, "immunised_under1", steps_back) / 2),
        "INJURED_CHILDREN": injured,
        "INJURY_DEATHS": injury_deaths,
        "CASES_NOTIFIED": notified,
        "CASES_SUPPORTED_TIMELY": _binomial(rng, notified, _rate(c, "cases_supported", steps_back)),
        "BIRTHS_REGISTERED_ON_TIME": _share(births, _rate(c, "births_registered", steps_back)),
    }

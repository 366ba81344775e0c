"""The derivation counts rules reading the same rows in one query (derived_rules.count_needs): on generated
records, every count it gives equals the count of the rule's own query, for several windows, for a list of
communes and for every commune at once."""

from __future__ import annotations

import datetime
import json
import random
from zoneinfo import ZoneInfo

import pytest

from treem.cases.models import Case, Child, StepRecord
from treem.core.periods import period_dates
from treem.register.benefits import benefit_rules
from treem.register.derived_rules import AGGREGATES, Counts, Need, count_needs
from treem.register.models import Circumstance, CircumstanceKind, Support
from treem.units.models import AdministrativeUnit

from .derivation_helpers import COMMUNE, OTHER_COMMUNE, YEAR

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
SPECIAL_GROUPS = ["orphan_both", "abandoned", "no_carer", "disabled", "hiv"]
HARMS = ["violence", "sexual_abuse", "exploitation", "neglect"]
PARAMS = {
    "cases.notified": {"harms": ["violence", "sexual_abuse", "exploitation"]},
    "cases.first_intervention_timely": {
        "harms": ["violence", "sexual_abuse", "exploitation"],
        "step": "initial_assessment",
    },
}


def _date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


@pytest.fixture
def records(db):
    """Children with circumstances, supports, disabilities and ages around 16; cases with harms, closures
    and on-time or late assessments; in two communes, around the year's edges."""
    rng = random.Random(10)
    communes = list(AdministrativeUnit.objects.filter(code__in=[COMMUNE, OTHER_COMMUNE]))
    first, last = datetime.date(YEAR - 1, 6, 1), datetime.date(YEAR, 12, 31)
    benefit = benefit_rules().benefit
    for number in range(240):
        born = _date(rng, datetime.date(YEAR - 17, 1, 1), datetime.date(YEAR, 6, 1))
        child = Child.objects.create(
            commune=rng.choice(communes),
            date_of_birth=None if number % 23 == 0 else born,
            birth_year_estimate=born.year if number % 46 == 0 else None,
            disability=rng.choice(["", "", "", "mild", "severe", "extremely_severe"]),
        )
        for _ in range(rng.randint(0, 2)):
            started = _date(rng, first, last)
            Circumstance.objects.create(
                child=child,
                kind=rng.choice([CircumstanceKind.SPECIAL] * 4 + [CircumstanceKind.AT_RISK]),
                group=rng.choice(SPECIAL_GROUPS),
                started_on=started,
                ended_on=_date(rng, started, last) if rng.random() < 0.3 else None,
            )
        for _ in range(rng.randint(0, 2)):
            started = _date(rng, first, last)
            Support.objects.create(
                child=child,
                kind=rng.choice([benefit, "care", "education"]),
                started_on=started,
                ended_on=_date(rng, started, last) if rng.random() < 0.3 else None,
                provider="UBND xã",
            )
        if number % 2:
            received = datetime.datetime.combine(
                _date(rng, first, last), datetime.time(rng.randint(0, 23)), HUE
            )
            closed = received + datetime.timedelta(days=rng.randint(0, 150)) if rng.random() < 0.5 else None
            case = Case.objects.create(
                child=child,
                commune=child.commune,
                code=f"TEST-{number}",
                received_at=received,
                closed_at=closed,
                harms=rng.sample(HARMS, rng.randint(0, 2)),
            )
            for cycle in (1, 2):
                if rng.random() < 0.6:
                    StepRecord.objects.create(
                        case=case,
                        step=rng.choice(["initial_assessment", "plan"]),
                        cycle=cycle,
                        is_late=rng.random() < 0.4,
                    )
    return [c.pk for c in communes]


def _nonzero(counts: Counts) -> Counts:
    found = {unit: {combo: n for combo, n in combos.items() if n} for unit, combos in counts.items()}
    return {unit: combos for unit, combos in found.items() if combos}


@pytest.mark.parametrize("over", ["communes", "country"])
def test_combined_queries_count_what_each_rule_counts(records, over):
    communes = records if over == "communes" else None
    needs = set()
    for code in [str(YEAR), f"{YEAR}S1", f"{YEAR}Q2", f"{YEAR}Q3", f"{YEAR}S2"]:
        _kind, start, end = period_dates(code)
        for rule, (_aggregate, reads_start) in AGGREGATES.items():
            params = json.dumps(PARAMS.get(rule, {}), sort_keys=True)
            needs.add(Need(rule, params, start if reads_start else None, end))

    combined = count_needs(communes, needs)

    assert set(combined) == needs
    for need in needs:
        aggregate, _reads_start = AGGREGATES[need.rule]
        alone = aggregate(communes, need.window(), json.loads(need.params))
        assert _nonzero(combined[need]) == _nonzero(alone), need
    # the data is not trivial: every rule counts someone in some window
    assert {need.rule for need in needs if _nonzero(combined[need])} == set(AGGREGATES)

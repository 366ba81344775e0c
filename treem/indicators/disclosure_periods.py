"""The periods of a year as groups of the small-count rule (treem.indicators.disclosure): a derived element
that adds up over time (aggregation `sum`, a flow such as CASES_NOTIFIED) is written for the year, its
halves and its quarters (treem.register.derivation), so year = S1 + S2 = Q1 + … + Q4 and a count hidden in
one period would come back by subtracting the others. A stock (aggregation `last`: the year is its newest
figure) does not add up and gets no period groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from treem.core.periods import PeriodType, period_dates

from .models import AggregationType, DataElement

K = TypeVar("K")


def year_tree(period_code: str) -> list[str]:
    """The periods of the year holding `period_code` that derived values are written for: the year, its
    halves and quarters (treem.register.derivation.DERIVED_PERIOD_TYPES; months are not written, so a month
    stands alone)."""
    kind, start, _end = period_dates(period_code)
    if kind == PeriodType.MONTHLY:
        return [period_code]
    year = start.year
    return [str(year), f"{year}S1", f"{year}S2", *(f"{year}Q{q}" for q in range(1, 5))]


def period_groups(period_code: str) -> list[list[str]]:
    """The periods of the year of `period_code` that add up, each whole with its parts. The whole is a
    member too: from all but one of them the missing one follows, whichever it is (a year hidden among
    sibling units would come back as S1 + S2)."""
    tree = year_tree(period_code)
    if len(tree) == 1:
        return []
    year, s1, s2, q1, q2, q3, q4 = tree
    return [[year, s1, s2], [year, q1, q2, q3, q4], [s1, q1, q2], [s2, q3, q4]]


def across_periods(
    keys: Iterable[K], period_of: Callable[[K], str], rest_of: Callable[[K], Hashable]
) -> list[list[K]]:
    """The groups of `keys` that add up over the periods of a year: the keys alike but for the period
    (`rest_of`: the same unit, element, category) in each group of `period_groups`. Only for keys of an
    element that adds up over time (aggregation `sum`)."""
    found: dict[tuple[Hashable, str], dict[str, K]] = defaultdict(dict)
    for key in keys:
        code = period_of(key)
        found[(rest_of(key), year_tree(code)[0])][code] = key
    groups = []
    for (_rest, year), by_code in found.items():
        for group in period_groups(year):
            members = [by_code[code] for code in group if code in by_code]
            if len(members) > 1:
                groups.append(members)
    return groups


def adds_up(element: DataElement) -> bool:
    """Whether the element's values over a year's periods add up (a flow), so that periods are groups."""
    return element.aggregation == AggregationType.SUM

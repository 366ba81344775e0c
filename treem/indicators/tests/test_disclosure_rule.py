"""The small-count rule for figures counted from children's records (treem.indicators.disclosure), and the
figures the disclosure tests of every output share (`derived_figures`).

Figures: SPECIAL_CIRCUMSTANCES (derived from 01/01/2026) for the first four communes of Thành phố Huế (474)
in 2026S1, written by the derivation's path: 3, 20, 10 and 0 children, each commune with 1000 children
(CHILDREN_TOTAL, typed). In 2025S2 (before derivation) the same communes had typed figures: 2 each.
MT05-HCDB = SPECIAL_CIRCUMSTANCES / CHILDREN_TOTAL × 100.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from treem.accounts import policy
from treem.accounts.models import Role
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.disclosure import Reader, complemented, is_small, withheld
from treem.indicators.models import DataElement
from treem.units.models import AdministrativeUnit

SINCE = datetime.date(2026, 1, 1)
COUNTS = (3, 20, 10, 0)
OUTSIDE_CASE_MANAGEMENT = [Role.LEADER, Role.PROVINCE_COORDINATOR, Role.NATIONAL]


def communes(district: str = "474", count: int = len(COUNTS)) -> list[str]:
    codes = AdministrativeUnit.objects.filter(parent__code=district).order_by("path")
    return list(codes.values_list("code", flat=True))[:count]


def write(inputs: list[ValueInput], *, derivation: bool = False) -> None:
    summary = import_values(
        inputs, user=None, scope=policy.EntryScope(True), check_outliers=False, derivation=derivation
    )
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


def derived_figures() -> list[str]:
    """Store the figures above; the four communes' codes, in path order."""
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(
        derived_rule="register.special_circumstances", derived_since=SINCE
    )
    codes = communes()
    typed, counted = [], []
    for code, count in zip(codes, COUNTS, strict=True):
        typed += [
            ValueInput("CHILDREN_TOTAL", "default", code, "2026S1", 1000),
            ValueInput("CHILDREN_TOTAL", "default", code, "2025S2", 1000),
            ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2025S2", 2),
        ]
        counted.append(ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S1", count))
    write(typed)
    write(counted, derivation=True)
    return codes


def test_small_means_one_to_the_threshold_less_one():
    assert [is_small(n) for n in (0, 1, 4, 5, None)] == [False, True, True, False, False]
    assert is_small(Decimal("3.0000"))
    with override_settings(TREEM_SMALL_COUNT=10):
        assert is_small(9) and not is_small(10)


def test_a_lone_hidden_count_takes_the_smallest_other_non_zero_one_with_it():
    assert complemented({"a": None, "b": 20, "c": 10, "d": 0}) == {"a": None, "b": 20, "c": None, "d": 0}
    assert complemented({"a": None, "b": None, "c": 10}) == {"a": None, "b": None, "c": 10}  # two: enough
    assert complemented({"a": None, "b": 0}) == {"a": None, "b": 0}  # nothing else to hide
    assert complemented({"b/2": None, "a/1": 7, "a/2": 7}) == {
        "b/2": None,
        "a/1": None,
        "a/2": 7,
    }  # unit order


def test_withholding_repeats_until_no_group_has_a_lone_hidden_count():
    # two communes (x, y) × two categories (1, 2); x/1 is small. Complementing it among the categories of x
    # hides x/2, which is then alone among the communes of category 2: y/2 goes with it.
    counts = {"x/1": 3, "x/2": 8, "y/1": 20, "y/2": 9}
    groups = [["x/1", "x/2"], ["y/1", "y/2"], ["x/1", "y/1"], ["x/2", "y/2"]]
    assert withheld(counts, groups) == {"x/1", "x/2", "y/1", "y/2"}
    assert withheld({"x/1": 5, "x/2": 0}, groups) == set()


def test_exact_only_inside_the_case_area_with_the_second_factor():
    area = Reader("46/474/", verified=True)
    assert area.exact("46/474/19753/")
    assert not area.exact("46/475/19900/")
    assert not Reader("46/474/", verified=False).exact("46/474/19753/")
    assert not Reader.public().exact("46/")


@pytest.mark.parametrize("role", OUTSIDE_CASE_MANAGEMENT)
def test_roles_outside_case_management_have_no_exact_area(make_user, role):
    scope = policy.scope_for(make_user(role, None if role == Role.NATIONAL else "46"))
    assert Reader(scope.case_path, verified=True).case_path is None

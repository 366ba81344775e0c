"""The unserved-benefit counts of an area on a day follow that day's tree: the register has no residence
history, so a child whose commune did not exist on the day is not placed (nor counted) in it."""

from __future__ import annotations

import datetime

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.cases.models import Child
from treem.register.eligibility import unserved_counts
from treem.units.models import AdministrativeUnit
from treem.units.testing_reform import build_reform_trees, user_at

END_OF_2023 = datetime.date(2023, 12, 31)
IN_2026 = datetime.date(2026, 3, 1)


def severely_disabled_child(commune: AdministrativeUnit, n: int) -> Child:
    return Child.objects.create(
        commune=commune, date_of_birth=datetime.date(2015, 1, 1 + n), disability="severe"
    )


@pytest.fixture
def trees(db):
    trees = build_reform_trees()
    for n in range(2):
        severely_disabled_child(trees.commune_2025, n)  # today's Phường Thuận An
    severely_disabled_child(trees.commune_2023, 5)  # the 2023 commune 19900 of district 474
    return trees


@pytest.fixture
def scope(trees):
    return scope_for(user_at(Role.CASE_MANAGER, trees.province))


def test_a_2023_panel_lists_the_2023_districts_only_and_its_total_matches_its_rows(trees, scope):
    counts = unserved_counts(scope, trees.province.path, END_OF_2023)

    assert {row.unit.level for row in counts.units} == {"district"}
    assert not {row.unit.pk for row in counts.units} & {u.pk for u in trees.communes_2025}
    assert counts.total == 1 == sum(row.count or 0 for row in counts.units)
    assert {row.unit.code: row.count for row in counts.units}["474"] == 1


def test_a_panel_of_today_lists_todays_communes_and_counts_their_children(trees, scope):
    counts = unserved_counts(scope, trees.province.path, IN_2026)

    by_path = {row.unit.path: row.count for row in counts.units}
    assert set(by_path) == {u.path for u in trees.communes_2025}
    assert by_path[trees.commune_2025.path] == 2
    assert counts.total == 2 == sum(by_path.values())

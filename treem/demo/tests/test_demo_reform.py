"""The demo with both structures: the 2023 plan's figures are exactly those of a database without the
2025 tree; a later plan (a 2026 draft of Huế city) gets figures on the units of each period, the 40
communes of 07/2025 from 2025S2 on, and users of its own; loading twice changes nothing."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import connection

from treem.accounts import policy
from treem.accounts.models import Role, User
from treem.accounts.tests.reform_units import REFORM_DAY, load_reform_tree
from treem.dashboard.tests.reform_plan import later_plan
from treem.demo.figures import COMMENT, load_demo_figures
from treem.indicators.models import DataValue
from treem.plans.evaluation import evaluate
from treem.plans.metadata import plan_elements
from treem.units.models import AdministrativeUnit


def values_hash(period_codes: list[str]) -> str:
    digest = hashlib.sha256()
    rows = (
        DataValue.objects.filter(period__code__in=period_codes)
        .order_by("element__code", "combo__code", "unit__path", "period__code")
        .values_list("element__code", "combo__code", "unit__path", "period__code", "value", "comment")
    )
    for row in rows:
        digest.update("|".join(str(x) for x in row).encode() + b"\n")
    return digest.hexdigest()


def wipe_values() -> None:
    with connection.cursor() as cursor:  # quicker than deleting row by row with history
        cursor.execute(f"DELETE FROM {DataValue.history.model._meta.db_table}")
        cursor.execute(f"DELETE FROM {DataValue._meta.db_table}")


@pytest.fixture
def plan_2026(plan):
    load_reform_tree()
    return later_plan(plan, 2026)


def test_the_2023_demo_figures_are_the_same_with_the_2025_tree_loaded(plan):
    periods = ["2022S1", "2022S2", "2023S1", "2023S2"]
    first = load_demo_figures(plan)
    before = values_hash(periods)
    wipe_values()

    load_reform_tree()
    again = load_demo_figures(plan)

    assert again.imported == first.imported and not again.conflicts
    assert values_hash(periods) == before
    assert not DataValue.objects.filter(unit__valid_from=REFORM_DAY).exists()


def test_a_later_plan_gets_figures_on_the_units_of_each_period(plan_2026):
    summary = load_demo_figures(plan_2026)

    assert not summary.conflicts, [str(c) for c in summary.conflicts[:5]]
    cells = sum(e.combos.count() for e in plan_elements(plan_2026))
    stored = DataValue.objects.filter(comment=COMMENT)
    after_reform = stored.filter(period__code__in=["2025S2", "2026S1", "2026S2"])
    assert set(after_reform.values_list("unit__valid_from", flat=True)) == {REFORM_DAY}
    assert after_reform.values("unit").distinct().count() == 40
    assert after_reform.filter(period__code="2025S2").count() == 40 * cells
    before_reform = stored.filter(period__code="2025S1")  # the 2023 communes still existed
    assert before_reform.values("unit").distinct().count() == 141
    assert not before_reform.filter(unit__valid_from=REFORM_DAY).exists()


def test_the_later_plans_city_has_the_provinces_children_in_its_40_communes(plan_2026):
    load_demo_figures(plan_2026)
    city = AdministrativeUnit.objects.version_of("46", on=REFORM_DAY)

    by_code = {e.indicator.code: e for e in evaluate(plan_2026, "2026", [city])}

    assert by_code["MT01-TVSS"].value is not None and by_code["MT02-SDD-TC"].value is not None
    assert 270_000 < by_code["MT05-HCDB"].denominator < 340_000  # the children, now in 40 communes


def test_loading_a_later_plans_figures_again_changes_nothing(plan_2026):
    first = load_demo_figures(plan_2026)

    again = load_demo_figures(plan_2026)

    assert first.imported > 0
    assert (again.imported, again.updated) == (0, 0) and again.ignored == first.imported


def test_load_demo_twice_with_both_structures_adds_nothing_the_second_time(plan, plan_2026):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    users = set(User.objects.filter(is_demo=True).values_list("username", flat=True))
    count = DataValue.objects.count()

    second = io.StringIO()
    call_command("load_demo", stdout=second)

    figures = [line for line in second.getvalue().splitlines() if line.startswith("Số liệu minh họa")]
    assert len(figures) == 2  # the 2023 plan and the later one
    assert all("(0 mới, 0 cập nhật" in line for line in figures), figures
    assert DataValue.objects.count() == count
    assert set(User.objects.filter(is_demo=True).values_list("username", flat=True)) == users
    assert {"dieuphoi", "huyen", "xa", "dieuphoi2026", "xa2026"} <= users


def test_the_later_plans_users_work_in_the_tree_of_2025(plan, plan_2026):
    call_command("load_demo", no_figures=True, no_cases=True, stdout=io.StringIO())

    coordinator = User.objects.get(username="dieuphoi2026")
    officer = User.objects.get(username="xa2026")
    district_officer = User.objects.get(username="huyen")

    assert (coordinator.role, coordinator.agency) == (Role.PROVINCE_COORDINATOR, plan_2026.owner)
    assert officer.role == Role.COMMUNE_OFFICER and officer.unit.valid_from == REFORM_DAY
    assert policy.scope_for(officer).units().count() == 1
    assert district_officer.unit.level == "district"  # the 2023 demo keeps its district officer
    assert not policy.scope_for(district_officer).units().filter(valid_from=REFORM_DAY).exists()

"""Demo figures: complete, plausible, valid, labelled DEMO, deterministic and idempotent."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from treem.demo.figures import COMMENT, demo_periods, load_demo_figures, unmodelled_elements
from treem.indicators import dhis2
from treem.indicators.models import DataValue
from treem.plans.evaluation import Status, evaluate
from treem.plans.metadata import plan_elements
from treem.units.models import AdministrativeUnit, UnitLevel

PERIODS = demo_periods(2023)


@pytest.fixture
def loaded(plan):
    summary = load_demo_figures(plan)
    assert not summary.conflicts, [str(c) for c in summary.conflicts[:5]]
    return summary


def export_hash() -> str:
    """A hash of every exported value (without the time it was stored)."""
    digest = hashlib.sha256()
    for dv in dhis2.values_for_export():
        line = f"{dv.element.code}|{dv.combo.code}|{dv.unit.code}|{dv.period.code}|{dv.value}|{dv.comment}\n"
        digest.update(line.encode())
    return digest.hexdigest()


def province_parts(plan):
    province = plan.province
    districts = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    communes = AdministrativeUnit.objects.filter(path__startswith=province.path, level=UnitLevel.COMMUNE)
    return province, districts, communes


def test_loading_again_imports_and_updates_nothing(plan, loaded):
    again = load_demo_figures(plan)

    assert loaded.imported > 0
    assert (again.imported, again.updated, again.deleted) == (0, 0, 0)
    assert again.ignored == loaded.imported
    assert not again.conflicts


def test_every_commune_has_every_element_and_combo_for_every_period(plan, loaded):
    _, _, communes = province_parts(plan)
    cells_per_period = sum(e.combos.count() for e in plan_elements(plan))
    per_commune = Counter(DataValue.objects.values_list("unit__code", flat=True))

    assert communes.count() == 141
    assert set(per_commune) == set(communes.values_list("code", flat=True))
    assert set(per_commune.values()) == {cells_per_period * len(PERIODS)}
    assert loaded.imported == 141 * cells_per_period * len(PERIODS)


def test_every_element_of_the_plan_is_generated_without_warnings(plan, loaded):
    assert unmodelled_elements(plan_elements(plan)) == set()
    assert not loaded.warnings


def test_every_value_is_labelled_demo(loaded):
    assert set(DataValue.objects.values_list("comment", flat=True)) == {COMMENT}


def test_a_rural_commune_counts_its_children_as_rural_and_an_urban_one_as_urban(plan, loaded):
    def under5(unit_type):
        commune = AdministrativeUnit.objects.filter(
            path__startswith=plan.province.path, unit_type=unit_type
        ).first()
        rows = DataValue.objects.filter(unit=commune, element__code="CHILDREN_UNDER5", period__code="2023S2")
        return {dv.combo.code: dv.value for dv in rows.select_related("combo")}

    rural, urban = under5("xã"), under5("phường")

    assert rural["rural"] > 0 and rural["urban"] == 0
    assert urban["urban"] > 0 and urban["rural"] == 0


def test_province_totals_look_like_thua_thien_hue(plan, loaded):
    province = plan.province
    by_code = {e.indicator.code: e for e in evaluate(plan, "2023", [province])}

    children = by_code["MT05-HCDB"].denominator
    births = by_code["MT01-TVSS"].denominator
    assert Decimal(270_000) < children < Decimal(330_000)
    assert Decimal(14_000) < births < Decimal(18_000)
    assert Decimal(6) <= by_code["MT01-TVSS"].value <= Decimal(10)  # neonatal deaths per 1,000
    assert by_code["MT01-TV1T"].numerator <= by_code["MT01-TV5T"].numerator
    assert Decimal(8) <= by_code["MT02-SDD-TC"].value <= Decimal(12)  # stunting %
    assert Decimal(400) <= by_code["MT06-TNTT"].value <= Decimal(700)  # injuries per 100,000


def test_province_scorecard_has_every_value_and_districts_both_achieve_and_miss(plan, loaded):
    province, districts, _ = province_parts(plan)
    indicators = plan.indicators.filter(is_active=True).count()

    at_province = evaluate(plan, "2023", [province])
    at_districts = evaluate(plan, "2023", districts)

    assert len(at_province) == indicators
    assert all(e.value is not None for e in at_province)
    assert {e.status for e in at_province} == {Status.ACHIEVED, Status.NOT_ACHIEVED}
    statuses = Counter(e.status for e in at_districts)
    assert statuses[Status.ACHIEVED] > 0 and statuses[Status.NOT_ACHIEVED] > 0
    # not the same verdict everywhere: some indicators are achieved in one district and missed in another
    by_indicator: dict[str, set] = {}
    for e in at_districts:
        by_indicator.setdefault(e.indicator.code, set()).add(e.status)
    assert sum(1 for s in by_indicator.values() if len(s) > 1) >= 5


def test_two_fresh_loads_give_identical_values(plan, loaded):
    first = export_hash()
    with connection.cursor() as cursor:  # a fresh start, quicker than deleting row by row with history
        cursor.execute(f"DELETE FROM {DataValue.history.model._meta.db_table}")
        cursor.execute(f"DELETE FROM {DataValue._meta.db_table}")
    assert not DataValue.objects.exists()

    again = load_demo_figures(plan)

    assert again.imported == loaded.imported
    assert export_hash() == first


def test_load_demo_command_reports_how_many_figures_it_loaded(plan, capsys):
    call_command("load_demo")
    call_command("load_demo")

    out = capsys.readouterr().out.splitlines()
    loaded_lines = [line for line in out if line.startswith("Số liệu minh họa (DEMO)")]
    assert len(loaded_lines) == 2
    assert "20.304 giá trị (20.304 mới, 0 cập nhật, 0 không đổi)" in loaded_lines[0]
    assert "(0 mới, 0 cập nhật, 20.304 không đổi)" in loaded_lines[1]

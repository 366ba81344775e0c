"""Figures across the 2025 reform (plans.lineage): a new commune's periods before it existed add up its
predecessors' counts; a split predecessor gives no comparison; each unit keeps its own figures otherwise.

The fixture is a small province of its own (97, "Tỉnh Thử"), so every number is worked out by hand:
2023 district 970 with communes A, B, C, D (until 01/07/2025); from 01/07/2025 the communes sit directly
under the province: X ← A + C (whole), Y ← B (part) + D (whole), Z ← B (part).
Indicator MT01-TVSS of tth-2023 = NEONATAL_DEATHS / LIVE_BIRTHS × 1000, threshold lt 9.5.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.plans.evaluation import Status, evaluate
from treem.plans.lineage import Basis, lineage_of, series_through_reform, through_reform
from treem.units.models import AdministrativeUnit, UnitLevel, UnitSuccession

REFORM = datetime.date(2025, 7, 1)
TVSS = "MT01-TVSS"


def unit(code: str, name: str, level: str, parent: AdministrativeUnit | None, **dates) -> AdministrativeUnit:
    kind = {UnitLevel.PROVINCE: "tỉnh", UnitLevel.DISTRICT: "huyện", UnitLevel.COMMUNE: "xã"}[level]
    return AdministrativeUnit.objects.create(
        code=code, name=name, level=level, unit_type=kind, parent=parent, **dates
    )


def succeeds(
    predecessor: AdministrativeUnit, successor: AdministrativeUnit, *, partial: bool = False
) -> None:
    UnitSuccession.objects.create(predecessor=predecessor, successor=successor, since=REFORM, partial=partial)


def load(*rows: tuple[str, str, str, int]) -> None:
    inputs = [
        ValueInput(el, "default", code, period, value, where=f"{el}/{code}")
        for el, code, period, value in rows
    ]
    summary = import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False)
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


def births(code: str, period: str, deaths: int, born: int) -> list[tuple[str, str, str, int]]:
    return [("NEONATAL_DEATHS", code, period, deaths), ("LIVE_BIRTHS", code, period, born)]


@pytest.fixture
def reform(db) -> dict[str, AdministrativeUnit]:
    """The 2023 and 2025 trees of province 97 and the mapping between them; no figures."""
    province = unit("97", "Tỉnh Thử", UnitLevel.PROVINCE, None)
    district = unit("970", "Huyện Cũ", UnitLevel.DISTRICT, province, valid_to=REFORM)
    old = {
        key: unit(f"9700{i}", f"Xã {key}", UnitLevel.COMMUNE, district, valid_to=REFORM)
        for i, key in enumerate("ABCD", start=1)
    }
    new = {
        key: unit(f"9710{i}", f"Xã {key}", UnitLevel.COMMUNE, province, valid_from=REFORM)
        for i, key in enumerate("XYZ", start=1)
    }
    succeeds(old["A"], new["X"])
    succeeds(old["C"], new["X"])
    succeeds(old["B"], new["Y"], partial=True)
    succeeds(old["B"], new["Z"], partial=True)
    succeeds(old["D"], new["Y"])
    return {"97": province, "970": district, **old, **new}


@pytest.fixture
def figures(reform) -> dict[str, AdministrativeUnit]:
    load(
        *births("97001", "2023", 3, 400),  # A: 7.5
        *births("97003", "2023", 5, 100),  # C: 50
        *births("97002", "2023", 1, 100),  # B
        *births("97004", "2023", 2, 200),  # D
        *births("97101", "2026", 2, 500),  # X: 4
        *births("97102", "2026", 1, 250),  # Y: 4
    )
    return reform


@pytest.fixture
def tvss(plan):
    return plan.indicators.get(code=TVSS)


def test_a_merged_commune_before_the_reform_is_the_rate_of_its_predecessors_summed_counts(
    plan, tvss, figures
):
    carried = through_reform(plan, "2023", lineage_of(figures["X"]), [tvss])[0]

    ev = carried.evaluation
    assert carried.basis == Basis.PREDECESSORS
    # (3 + 5) / (400 + 100) × 1000 = 16; the average of the two rates would be (7.5 + 50) / 2 = 28.75
    assert (ev.numerator, ev.denominator, ev.value) == (Decimal(8), Decimal(500), Decimal(16))
    assert ev.unit == figures["X"] and ev.period == "2023"
    assert (ev.reported_units, ev.expected_units, ev.status) == (2, 2, Status.NOT_ACHIEVED)
    assert [part.unit for part in carried.parts] == [figures["A"], figures["C"]]


def test_the_note_names_the_predecessors_and_the_reform_day(plan, tvss, figures):
    carried = through_reform(plan, "2023", lineage_of(figures["X"]), [tvss])[0]

    assert carried.note == (
        "Cộng từ 2 xã/phường cũ: Xã A, Xã C (theo sắp xếp đơn vị hành chính từ 01/07/2025)"
    )


def test_a_commune_with_a_split_predecessor_has_no_comparison(plan, tvss, figures):
    carried = through_reform(plan, "2023", lineage_of(figures["Y"]), [tvss])[0]

    # D went wholly into Y, but only part of B did: D alone would be a wrong comparison
    assert carried.evaluation is None
    assert carried.basis == Basis.NONE
    assert carried.note == "Không so sánh: xã cũ Xã B bị chia tách"


def test_a_predecessor_also_mapped_elsewhere_counts_as_split(plan, tvss, figures):
    succeeds(figures["A"], figures["Z"])  # A whole into X and into Z: its figures cannot go to both

    lineage = lineage_of(figures["X"])

    assert lineage.split == (figures["A"],) and lineage.whole == (figures["C"],)
    assert through_reform(plan, "2023", lineage, [tvss])[0].evaluation is None


def test_after_the_reform_the_new_commune_has_its_own_figure(plan, tvss, figures):
    carried = through_reform(plan, "2026", lineage_of(figures["X"]), [tvss])[0]

    assert carried.basis == Basis.OWN and carried.note == ""
    assert (carried.evaluation.numerator, carried.evaluation.denominator) == (Decimal(2), Decimal(500))
    assert carried.evaluation.value == Decimal(4)


def test_a_year_straddling_the_reform_shows_only_the_new_units_own_figures(plan, tvss, figures):
    lineage = lineage_of(figures["X"])
    before = through_reform(plan, "2025", lineage, [tvss])[0]
    assert before.evaluation is None
    assert before.note == (
        "Không có số liệu: kỳ này gồm cả trước và sau sắp xếp đơn vị hành chính (01/07/2025)"
    )

    load(*births("97101", "2025", 1, 250))  # a 2025 figure entered on X itself
    after = through_reform(plan, "2025", lineage, [tvss])[0]
    assert after.basis == Basis.OWN and after.evaluation.value == Decimal(4)


def test_the_half_year_before_the_reform_adds_up_predecessors_and_the_one_after_does_not(plan, tvss, figures):
    load(*births("97001", "2025S1", 1, 100), *births("97101", "2025S2", 1, 200))

    first, second = series_through_reform(plan, tvss, figures["X"], ["2025S1", "2025S2"])

    assert first.basis == Basis.PREDECESSORS and first.evaluation.numerator == Decimal(1)
    assert first.evaluation.status == Status.PARTIAL  # C did not report
    assert second.basis == Basis.OWN and second.evaluation.denominator == Decimal(200)


def test_an_old_commune_shows_nothing_after_it_ended(plan, tvss, figures):
    before, after = series_through_reform(plan, tvss, figures["A"], ["2023", "2026"])

    assert before.basis == Basis.OWN and before.evaluation.value == Decimal("7.5")
    assert after.evaluation is None
    assert after.note == "Không có số liệu: đơn vị không còn từ 01/07/2025 (sắp xếp đơn vị hành chính)"


def test_the_province_continues_through_the_reform_as_the_engine_evaluates_it(plan, tvss, figures):
    series = series_through_reform(plan, tvss, figures["97"], ["2023", "2026"])

    for carried in series:
        direct = evaluate(plan, carried.period, [figures["97"]], [tvss])[0]
        assert carried.basis == Basis.OWN and carried.note == ""
        assert (carried.evaluation.numerator, carried.evaluation.denominator) == (
            direct.numerator,
            direct.denominator,
        )
    assert series[0].evaluation.numerator == Decimal(11)  # A + B + C + D in 2023
    assert series[1].evaluation.numerator == Decimal(3)  # X + Y in 2026


def test_the_queries_of_a_series_do_not_grow_with_the_number_of_predecessors(plan, tvss, figures):
    periods = ["2023", "2024", "2026"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            series_through_reform(plan, tvss, figures["X"], periods)
        return len(captured)

    with_two = queries()
    extra = unit("97005", "Xã E", UnitLevel.COMMUNE, figures["970"], valid_to=REFORM)
    succeeds(extra, figures["X"])
    load(*births("97005", "2023", 1, 100))
    with_three = queries()

    assert with_three == with_two
    carried = series_through_reform(plan, tvss, figures["X"], ["2023"])[0]
    assert carried.evaluation.numerator == Decimal(9) and "Cộng từ 3 xã/phường cũ" in carried.note

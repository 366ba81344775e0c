"""The chart's series across the 2025 reform (dashboard.trends): sums over predecessors with their note,
no comparison across a split, each unit's own figures otherwise, small derived counts hidden in a sum too.

Units: the fixture of plans/tests/test_lineage.py (province 97: 2023 communes A, B, C, D of district 970;
from 01/07/2025 X ← A + C, Y ← B part + D, Z ← B part). Small counts: MT05-HCDB = SPECIAL_CIRCUMSTANCES /
CHILDREN_TOTAL × 100, SPECIAL_CIRCUMSTANCES derived from 01/01/2023, 1000 children in each 2023 commune.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataElement
from treem.plans.evaluation import Status
from treem.plans.lineage import Basis
from treem.plans.tests.test_lineage import REFORM, births, load, succeeds, unit
from treem.plans.tests.test_lineage import figures as figures  # noqa: F401 (fixture)
from treem.plans.tests.test_lineage import reform as reform  # noqa: F401 (fixture)
from treem.units.models import UnitLevel

from ..trends import time_series

HCDB = "MT05-HCDB"


def test_series_of_a_merged_commune_adds_its_predecessors_then_shows_its_own(plan, figures):
    tvss = plan.indicators.get(code="MT01-TVSS")

    before, straddling, after = time_series(plan, tvss, figures["X"], ["2023", "2025", "2026"])

    assert before.basis == Basis.PREDECESSORS
    assert (before.shown.numerator, before.shown.denominator, before.shown.value) == (8, 500, 16)
    assert before.note.startswith("Cộng từ 2 xã/phường cũ: Xã A, Xã C")
    assert straddling.basis == Basis.NONE and straddling.evaluation.value is None
    assert straddling.evaluation.status == Status.NO_DATA and "gồm cả trước và sau" in straddling.note
    assert after.basis == Basis.OWN and after.shown.value == Decimal(4) and after.note == ""
    assert [line.evaluation.period for line in (before, straddling, after)] == ["2023", "2025", "2026"]


def test_series_of_a_commune_with_a_split_predecessor_has_a_gap_with_the_reason(plan, figures):
    tvss = plan.indicators.get(code="MT01-TVSS")

    before, after = time_series(plan, tvss, figures["Y"], ["2023", "2026"])

    assert before.evaluation.value is None and before.shown.value is None
    assert before.evaluation.unit == figures["Y"] and before.evaluation.status == Status.NO_DATA
    assert before.note == "Không so sánh: xã cũ Xã B bị chia tách"
    assert after.shown.value == Decimal(4)


def write(rows: list[tuple[str, str, str, int]], *, derivation: bool = False) -> None:
    inputs = [
        ValueInput(el, "default", code, period, value, where=f"{el}/{code}")
        for el, code, period, value in rows
    ]
    summary = import_values(
        inputs, user=None, scope=EntryScope(True), check_outliers=False, derivation=derivation
    )
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


@pytest.fixture
def counted(plan, reform):
    """counted(A, B, C, D): children in special circumstances of the 2023 communes in 2023, as derived."""
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(
        derived_rule="register.special_circumstances", derived_since=datetime.date(2023, 1, 1)
    )
    codes = ["97001", "97002", "97003", "97004"]
    write([("CHILDREN_TOTAL", code, "2023", 1000) for code in codes])

    def write_counts(*counts: int) -> None:
        write(
            [("SPECIAL_CIRCUMSTANCES", code, "2023", n) for code, n in zip(codes, counts, strict=True)],
            derivation=True,
        )

    return write_counts


def hcdb_2023(plan, commune, *, exact: bool = False):
    return time_series(plan, plan.indicators.get(code=HCDB), commune, ["2023"], exact=exact)[0]


def test_a_small_sum_over_predecessors_is_hidden(plan, reform, counted):
    counted(3, 30, 1, 40)  # X = A + C = 4

    line = hcdb_2023(plan, reform["X"])

    assert line.evaluation.numerator == Decimal(4)  # the number itself is unchanged
    assert line.shown.numerator_hidden and line.shown.numerator is None and line.shown.value is None
    assert line.shown.denominator == Decimal(2000)


def test_a_sum_is_hidden_when_a_predecessor_is_hidden_in_its_old_district(plan, reform, counted):
    counted(3, 30, 20, 40)  # A's 3 is hidden in district 970 (with C's 20): 23 − 20 would give it back

    line = hcdb_2023(plan, reform["X"])

    assert line.evaluation.numerator == Decimal(23)
    assert line.shown.numerator_hidden and line.shown.value is None


def test_a_sum_of_predecessors_shown_in_their_district_is_shown(plan, reform, counted):
    counted(10, 30, 20, 40)

    line = hcdb_2023(plan, reform["X"])

    assert (line.shown.numerator, line.shown.denominator, line.shown.value) == (30, 2000, Decimal("1.5"))
    assert line.mark is not None  # marked as counted from records


def test_case_work_sees_the_sum_exactly(plan, reform, counted):
    counted(3, 30, 20, 40)

    line = hcdb_2023(plan, reform["X"], exact=True)

    assert line.shown.numerator == Decimal(23) and not line.shown.value_hidden


def test_the_queries_of_a_series_do_not_grow_with_the_number_of_predecessors(plan, reform, counted):
    counted(10, 30, 20, 40)
    periods = ["2023", "2024", "2026"]
    hcdb = plan.indicators.get(code=HCDB)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            time_series(plan, hcdb, reform["X"], periods)
        return len(captured)

    with_two = queries()
    extra = unit("97005", "Xã E", UnitLevel.COMMUNE, reform["970"], valid_to=REFORM)
    succeeds(extra, reform["X"])
    load(*births("97005", "2023", 0, 10))
    with_three = queries()

    assert with_three == with_two

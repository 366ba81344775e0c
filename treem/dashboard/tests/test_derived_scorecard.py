"""Figures counted from records on the scorecard, drill-down and chart: marked for the periods they are
derived in, small counts hidden outside case management, the numbers themselves unchanged.

Figures: SPECIAL_CIRCUMSTANCES (derived from 01/01/2026) for four communes of Thành phố Huế (474) in 2026S1,
written by the derivation's path: 3, 20, 10 and 0 children, each commune with 1000 children in all
(CHILDREN_TOTAL, typed). In 2025S2 (before derivation) the same communes had typed figures: 2 each.
MT05-HCDB = SPECIAL_CIRCUMSTANCES / CHILDREN_TOTAL × 100.
"""

from __future__ import annotations

import datetime
import html as htmllib
import json
import re

import pytest

from treem.accounts import policy
from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataElement
from treem.plans.evaluation import evaluate
from treem.units.models import AdministrativeUnit

SCORECARD = "/bang-theo-doi/"
DRILLDOWN = "/bang-theo-doi/chi-tiet/MT05-HCDB/"
CHART = "/bang-theo-doi/bieu-do/MT05-HCDB/"
SINCE = datetime.date(2026, 1, 1)
COUNTS = (3, 20, 10, 0)


def communes() -> list[str]:
    return list(
        AdministrativeUnit.objects.filter(parent__code="474").order_by("code").values_list("code", flat=True)
    )[: len(COUNTS)]


def write(inputs: list[ValueInput], *, derivation: bool = False) -> None:
    summary = import_values(
        inputs, user=None, scope=policy.EntryScope(True), check_outliers=False, derivation=derivation
    )
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


@pytest.fixture
def derived(plan):
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(
        derived_rule="register.special_circumstances", derived_since=SINCE
    )
    typed, counted = [], []
    for code, count in zip(communes(), COUNTS, strict=True):
        typed += [
            ValueInput("CHILDREN_TOTAL", "default", code, "2026S1", 1000),
            ValueInput("CHILDREN_TOTAL", "default", code, "2025S2", 1000),
            ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2025S2", 2),
        ]
        counted.append(ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S1", count))
    write(typed)
    write(counted, derivation=True)
    return plan


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, "46")


@pytest.fixture
def case_manager(make_user):
    return make_user(Role.CASE_MANAGER, "46")


def row(html: str, attribute: str, key: str) -> str:
    match = re.search(rf'<tr data-{attribute}="{key}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {attribute}={key}"
    return match.group(1)


def data_value(fragment: str) -> str:
    return re.search(r'class="num value" data-value="([^"]*)"', fragment).group(1)


def counts_cell(fragment: str) -> str:
    cell = re.search(r'data-label="Tử số / Mẫu số"[^>]*>(.*?)</td>', fragment, re.S).group(1)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def page(client, url: str, **params) -> str:
    response = client.get(url, {"period": "2026S1", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_indicator_counted_from_records_is_marked_for_derived_periods_only(client, derived, leader):
    client.force_login(leader)
    html = page(client, SCORECARD, unit="474")
    hcdb = row(html, "indicator", "MT05-HCDB")
    assert "Tự động từ hồ sơ" in hcdb
    assert "tính từ sổ theo dõi trẻ em và hồ sơ trường hợp, không nhập tay" in hcdb
    assert "SPECIAL_CIRCUMSTANCES" in hcdb and "01/01/2026" in hcdb
    assert "Tự động từ hồ sơ" not in row(html, "indicator", "MT01-TVSS")  # typed figures

    before = client.get(SCORECARD, {"period": "2025S2", "unit": "474"}).content.decode()
    assert "Tự động từ hồ sơ" not in row(before, "indicator", "MT05-HCDB")


def test_a_year_derived_from_mid_year_is_marked_as_partly_derived(client, derived, leader):
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(derived_since=datetime.date(2026, 7, 1))
    client.force_login(leader)
    html = client.get(SCORECARD, {"period": "2026", "unit": "474"}).content.decode()
    assert "Một phần tự động từ hồ sơ" in row(html, "indicator", "MT05-HCDB")


def test_case_manager_with_second_factor_sees_the_exact_numbers_evaluate_gives(
    client, derived, plan, case_manager
):
    sign_in_with_factor(client, case_manager)
    commune = AdministrativeUnit.objects.get(code=communes()[0])
    expected = evaluate(plan, "2026S1", [commune], list(plan.indicators.filter(code="MT05-HCDB")))[0]
    assert (expected.numerator, expected.denominator) == (3, 1000)
    hcdb = row(page(client, SCORECARD, unit=commune.code), "indicator", "MT05-HCDB")
    assert counts_cell(hcdb) == "3 / 1.000"
    assert data_value(hcdb) == "0.30"
    assert 'class="trend ' in hcdb  # 0,2 % in 2025S2
    assert "Tự động từ hồ sơ" in hcdb  # marked for everyone


@pytest.mark.parametrize("role", [Role.LEADER, Role.PROVINCE_COORDINATOR])
def test_small_derived_count_and_its_rate_are_hidden_outside_case_management(
    client, derived, make_user, role
):
    client.force_login(make_user(role, "46"))
    html = page(client, SCORECARD, unit=communes()[0])
    hcdb = row(html, "indicator", "MT05-HCDB")
    assert counts_cell(hcdb) == "< 5 / 1.000"
    assert data_value(hcdb) == ""  # no machine-readable value left behind either
    assert ">0,3<" not in hcdb and "0.30" not in hcdb
    assert 'data-hidden="value"' in hcdb
    assert 'class="trend ' not in hcdb  # an arrow would place the hidden value against the previous one
    assert "“&lt; 5”" in html and "tỷ lệ tính từ chúng được ẩn" in html


def test_case_manager_without_second_factor_sees_hidden_counts_like_anyone(client, derived, case_manager):
    client.force_login(case_manager)  # password only
    hcdb = row(page(client, SCORECARD, unit=communes()[0]), "indicator", "MT05-HCDB")
    assert counts_cell(hcdb) == "< 5 / 1.000"


def test_zero_and_large_counts_stay_and_typed_small_counts_are_not_hidden(client, derived, leader):
    client.force_login(leader)
    zero = row(page(client, SCORECARD, unit=communes()[3]), "indicator", "MT05-HCDB")
    assert counts_cell(zero) == "0 / 1.000"
    assert data_value(zero) == "0.00"
    # the previous period (2025S2) was typed: its 2 children per commune are shown, not hidden
    typed = client.get(SCORECARD, {"period": "2025S2", "unit": communes()[0]}).content.decode()
    assert counts_cell(row(typed, "indicator", "MT05-HCDB")) == "2 / 1.000"


def test_drilldown_hides_a_second_commune_so_the_total_does_not_give_the_first_back(client, derived, leader):
    client.force_login(leader)
    html = page(client, DRILLDOWN, unit="474")
    first, second, third, fourth = communes()
    assert counts_cell(row(html, "unit", first)) == "< 5 / 1.000"  # 3: small
    assert counts_cell(row(html, "unit", third)) == "< 5 / 1.000"  # 10, the smallest other: hidden with it
    assert data_value(row(html, "unit", third)) == ""
    assert counts_cell(row(html, "unit", second)) == "20 / 1.000"
    assert counts_cell(row(html, "unit", fourth)) == "0 / 1.000"
    assert "Tự động từ hồ sơ" in html
    # the district's total (33 of the four communes' figures) is shown
    assert re.search(r"33 / \d", re.sub(r"<[^>]+>", "", html))


def test_drilldown_is_exact_for_a_case_manager_with_second_factor(client, derived, case_manager):
    sign_in_with_factor(client, case_manager)
    html = page(client, DRILLDOWN, unit="474")
    assert counts_cell(row(html, "unit", communes()[0])) == "3 / 1.000"
    assert counts_cell(row(html, "unit", communes()[2])) == "10 / 1.000"
    assert "&lt; 5" not in html


def test_chart_carries_no_hidden_value_and_marks_the_series_by_source(client, derived, leader):
    client.force_login(leader)
    html = page(client, CHART, unit=communes()[0])
    figures = [
        json.loads(block)
        for block in re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    ]
    over_time = figures[-1]["data"][0]  # the commune's own value is hidden: no bar to draw, no by-unit figure
    assert over_time["y"] and all(y is None or y != 0.3 for y in over_time["y"])
    assert data_value(row(html, "period", "2026S1")) == ""
    assert "Tự động từ hồ sơ" in row(html, "period", "2026S1")
    assert "Nhập tay" in row(html, "period", "2023S1")  # the plan's year: before derivation


def test_scorecard_shows_the_children_owed_a_benefit_per_commune_with_the_list_for_case_roles(
    client, derived, leader, case_manager
):
    client.force_login(leader)
    html = page(client, SCORECARD, unit="474")
    panel = re.search(r'<section class="card unserved".*?</section>', html, re.S).group(0)
    assert "Trẻ em đủ điều kiện chưa được hưởng trợ cấp xã hội" in panel
    assert f'data-unit="{communes()[0]}"' in panel  # a row per commune of the district
    assert "/so-theo-doi/chua-duoc-huong/" not in panel
    sign_in_with_factor(client, case_manager)
    panel = re.search(
        r'<section class="card unserved".*?</section>', page(client, SCORECARD, unit="474"), re.S
    )
    assert "/so-theo-doi/chua-duoc-huong/?dv=474" in panel.group(0)

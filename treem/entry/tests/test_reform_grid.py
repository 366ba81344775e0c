"""Entry follows the tree of the period: the 2026 grid of Huế lists the 2025 communes right under the
province, the 2023 grid the 2023 ones by district; a unit code in the URL names the version of its period."""

from __future__ import annotations

import re

import pytest

from treem.accounts.models import Role
from treem.indicators.models import DataValue
from treem.indicators.periods import get_period
from treem.units.models import Agency
from treem.units.scope import Scope
from treem.units.testing_reform import build_reform_trees, user_at

from ..forms import EntryChoiceForm
from ..selectors import entry_grid


@pytest.fixture
def trees(db):
    return build_reform_trees()


@pytest.fixture
def as_coordinator(client, trees):
    client.force_login(user_at(Role.PROVINCE_COORDINATOR, trees.province, "SYT"))
    return client


def row_units(html: str) -> list[str]:
    return re.findall(r'<tr data-unit="([^"]+)">', html)


def test_the_2026_grid_lists_the_2025_communes_under_the_province_with_no_district_level(trees):
    grid = entry_grid(
        Scope(all_provinces=True), Agency.objects.get(code="SYT"), get_period("2026S1"), trees.province
    )

    communes = [row.unit for row in grid.rows if row.unit.level == "commune"]
    assert communes == sorted(trees.communes_2025, key=lambda u: u.path)
    assert all(row.group is None for row in grid.rows)
    assert not [row.unit for row in grid.rows if row.unit.level == "district"]


def test_the_2023_grid_still_lists_the_2023_communes_by_district(trees):
    grid = entry_grid(
        Scope(all_provinces=True), Agency.objects.get(code="SYT"), get_period("2023S1"), trees.province
    )

    rows = {row.unit.pk: row.group for row in grid.rows}
    assert rows[trees.commune_2023.pk] == trees.district_2023
    assert trees.commune_2025.pk not in rows


def test_a_cell_of_the_2026_page_saves_on_the_2025_commune(as_coordinator, trees):
    page = "/so-lieu/SYT/2026S1/46/"
    html = as_coordinator.get(page).content.decode()
    assert "19900" in row_units(html) and "19750" not in row_units(html)

    response = as_coordinator.post(f"{page}o/19900/LIVE_BIRTHS/default/", {"value": "12"})

    assert response.status_code == 200
    assert (
        DataValue.objects.get(element__code="LIVE_BIRTHS", period__code="2026S1").unit == trees.commune_2025
    )


def test_the_page_of_a_2023_district_for_2026_says_the_district_no_longer_exists(as_coordinator, trees):
    response = as_coordinator.get("/so-lieu/SYT/2026S1/474/", follow=True)

    assert response.redirect_chain[-1][0] == "/so-lieu/"
    assert "không tồn tại trong kỳ" in response.content.decode()


def test_the_index_refuses_a_unit_of_another_tree_than_the_period(trees):
    periods = [("2023S1", "6 tháng đầu năm 2023"), ("2026S1", "6 tháng đầu năm 2026")]
    units = [trees.province, trees.district_2023, *trees.communes_2025]
    agencies = Agency.objects.filter(code="SYT")
    data = {"agency": "SYT", "period": "2026S1", "unit": "474"}

    refused = EntryChoiceForm(data, agencies=agencies, periods=periods, units=units)
    accepted = EntryChoiceForm({**data, "unit": "20014"}, agencies=agencies, periods=periods, units=units)

    assert not refused.is_valid()
    assert "Thành phố Huế (474) không tồn tại trong kỳ 6 tháng đầu năm 2026" in str(
        refused.non_field_errors()
    )
    assert accepted.is_valid()
    assert "(đến 30/06/2025)" in dict(refused.fields["unit"].choices)["474"]


def test_a_district_officer_of_2023_enters_only_its_2023_communes(client, trees):
    officer = user_at(Role.DISTRICT_OFFICER, trees.district_2023, "UBND-474")
    client.force_login(officer)

    assert client.get("/so-lieu/SYT/2023S1/19900/").status_code == 200
    # Its 2023 commune 19900 did not exist in 2026 (the 2025 one is outside its area): sent back, told why.
    assert client.get("/so-lieu/SYT/2026S1/19900/").status_code == 302
    assert client.get("/so-lieu/SYT/2026S1/20014/").status_code == 302
    assert client.get("/so-lieu/SYT/2026S1/19903/").status_code == 404  # a commune of another district

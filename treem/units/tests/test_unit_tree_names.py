"""The unit tree of a past day names each unit as it was named that day."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.units.testing_reform import build_reform_trees, user_at


def province_name(html: str) -> str:
    return html.split('<li data-unit="46">')[1].split('<span class="unit-name">')[1].split("</span>")[0]


@pytest.fixture
def trees(db):
    trees = build_reform_trees()
    province = trees.province
    province.former_names = [{"name": "Tỉnh Thừa Thiên Huế", "unit_type": "tỉnh", "until": "2025-01-01"}]
    province.name = "Thành phố Huế"
    province.save()
    return trees


def test_the_2023_tree_is_rooted_at_the_province_of_its_2023_name(client, trees):
    client.force_login(user_at(Role.LEADER, trees.province))

    in_2023 = client.get("/don-vi/", {"ngay": "01/01/2023"}).content.decode()
    today = client.get("/don-vi/").content.decode()

    assert province_name(in_2023) == "Tỉnh Thừa Thiên Huế"
    assert province_name(today) == "Thành phố Huế" and "Tỉnh Thừa Thiên Huế" not in today


def test_the_search_row_of_the_unit_tree_wraps_with_the_units_stylesheet(client, trees):
    client.force_login(user_at(Role.LEADER, trees.province))

    html = client.get("/don-vi/").content.decode()

    assert 'class="search unit-search"' in html and "units/units.css" in html

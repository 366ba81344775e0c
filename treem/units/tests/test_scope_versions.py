"""Scopes, lookups by code and the unit pages through the 2025 reform: a code names a unit only with a
time; an officer's area is the subtree of its own unit, whichever tree that unit belongs to."""

from __future__ import annotations

import datetime

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope, unit_in_scope
from treem.units.testing_reform import REFORM_DAY, build_reform_trees, user_at

EVERYWHERE = Scope(all_provinces=True)
YEAR_2023 = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
YEAR_2026 = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


@pytest.fixture
def trees(db):
    return build_reform_trees()


def test_a_code_names_the_version_of_the_period_asked(trees):
    assert unit_in_scope(EVERYWHERE, "19900", during=YEAR_2023) == trees.commune_2023
    assert unit_in_scope(EVERYWHERE, "19900", during=YEAR_2026) == trees.commune_2025
    # 2025 holds both trees: the later one wins, as AdministrativeUnit.objects.version_of.
    assert unit_in_scope(
        EVERYWHERE, "19900", during=(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    ) == (trees.commune_2025)


def test_without_a_period_a_code_names_todays_unit_or_the_last_one_of_a_former_code(trees):
    assert unit_in_scope(EVERYWHERE, "19900") == trees.commune_2025
    assert unit_in_scope(EVERYWHERE, "474") == trees.district_2023  # no 2025 district: still reachable
    assert unit_in_scope(EVERYWHERE, "19750", during=YEAR_2026) is None
    assert unit_in_scope(EVERYWHERE, "19900\x00") is None


def test_a_commune_officer_of_the_2025_commune_sees_only_its_unit(trees):
    scope = scope_for(user_at(Role.COMMUNE_OFFICER, trees.commune_2025))

    assert list(scope.units()) == [trees.commune_2025]
    assert unit_in_scope(scope, "19900", during=YEAR_2023) is None  # the 2023 commune is not its area
    assert unit_in_scope(scope, "19900") == trees.commune_2025
    assert scope.entry.allows_unit(trees.commune_2025) and not scope.entry.allows_unit(trees.commune_2023)


def test_a_district_officer_of_2023_sees_the_2023_subtree_only(trees):
    scope = scope_for(user_at(Role.DISTRICT_OFFICER, trees.district_2023, "UBND-474"))

    seen = set(scope.units())
    assert trees.commune_2023 in seen and trees.district_2023 in seen
    assert not seen & set(trees.communes_2025)
    assert all(unit.path.startswith("46/474/") for unit in seen)
    assert unit_in_scope(scope, "19900") == trees.commune_2023  # its own version, though no longer valid
    assert scope.province_path == "46/"


def test_the_unit_tree_page_shows_the_tree_of_the_day_asked(client, trees):
    client.force_login(user_at(Role.LEADER, trees.province))

    today = client.get("/don-vi/").content.decode()
    before = client.get("/don-vi/", {"ngay": "30/06/2025"}).content.decode()
    wrong = client.get("/don-vi/", {"ngay": "31/02/2025"})

    assert "Phường Thuận An" in today and "Phường Tây Lộc" not in today and "Thành phố Huế" not in today
    assert "Phường Tây Lộc" in before and "Phường Mỹ Thượng" not in before
    assert wrong.status_code == 200 and "không hợp lệ" in wrong.content.decode()


def test_the_units_api_gives_the_version_of_the_day_asked(client, trees):
    client.force_login(user_at(Role.LEADER, trees.province))

    today = client.get("/api/units/19900/").json()
    before = client.get("/api/units/19900/", {"on": "2024-05-01"}).json()
    listed = client.get("/api/units/", {"on": str(REFORM_DAY), "parent__code": "46"}).json()
    bad = client.get("/api/units/19900/", {"on": "hôm qua"})

    assert (today["path"], today["parent_code"]) == ("46/19900@20250701/", "46")
    assert (before["path"], before["parent_code"]) == ("46/474/19900/", "474")
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {row["path"] for row in rows} >= {u.path for u in trees.communes_2025}
    assert "46/474/19900/" not in {row["path"] for row in rows}
    assert bad.status_code == 400
    assert AdministrativeUnit.objects.filter(code="19900").count() == 2

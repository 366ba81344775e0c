"""After the 2025 reform a GSO code names a 2023 and a 2025 unit: a figure lands on the version of its
code that existed in its period, and one whose unit did not exist then is refused by name."""

from __future__ import annotations

import json

import pytest

from treem.indicators.models import DataValue
from treem.units.testing_reform import build_reform_trees

from .api_helpers import URL, post


@pytest.fixture
def trees(db):
    return build_reform_trees()


def values(*rows: tuple[str, str, str]) -> str:
    """(unit code, period, value) rows of LIVE_BIRTHS as dataValueSets JSON."""
    return json.dumps(
        {
            "dataValues": [
                {"dataElement": "LIVE_BIRTHS", "orgUnit": unit, "period": period, "value": value}
                for unit, period, value in rows
            ]
        }
    )


def test_a_2023_value_lands_on_the_2023_commune_and_a_2026_value_on_the_2025_one(client, syt_reporter, trees):
    response = post(client, syt_reporter, values(("19900", "2023S1", "40"), ("19900", "2026S1", "70")))

    assert response.status_code == 200, response.content
    on = {dv.period.code: dv.unit for dv in DataValue.objects.filter(unit__code="19900")}
    assert on == {"2023S1": trees.commune_2023, "2026S1": trees.commune_2025}
    assert trees.commune_2023.path == "46/474/19900/"
    assert trees.commune_2025.path == "46/19900@20250701/"


def test_a_figure_on_a_unit_that_did_not_exist_in_its_period_is_refused_by_name(client, syt_reporter, trees):
    response = post(client, syt_reporter, values(("19750", "2026S1", "5")))

    assert response.status_code == 409
    [conflict] = response.json()["response"]["conflicts"]
    assert (conflict["object"], conflict["property"], conflict["errorCode"]) == ("19750", "orgUnit", "E7612")
    assert "Phường Tây Lộc" in conflict["value"]
    assert "không tồn tại trong kỳ" in conflict["value"]
    assert "2026" in conflict["value"]
    assert not DataValue.objects.filter(unit__code="19750").exists()


def test_the_export_reads_the_version_of_the_code_of_the_periods_asked(client, syt_reporter, trees):
    post(client, syt_reporter, values(("19900", "2023S1", "40"), ("19900", "2026S1", "70")))

    old = client.get(URL, {"period": "2023S1", "orgUnit": "19900"}).json()["dataValues"]
    new = client.get(URL, {"period": "2026S1", "orgUnit": "19900"}).json()["dataValues"]

    assert [(v["period"], v["value"]) for v in old] == [("2023S1", "40")]
    assert [(v["period"], v["value"]) for v in new] == [("2026S1", "70")]


def test_a_code_outside_the_periods_asked_is_the_same_404_as_a_missing_one(client, syt_reporter, trees):
    client.force_login(syt_reporter)

    response = client.get(URL, {"period": "2026S1", "orgUnit": "19750"})

    assert response.status_code == 404


def test_a_unit_outside_the_scope_is_not_named_even_when_it_did_not_exist_then(client, trees):
    from treem.accounts.models import Role
    from treem.units.models import AdministrativeUnit
    from treem.units.testing_reform import user_at

    officer = user_at(Role.DISTRICT_OFFICER, AdministrativeUnit.objects.get(code="478"), "UBND-478")

    response = post(client, officer, values(("19750", "2026S1", "5")))

    [conflict] = response.json()["response"]["conflicts"]
    assert conflict["value"] == "không có đơn vị hành chính mã '19750' trong phạm vi của bạn"
    assert conflict["errorCode"] == "E7612"  # as for a code that does not exist: existence is not told

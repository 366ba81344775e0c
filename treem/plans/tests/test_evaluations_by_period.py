"""/api/evaluations/ after the 2025 reform: `orgUnit` codes name the version of the period asked (2023
commune 19900 for 2023, 2025 phường Thuận An for 2026), and a unit that did not exist then is a 404."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.indicators.tests.api_helpers import seed
from treem.units.testing_reform import build_reform_trees, user_at

URL = "/api/evaluations/"


@pytest.fixture
def trees(db):
    return build_reform_trees()


@pytest.fixture
def coordinator_client(client, trees, plan):
    client.force_login(user_at(Role.PROVINCE_COORDINATOR, trees.province, "SYT"))
    return client


def neonatal(client, period: str, unit: str):
    return client.get(URL, {"plan": "tth-2023", "period": period, "orgUnit": unit, "indicator": "MT01-TVSS"})


def test_the_unit_codes_are_resolved_by_the_period(coordinator_client, trees):
    seed(
        ("LIVE_BIRTHS", "19900", "2023", "400"),
        ("NEONATAL_DEATHS", "19900", "2023", "2"),
        ("LIVE_BIRTHS", "19900", "2026", "500"),
        ("NEONATAL_DEATHS", "19900", "2026", "5"),
    )

    [old] = neonatal(coordinator_client, "2023", "19900").json()
    [new] = neonatal(coordinator_client, "2026", "19900").json()

    assert (old["numerator"], old["denominator"]) == (2, 400)
    assert (new["numerator"], new["denominator"]) == (5, 500)


def test_a_unit_that_did_not_exist_in_the_period_is_a_404(coordinator_client, trees):
    assert neonatal(coordinator_client, "2026", "19750").status_code == 404
    assert neonatal(coordinator_client, "2023", "19750").status_code == 200

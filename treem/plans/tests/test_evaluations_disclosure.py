"""GET /api/evaluations/ carries figures counted from children's records as the dashboard shows them:
outside case management a derived count of 1 … 4 and the rate from it are null and named in `hidden`,
with the same complementary hiding among sibling units as the drill-down, whichever units are asked for.
Figures: treem.indicators.tests.test_disclosure_rule.derived_figures (3, 20, 10, 0 children in 2026S1)."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.indicators.tests.test_disclosure_rule import OUTSIDE_CASE_MANAGEMENT, derived_figures

URL = "/api/evaluations/"


@pytest.fixture
def figures(plan):
    return derived_figures()


def evaluations(client, *units: str, period: str = "2026S1", indicator: str = "MT05-HCDB") -> dict:
    params = {"plan": "tth-2023", "period": period, "orgUnit": list(units), "indicator": indicator}
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {row["unit"]: row for row in response.json()}


def reader(make_user, role):
    return make_user(role, None if role == Role.NATIONAL else "46")


@pytest.mark.parametrize("role", OUTSIDE_CASE_MANAGEMENT)
def test_a_small_derived_count_and_its_rate_are_null_outside_case_management(
    client, figures, make_user, role
):
    client.force_login(reader(make_user, role))
    row = evaluations(client, figures[0])[figures[0]]
    assert (row["numerator"], row["denominator"], row["value"]) == (None, 1000, None)
    assert row["hidden"] == ["numerator", "value"]
    assert row["derived"] is True
    assert row["status"]  # the verdict stays, as on the scorecard


def test_the_drilldowns_complement_is_hidden_even_when_asked_for_alone(client, figures, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    rows = evaluations(client, "474", *figures)
    first, second, third, fourth = figures
    assert rows["474"]["numerator"] == 33 and rows["474"]["hidden"] == []  # the total is shown
    assert rows[third]["numerator"] is None and rows[third]["hidden"] == ["numerator", "value"]
    assert (rows[second]["numerator"], rows[fourth]["numerator"]) == (20, 0)
    assert rows[fourth]["value"] == 0 and rows[fourth]["hidden"] == []
    alone = evaluations(client, third)[third]
    assert alone["numerator"] is None and alone["hidden"] == ["numerator", "value"]


def test_case_manager_with_the_second_factor_gets_the_exact_numbers(client, figures, make_user):
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    rows = evaluations(client, *figures)
    assert (rows[figures[0]]["numerator"], rows[figures[0]]["value"]) == (3, 0.3)
    assert rows[figures[2]]["numerator"] == 10
    assert all(row["hidden"] == [] for row in rows.values())


def test_case_manager_without_the_second_factor_gets_them_hidden(client, figures, make_user):
    client.force_login(make_user(Role.CASE_MANAGER, "46"))
    assert evaluations(client, figures[0])[figures[0]]["hidden"] == ["numerator", "value"]


def test_a_derived_denominator_is_hidden_with_the_rate(client, figures, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    # MT05-HCDB-TG = SPECIAL_CIRCUMSTANCES_CARED / SPECIAL_CIRCUMSTANCES: no value without a numerator,
    # but the denominator (3 children) is itself a small derived count
    row = evaluations(client, figures[0], indicator="MT05-HCDB-TG")[figures[0]]
    assert row["denominator"] is None and "denominator" in row["hidden"]


def test_typed_figures_are_never_hidden_however_small(client, figures, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    row = evaluations(client, figures[0], period="2025S2")[figures[0]]  # typed: 2 of 1000
    assert (row["numerator"], row["value"], row["hidden"], row["derived"]) == (2, 0.2, [], False)

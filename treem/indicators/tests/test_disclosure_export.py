"""GET /api/dataValueSets leaves out the derived values a reader may not see: values of 1 … 4 counted from
children's records outside case management, with their complements, and says how many in
X-Withheld-Values. Figures: test_disclosure_rule.derived_figures (3, 20, 10, 0 children in 2026S1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from treem.accounts.models import Role
from treem.accounts.otp import ensure_totp_device
from treem.accounts.testing_otp import sign_in_with_factor
from treem.indicators.datavalues import ValueInput

from .test_disclosure_rule import OUTSIDE_CASE_MANAGEMENT, derived_figures, write

URL = "/api/dataValueSets"


@pytest.fixture
def figures(db):
    return derived_figures()


def read(
    client,
    unit: str,
    period: str = "2026S1",
    element: str = "SPECIAL_CIRCUMSTANCES",
    children: str = "true",
    **headers,
):
    params = {"period": period, "orgUnit": unit, "dataElement": element, "children": children}
    response = client.get(URL, params, **headers)
    assert response.status_code == 200, response.content
    values = {(v["orgUnit"], v["categoryOptionCombo"]): v["value"] for v in response.json()["dataValues"]}
    return values, int(response["X-Withheld-Values"])


def read_deleted(client, unit: str = "474") -> list[tuple[str, str, str]]:
    """(orgUnit, value, storedBy) of the deleted values a read with includeDeleted gives."""
    params = {"period": "2026S1", "orgUnit": unit, "children": "true", "includeDeleted": "true"}
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [(v["orgUnit"], v["value"], v["storedBy"]) for v in response.json()["dataValues"] if v["deleted"]]


def reader(make_user, role):
    return make_user(role, None if role == Role.NATIONAL else "46")


@pytest.mark.parametrize("role", OUTSIDE_CASE_MANAGEMENT)
def test_a_small_derived_value_and_its_complement_are_left_out_outside_case_management(
    client, figures, make_user, role
):
    client.force_login(reader(make_user, role))
    values, withheld = read(client, "474")
    first, second, third, fourth = figures
    assert (first, "default") not in values  # 3
    assert (third, "default") not in values  # 10: the smallest other, or 33 − 20 − 0 gives the 3 back
    assert values[(second, "default")] == "20"
    assert values[(fourth, "default")] == "0"
    assert withheld == 2


def test_asking_for_the_complement_alone_does_not_bring_it_back(client, figures, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    for code in (figures[0], figures[2]):
        values, withheld = read(client, code)
        assert values == {} and withheld == 1
    values, withheld = read(client, figures[1])
    assert values == {(figures[1], "default"): "20"} and withheld == 0


def test_a_unit_asked_without_its_children_keeps_its_value_withheld(client, figures, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    for code in (figures[0], figures[2]):
        values, withheld = read(client, code, children="false")
        assert values == {} and withheld == 1
    values, withheld = read(client, figures[1], children="false")
    assert values == {(figures[1], "default"): "20"} and withheld == 0
    assert read(client, "474", children="false") == ({}, 0)  # the district has no value of its own


def test_a_deleted_derived_value_reaches_only_those_who_see_it_exactly(client, figures, make_user):
    deleted = [ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S1", "") for code in figures[:2]]
    write(deleted, derivation=True)
    client.force_login(make_user(Role.LEADER, "46"))
    assert read_deleted(client) == []
    assert read_deleted(client, figures[0]) == []
    manager = make_user(Role.CASE_MANAGER, "46")
    client.force_login(manager)  # without the second factor
    assert read_deleted(client) == []
    sign_in_with_factor(client, manager)
    assert read_deleted(client) == [(figures[0], "3", ""), (figures[1], "20", "")]


def test_case_manager_with_the_second_factor_gets_every_value(client, figures, make_user):
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    values, withheld = read(client, "474")
    assert [values[(code, "default")] for code in figures] == ["3", "20", "10", "0"]
    assert withheld == 0


def test_case_manager_without_the_second_factor_gets_them_left_out(client, figures, make_user):
    client.force_login(make_user(Role.CASE_MANAGER, "46"))
    values, withheld = read(client, "474")
    assert (figures[0], "default") not in values and withheld == 2


def test_commune_officer_with_the_factor_sees_its_own_commune_exactly(client, figures, make_user):
    sign_in_with_factor(client, make_user(Role.COMMUNE_OFFICER, figures[0]))
    values, withheld = read(client, figures[0])
    assert values == {(figures[0], "default"): "3"} and withheld == 0


def test_an_api_token_counts_as_verified_only_when_made_after_the_factor(client, figures, make_user):
    manager = make_user(Role.CASE_MANAGER, "46")
    token = Token.objects.create(user=manager)
    ensure_totp_device(manager)  # set up after the token: that token was not made in a verified session
    values, withheld = read(client, "474", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert withheld == 2
    Token.objects.filter(pk=token.pk).update(created=timezone.now() + timedelta(seconds=1))
    values, withheld = read(client, "474", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert values[(figures[0], "default")] == "3" and withheld == 0


def test_typed_values_are_never_left_out_however_small(client, figures, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    values, withheld = read(client, "474", period="2025S2")  # before derived_since: typed, 2 each
    assert [values[(code, "default")] for code in figures] == ["2", "2", "2", "2"]
    assert withheld == 0
    values, withheld = read(client, "474", element="CHILDREN_TOTAL")
    assert withheld == 0 and len(values) == 4


def test_a_lone_small_category_takes_another_category_of_the_element_with_it(client, figures, make_user):
    commune = figures[1]
    closed = [("within_30_days", 3), ("from_31_to_90_days", 6), ("over_90_days", 0)]
    write([ValueInput("CASES_CLOSED", combo, commune, "2026S1", n) for combo, n in closed], derivation=True)
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46"))
    values, withheld = read(client, commune, element="CASES_CLOSED")
    # the commune's total (9) is published by evaluations: 9 − 6 − 0 would give the 3 back
    assert values == {(commune, "over_90_days"): "0"}
    assert withheld == 2

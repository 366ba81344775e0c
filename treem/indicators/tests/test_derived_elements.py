"""A derived element's value (the plan file's `derived`) cannot be typed for the periods it is derived in,
whatever the entry route: each refuses it with the same message and writes nothing. Periods starting
before its `since` take typed figures as before; the computation (`derivation=True`) writes them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values, save_cell
from treem.indicators.models import DataElement, DataValue
from treem.indicators.resolver import derived_refusal

from .api_helpers import URL

ELEMENT, COMMUNE = "SPECIAL_CIRCUMSTANCES", "19903"
DERIVED_PERIOD, EARLIER_PERIOD = "2026", "2025"  # the tth-2023 plan derives it from 01/01/2026


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def refusal(db) -> str:
    return derived_refusal(DataElement.objects.get(code=ELEMENT))


def test_the_refusal_names_the_element_the_day_and_what_to_do(refusal):
    assert refusal.startswith(ELEMENT)
    assert "01/01/2026" in refusal
    assert "không nhập tay được" in refusal


def test_a_typed_cell_of_a_derived_period_is_refused_and_nothing_is_written(coordinator, refusal):
    summary = save_cell(coordinator, ELEMENT, "default", COMMUNE, DERIVED_PERIOD, "12")

    assert [c.text for c in summary.conflicts] == [refusal]
    assert not DataValue.objects.filter(element__code=ELEMENT).exists()


def test_a_typed_cell_of_a_period_before_since_is_written(coordinator):
    summary = save_cell(coordinator, ELEMENT, "default", COMMUNE, EARLIER_PERIOD, "12")

    assert not summary.conflicts
    value = DataValue.objects.get(element__code=ELEMENT, period__code=EARLIER_PERIOD)
    assert value.value == 12 and value.stored_by == coordinator


def test_an_import_with_a_derived_value_is_refused_whole_even_with_a_full_scope(refusal):
    inputs = [
        ValueInput("CHILDREN_TOTAL", "default", COMMUNE, DERIVED_PERIOD, "900", where="dòng 2"),
        ValueInput(ELEMENT, "default", COMMUNE, DERIVED_PERIOD, "3", where="dòng 3"),
    ]

    summary = import_values(inputs, user=None, scope=EntryScope(True))

    assert [(c.where, c.field, c.text) for c in summary.conflicts] == [("dòng 3", "dataElement", refusal)]
    assert not DataValue.objects.exists()


def test_a_second_input_of_the_same_derived_cell_is_refused_too(refusal):
    """The resolver's fast path (codes already seen good) must not let a derived value through."""
    inputs = [
        ValueInput(ELEMENT, "default", COMMUNE, EARLIER_PERIOD, "3", where="dòng 2"),
        ValueInput(ELEMENT, "default", "19900", DERIVED_PERIOD, "3", where="dòng 3"),
        ValueInput(ELEMENT, "default", "19900", DERIVED_PERIOD, "4", where="dòng 4"),
    ]

    summary = import_values(inputs, user=None, scope=EntryScope(True))

    assert {c.where for c in summary.conflicts if c.text == refusal} == {"dòng 3", "dòng 4"}
    assert not DataValue.objects.exists()


def test_a_disaggregated_derived_element_is_refused_for_each_combo(db):
    element = DataElement.objects.get(code="CASES_CLOSED")
    inputs = [
        ValueInput("CASES_CLOSED", combo, COMMUNE, f"{DERIVED_PERIOD}S1", "1", where=combo)
        for combo in ("within_30_days", "over_90_days")
    ]

    summary = import_values(inputs, user=None, scope=EntryScope(True))

    assert [c.text for c in summary.conflicts] == [derived_refusal(element)] * 2


def test_the_computation_writes_the_derived_value(db):
    summary = import_values(
        [ValueInput(ELEMENT, "default", COMMUNE, DERIVED_PERIOD, "3")],
        user=None,
        scope=EntryScope(True),
        derivation=True,
    )

    assert not summary.conflicts
    assert DataValue.objects.get(element__code=ELEMENT).value == Decimal(3)


def test_the_dhis2_api_refuses_a_derived_value_with_the_message(client, coordinator, refusal):
    body = {
        "dataValues": [
            {
                "dataElement": ELEMENT,
                "categoryOptionCombo": "default",
                "orgUnit": COMMUNE,
                "period": p,
                "value": 5,
            }
            for p in (DERIVED_PERIOD, EARLIER_PERIOD)
        ]
    }
    client.force_login(coordinator)

    response = client.post(URL, data=json.dumps(body), content_type="application/json")

    assert response.status_code == 409
    [conflict] = response.json()["response"]["conflicts"]
    assert (conflict["object"], conflict["value"]) == (ELEMENT, refusal)
    assert (conflict["errorCode"], conflict["indexes"]) == ("E7643", [0])
    assert not DataValue.objects.exists()


def test_the_dhis2_api_takes_a_value_of_a_period_before_since(client, coordinator):
    body = {
        "dataValues": [
            {
                "dataElement": ELEMENT,
                "categoryOptionCombo": "default",
                "orgUnit": COMMUNE,
                "period": "2025S2",
                "value": 5,
            }
        ]
    }
    client.force_login(coordinator)

    response = client.post(URL, data=json.dumps(body), content_type="application/json")

    assert response.status_code == 200
    assert DataValue.objects.get(element__code=ELEMENT).value == 5

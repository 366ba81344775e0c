"""GET /api/dataValueSets and export_datavalues write values as DHIS2 does: its fields and formats, and its
filters (children, startDate/endDate, lastUpdated, includeDeleted); anything else is refused by name."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from treem.accounts.models import Role
from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue

from .api_helpers import URL, post, web_message

DHIS2_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


@pytest.fixture
def coordinator(client, make_user):
    user = make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")
    client.force_login(user)
    return user


def read(client, **params) -> list[dict]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()["dataValues"]


def cells(values: list[dict]) -> list[tuple]:
    return sorted((v["dataElement"], v["orgUnit"], v["period"], v["value"], v["deleted"]) for v in values)


def delete(element: str, unit: str, period: str, user=None) -> None:
    summary = import_values(
        [ValueInput(element, "default", unit, period, "")], user=user, scope=EntryScope(True)
    )
    assert summary.deleted == 1


# --- fields ------------------------------------------------------------------------------------------------------


def test_a_value_is_exported_with_every_dhis2_field_in_its_format(client, officer_478):
    body = json.dumps(
        {"dataValues": [{"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19903", "value": "600",
                         "comment": "theo sổ A1"}]}
    )  # fmt: skip
    assert post(client, officer_478, body).status_code == 200

    [value] = read(client, period="2023S1", orgUnit="19903")

    assert list(value) == [
        "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value", "storedBy",
        "created", "lastUpdated", "comment", "followup", "deleted",
    ]  # fmt: skip
    assert value["attributeOptionCombo"] == "default"
    assert value["storedBy"] == officer_478.username
    assert DHIS2_TIME.match(value["created"]) and DHIS2_TIME.match(value["lastUpdated"])
    assert (value["comment"], value["followup"], value["deleted"]) == ("theo sổ A1", False, False)
    stored = DataValue.objects.get()
    expected = stored.updated_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert value["lastUpdated"].startswith(expected)


def test_the_csv_export_has_dhis2_s_columns_and_true_false_flags(client, coordinator, two_districts):
    DataValue.objects.filter(unit__code="19750", element__code="LIVE_BIRTHS").update(followup=True)

    response = client.get(URL, {"period": "2023S1", "orgUnit": "19750"}, HTTP_ACCEPT="application/csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["dataelement"], r["attributeoptioncombo"], r["followup"], r["deleted"]) for r in rows] == [
        ("LIVE_BIRTHS", "default", "true", "false"),
        ("NEONATAL_DEATHS", "default", "false", "false"),
    ]
    assert all(DHIS2_TIME.match(r["lastupdated"]) for r in rows)
    assert rows[0]["storedby"] == ""  # stored by no user (the seed)


# --- which values ------------------------------------------------------------------------------------------------


def test_without_children_only_the_named_unit_s_values_are_read(client, coordinator, two_districts):
    assert read(client, period="2023S1", orgUnit="478") == []
    assert read(client, period="2023S1", orgUnit="478", children="false") == []
    assert cells(read(client, period="2023S1", orgUnit="478", children="true")) == [
        ("LIVE_BIRTHS", "19903", "2023S1", "600", False),
        ("NEONATAL_DEATHS", "19903", "2023S1", "5", False),
    ]


def test_several_units_are_read_at_once(client, coordinator, two_districts):
    values = read(client, period="2023S1", orgUnit=["19903", "19750"], dataElement="LIVE_BIRTHS")

    assert cells(values) == [
        ("LIVE_BIRTHS", "19750", "2023S1", "400", False),
        ("LIVE_BIRTHS", "19903", "2023S1", "600", False),
    ]


def test_start_and_end_date_read_the_periods_lying_within_them(client, coordinator, two_districts):
    first_half = read(client, startDate="2023-01-01", endDate="2023-06-30", orgUnit="19903")
    whole_year = read(client, startDate="2023-01-01", endDate="2023-12-31", orgUnit="19903")
    straddling = read(client, startDate="2023-03-01", endDate="2023-12-31", orgUnit="19903")

    assert {v["period"] for v in first_half} == {"2023S1"}
    assert cells(whole_year) == [
        ("LIVE_BIRTHS", "19903", "2023S1", "600", False),
        ("LIVE_BIRTHS", "19903", "2023S2", "650", False),
        ("NEONATAL_DEATHS", "19903", "2023S1", "5", False),
    ]
    assert {v["period"] for v in straddling} == {"2023S2"}


def test_last_updated_reads_the_values_changed_since(client, coordinator, two_districts):
    long_ago = timezone.make_aware(datetime.datetime(2024, 1, 10, 9, 0))
    DataValue.objects.exclude(unit__code="19903", element__code="NEONATAL_DEATHS").update(updated_at=long_ago)

    for since in ("2024-01-11", "2024-01-10T09:00:01", "2024-01-10T02:00:01.000+0000"):
        values = read(client, period="2023S1", orgUnit="478", children="true", lastUpdated=since)
        assert cells(values) == [("NEONATAL_DEATHS", "19903", "2023S1", "5", False)], since
    values = read(client, period="2023S1", orgUnit="478", children="true", lastUpdated="2024-01-10")
    assert len(values) == 2


def test_deleted_values_are_read_only_with_include_deleted(client, coordinator, two_districts, officer_478):
    delete("NEONATAL_DEATHS", "19903", "2023S1", user=officer_478)

    assert cells(read(client, period="2023S1", orgUnit="19903")) == [
        ("LIVE_BIRTHS", "19903", "2023S1", "600", False)
    ]
    values = read(client, period="2023S1", orgUnit="19903", includeDeleted="true")
    assert cells(values) == [
        ("LIVE_BIRTHS", "19903", "2023S1", "600", False),
        ("NEONATAL_DEATHS", "19903", "2023S1", "5", True),
    ]
    deleted = values[-1]
    assert deleted["storedBy"] == officer_478.username  # who deleted it
    assert DHIS2_TIME.match(deleted["lastUpdated"]) and DHIS2_TIME.match(deleted["created"])


def test_a_cell_deleted_twice_is_read_once_and_one_entered_again_is_not_deleted(client, coordinator, db):
    scope = EntryScope(True)
    for value in ("5", "", "7", ""):
        import_values(
            [ValueInput("NEONATAL_DEATHS", "default", "19903", "2023S1", value)], user=None, scope=scope
        )
    for value in ("9", "", "10"):
        import_values(
            [ValueInput("LIVE_BIRTHS", "default", "19903", "2023S1", value)], user=None, scope=scope
        )

    values = read(client, period="2023S1", orgUnit="19903", includeDeleted="true")

    assert cells(values) == [
        ("LIVE_BIRTHS", "19903", "2023S1", "10", False),
        ("NEONATAL_DEATHS", "19903", "2023S1", "7", True),
    ]


def test_include_deleted_follows_last_updated_and_children(client, coordinator, two_districts):
    delete("NEONATAL_DEATHS", "19903", "2023S1")

    assert read(client, period="2023S1", orgUnit="478", includeDeleted="true") == []
    values = read(client, period="2023S1", orgUnit="478", children="true", includeDeleted="true")
    assert ("NEONATAL_DEATHS", "19903", "2023S1", "5", True) in cells(values)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert read(client, period="2023S1", orgUnit="19903", includeDeleted="true", lastUpdated=tomorrow) == []


# --- refusals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, named",
    [
        ({"period": "2023S1", "orgUnit": "19903", "paging": "true"}, "paging"),
        ({"period": "2023S1", "orgUnit": "19903", "dataSet": "pBOMPrpg1QX"}, "data set"),
        ({"period": "2023S1", "orgUnit": "19903", "idScheme": "UID"}, "idScheme=UID"),
        ({"period": "2023S1", "orgUnit": "19903", "orgUnitIdScheme": "NAME"}, "orgUnitIdScheme=NAME"),
        ({"period": "2023S1", "orgUnit": "19903", "children": "yes"}, "children"),
        ({"period": "2023S1", "orgUnit": "19903", "includeDeleted": "1"}, "includeDeleted"),
        ({"period": "2023S1", "orgUnit": "19903", "lastUpdated": "hôm qua"}, "lastUpdated"),
        ({"period": "2023S1", "orgUnit": "19903", "lastUpdated": "0001-01-01"}, "lastUpdated"),
        ({"period": "2023S1", "orgUnit": "19903", "lastUpdated": "9999-12-31T23:59:59-12:00"}, "lastUpdated"),
        ({"period": "2023S1", "orgUnit": "19903", "lastUpdated": "2023-13-45"}, "lastUpdated"),
        ({"startDate": "2023-01-01", "orgUnit": "19903"}, "endDate"),
        ({"startDate": "2023-01-01", "endDate": "2023-02-30", "orgUnit": "19903"}, "endDate"),
        ({"startDate": "2023-12-01", "endDate": "2023-01-31", "orgUnit": "19903"}, "startDate"),
        ({"startDate": "01/01/2023", "endDate": "2023-12-31", "orgUnit": "19903"}, "yyyy-mm-dd"),
        ({"orgUnit": "19903"}, "period"),
        ({"period": "2023S1"}, "orgUnit"),
    ],
)
def test_a_read_the_api_cannot_answer_exactly_is_a_400_naming_the_parameter(
    client, coordinator, params, named
):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert named in web_message(response)["message"]


def test_the_code_id_scheme_is_accepted(client, coordinator, two_districts):
    params = {"idScheme": "CODE", "dataElementIdScheme": "code", "orgUnitIdScheme": "CODE"}

    assert len(read(client, period="2023S1", orgUnit="19903", **params)) == 2


# --- the command ----------------------------------------------------------------------------------------------


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_datavalues", *args, stdout=out)
    return out.getvalue()


def test_export_datavalues_writes_the_same_fields_and_can_include_deleted_values(two_districts):
    delete("NEONATAL_DEATHS", "19903", "2023S1")

    values = json.loads(export("--period", "2023S1", "--unit", "478"))["dataValues"]
    with_deleted = json.loads(export("--period", "2023S1", "--unit", "478", "--include-deleted"))[
        "dataValues"
    ]
    own = json.loads(export("--period", "2023S1", "--unit", "478", "--no-children"))["dataValues"]

    assert cells(values) == [("LIVE_BIRTHS", "19903", "2023S1", "600", False)]
    assert DHIS2_TIME.match(values[0]["created"]) and values[0]["attributeOptionCombo"] == "default"
    assert ("NEONATAL_DEATHS", "19903", "2023S1", "5", True) in cells(with_deleted)
    assert own == []
    lines = export(
        "--format", "csv", "--period", "2023S1", "--unit", "19903", "--include-deleted"
    ).splitlines()
    assert lines[-1].startswith("NEONATAL_DEATHS,2023S1,19903,default,default,5,") and lines[-1].endswith(
        ",false,true"
    )


def test_exported_values_post_back_with_their_new_fields(client, coordinator, two_districts, officer_478):
    exported = client.get(URL, {"period": "2023S1", "orgUnit": "19903"}).content.decode()

    response = post(client, officer_478, exported)

    assert response.status_code == 200, response.content
    assert response.json()["response"]["importCount"]["ignored"] == 2


def test_more_units_than_a_district_has_communes_are_asked_for_through_their_parent(client, coordinator):
    units = ",".join(str(19000 + i) for i in range(51))

    response = client.get(URL, {"period": "2023S1", "orgUnit": units})

    assert response.status_code == 400
    assert "orgUnit có 51 mã, nhiều hơn giới hạn 50" in web_message(response)["message"]

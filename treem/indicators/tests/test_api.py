"""/api/dataValueSets/ (DHIS2 import and read, in the user's scope) and /api/evaluations/."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from treem.accounts.models import Role
from treem.indicators.models import DataValue

from .api_helpers import URL, conflict_values, post, stored, summary, value_set, web_message

# --- POST: import ---------------------------------------------------------------------------------------------


def test_the_health_department_imports_its_own_figures(client, syt_reporter):
    body = value_set(
        ("LIVE_BIRTHS", "19750", "400"), ("NEONATAL_DEATHS", "19750", "3"), ("LIVE_BIRTHS", "19903", 600)
    )

    response = post(client, syt_reporter, body)

    assert response.status_code == 200
    assert web_message(response)["status"] == "OK"
    assert web_message(response)["message"] == "Import was successful."
    assert summary(response)["status"] == "SUCCESS"
    assert summary(response)["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    assert stored() == {
        ("LIVE_BIRTHS", "default", "19750", "2023S1"): Decimal(400),
        ("NEONATAL_DEATHS", "default", "19750", "2023S1"): Decimal(3),
        ("LIVE_BIRTHS", "default", "19903", "2023S1"): Decimal(600),
    }
    assert DataValue.objects.get(element__code="LIVE_BIRTHS", unit__code="19750").stored_by == syt_reporter


def test_posting_the_same_values_again_is_all_ignored(client, syt_reporter):
    body = value_set(("LIVE_BIRTHS", "19750", "400"))
    post(client, syt_reporter, body)

    response = post(client, syt_reporter, body)

    assert response.status_code == 200
    assert summary(response)["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}


def test_an_education_figure_from_the_health_department_is_a_conflict_and_nothing_is_written(
    client, syt_reporter
):
    body = value_set(("LIVE_BIRTHS", "19750", "400"), ("CHILDREN_AGED_5", "19750", "380"))

    response = post(client, syt_reporter, body)

    assert response.status_code == 409
    assert web_message(response)["status"] == "ERROR"
    assert summary(response)["status"] == "ERROR"
    count = summary(response)["importCount"]
    assert (count["imported"], count["updated"], count["deleted"]) == (0, 0, 0)
    [conflict] = summary(response)["conflicts"]
    assert conflict["indexes"] == [1]
    assert summary(response)["rejectedIndexes"] == [1]
    assert conflict["value"].startswith("bạn không được nhập CHILDREN_AGED_5 cho đơn vị '19750'")
    assert DataValue.objects.count() == 0  # not even the valid LIVE_BIRTHS row


def test_a_district_officer_cannot_enter_figures_for_another_district(client, officer_478):
    body = value_set(("LIVE_BIRTHS", "19903", "600"), ("LIVE_BIRTHS", "19750", "400"))

    response = post(client, officer_478, body)

    assert response.status_code == 409
    assert [(c["object"], c["property"], c["indexes"]) for c in summary(response)["conflicts"]] == [
        ("19750", "orgUnit", [1])
    ]
    assert DataValue.objects.count() == 0


def test_a_leader_has_no_entry_rights(client, make_user):
    leader = make_user(Role.LEADER, "46")

    response = post(client, leader, value_set(("LIVE_BIRTHS", "19750", "400")))

    assert response.status_code == 403
    assert response.json() == {
        "httpStatus": "Forbidden",
        "httpStatusCode": 403,
        "status": "ERROR",
        "message": "Bạn không có quyền nhập số liệu.",
    }
    assert DataValue.objects.count() == 0


def test_dry_run_reports_the_counts_and_writes_nothing(client, syt_reporter):
    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "400")), query="?dryRun=true")

    assert response.status_code == 200
    assert summary(response)["importOptions"]["dryRun"] is True
    assert summary(response)["importCount"]["imported"] == 1
    assert DataValue.objects.count() == 0


def test_a_csv_body_imports_like_json(client, syt_reporter):
    body = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
        "CHILDREN_UNDER5,2023S1,19903,rural,,3000\n"
        "OVERWEIGHT_UNDER5,2023S1,19903,rural,,90\n"
    )

    response = post(client, syt_reporter, body, content_type="text/csv")

    assert response.status_code == 200
    assert summary(response)["importCount"]["imported"] == 2
    assert stored() == {
        ("CHILDREN_UNDER5", "rural", "19903", "2023S1"): Decimal(3000),
        ("OVERWEIGHT_UNDER5", "rural", "19903", "2023S1"): Decimal(90),
    }


def test_a_rule_violation_is_a_conflict(client, syt_reporter):
    body = value_set(("NEONATAL_DEATHS", "19750", "5"), ("DEATHS_UNDER1", "19750", "4"))

    response = post(client, syt_reporter, body)

    assert response.status_code == 409
    [conflict] = summary(response)["conflicts"]
    assert (
        "Số trẻ sơ sinh tử vong là 5, phải không quá Số trẻ em dưới 1 tuổi tử vong là 4" in conflict["value"]
    )
    assert "#{" not in conflict["value"]
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        ('{"dataValues": [', "application/json", "Tệp JSON không hợp lệ: dòng 1"),
        ("[]", "application/json", 'Tệp JSON phải có dạng {"dataValues": [...]}'),
        ("dataelement,period\nLIVE_BIRTHS,2023S1\n", "text/csv", "Tệp CSV thiếu cột: orgunit, value."),
        (b"\xff\xfe{", "application/json", "UTF-8"),
    ],
)
def test_a_body_that_is_not_a_data_value_set_is_a_400_in_vietnamese(
    client, syt_reporter, body, content_type, message
):
    response = post(client, syt_reporter, body, content_type=content_type)

    assert response.status_code == 400
    assert web_message(response)["status"] == "ERROR"
    assert summary(response)["status"] == "ERROR"
    assert any(message in m for m in conflict_values(response)), response.json()
    assert DataValue.objects.count() == 0


def test_a_value_missing_its_fields_is_a_conflict_naming_its_index(client, syt_reporter):
    body = json.dumps({"dataValues": [{"dataElement": "LIVE_BIRTHS"}]})

    response = post(client, syt_reporter, body)

    assert response.status_code == 409
    assert summary(response)["rejectedIndexes"] == [0]
    assert any("thiếu trường" in text for text in conflict_values(response))
    assert DataValue.objects.count() == 0


def test_a_comment_longer_than_the_field_is_a_conflict_not_a_server_error(client, syt_reporter):
    body = json.dumps(
        {
            "dataValues": [
                {
                    "dataElement": "LIVE_BIRTHS",
                    "period": "2023S1",
                    "orgUnit": "19750",
                    "value": "4",
                    "comment": "x" * 501,
                }
            ]
        }
    )

    response = post(client, syt_reporter, body)

    assert response.status_code == 409
    assert [c["property"] for c in summary(response)["conflicts"]] == ["comment"]
    assert DataValue.objects.count() == 0


def test_an_unsupported_content_type_is_refused_in_vietnamese(client, syt_reporter):
    response = post(client, syt_reporter, "a=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert "application/json" in web_message(response)["message"]


def test_an_empty_body_is_a_400(client, syt_reporter):
    response = post(client, syt_reporter, "")

    assert response.status_code == 400
    assert web_message(response)["message"] == "Không có nội dung: gửi dataValueSets dạng JSON hoặc CSV."
    assert conflict_values(response) == ["Không có nội dung: gửi dataValueSets dạng JSON hoặc CSV."]


# --- GET: read ------------------------------------------------------------------------------------------------


def test_a_district_officer_reads_the_values_of_its_district(client, officer_478, two_districts):
    client.force_login(officer_478)

    response = client.get(URL, {"period": "2023S1", "orgUnit": "478", "children": "true"})

    assert response.status_code == 200
    rows = response.json()["dataValues"]
    assert sorted((r["dataElement"], r["orgUnit"], r["period"], r["value"]) for r in rows) == [
        ("LIVE_BIRTHS", "19903", "2023S1", "600"),
        ("NEONATAL_DEATHS", "19903", "2023S1", "5"),
    ]
    assert {r["categoryOptionCombo"] for r in rows} == {"default"}


def test_reading_can_be_narrowed_to_one_data_element(client, officer_478, two_districts):
    client.force_login(officer_478)

    response = client.get(URL, {"period": "2023S1", "orgUnit": "19903", "dataElement": "NEONATAL_DEATHS"})

    assert [(r["dataElement"], r["value"]) for r in response.json()["dataValues"]] == [
        ("NEONATAL_DEATHS", "5")
    ]


def test_a_unit_outside_the_officer_s_district_is_not_found_like_a_missing_one(
    client, officer_478, two_districts
):
    client.force_login(officer_478)

    for unit in ("474", "19750", "46", "48", "99999"):
        response = client.get(URL, {"period": "2023S1", "orgUnit": unit})

        assert response.status_code == 404, unit
        assert response.json() == {
            "httpStatus": "Not Found",
            "httpStatusCode": 404,
            "status": "ERROR",
            "message": f"Không có đơn vị hành chính mã '{unit}' trong phạm vi của bạn.",
        }


def test_the_province_coordinator_reads_the_whole_province(client, make_user, two_districts):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))

    response = client.get(URL, {"period": ["2023S1", "2023S2"], "orgUnit": "46", "children": "true"})

    assert response.status_code == 200
    assert len(response.json()["dataValues"]) == 5


def test_exported_values_post_back_unchanged(client, make_user, two_districts):
    coordinator = make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")
    client.force_login(coordinator)
    exported = client.get(URL, {"period": "2023S1", "orgUnit": "46", "children": "true"}).content.decode()

    response = post(client, coordinator, exported)

    assert response.status_code == 200
    assert summary(response)["importCount"] == {"imported": 0, "updated": 0, "ignored": 4, "deleted": 0}


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", URL + "?period=2023S1&orgUnit=46"),
        ("post", URL),
        ("get", "/api/evaluations/?plan=tth-2023&period=2023&orgUnit=46"),
    ],
)
def test_anonymous_requests_are_refused(client, db, method, url):
    body = value_set(("LIVE_BIRTHS", "19750", "400"))
    response = (
        client.post(url, body, content_type="application/json") if method == "post" else client.get(url)
    )

    if url.startswith(URL):
        assert response.status_code == 401
        assert web_message(response)["status"] == "ERROR"
    else:
        assert response.status_code in (401, 403)
    assert DataValue.objects.count() == 0

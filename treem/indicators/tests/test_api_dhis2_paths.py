"""/api/dataValueSets as DHIS2 clients call it: every path form, every body and answer type, and DHIS2's
WebMessage on success and refusal alike (200, 400, 401, 403, 404, 405, 409, 415)."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from treem.accounts.models import Role
from treem.indicators.models import DataValue

from .api_helpers import URL, conflict_values, post, stored, summary, value_set, web_message

PATHS = [
    "/api/dataValueSets",
    "/api/dataValueSets/",
    "/api/dataValueSets.json",
    "/api/40/dataValueSets",
    "/api/40/dataValueSets.json",
]
CSV_BODY = (
    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
    "LIVE_BIRTHS,2023S1,19750,default,,412\n"
)
READ = {"period": "2023S1", "orgUnit": "19903"}


@pytest.mark.parametrize("url", PATHS)
def test_every_dhis2_path_form_imports_and_reads(client, officer_478, url):
    response = post(client, officer_478, value_set(("LIVE_BIRTHS", "19903", "600")), url=url)

    assert response.status_code == 200, response.content
    assert summary(response)["importCount"]["imported"] == 1
    read = client.get(url, READ)
    assert read.status_code == 200
    assert read["Content-Type"].startswith("application/json")
    assert [v["value"] for v in read.json()["dataValues"]] == ["600"]


@pytest.mark.parametrize("url", ["/api/dataValueSets.csv", "/api/40/dataValueSets.csv"])
def test_the_csv_suffix_reads_csv_and_answers_csv(client, syt_reporter, url):
    response = post(client, syt_reporter, CSV_BODY, content_type="text/plain", url=url)

    assert response.status_code == 200, response.content
    assert stored() == {("LIVE_BIRTHS", "default", "19750", "2023S1"): 412}
    read = client.get(url, {"period": "2023S1", "orgUnit": "19750"})
    assert read["Content-Type"].startswith("application/csv")
    assert read.content.decode().splitlines()[1].startswith("LIVE_BIRTHS,2023S1,19750,default,default,412,")


@pytest.mark.parametrize("content_type", ["application/csv", "text/csv", "application/csv; charset=utf-8"])
def test_a_csv_body_is_read_under_either_csv_type(client, syt_reporter, content_type):
    response = post(client, syt_reporter, CSV_BODY, content_type=content_type)

    assert response.status_code == 200, response.content
    assert stored() == {("LIVE_BIRTHS", "default", "19750", "2023S1"): 412}


@pytest.mark.parametrize(
    "accept, answered",
    [
        ("application/csv", "application/csv"),
        ("text/csv", "text/csv"),
        ("application/json", "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/json;q=0.5, application/csv", "application/csv"),
        ("application/csv;q=0.2, application/json", "application/json"),
    ],
)
def test_accept_chooses_csv_or_json(client, officer_478, two_districts, accept, answered):
    client.force_login(officer_478)

    response = client.get(URL, READ, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == f"{answered}; charset=utf-8"
    if answered == "application/json":
        assert len(response.json()["dataValues"]) == 2
    else:
        lines = response.content.decode().splitlines()
        assert lines[0] == (
            "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
            "lastupdated,comment,followup,deleted"
        )
        assert len(lines) == 3


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml", "application/adx+xml"])
def test_an_xml_body_is_refused_as_xml_not_as_bad_json(client, syt_reporter, content_type):
    body = '<?xml version="1.0"?><dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>'

    response = post(client, syt_reporter, body, content_type=content_type)

    assert response.status_code == 415
    message = web_message(response)
    assert message["status"] == "ERROR"
    assert "XML is not supported" in message["message"]
    assert DataValue.objects.count() == 0


# --- the WebMessage of each answer -----------------------------------------------------------------------------


def test_a_conflict_is_a_409_web_message_with_the_import_summary(client, syt_reporter):
    response = post(
        client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "400"), ("NO_SUCH", "19750", "1"))
    )

    assert response.status_code == 409
    message = web_message(response)
    assert (message["httpStatus"], message["status"]) == ("Conflict", "ERROR")
    assert message["message"] == "One or more conflicts encountered, please check import summary."
    imported = summary(response)
    assert imported["status"] == "ERROR"
    [conflict] = imported["conflicts"]
    assert (conflict["object"], conflict["indexes"]) == ("NO_SUCH", [1])
    assert set(conflict) == {"object", "value", "errorCode", "property", "indexes"}
    assert imported["rejectedIndexes"] == [1]
    assert imported["importOptions"]["atomicMode"] == "ALL"
    assert DataValue.objects.count() == 0


def test_atomic_mode_none_writes_the_valid_values_and_answers_409_with_a_warning(client, syt_reporter):
    """As DHIS2's WebMessageUtils.importSummary: any conflict is a 409; WARNING says the rest was written."""
    body = value_set(("LIVE_BIRTHS", "19750", "400"), ("NO_SUCH", "19750", "1"))

    response = post(client, syt_reporter, body, query="?atomicMode=NONE")

    assert response.status_code == 409
    assert web_message(response)["status"] == "WARNING"
    assert summary(response)["status"] == "WARNING"
    assert summary(response)["importCount"]["imported"] == 1
    assert summary(response)["rejectedIndexes"] == [1]
    assert stored() == {("LIVE_BIRTHS", "default", "19750", "2023S1"): 400}


def test_an_unsupported_import_option_is_a_400_web_message_naming_it(client, syt_reporter):
    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "4")), query="?idScheme=UID")

    assert response.status_code == 400
    assert web_message(response)["status"] == "ERROR"
    assert summary(response)["status"] == "ERROR"
    assert any("idScheme" in text and "UID" in text for text in conflict_values(response))
    assert DataValue.objects.count() == 0


def test_an_unreadable_body_is_a_400_web_message_whose_summary_names_the_problem(client, syt_reporter):
    response = post(client, syt_reporter, '{"dataValues": [')

    assert response.status_code == 400
    message = web_message(response)
    assert message["httpStatus"] == "Bad Request"
    assert summary(response)["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
    [conflict] = summary(response)["conflicts"]
    assert "JSON" in conflict["value"] and conflict["value"] == message["message"]


def test_a_user_without_entry_rights_is_refused_with_a_403_web_message(client, make_user):
    response = post(client, make_user(Role.LEADER, "46"), value_set(("LIVE_BIRTHS", "19750", "4")))

    assert response.status_code == 403
    assert web_message(response)["httpStatus"] == "Forbidden"


def test_an_unknown_unit_is_a_404_web_message(client, officer_478):
    client.force_login(officer_478)

    response = client.get(URL, {"period": "2023S1", "orgUnit": "99999"})

    assert response.status_code == 404
    assert web_message(response)["httpStatus"] == "Not Found"


@pytest.mark.parametrize("authorization", [None, "Basic " + base64.b64encode(b"nobody:wrong").decode()])
def test_a_missing_or_bad_credential_is_a_401_web_message(client, db, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get(URL, READ, **headers)

    assert response.status_code == 401
    assert web_message(response)["httpStatus"] == "Unauthorized"
    assert response.has_header("WWW-Authenticate")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_another_method_is_a_405_web_message(client, syt_reporter, method):
    client.force_login(syt_reporter)

    response = getattr(client, method)(URL, data=value_set(("LIVE_BIRTHS", "19750", "4")))

    assert response.status_code == 405
    assert web_message(response)["httpStatus"] == "Method Not Allowed"
    assert "POST" in response["Allow"]


def test_a_get_refusal_is_a_400_web_message(client, officer_478):
    client.force_login(officer_478)

    response = client.get(URL, {"orgUnit": "19903"})

    assert response.status_code == 400
    message = web_message(response)
    assert message["status"] == "ERROR" and "period" in message["message"]


def test_the_schema_describes_data_value_sets_once_with_its_dhis2_parameters(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))

    response = client.get("/api/schema/")

    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert [p for p in paths if "dataValueSets" in p] == ["/api/dataValueSets/"]
    operations = paths["/api/dataValueSets/"]
    assert {"application/json", "application/csv", "text/csv"} <= set(
        operations["post"]["requestBody"]["content"]
    )
    assert {"200", "400", "401", "403", "409", "415"} <= set(operations["post"]["responses"])
    assert {"lastUpdated", "includeDeleted", "children", "startDate", "endDate"} <= {
        p["name"] for p in operations["get"]["parameters"]
    }


def test_a_format_option_that_contradicts_the_body_is_a_400(client, syt_reporter):
    response = post(client, syt_reporter, CSV_BODY, content_type="application/csv", query="?format=json")

    assert response.status_code == 400
    assert "format=JSON" in web_message(response)["message"]
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("field", ["orgUnit", "dataElement", "categoryOptionCombo", "comment", "unknownKey"])
def test_half_a_surrogate_pair_anywhere_in_the_json_is_a_400_not_a_500(client, syt_reporter, field):
    row = {
        "dataElement": "LIVE_BIRTHS",
        "period": "2023S1",
        "orgUnit": "19750",
        "value": "4",
        field: "\ud800",
    }
    body = json.dumps({"dataValues": [row]})  # ASCII: the half pair travels as the escape \ud800

    response = post(client, syt_reporter, body)

    assert response.status_code == 400
    assert web_message(response)["status"] == "ERROR"
    assert any("Unicode" in text for text in conflict_values(response))
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("url", ["/api/dataValueSets", "/api/40/dataValueSets.json"])
def test_a_body_refused_before_the_view_is_a_web_message_on_dhis2_paths(client, syt_reporter, settings, url):
    settings.TREEM_MAX_API_BODY_BYTES = 100

    response = post(client, syt_reporter, value_set(*[("LIVE_BIRTHS", "19750", "4")] * 10), url=url)

    assert response.status_code == 413
    assert web_message(response)["httpStatusCode"] == 413 and "quá lớn" in web_message(response)["message"]


def test_other_api_paths_keep_their_own_refusal_shape(client, syt_reporter, settings):
    settings.TREEM_MAX_API_BODY_BYTES = 100
    client.force_login(syt_reporter)

    response = client.post("/api/evaluations/", "x" * 1000, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["status"] == "ERROR" and "httpStatusCode" not in response.json()

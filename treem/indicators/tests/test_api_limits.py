"""Crafted bodies and parameters for the dataValueSets API and `import_datavalues`: each is a clear 400 (or
413, or a conflict of the import) in Vietnamese, never a server error, and nothing is written. Issue 7,
items 1 and 2."""

from __future__ import annotations

import json

import pytest

from treem.accounts.models import Role
from treem.indicators.models import DataValue
from treem.indicators.tests.api_helpers import URL, post, value_set
from treem.indicators.tests.test_import import import_file

ROW = {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "4"}
CSV_HEADER = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n"


@pytest.fixture
def syt_reporter(make_user):
    return make_user(Role.AGENCY_REPORTER, agency_code="SYT")


def conflicts(response) -> list[str]:
    """The problems an answer names: its ImportSummary's conflicts, else its message."""
    body = response.json()
    if "response" in body:
        return [
            f"{c['object']}, {c['property']}: {c['value']}" if c["object"] or c["property"] else c["value"]
            for c in body["response"]["conflicts"]
        ]
    if "conflicts" in body:  # refused before the view (treem.core.middleware: 413, too many parameters)
        return body["conflicts"]
    return [body["message"]]


def nested(depth: int) -> str:
    return json.dumps({"dataValues": [ROW]})[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"


# --- numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e1000000", "-1e1000000", "1e-1000000", "9" * 5000, "1" + "0" * 30])
def test_an_overflowing_value_is_a_conflict_not_a_server_error(client, syt_reporter, value):
    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", value)))

    assert response.status_code == 409
    (message,) = conflicts(response)
    assert message.startswith("LIVE_BIRTHS, value: '") and len(message) < 200
    assert DataValue.objects.count() == 0


def test_a_json_number_of_more_than_4300_digits_is_a_400(client, syt_reporter):
    body = json.dumps({"dataValues": [ROW]}).replace('"4"', "9" * 5000)

    response = post(client, syt_reporter, body)

    assert response.status_code == 400
    assert conflicts(response) == ["JSON có một số quá dài (5000 ký tự): " + "9" * 40 + "…"]


def test_a_json_number_as_value_is_read_exactly(client, syt_reporter):
    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", 412)))

    assert response.status_code == 200
    assert DataValue.objects.get().value == 412


# --- structure --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_json_nested_deeply_is_a_400(client, syt_reporter, depth):
    response = post(client, syt_reporter, nested(depth))

    assert response.status_code == 400
    assert conflicts(response) == ["JSON lồng nhau quá sâu (tối đa 20 cấp)."]


@pytest.mark.parametrize("field", ["dataElement", "orgUnit", "value", "comment", "categoryOptionCombo"])
def test_a_field_that_is_an_array_or_object_is_a_conflict_naming_it(client, syt_reporter, field):
    body = json.dumps({"dataValues": [{**ROW, field: [[["x"]]]}]})

    response = post(client, syt_reporter, body)

    assert response.status_code == 409
    assert any(f", {field}: {field} phải là" in m for m in conflicts(response)), conflicts(response)
    assert DataValue.objects.count() == 0


def test_a_very_long_code_is_quoted_as_an_excerpt(client, syt_reporter):
    body = json.dumps({"dataValues": [{**ROW, "orgUnit": "1" * 1_000_000}] * 3})

    response = post(client, syt_reporter, body)

    assert response.status_code == 409
    assert len(response.content) < 2_000


def test_a_csv_field_over_the_csv_module_s_limit_is_a_400_naming_the_line(client, syt_reporter):
    body = (
        CSV_HEADER
        + "LIVE_BIRTHS,2023S1,19750,default,,4,,,,false,\n"
        + "LIVE_BIRTHS,2023S1,19750,default,,4,,,"
    )
    body += "x" * 140_000 + ",false,\n"

    response = post(client, syt_reporter, body, content_type="text/csv")

    assert response.status_code == 400
    assert conflicts(response) == ["Dòng 3: một ô dài quá 10000 ký tự."]


def test_a_csv_row_with_fewer_columns_than_the_header_is_refused_not_a_delete(client, syt_reporter):
    post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "4")))
    body = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nLIVE_BIRTHS,2023S1,19750,default\n"

    response = post(client, syt_reporter, body, content_type="text/csv")

    assert response.status_code == 409
    assert conflicts(response) == ["LIVE_BIRTHS, row: có 4 cột, tiêu đề có 6 cột."]
    assert DataValue.objects.get().value == 4  # not deleted


def test_an_unterminated_quote_is_refused_naming_its_row_not_read_as_one_field(client, syt_reporter):
    body = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\n"
        'LIVE_BIRTHS,2023S1,19750,default,,4,,,"ghi chú\n'
        "LIVE_BIRTHS,2023S1,19903,default,,5,,,\n"
    )

    response = post(client, syt_reporter, body, content_type="text/csv")

    assert response.status_code == 400
    assert conflicts(response) == ['Dòng 2: dấu ngoặc kép (") mở mà không đóng.']
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("flag", ["yes", "TRUE ", "no", "2"])
def test_an_unknown_deleted_flag_in_csv_is_refused(client, syt_reporter, flag):
    body = CSV_HEADER + f"LIVE_BIRTHS,2023S1,19750,default,,4,,,,false,{flag}\n"

    response = post(client, syt_reporter, body, content_type="text/csv")

    if flag.strip().lower() == "true":
        assert response.status_code == 200  # a DHIS2 flag, read as typed
    else:
        assert response.status_code == 409
        assert "deleted phải là true hoặc false" in conflicts(response)[0]


# --- the request ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["yes", "on", "ja", "true,false", "maybe", "1", "0"])
def test_an_unknown_dry_run_flag_is_refused_and_nothing_is_written(client, syt_reporter, flag):
    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "4")), query=f"?dryRun={flag}")

    assert response.status_code == 400
    assert f"dryRun='{flag}'" in conflicts(response)[0]
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize(
    "flag, written", [("true", False), ("TRUE", False), ("false", True), ("False", True)]
)
def test_known_dry_run_flags(client, syt_reporter, flag, written):
    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "4")), query=f"?dryRun={flag}")

    assert response.status_code == 200
    assert DataValue.objects.exists() is written


def test_post_without_the_trailing_slash_is_the_same_endpoint(client, syt_reporter, settings):
    settings.DEBUG = True  # CommonMiddleware raised RuntimeError for a POST to a slash-less URL

    response = post(client, syt_reporter, value_set(("LIVE_BIRTHS", "19750", "4")))
    client.force_login(syt_reporter)
    response = client.post(
        URL.rstrip("/"), data=value_set(("LIVE_BIRTHS", "19903", "5")), content_type="application/json"
    )

    assert response.status_code == 200
    assert DataValue.objects.count() == 2


def test_more_than_1000_query_parameters_are_a_clear_400(client, syt_reporter):
    client.force_login(syt_reporter)
    query = "&".join(f"p{i}=1" for i in range(1001))

    response = client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert conflicts(response) == ["Địa chỉ có 1001 tham số, nhiều hơn giới hạn 1000."]


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client, syt_reporter, settings):
    settings.TREEM_MAX_API_BODY_BYTES = 10_000
    body = json.dumps({"dataValues": [ROW] * 200})
    assert len(body) > 10_000

    response = post(client, syt_reporter, body)

    assert response.status_code == 413
    assert conflicts(response) == [
        f"Nội dung gửi lên quá lớn ({len(body) // 1024} KB, tối đa 9 KB); không có gì được ghi."
    ]
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("year", ["1000", "9999"])
def test_years_far_from_any_plan_are_refused_in_every_path(client, syt_reporter, year, tmp_path):
    body = json.dumps({"dataValues": [{**ROW, "period": f"{year}S1"}]})

    assert post(client, syt_reporter, body).status_code == 409
    csv_body = f"dataelement,period,orgunit,value\nLIVE_BIRTHS,{year}S1,19750,4\n"
    assert post(client, syt_reporter, csv_body, content_type="text/csv").status_code == 409
    assert client.get(URL, {"period": f"{year}S1", "orgUnit": "19750"}).status_code == 400
    path = tmp_path / "far.json"
    path.write_text(body, encoding="utf-8")
    code, summary, _ = import_file(path)
    assert code != 0 and "nằm ngoài các năm được phép" in summary["conflicts"][0]["value"]
    assert DataValue.objects.count() == 0


# --- the command line -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        (nested(100_000), "JSON lồng nhau quá sâu"),
        (json.dumps({"dataValues": [ROW]}).replace('"4"', "9" * 5000), "JSON có một số quá dài"),
        (CSV_HEADER.replace("\n", "") + '\nLIVE_BIRTHS,"2023S1', "mở mà không đóng"),
    ],
)
def test_import_datavalues_refuses_crafted_files_clearly(db, tmp_path, text, message):
    path = tmp_path / ("bad.csv" if text.startswith("dataelement") else "bad.json")
    path.write_text(text, encoding="utf-8")

    code, _, err = import_file(path)

    assert code != 0
    assert message in err
    assert DataValue.objects.count() == 0


def test_import_datavalues_refuses_a_file_over_its_size_limit(db, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"dataValues": [ROW] * 100}), encoding="utf-8")

    code, _, err = import_file(path, "--max-bytes", "1000")

    assert code != 0
    assert "lớn hơn giới hạn" in err


def test_import_datavalues_refuses_bytes_that_are_not_utf8(db, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"dataelement,period,orgunit,value\nLIVE_BIRTHS,2023S1,19750,4,\xe9\n")

    code, _, err = import_file(path)

    assert code != 0
    assert "không phải văn bản UTF-8" in err

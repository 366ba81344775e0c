"""The DHIS2 dataValueSets readers: JSON (set-level fields inherited, unknown keys, the attribute option
combo, XML refused) and CSV (header detection, DHIS2's names and aliases, position order)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from treem.core.errors import InputErrors
from treem.indicators.dhis2_read import ValueSet, read_csv, read_file, read_json


def cells(value_set: ValueSet) -> list[tuple]:
    return [(i.element, i.combo, i.unit, i.period, i.value, i.comment) for i in value_set.inputs]


def problems(value_set: ValueSet) -> list[tuple]:
    return [(c.object, c.code, c.field, c.indexes) for c in value_set.conflicts]


def refusal(read, text: str, **kwargs) -> str:
    with pytest.raises(InputErrors) as raised:
        read(text, **kwargs)
    return "\n".join(raised.value.messages)


# --- JSON ---------------------------------------------------------------------------------------------------


# DHIS2 Web API, "Sending data values", first example (with treem's codes).
SENDING_DATA_VALUES = {
    "dataSet": "pBOMPrpg1QX",
    "period": "2023S1",
    "orgUnit": "19750",
    "attributeOptionCombo": "HllvX50cXC0",
    "dataValues": [
        {"dataElement": "LIVE_BIRTHS", "categoryOptionCombo": "default", "value": "5", "comment": "ghi chú"},
        {"dataElement": "CHILDREN_UNDER5", "categoryOptionCombo": "rural", "value": "10", "comment": ""},
        {"dataElement": "NEONATAL_DEATHS", "categoryOptionCombo": "default", "value": "1"},
    ],
}


def test_values_inherit_period_org_unit_and_attribute_combo_from_the_data_value_set():
    value_set = read_json(json.dumps(SENDING_DATA_VALUES))

    assert cells(value_set) == [
        ("LIVE_BIRTHS", "default", "19750", "2023S1", "5", "ghi chú"),
        ("CHILDREN_UNDER5", "rural", "19750", "2023S1", "10", ""),
        ("NEONATAL_DEATHS", "default", "19750", "2023S1", "1", None),
    ]
    assert [(i.index, i.where) for i in value_set.inputs] == [
        (0, "dataValues[0]"),
        (1, "dataValues[1]"),
        (2, "dataValues[2]"),
    ]
    assert value_set.conflicts == [] and value_set.options == {}


def test_a_value_s_own_period_and_org_unit_win_over_the_set_s():
    data = {
        "period": "2023S1",
        "orgUnit": "19750",
        "dataValues": [{"dataElement": "LIVE_BIRTHS", "period": "2023S2", "orgUnit": "19903", "value": 7}],
    }

    [item] = read_json(json.dumps(data)).inputs

    assert (item.unit, item.period, item.value) == ("19903", "2023S2", Decimal(7))


def test_payload_import_options_are_returned_raw():
    data = {"dryRun": True, "importStrategy": "UPDATE", "idScheme": "code", "dataValues": []}

    assert read_json(json.dumps(data)).options == {
        "dryRun": True,
        "importStrategy": "UPDATE",
        "idScheme": "code",
    }


def test_an_unknown_set_level_key_refuses_the_file_naming_it():
    message = refusal(read_json, json.dumps({"dataValues": [], "orgunit": "19750", "completed": True}))

    assert "completed" in message and "orgunit" in message


def test_complete_date_is_refused_because_agencies_confirm_completion_in_the_app():
    data = {**SENDING_DATA_VALUES, "completeDate": "2023-07-01"}

    assert "completeDate" in refusal(read_json, json.dumps(data))


def test_an_empty_complete_date_claims_nothing_and_is_accepted():
    assert len(read_json(json.dumps({**SENDING_DATA_VALUES, "completeDate": ""})).inputs) == 3


def test_an_unknown_value_level_key_is_a_conflict_of_that_row_only():
    rows = [
        {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "5"},
        {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19903", "value": "6", "valeu": "6"},
    ]

    value_set = read_json(json.dumps({"dataValues": rows}))

    assert [i.unit for i in value_set.inputs] == ["19750"]
    assert problems(value_set) == [("valeu", "E7618", "valeu", [1])]


def test_stored_by_created_and_last_updated_are_read_and_not_kept():
    row = {
        "dataElement": "LIVE_BIRTHS",
        "period": "2023S1",
        "orgUnit": "19750",
        "value": "5",
        "storedBy": "admin",
        "created": "2023-07-01T10:00:00.000+0000",
        "lastUpdated": "2023-07-02T10:00:00.000+0000",
        "followup": True,
    }

    [item] = read_json(json.dumps({"dataValues": [row]})).inputs

    assert (item.element, item.followup) == ("LIVE_BIRTHS", True)


@pytest.mark.parametrize("attribute", ["", "default", "HllvX50cXC0", None])
def test_the_default_attribute_option_combo_is_accepted_in_each_of_its_spellings(attribute):
    row = {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "5"}
    if attribute is not None:
        row["attributeOptionCombo"] = attribute

    value_set = read_json(json.dumps({"dataValues": [row]}))

    assert len(value_set.inputs) == 1 and value_set.conflicts == []


@pytest.mark.parametrize("attribute", ["Default", "hllvX50cXC0", "FUNDING_A"])
def test_any_other_attribute_option_combo_is_a_conflict_naming_it(attribute):
    data = {
        "period": "2023S1",
        "orgUnit": "19750",
        "attributeOptionCombo": attribute,
        "dataValues": [
            {"dataElement": "LIVE_BIRTHS", "value": "5"},
            {"dataElement": "NEONATAL_DEATHS", "value": "1"},
        ],
    }

    value_set = read_json(json.dumps(data))

    assert value_set.inputs == []
    assert problems(value_set) == [
        (attribute, "E7615", "attributeOptionCombo", [0]),
        (attribute, "E7615", "attributeOptionCombo", [1]),
    ]
    assert attribute in value_set.conflicts[0].text


def test_row_problems_are_conflicts_with_the_offending_identifier_and_index():
    rows = [
        {"period": "2023S1", "orgUnit": "19750", "value": "5"},
        {
            "dataElement": "LIVE_BIRTHS",
            "period": "2023S1",
            "orgUnit": "19750",
            "value": "5",
            "deleted": "yes",
        },
        {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": 19750, "value": "5", "followup": 3},
        {"dataElement": ["LIVE_BIRTHS"], "period": "2023S1", "orgUnit": "19750", "value": "5"},
        {"dataElement": "X" * 101, "period": "2023S1", "orgUnit": "19750", "value": "5"},
        {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": {"a": 1}},
        {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "5", "comment": 5},
        "LIVE_BIRTHS",
    ]

    value_set = read_json(json.dumps({"dataValues": rows}))

    assert value_set.inputs == []
    assert problems(value_set) == [
        ("dataElement", "E7618", "dataElement", [0]),
        ("LIVE_BIRTHS", "E7619", "deleted", [1]),
        ("LIVE_BIRTHS", "E7619", "followup", [2]),
        ("['LIVE_BIRTHS']", "E7610", "dataElement", [3]),
        ("X" * 40 + "…", "E7610", "dataElement", [4]),
        ("LIVE_BIRTHS", "E7619", "value", [5]),
        ("LIVE_BIRTHS", "E7620", "comment", [6]),
        ("dataValues[7]", "E7618", "dataValues", [7]),
    ]
    assert [c.where for c in value_set.conflicts][:2] == ["dataValues[0]", "dataValues[1]"]


def test_a_deleted_value_reads_as_a_deletion_and_followup_as_given():
    rows = [
        {"dataElement": "A", "period": "2023S1", "orgUnit": "19750", "value": "5", "deleted": True},
        {"dataElement": "B", "period": "2023S1", "orgUnit": "19750", "value": "5", "followup": "FALSE"},
    ]

    first, second = read_json(json.dumps({"dataValues": rows})).inputs

    assert (first.value, first.followup) == (None, None)
    assert (second.value, second.followup) == ("5", False)


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?><dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>',
        "\ufeff\n  <dataValueSet/>",
    ],
)
def test_an_xml_data_value_set_is_refused_as_xml_not_as_bad_json(text):
    message = refusal(read_json, text)

    assert "XML is not supported" in message and "JSON" in message


def test_an_xml_file_is_refused_by_its_name():
    assert "XML is not supported" in refusal(lambda t: read_file("values.xml", t), "anything")


def test_bad_json_is_still_refused_with_its_line():
    assert "dòng 2" in refusal(read_json, '{"dataValues": [\n,]}')


def test_too_many_values_refuse_the_file():
    rows = [{"dataElement": "A", "period": "2023S1", "orgUnit": "19750", "value": "1"}] * 3

    assert "giới hạn 2" in refusal(read_json, json.dumps({"dataValues": rows}), max_values=2)


# --- CSV ----------------------------------------------------------------------------------------------------

FULL_HEADER = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted"


@pytest.mark.parametrize(
    "header",
    [
        FULL_HEADER,
        "dataelelement,period,orgunit,catoptcombo,attroptcombo,value,strby,lstupd,cmt,flwup,deleted",
        " DataElement ,PERIOD,OrgUnit,CatOptCombo,AttrOptCombo,Value,StoredBy,LastUpdated,Comment,FollowUp,Deleted",
        "\ufeffdataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,cmt,followup,deleted",
    ],
)
def test_every_dhis2_header_name_and_alias_is_read_by_name(header):
    text = header + "\r\nCHILDREN_UNDER5,2023S1,19750,rural,,1210,admin,2023-07-01,điều tra,true,false\r\n"

    value_set = read_csv(text)

    assert cells(value_set) == [("CHILDREN_UNDER5", "rural", "19750", "2023S1", "1210", "điều tra")]
    assert (value_set.inputs[0].followup, value_set.inputs[0].index) == (True, 0)
    assert value_set.inputs[0].where == "Dòng 2"


def test_named_columns_may_come_in_any_order_and_created_is_read():
    text = 'value,cmt,orgunit,period,dataelement,catoptcombo,created\n"1.210","a, b",19750,2023S1,CHILDREN_UNDER5,urban,2023-07-01\n'

    assert cells(read_csv(text)) == [("CHILDREN_UNDER5", "urban", "19750", "2023S1", "1.210", "a, b")]


def test_a_headerless_file_is_read_in_dhis2_position_order_from_its_first_row():
    text = "LIVE_BIRTHS,2023S1,19750,,,400\nCHILDREN_UNDER5,2023S1,19750,rural,default,1210,,,ghi chú\n\n"

    value_set = read_csv(text)

    assert cells(value_set) == [
        ("LIVE_BIRTHS", "default", "19750", "2023S1", "400", None),
        ("CHILDREN_UNDER5", "rural", "19750", "2023S1", "1210", "ghi chú"),
    ]
    assert [(i.index, i.where) for i in value_set.inputs] == [(0, "Dòng 1"), (1, "Dòng 2")]


def test_a_first_row_with_a_bad_period_but_a_numeric_value_is_data_not_a_header():
    value_set = read_csv("LIVE_BIRTHS,2023-S1,19750,,,400\n")

    assert cells(value_set) == [("LIVE_BIRTHS", "default", "19750", "2023-S1", "400", None)]


def test_a_first_row_with_a_bad_period_and_no_number_is_still_data_when_it_names_a_unit_code():
    value_set = read_csv("LIVE_BIRTHS,2023-S1,19750,,,abc\nLIVE_BIRTHS,2023S2,19750,,,5\n")

    assert [i.period for i in value_set.inputs] == ["2023-S1", "2023S2"]


def test_a_header_of_unknown_names_is_skipped_and_columns_are_read_by_position():
    text = "Chỉ số,Kỳ,Đơn vị,Phân tổ,Thuộc tính,Giá trị,Người nhập,Cập nhật,Ghi chú\nLIVE_BIRTHS,2023S1,19903,default,,600,,,Theo sổ\n"

    value_set = read_csv(text)

    assert cells(value_set) == [("LIVE_BIRTHS", "default", "19903", "2023S1", "600", "Theo sổ")]
    assert value_set.inputs[0].index == 0


def test_a_header_with_some_unknown_names_is_refused_naming_them():
    message = refusal(read_csv, "dataelement,period,orgunit,combo,value,ghichu\nA,2023S1,19750,default,1,x\n")

    assert "combo" in message and "ghichu" in message


def test_a_header_missing_a_required_column_or_repeating_one_is_refused():
    assert "value" in refusal(read_csv, "dataelement,period,orgunit\nA,2023S1,19750\n")
    assert "comment" in refusal(read_csv, "dataelement,period,orgunit,value,comment,cmt\n")


def test_first_row_is_header_forces_the_choice():
    row = "LIVE_BIRTHS,2023S1,19750,,,400\nNEONATAL_DEATHS,2023S1,19750,,,3\n"
    odd = "LIVE_BIRTHS,Kỳ,19750,,,số\nNEONATAL_DEATHS,2023S1,19750,,,3\n"

    assert [i.element for i in read_csv(row, first_row_is_header=True).inputs] == ["NEONATAL_DEATHS"]
    assert [i.element for i in read_csv(odd, first_row_is_header=False).inputs] == [
        "LIVE_BIRTHS",
        "NEONATAL_DEATHS",
    ]


def test_csv_row_problems_are_conflicts_with_their_index():
    text = (
        FULL_HEADER
        + "\nLIVE_BIRTHS,2023S1,19750,default,FUNDING,1,,,,,"
        + "\nLIVE_BIRTHS,2023S1,19750,default,,1,,,,,maybe"
        + "\n,2023S1,19750,default,,1,,,,,"
        + "\nLIVE_BIRTHS,2023S1,19750"
        + "\nNEONATAL_DEATHS,2023S1,19750,,,3,,,,,\n"
    )

    value_set = read_csv(text)

    assert problems(value_set) == [
        ("FUNDING", "E7615", "attributeOptionCombo", [0]),
        ("LIVE_BIRTHS", "E7619", "deleted", [1]),
        ("dataElement", "E7618", "dataElement", [2]),
        ("LIVE_BIRTHS", "E7618", "row", [3]),
    ]
    assert [(i.element, i.index, i.where) for i in value_set.inputs] == [("NEONATAL_DEATHS", 4, "Dòng 6")]


def test_a_deleted_csv_row_is_a_deletion_whose_comment_goes_with_it():
    text = FULL_HEADER + "\nLIVE_BIRTHS,2023S1,19750,default,,400,,,,,true\n"

    [item] = read_csv(text).inputs

    assert (item.value, item.comment, item.followup) == (None, None, None)


def test_an_unterminated_quote_refuses_the_csv_file_naming_its_line():
    assert "Dòng 2" in refusal(read_csv, FULL_HEADER + '\n"LIVE_BIRTHS,2023S1\n')


def test_an_xml_body_is_refused_as_csv_too():
    assert "XML is not supported" in refusal(read_csv, '<?xml version="1.0"?>\n<dataValueSet/>')


def test_too_many_csv_rows_refuse_the_file():
    text = "\n".join(["LIVE_BIRTHS,2023S1,19750,,,1"] * 3)

    assert "giới hạn 2" in refusal(read_csv, text, max_values=2)


def test_read_file_picks_the_reader_by_name():
    csv_text = "LIVE_BIRTHS,2023S1,19750,,,400\n"

    assert cells(read_file("values.CSV", csv_text)) == [
        ("LIVE_BIRTHS", "default", "19750", "2023S1", "400", None)
    ]
    assert cells(read_file("values.json", json.dumps(SENDING_DATA_VALUES)))[0][0] == "LIVE_BIRTHS"
    assert read_csv("").inputs == []


def test_a_json_file_saved_with_a_bom_is_read():
    assert len(read_json("\ufeff" + json.dumps(SENDING_DATA_VALUES)).inputs) == 3


def test_a_headerless_row_whose_comment_is_a_column_name_is_still_data():
    value_set = read_csv("LIVE_BIRTHS,2023S1,19750,,,400,,,comment\n")

    assert cells(value_set) == [("LIVE_BIRTHS", "default", "19750", "2023S1", "400", "comment")]

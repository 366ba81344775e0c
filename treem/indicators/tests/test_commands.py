"""export_metadata, import_datavalues with DHIS2's reading rules and import options, and the Vietnamese errors
of evaluate_targets / export_metadata / export_datavalues."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from treem.indicators.models import DataValue
from treem.plans.models import Indicator


def metadata() -> dict:
    out = io.StringIO()
    call_command("export_metadata", "--plan", "tth-2023", stdout=out)
    return json.loads(out.getvalue())


def test_export_metadata_prints_every_active_indicator_with_its_formula(plan):
    indicators = {i["code"]: i for i in metadata()["indicators"]}

    assert set(indicators) == set(
        Indicator.objects.filter(plan=plan, is_active=True).values_list("code", flat=True)
    )
    assert len(indicators) == 23
    tvss = indicators["MT01-TVSS"]
    assert (tvss["numerator"], tvss["denominator"], tvss["factor"]) == (
        "#{NEONATAL_DEATHS}",
        "#{LIVE_BIRTHS}",
        1000,
    )
    assert (tvss["direction"], tvss["threshold"], tvss["unit"], tvss["target"]) == (
        "lt",
        9.5,
        "per_1000_live_births",
        "MT01",
    )
    rural = indicators["MT02-TCBP-NT"]
    assert (rural["numerator"], rural["denominator"], rural["factor"]) == (
        "#{OVERWEIGHT_UNDER5.rural}",
        "#{CHILDREN_UNDER5.rural}",
        100,
    )
    assert rural["disaggregation"] == {"area": "rural"}
    injuries = indicators["MT06-TNTT"]
    assert (injuries["denominator"], injuries["factor"], injuries["unit"]) == (
        "#{CHILDREN_TOTAL}",
        100000,
        "per_100000_children",
    )


def test_export_metadata_lists_the_plan_s_data_elements_with_their_combos(plan):
    printed = metadata()
    elements = {e["code"]: e for e in printed["dataElements"]}

    assert len(elements) == 34
    assert elements["CHILDREN_UNDER5"]["categoryOptionCombos"] == ["rural", "urban"]
    assert elements["CHILDREN_UNDER5"]["categories"] == ["area"]
    assert elements["CHILDREN_UNDER5"]["aggregation"] == "last"
    assert elements["OVERWEIGHT_UNDER5"]["categoryOptionCombos"] == ["rural", "urban"]
    assert elements["LIVE_BIRTHS"]["categoryOptionCombos"] == ["default"]
    assert (elements["LIVE_BIRTHS"]["supplier"], elements["LIVE_BIRTHS"]["aggregation"]) == ("SYT", "sum")
    assert elements["CHILDREN_AGED_5"]["supplier"] == "SGDDT"
    assert elements["BIRTHS_REGISTERED_ON_TIME"]["supplier"] == "STP"
    assert {c["code"] for c in printed["categoryOptionCombos"]} == {"default", "rural", "urban"}
    rules = {r["code"]: r for r in printed["validationRules"]}
    assert rules["VR-TV-SS-1T"] == {
        "code": "VR-TV-SS-1T",
        "left": "#{NEONATAL_DEATHS}",
        "operator": "le",
        "right": "#{DEATHS_UNDER1}",
        "message": "Số trẻ sơ sinh tử vong không được lớn hơn số trẻ dưới 1 tuổi tử vong",
    }


def test_every_element_an_indicator_names_is_in_the_metadata(plan):
    printed = metadata()
    codes = {e["code"] for e in printed["dataElements"]}

    for indicator in printed["indicators"]:
        for side in (indicator["numerator"], indicator["denominator"]):
            for term in side.split("+"):
                assert term.strip()[2:-1].split(".")[0] in codes, (indicator["code"], term)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plan", "tth-2099", "--period", "2023"], "Không có kế hoạch mã 'tth-2099'."),
        (["--plan", "tth-2023", "--period", "2023S3"], "kỳ '2023S3' không hợp lệ"),
        (
            ["--plan", "tth-2023", "--period", "2023", "--unit", "99999"],
            "Không có đơn vị hành chính mã: 99999.",
        ),
        (
            ["--plan", "tth-2023", "--period", "2023", "--unit", "474", "--unit", "00000"],
            "Không có đơn vị hành chính mã: 00000.",
        ),
    ],
)
def test_evaluate_targets_refuses_unknown_plan_period_or_unit_in_vietnamese(plan, args, message):
    with pytest.raises(CommandError) as raised:
        call_command("evaluate_targets", *args, stdout=io.StringIO())

    assert message in str(raised.value)


def test_evaluate_targets_defaults_to_the_plan_s_province(plan):
    out = io.StringIO()
    call_command("evaluate_targets", "--plan", "tth-2023", "--period", "2023", stdout=out)

    rows = json.loads(out.getvalue())
    assert {r["unit"] for r in rows} == {"46"}
    assert len(rows) == 23


def test_export_metadata_refuses_an_unknown_plan_in_vietnamese(db):
    with pytest.raises(CommandError, match="Không có kế hoạch mã 'khong-co'."):
        call_command("export_metadata", "--plan", "khong-co", stdout=io.StringIO())


def test_export_datavalues_refuses_an_unknown_unit_in_vietnamese(db):
    with pytest.raises(CommandError, match="Không có đơn vị hành chính mã '99999'."):
        call_command("export_datavalues", "--unit", "99999", stdout=io.StringIO())


# --- import_datavalues: DHIS2's reading rules and import options on the command line ------------------------


def import_command(path: Path, *args: str) -> tuple[int, dict, str]:
    """(exit code, the printed ImportSummary, stderr) of import_datavalues, as a shell would see them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_datavalues", str(path), "--no-outliers", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, (json.loads(out.getvalue()) if out.getvalue().strip() else {}), err.getvalue()


def write_json(tmp_path: Path, data: dict, name: str = "values.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_text(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored_values() -> dict[tuple[str, str, str, str], Decimal]:
    return {
        (dv.element.code, dv.combo.code, dv.unit.code, dv.period.code): dv.value
        for dv in DataValue.objects.select_related("element", "combo", "unit", "period")
    }


def conflict_keys(summary: dict) -> list[tuple[str, str, list[int]]]:
    return [(c["object"], c["errorCode"], c["indexes"]) for c in summary["conflicts"]]


SET_LEVEL = {
    "dataSet": "pBOMPrpg1QX",
    "period": "2023S1",
    "orgUnit": "19750",
    "attributeOptionCombo": "HllvX50cXC0",
    "dataValues": [
        {
            "dataElement": "LIVE_BIRTHS",
            "categoryOptionCombo": "default",
            "value": "400",
            "comment": "Trạm y tế",
        },
        {"dataElement": "CHILDREN_UNDER5", "categoryOptionCombo": "rural", "value": "1210"},
    ],
}


def test_import_datavalues_reads_set_level_fields_and_prints_dhis2_s_import_summary(db, tmp_path):
    code, summary, _ = import_command(write_json(tmp_path, SET_LEVEL))

    assert code == 0
    assert summary["responseType"] == "ImportSummary"
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    assert summary["importOptions"]["importStrategy"] == "CREATE_AND_UPDATE"
    assert summary["importOptions"]["atomicMode"] == "ALL"
    assert summary["importOptions"]["idSchemes"]["idScheme"] == "CODE"
    assert stored_values() == {
        ("LIVE_BIRTHS", "default", "19750", "2023S1"): Decimal(400),
        ("CHILDREN_UNDER5", "rural", "19750", "2023S1"): Decimal(1210),
    }
    assert DataValue.objects.get(element__code="LIVE_BIRTHS").comment == "Trạm y tế"


def test_import_datavalues_dry_run_from_the_option_or_the_payload_writes_nothing(db, tmp_path):
    code, summary, _ = import_command(write_json(tmp_path, SET_LEVEL), "--dry-run")
    payload_code, payload_summary, _ = import_command(write_json(tmp_path, {**SET_LEVEL, "dryRun": True}))

    assert (code, payload_code) == (0, 0)
    assert summary["importOptions"]["dryRun"] is payload_summary["importOptions"]["dryRun"] is True
    assert summary["importCount"]["imported"] == payload_summary["importCount"]["imported"] == 2
    assert DataValue.objects.count() == 0


def test_import_datavalues_refuses_a_dry_run_option_the_payload_contradicts(db, tmp_path):
    code, _, err = import_command(write_json(tmp_path, {**SET_LEVEL, "dryRun": False}), "--dry-run")

    assert code == 1
    assert "dryRun" in err
    assert DataValue.objects.count() == 0


def test_import_datavalues_atomic_mode_all_writes_nothing_when_a_row_is_refused(db, tmp_path):
    rows = [
        *SET_LEVEL["dataValues"],
        {"dataElement": "NEONATAL_DEATHS", "value": "3", "attributeOptionCombo": "X"},
    ]

    code, summary, err = import_command(write_json(tmp_path, {**SET_LEVEL, "dataValues": rows}))

    assert code == 1
    assert summary["status"] == "ERROR"
    assert conflict_keys(summary) == [("X", "E7615", [2])]
    assert summary["rejectedIndexes"] == [2]
    assert "không có gì được ghi" in err
    assert DataValue.objects.count() == 0


def test_import_datavalues_atomic_mode_none_writes_the_valid_rows(db, tmp_path):
    rows = [
        *SET_LEVEL["dataValues"],
        {"dataElement": "NEONATAL_DEATHS", "value": "3", "attributeOptionCombo": "X"},
    ]

    code, summary, _ = import_command(
        write_json(tmp_path, {**SET_LEVEL, "dataValues": rows}), "--atomic-mode", "NONE"
    )

    assert code == 0
    assert summary["status"] == "WARNING"
    assert summary["importOptions"]["atomicMode"] == "NONE"
    assert summary["importCount"]["imported"] == 2
    assert summary["rejectedIndexes"] == [2]
    assert len(stored_values()) == 2


def test_import_datavalues_delete_strategy_deletes_the_values_named(db, tmp_path):
    import_command(write_json(tmp_path, SET_LEVEL))

    code, summary, _ = import_command(write_json(tmp_path, SET_LEVEL), "--strategy", "DELETE")

    assert code == 0
    assert summary["importOptions"]["importStrategy"] == "DELETE"
    assert summary["importCount"]["deleted"] == 2
    assert stored_values() == {}


def test_import_datavalues_reads_numbers_as_dhis2_s_value_types(db, tmp_path):
    data = {**SET_LEVEL, "dataValues": [{"dataElement": "LIVE_BIRTHS", "value": "1.234"}]}

    code, summary, _ = import_command(write_json(tmp_path, data))

    assert code == 1
    assert conflict_keys(summary) == [("LIVE_BIRTHS", "E7619", [0])]
    assert DataValue.objects.count() == 0


def test_import_datavalues_reads_csv_with_or_without_header(db, tmp_path):
    rows = "LIVE_BIRTHS,2023S1,19750,default,,400\nNEONATAL_DEATHS,2023S1,19750,default,,3\n"
    path = write_text(tmp_path, "values.csv", rows)

    code, summary, _ = import_command(path, "--first-row-is-header")

    assert code == 0
    assert summary["importOptions"]["firstRowIsHeader"] is True
    assert stored_values() == {("NEONATAL_DEATHS", "default", "19750", "2023S1"): Decimal(3)}

    code, summary, _ = import_command(path, "--no-header")

    assert code == 0
    assert summary["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}


def test_import_datavalues_keeps_the_comment_and_combo_of_a_csv_with_dhis2_s_aliases(db, tmp_path):
    text = 'dataelement,period,orgunit,catoptcombo,attroptcombo,value,cmt\nCHILDREN_UNDER5,2023S1,19750,urban,,2000,"Điều tra, 2023"\n'

    code, _, _ = import_command(write_text(tmp_path, "values.csv", text))

    assert code == 0
    value = DataValue.objects.get(element__code="CHILDREN_UNDER5")
    assert (value.combo.code, value.value, value.comment) == ("urban", Decimal(2000), "Điều tra, 2023")


def test_import_datavalues_refuses_a_csv_header_with_unknown_columns_naming_them(db, tmp_path):
    text = "dataelement,period,orgunit,value,ghichu\nLIVE_BIRTHS,2023S1,19750,400,x\n"

    code, _, err = import_command(write_text(tmp_path, "values.csv", text))

    assert code == 1
    assert "ghichu" in err
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--strategy", "REPLACE"], "importStrategy='REPLACE'"),
        (["--atomic-mode", "OBJECT"], "atomicMode='OBJECT'"),
        (["--no-header"], "firstRowIsHeader"),
    ],
)
def test_import_datavalues_refuses_an_option_it_does_not_support_in_vietnamese(db, tmp_path, args, expected):
    code, _, err = import_command(write_json(tmp_path, SET_LEVEL), *args)

    assert code == 1
    assert expected in err and "không" in err
    assert DataValue.objects.count() == 0


def test_import_datavalues_refuses_an_xml_file_clearly(db, tmp_path):
    path = write_text(tmp_path, "values.xml", '<?xml version="1.0"?><dataValueSet/>')

    code, _, err = import_command(path)

    assert code == 1
    assert "XML is not supported" in err

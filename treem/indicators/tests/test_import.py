"""import_datavalues / export_datavalues: DHIS2 dataValueSets in JSON and CSV, all or nothing, with history."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from treem.indicators.models import DataValue

DATA = Path(__file__).parent / "data"
SMALL_JSON = DATA / "tth-2023-small.json"
SMALL_CSV = DATA / "tth-2023-small.csv"

# What tth-2023-small.json holds, written out by hand: (element, combo, unit, period) → value.
SMALL_VALUES = {
    ("LIVE_BIRTHS", "default", "19750", "2023S1"): Decimal(400),
    ("NEONATAL_DEATHS", "default", "19750", "2023S1"): Decimal(3),
    ("DEATHS_UNDER1", "default", "19750", "2023S1"): Decimal(4),
    ("DEATHS_UNDER5", "default", "19750", "2023S1"): Decimal(5),
    ("CHILDREN_UNDER5", "urban", "19750", "2023S1"): Decimal(2000),
    ("OVERWEIGHT_UNDER5", "urban", "19750", "2023S1"): Decimal(150),
    ("LIVE_BIRTHS", "default", "19903", "2023S1"): Decimal(600),
    ("NEONATAL_DEATHS", "default", "19903", "2023S1"): Decimal(5),
    ("DEATHS_UNDER1", "default", "19903", "2023S1"): Decimal(6),
    ("DEATHS_UNDER5", "default", "19903", "2023S1"): Decimal(8),
    ("CHILDREN_UNDER5", "rural", "19903", "2023S1"): Decimal(3000),
    ("OVERWEIGHT_UNDER5", "rural", "19903", "2023S1"): Decimal(90),
}


def run(command: str, *args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a management command, as a shell would see them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *[str(a) for a in args], stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def import_file(path: Path, *options) -> tuple[int, dict, str]:
    code, out, err = run("import_datavalues", path, "--no-outliers", *options)
    return code, (json.loads(out) if out.strip() else {}), err


def stored() -> dict[tuple[str, str, str, str], Decimal]:
    return {
        (dv.element.code, dv.combo.code, dv.unit.code, dv.period.code): dv.value
        for dv in DataValue.objects.select_related("element", "combo", "unit", "period")
    }


def history_count() -> int:
    return DataValue.history.count()


def write(tmp_path: Path, name: str, rows: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"dataValues": rows}, ensure_ascii=False), encoding="utf-8")
    return path


def value_of(element: str, unit: str, period: str = "2023S1", combo: str = "default") -> DataValue:
    return DataValue.objects.get(
        element__code=element, unit__code=unit, period__code=period, combo__code=combo
    )


# --- a clean file ------------------------------------------------------------------------------------------


def test_importing_the_small_file_stores_every_value_and_prints_the_counts(db):
    code, summary, _ = import_file(SMALL_JSON)

    assert code == 0
    assert summary["status"] == "SUCCESS"
    assert summary["importOptions"]["dryRun"] is False
    assert summary["importCount"] == {"imported": 12, "updated": 0, "ignored": 0, "deleted": 0}
    assert summary["conflicts"] == []
    assert stored() == SMALL_VALUES
    assert value_of("LIVE_BIRTHS", "19750").comment == "Trạm y tế phường Tây Lộc"
    assert history_count() == 12  # one "created" record per value


def test_importing_the_same_file_again_ignores_everything_and_changes_nothing(db):
    import_file(SMALL_JSON)
    before = (stored(), history_count(), DataValue.objects.count())

    code, summary, _ = import_file(SMALL_JSON)

    assert code == 0
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 12, "deleted": 0}
    assert (stored(), history_count(), DataValue.objects.count()) == before


def test_a_modified_value_is_updated_once_and_its_history_keeps_old_and_new(db, tmp_path):
    import_file(SMALL_JSON)
    rows = json.loads(SMALL_JSON.read_text(encoding="utf-8"))["dataValues"]
    rows[0]["value"] = "410"  # LIVE_BIRTHS, 19750: 400 → 410
    changed = write(tmp_path, "changed.json", rows)

    code, summary, _ = import_file(changed)

    assert code == 0
    assert summary["importCount"] == {"imported": 0, "updated": 1, "ignored": 11, "deleted": 0}
    assert value_of("LIVE_BIRTHS", "19750").value == Decimal(410)
    records = list(value_of("LIVE_BIRTHS", "19750").history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.value) for r in records] == [("+", Decimal(400)), ("~", Decimal(410))]
    assert history_count() == 13


def test_dry_run_counts_but_writes_nothing(db):
    code, summary, _ = import_file(SMALL_JSON, "--dry-run")

    assert code == 0
    assert summary["importOptions"]["dryRun"] is True
    assert summary["importCount"]["imported"] == 12
    assert DataValue.objects.count() == 0
    assert history_count() == 0


def test_dry_run_of_a_change_reports_the_update_and_keeps_the_old_value(db, tmp_path):
    import_file(SMALL_JSON)
    rows = [{"dataElement": "DEATHS_UNDER5", "period": "2023S1", "orgUnit": "19750", "value": "9"}]

    code, summary, _ = import_file(write(tmp_path, "change.json", rows), "--dry-run")

    assert code == 0
    assert summary["importCount"]["updated"] == 1
    assert value_of("DEATHS_UNDER5", "19750").value == Decimal(5)
    assert history_count() == 12


# --- an invalid file: every error named, nothing written ---------------------------------------------------


def conflicts(summary: dict, row: str = "dataValues[{}]") -> list[tuple[str, str, str]]:
    """(row, property, text) for each conflict and each value it concerns, the row named from the
    conflict's DHIS2 `indexes` (0-based among the file's values)."""
    return [(row.format(i), c["property"], c["value"]) for c in summary["conflicts"] for i in c["indexes"]]


# Files follow DHIS2's integer type strictly: no decimal comma, no thousands dot (the grid and Excel accept them).
STRICT_2_5 = (
    "'2,5' phải là số nguyên viết liền chữ số, không dấu chấm, dấu phẩy, dấu + hay số mũ (ví dụ 1234)"
)
FIELD_ERRORS = [
    ("dataValues[1]", "dataElement", "không có chỉ số dữ liệu mã 'LIVE_BIRTH'"),
    ("dataValues[2]", "orgUnit", "không có đơn vị hành chính mã '99999' trong phạm vi của bạn"),
    ("dataValues[3]", "period", "kỳ '2023S3' không hợp lệ (dạng 2023, 2023S1, 2023Q2 hoặc 202306)"),
    ("dataValues[4]", "value", "'-1' không được âm"),
    ("dataValues[5]", "value", STRICT_2_5),
    ("dataValues[6]", "categoryOptionCombo", "'rural' không thuộc phân tổ của LIVE_BIRTHS (default)"),
]
NEONATAL = "Số trẻ sơ sinh tử vong không được"  # how each rule's message starts (the plan file's words)
INSURED = "Tử số của chỉ tiêu MT04-BHYT"
NEONATAL_OVER_UNDER1 = (
    "value",
    "Số trẻ sơ sinh tử vong không được lớn hơn số trẻ dưới 1 tuổi tử vong: "
    "Số trẻ sơ sinh tử vong là 7, phải không quá Số trẻ em dưới 1 tuổi tử vong là 6 "
    "(Xã Phú Thuận (19903), 6 tháng đầu năm 2023)",
)
INSURED_OVER_CHILDREN = (  # MT04-BHYT is a percent: its numerator may not exceed its denominator
    "value",
    "Tử số của chỉ tiêu MT04-BHYT không được lớn hơn mẫu số: "
    "Số trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế đúng thời gian quy định là 1.200, phải không quá "
    "Số trẻ em dưới 6 tuổi là 1.150 (Xã Phú An (19912), 6 tháng đầu năm 2023)",
)


def rule_conflicts(summary: dict, rows: dict[str, tuple[int, int]]) -> list[tuple[str, str, str]]:
    """The rule conflicts, each checked to name one of the two rows it involves, with that row replaced
    by the figure's name the message starts with (which of the two rows is named is the engine's choice)."""
    found = set()
    for where, field, text in conflicts(summary):
        for name, indices in rows.items():
            if text.startswith(name) and where in {f"dataValues[{i}]" for i in indices}:
                found.add((name, field, text))
    return sorted(found)


def test_an_invalid_file_names_each_field_error_and_writes_nothing_not_even_the_valid_rows(db):
    code, summary, err = import_file(DATA / "tth-2023-invalid.json")

    assert code != 0
    assert summary["status"] == "ERROR"
    for error in FIELD_ERRORS:
        assert error in conflicts(summary)
    assert "không có gì được ghi" in err
    assert (
        DataValue.objects.count() == 0
    )  # dataValues[0] (LIVE_BIRTHS 400 for 19750) is valid yet not written
    assert history_count() == 0


def test_an_invalid_file_names_field_errors_and_rule_violations_in_one_pass(db):
    _, summary, _ = import_file(DATA / "tth-2023-invalid.json")

    assert len(summary["conflicts"]) == len(FIELD_ERRORS) + 2
    assert set(FIELD_ERRORS) <= set(conflicts(summary))
    assert sorted(rule_conflicts(summary, {NEONATAL: (7, 8), INSURED: (9, 10)})) == [
        (NEONATAL, *NEONATAL_OVER_UNDER1),
        (INSURED, *INSURED_OVER_CHILDREN),
    ]


def test_rule_violations_between_elements_are_named_and_nothing_is_written(db):
    code, summary, _ = import_file(DATA / "tth-2023-rules.json")

    assert code != 0
    assert len(summary["conflicts"]) == 2
    assert sorted(rule_conflicts(summary, {NEONATAL: (1, 2), INSURED: (3, 4)})) == [
        (NEONATAL, *NEONATAL_OVER_UNDER1),
        (INSURED, *INSURED_OVER_CHILDREN),
    ]
    assert DataValue.objects.count() == 0


def test_a_rule_is_checked_against_values_already_stored(db, tmp_path):
    import_file(SMALL_JSON)  # 19750: NEONATAL_DEATHS 3, DEATHS_UNDER1 4
    rows = [{"dataElement": "NEONATAL_DEATHS", "period": "2023S1", "orgUnit": "19750", "value": "5"}]

    code, summary, _ = import_file(write(tmp_path, "neonatal.json", rows))

    assert code != 0
    [(where, field, text)] = conflicts(summary)
    assert (where, field) == ("dataValues[0]", "value")
    assert summary["conflicts"][0]["errorCode"] == "TREEM_RULE"
    assert "Số trẻ sơ sinh tử vong là 5, phải không quá Số trẻ em dưới 1 tuổi tử vong là 4" in text
    assert value_of("NEONATAL_DEATHS", "19750").value == Decimal(3)


def test_the_same_value_twice_in_one_file_is_a_conflict(db, tmp_path):
    row = {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "400"}

    code, summary, _ = import_file(write(tmp_path, "twice.json", [row, {**row, "value": "401"}]))

    assert code != 0
    assert ("dataValues[1]", "value", "giá trị bị lặp (đã có ở dataValues[0])") in conflicts(summary)
    assert len(summary["conflicts"]) == 1
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"dataValues": [', "Tệp JSON không hợp lệ: dòng 1"),
        ('[{"dataElement": "LIVE_BIRTHS"}]', 'Tệp JSON phải có dạng {"dataValues": [...]}'),
        ('{"completeDate": "2023-07-10", "dataValues": []}', "completeDate"),
        ('<?xml version="1.0"?><dataValueSet/>', "XML is not supported"),
    ],
)
def test_a_file_that_is_not_a_data_value_set_fails_with_a_vietnamese_message(db, tmp_path, text, message):
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")

    code, _, err = import_file(path)

    assert code != 0
    assert message in err
    assert DataValue.objects.count() == 0


# --- CSV -----------------------------------------------------------------------------------------------------


def test_the_csv_file_imports_the_same_values_as_the_json_file(db):
    code, summary, _ = import_file(SMALL_CSV)

    assert code == 0
    assert summary["importCount"]["imported"] == 12
    assert stored() == SMALL_VALUES

    _, again, _ = import_file(SMALL_JSON)  # same values and comment: nothing to change

    assert again["importCount"] == {"imported": 0, "updated": 0, "ignored": 12, "deleted": 0}


def test_csv_errors_name_the_line(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
        "LIVE_BIRTHS,2023S1,19750,,,400\n"
        "LIVE_BIRTHS,2023Q5,19753,,,abc\n",
        encoding="utf-8",
    )

    code, summary, _ = import_file(path)

    assert code != 0
    rows = conflicts(summary, row="index {}")  # the second data row (line 3)
    assert (
        "index 1",
        "period",
        "kỳ '2023Q5' không hợp lệ (dạng 2023, 2023S1, 2023Q2 hoặc 202306)",
    ) in rows
    assert any(where == "index 1" and field == "value" and "'abc'" in text for where, field, text in rows)
    assert DataValue.objects.count() == 0


# --- round trip ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_exported_values_import_back_unchanged(db, tmp_path, fmt):
    import_file(SMALL_JSON)
    before = (stored(), history_count())
    code, exported, _ = run("export_datavalues", "--format", fmt, "--period", "2023S1")
    assert code == 0
    path = tmp_path / f"export.{fmt}"
    path.write_text(exported, encoding="utf-8")

    code, summary, _ = import_file(path)

    assert code == 0
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 12, "deleted": 0}
    assert (stored(), history_count()) == before


def test_export_of_a_district_holds_only_its_communes(db):
    import_file(SMALL_JSON)

    _, exported, _ = run("export_datavalues", "--unit", "478")

    rows = json.loads(exported)["dataValues"]
    assert {r["orgUnit"] for r in rows} == {"19903"}
    assert len(rows) == 6
    assert {
        "dataElement": "CHILDREN_UNDER5",
        "categoryOptionCombo": "rural",
        "value": "3000",
    }.items() <= next(r for r in rows if r["dataElement"] == "CHILDREN_UNDER5").items()


# --- deleting -----------------------------------------------------------------------------------------------


def test_deleted_true_removes_a_value_and_history_keeps_it(db, tmp_path):
    import_file(SMALL_JSON)
    rows = [
        {"dataElement": "OVERWEIGHT_UNDER5", "period": "2023S1", "orgUnit": "19750",
         "categoryOptionCombo": "urban", "value": "150", "deleted": True},
    ]  # fmt: skip

    code, summary, _ = import_file(write(tmp_path, "delete.json", rows))

    assert code == 0
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 1}
    assert DataValue.objects.count() == 11
    removed = DataValue.history.filter(element__code="OVERWEIGHT_UNDER5", unit__code="19750").latest(
        "history_id"
    )
    assert (removed.history_type, removed.value) == ("-", Decimal(150))


def test_an_empty_value_in_csv_deletes_the_value(db, tmp_path):
    import_file(SMALL_JSON)
    path = tmp_path / "delete.csv"
    path.write_text(
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
        "DEATHS_UNDER5,2023S1,19903,default,,\n",
        encoding="utf-8",
    )

    code, summary, _ = import_file(path)

    assert code == 0
    assert summary["importCount"]["deleted"] == 1
    assert not DataValue.objects.filter(element__code="DEATHS_UNDER5", unit__code="19903").exists()
    assert DataValue.history.filter(
        element__code="DEATHS_UNDER5", unit__code="19903", history_type="-"
    ).exists()


def test_deleting_a_value_that_does_not_exist_is_ignored(db, tmp_path):
    rows = [{"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": ""}]

    code, summary, _ = import_file(write(tmp_path, "nothing.json", rows))

    assert code == 0
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    assert history_count() == 0

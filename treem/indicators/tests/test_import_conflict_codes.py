"""Conflicts name the offending identifier, DHIS2's error code and the inputs' indexes (issue 12), and
machine formats read numbers as DHIS2 writes them while the grid and Excel keep the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from treem.accounts.models import Role, User
from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ImportSummary, ValueInput, import_values, save_cell
from treem.indicators.models import DataElement, DataValue, ValueType
from treem.indicators.validation import check_value

FULL = EntryScope(True)
UNIT = "19750"  # Phường Tây Lộc, district 474
PERIOD = "2023S1"


def value(element: str, raw: object, index: int = 0, **fields: Any) -> ValueInput:
    fields = {"unit": UNIT, "combo": "default", "period": PERIOD, **fields}
    return ValueInput(
        element,
        fields.pop("combo"),
        fields.pop("unit"),
        fields.pop("period"),
        raw,
        where=f"dataValues[{index}]",
        index=index,
        **fields,
    )


def write(*inputs: ValueInput, user: User | None = None, **options: Any) -> ImportSummary:
    scope = None if user is not None else FULL
    return import_values(list(inputs), user=user, scope=scope, check_outliers=False, **options)


def conflict(summary: ImportSummary) -> tuple[str, str, str, list[int]]:
    [found] = summary.conflicts
    return (found.field, found.object, found.code, found.indexes)


# --- object, code, indexes --------------------------------------------------------------------------------


def test_an_unknown_element_is_named_with_e7610(db: None) -> None:
    summary = write(value("NOT_AN_ELEMENT", "1", 4))

    assert conflict(summary) == ("dataElement", "NOT_AN_ELEMENT", "E7610", [4])
    assert (
        str(summary.conflicts[0]) == "dataValues[4], dataElement: không có chỉ số dữ liệu mã 'NOT_AN_ELEMENT'"
    )


def test_a_bad_period_is_named_with_e7611(db: None) -> None:
    assert conflict(write(value("LIVE_BIRTHS", "1", 2, period="2023X9"))) == (
        "period",
        "2023X9",
        "E7611",
        [2],
    )


def test_an_unknown_unit_is_e7612_for_a_full_scope(db: None) -> None:
    assert conflict(write(value("LIVE_BIRTHS", "1", 1, unit="99999"))) == ("orgUnit", "99999", "E7612", [1])


def test_a_unit_outside_the_users_area_and_an_unknown_one_are_answered_alike_with_e7612(
    officer_478: User,
) -> None:
    outside = write(value("LIVE_BIRTHS", "1", 0), user=officer_478)  # 19750 is in district 474
    unknown = write(value("LIVE_BIRTHS", "1", 0, unit="99999"), user=officer_478)

    assert conflict(outside) == ("orgUnit", UNIT, "E7612", [0])
    assert conflict(unknown) == ("orgUnit", "99999", "E7612", [0])
    assert outside.conflicts[0].text.replace(UNIT, "?") == unknown.conflicts[0].text.replace("99999", "?")


def test_an_element_of_another_agency_is_e7617_on_the_unit(syt_reporter: User) -> None:
    summary = write(value("CHILDREN_TOTAL", "1", 3), user=syt_reporter)  # supplied by SLDTBXH

    assert conflict(summary) == ("orgUnit", UNIT, "E7617", [3])


def test_a_unit_of_another_level_is_e7636(db: None) -> None:
    assert conflict(write(value("LIVE_BIRTHS", "1", 0, unit="474"))) == ("orgUnit", "474", "E7636", [0])


def test_a_combo_of_another_element_and_an_unknown_combo(db: None) -> None:
    other = write(value("LIVE_BIRTHS", "1", 0, combo="urban"))
    unknown = write(value("LIVE_BIRTHS", "1", 1, combo="nope"))

    assert conflict(other) == ("categoryOptionCombo", "urban", "E7634", [0])
    assert conflict(unknown) == ("categoryOptionCombo", "nope", "E7613", [1])


def test_a_bad_value_names_the_element_and_the_value(db: None) -> None:
    summary = write(value("LIVE_BIRTHS", "many", 5))

    assert conflict(summary) == ("value", "LIVE_BIRTHS", "E7619", [5])
    assert "'many'" in summary.conflicts[0].text


def test_an_over_long_comment_is_e7620(db: None) -> None:
    assert conflict(write(value("LIVE_BIRTHS", "1", 0, comment="x" * 10_000)))[1:3] == (
        "LIVE_BIRTHS",
        "E7620",
    )


def test_an_input_without_a_position_has_no_indexes(db: None) -> None:
    summary = write(ValueInput("NOT_AN_ELEMENT", "default", UNIT, PERIOD, "1"))

    assert summary.conflicts[0].indexes == [] and summary.rejected_indexes == []


def test_the_command_line_summary_keeps_its_shape_and_adds_the_codes(db: None) -> None:
    data = write(value("NOT_AN_ELEMENT", "1", 7)).as_dict()

    assert data["status"] == "ERROR" and data["rejectedIndexes"] == [7]
    [found] = data["conflicts"]
    assert (found["object"], found["property"], found["errorCode"], found["indexes"]) == (
        "dataValues[7]",
        "dataElement",
        "E7610",
        [7],
    )


# --- strict numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["1.234", "12.0", "+5", "1e3", "1,5", "1 000", "007", Decimal("12.0"), Decimal("1E+3"), 12.0, True]
)
def test_a_machine_format_count_must_be_a_plain_integer(db: None, raw: object) -> None:
    summary = write(value("LIVE_BIRTHS", raw, 0), strict_numbers=True)

    assert conflict(summary) == ("value", "LIVE_BIRTHS", "E7619", [0])
    assert not DataValue.objects.exists()


def test_a_negative_count_is_refused_in_the_usual_words(db: None) -> None:
    summary = write(value("LIVE_BIRTHS", "-3"), strict_numbers=True)

    assert summary.conflicts[0].text == "'-3' không được âm"


@pytest.mark.parametrize("raw", ["0", "17", 17, Decimal("17"), " 17 "])
def test_a_machine_format_count_takes_plain_integers_and_trims_spaces(db: None, raw: object) -> None:
    summary = write(value("LIVE_BIRTHS", raw), strict_numbers=True)

    assert not summary.conflicts
    assert DataValue.objects.get().value == Decimal(int(str(raw)))


def test_the_grid_still_reads_a_thousands_dot(db: None, make_user: Any) -> None:
    coordinator = make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    summary = save_cell(coordinator, "LIVE_BIRTHS", "default", UNIT, PERIOD, "1.234")

    assert not summary.conflicts and DataValue.objects.get().value == 1234


def test_the_fast_path_for_codes_seen_before_is_strict_too(db: None) -> None:
    summary = write(
        value("LIVE_BIRTHS", "400", 0),
        value("NEONATAL_DEATHS", "3", 1, period="2023S2"),
        value("LIVE_BIRTHS", "12.0", 2, period="2023S2"),  # element, unit and period all seen good before
        strict_numbers=True,
    )

    assert conflict(summary) == ("value", "LIVE_BIRTHS", "E7619", [2])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", Decimal("12.5")), ("0.25", Decimal("0.25")), ("100", Decimal(100)), ("0", 0)],
)
def test_a_machine_format_number_takes_a_decimal_point(raw: str, expected: Decimal) -> None:
    for value_type in (ValueType.NUMBER, ValueType.PERCENT):
        assert check_value(DataElement(value_type=value_type), raw, strict=True) == expected


@pytest.mark.parametrize("raw", ["12,5", "1.234,5", ".5", "12.", "+1", "1e2", "01.5"])
def test_a_machine_format_number_refuses_other_writings(raw: str) -> None:
    with pytest.raises(ValueError, match=r"'"):
        check_value(DataElement(value_type=ValueType.NUMBER), raw, strict=True)


def test_typed_numbers_keep_the_vietnamese_decimal_comma() -> None:
    assert check_value(DataElement(value_type=ValueType.NUMBER), "12,5") == Decimal("12.5")
    assert check_value(DataElement(value_type=ValueType.INTEGER), "1.234") == 1234


def test_a_percent_above_100_is_refused_in_a_machine_format_too() -> None:
    with pytest.raises(ValueError, match="không được lớn hơn 100"):
        check_value(DataElement(value_type=ValueType.PERCENT), "100.5", strict=True)

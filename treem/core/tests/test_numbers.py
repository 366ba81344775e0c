"""Numbers as Vietnamese users type them (thousands dot, decimal comma) and half-up rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treem.core.numbers import parse_typed_number, round_half_up


@pytest.mark.parametrize(
    "raw, integer_expected, expected",
    [
        ("1.234", True, Decimal("1234")),  # a count: the dot groups thousands
        ("1.234.567", True, Decimal("1234567")),
        ("1.234", False, Decimal("1.234")),  # a machine number: the dot is the decimal point
        ("9,5", False, Decimal("9.5")),  # decimal comma
        ("9,5", True, Decimal("9.5")),  # read as typed; check_value then refuses it as a count
        ("9.5", False, Decimal("9.5")),
        ("9.5", True, Decimal("9.5")),  # not a thousands group (one digit after the dot)
        ("1.234,5", False, Decimal("1234.5")),
        ("1.234,5", True, Decimal("1234.5")),
        (" 1 234 ", True, Decimal("1234")),
        ("1\u00a0234", True, Decimal("1234")),  # no-break space from a spreadsheet
        ("0", True, Decimal("0")),
        ("-7", True, Decimal("-7")),  # parsed; negatives are refused by validation, not here
        (412, True, Decimal("412")),
        (Decimal("3.25"), False, Decimal("3.25")),
        (0.1, False, Decimal("0.1")),  # a float keeps the digits it prints, not its binary expansion
    ],
)
def test_parse_typed_number_reads_vietnamese_and_machine_numbers(raw, integer_expected, expected):
    assert parse_typed_number(raw, integer_expected=integer_expected) == expected


@pytest.mark.parametrize("raw", ["abc", "", "1,2,3", "12a", "NaN", "Infinity", "--1"])
def test_text_that_is_not_a_number_raises_value_error_naming_it_in_vietnamese(raw):
    with pytest.raises(ValueError) as raised:
        parse_typed_number(raw, integer_expected=True)

    assert str(raised.value) == f"'{raw}' không phải là số"


def test_a_boolean_is_not_a_number():
    with pytest.raises(ValueError, match="không phải là số"):
        parse_typed_number(True, integer_expected=True)


@pytest.mark.parametrize(
    "value, places, expected",
    [
        ("2.345", 2, "2.35"),
        ("2.344", 2, "2.34"),
        ("0.125", 2, "0.13"),  # banker's rounding would give 0.12
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("9.495", 2, "9.50"),
        ("9.4949", 2, "9.49"),
        ("16", 2, "16.00"),
        ("5.55555", 4, "5.5556"),
    ],
)
def test_round_half_up_rounds_halves_away_from_zero(value, places, expected):
    result = round_half_up(Decimal(value), places)

    assert result == Decimal(expected)
    assert str(result) == expected  # the scale is the number of places asked for


def test_round_half_up_defaults_to_two_places():
    assert str(round_half_up(Decimal("0.125"))) == "0.13"


# --- properties --------------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**13))
def test_a_count_printed_with_vietnamese_grouping_parses_back(n):
    typed = f"{n:,}".replace(",", ".")  # 1234567 → "1.234.567"

    assert parse_typed_number(typed, integer_expected=True) == n


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=9999))
def test_a_decimal_printed_the_vietnamese_way_parses_back(whole, fraction):
    typed = f"{whole:,}".replace(",", ".") + f",{fraction:04d}"  # "1.234,0500"

    assert parse_typed_number(typed, integer_expected=False) == Decimal(whole) + Decimal(fraction) / 10000


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_round_half_up_stays_within_half_a_cent_and_rounds_halves_away_from_zero(value):
    rounded = round_half_up(value)

    assert abs(rounded - value) <= Decimal("0.005")
    if abs(rounded - value) == Decimal("0.005"):
        assert abs(rounded) > abs(value)  # a half goes away from zero

"""Reading numbers as Vietnamese users type them, and rounding the way reports print them."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .uploads import NUMBER_CHARS, Oversized, excerpt

GROUPED_INTEGER = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
MAX_DIGITS = 20  # figures have fewer whole digits, and fewer decimal places, than this


def parse_typed_number(raw: str | int | float | Decimal | Oversized, *, integer_expected: bool) -> Decimal:
    """Parse a typed or imported number; raise ValueError with a Vietnamese message.

    "1.234" is one thousand two hundred thirty-four for a count (thousands dot), "9,5" is nine and a half
    (decimal comma); a plain "9.5" from a machine file is nine and a half.
    """
    if isinstance(raw, bool):
        raise ValueError("giá trị không phải là số")
    if isinstance(raw, int) and not -(10**MAX_DIGITS) < raw < 10**MAX_DIGITS:
        digits = abs(raw).bit_length() * 30103 // 100000 + 1  # str() of a huge int is refused or slow
        raise ValueError(f"số quá lớn (khoảng {digits} chữ số)")
    if isinstance(raw, (int, Decimal)):
        return _in_range(Decimal(raw), raw)
    if isinstance(raw, float):
        return _in_range(Decimal(repr(raw)), raw)
    if isinstance(raw, Oversized):
        raise ValueError(f"'{raw}' không phải là số (dài {raw.length} ký tự)")
    if isinstance(raw, str) and len(raw) > NUMBER_CHARS:
        raise ValueError(f"'{excerpt(raw)}' không phải là số (dài {len(raw)} ký tự)")
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif integer_expected and GROUPED_INTEGER.match(text):
        text = text.replace(".", "")
    if not text.isascii() or len(text) > NUMBER_CHARS:
        raise ValueError(f"'{excerpt(raw)}' không phải là số")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{excerpt(raw)}' không phải là số") from None
    return _in_range(number, raw)


def _in_range(number: Decimal, raw: object) -> Decimal:
    """The number, unless it is not finite or too large or too fine to be a figure: "1e1000000" would
    overflow any arithmetic (decimal.Overflow) done on it later."""
    if not number.is_finite():
        raise ValueError(f"'{excerpt(raw)}' không phải là số")
    if number and number.adjusted() >= MAX_DIGITS:
        raise ValueError(f"'{excerpt(raw)}' quá lớn")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DIGITS:
        raise ValueError(f"'{excerpt(raw)}' có quá nhiều chữ số thập phân")
    return number


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

"""Reading numbers as Vietnamese users type them, and rounding the way reports print them."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GROUPED_INTEGER = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_typed_number(raw: str | int | float | Decimal, *, integer_expected: bool) -> Decimal:
    """Parse a typed or imported number; raise ValueError with a Vietnamese message.

    "1.234" is one thousand two hundred thirty-four for a count (thousands dot), "9,5" is nine and a half
    (decimal comma); a plain "9.5" from a machine file is nine and a half.
    """
    if isinstance(raw, bool):
        raise ValueError("giá trị không phải là số")
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif integer_expected and GROUPED_INTEGER.match(text):
        text = text.replace(".", "")
    if not text.isascii():
        raise ValueError(f"'{raw}' không phải là số")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{raw}' không phải là số") from None
    if not number.is_finite():
        raise ValueError(f"'{raw}' không phải là số")
    return number


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

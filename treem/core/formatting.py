"""Numbers and dates as people read them, in the active language: one module for templates, charts, Excel,
error and warning messages and Word reports.

Numbers are rounded half-up first (Django's number_format truncates), then written the active language's
way (Vietnamese: decimal comma, thousands dot; English: decimal point, thousands comma). Messages show
numbers as users write them ("1.000", "0,3"), never Python's repr.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django.utils import translation
from django.utils.formats import date_format, number_format

from .comparisons import symbol
from .numbers import round_half_up


def format_rate(value: Any, places: int = 2) -> str:
    """7.3456 → '7,35'; None → '—'."""
    if value is None or value == "":
        return "—"
    places = int(places)
    return number_format(round_half_up(Decimal(value), places), decimal_pos=places, force_grouping=True)


def format_count(value: Any) -> str:
    """12345 → '12.345'; a non-whole number keeps up to 2 decimals."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value, decimal_pos=0, force_grouping=True)
    rounded = round_half_up(value, 2)
    places = 1 if rounded == round_half_up(value, 1) else 2
    return number_format(rounded, decimal_pos=places, force_grouping=True)


def format_threshold(indicator: Any) -> str:
    """'< 9,5 ‰ trẻ đẻ sống', '≥ 95%', '< 600/100.000 trẻ em': direction, threshold without trailing
    zeros, unit (a symbol unit is written against the number)."""
    threshold = Decimal(indicator.threshold)
    exponent = cast(int, threshold.normalize().as_tuple().exponent)  # an int: a threshold is finite
    places = max(0, -exponent)
    number = number_format(threshold, decimal_pos=places, force_grouping=True)
    unit = indicator.get_unit_display()
    return f"{symbol(indicator.direction)} {number}{' ' if unit[:1].isalpha() else ''}{unit}"


def format_number(value: Any) -> str:
    """A number in a message, as the user would type it: 1000 → '1.000', 0.3 → '0,3', Decimal('12.50') →
    '12,5' (up to 4 decimals, no trailing zeros)."""
    if value is None or value == "":
        return "—"
    number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    if not number.is_finite():
        return str(value)
    rounded = round_half_up(number, 4).normalize()
    places = max(0, -rounded.as_tuple().exponent)  # type: ignore[operator]
    return number_format(rounded, decimal_pos=places, force_grouping=True)


def format_date(day: datetime.date | None) -> str:
    """dd/mm/yyyy in Vietnamese and English alike (the office's short form); None → '—'."""
    return date_format(day, "d/m/Y") if day else "—"


def format_long_date(day: datetime.date) -> str:
    """The date as administrative documents write it: 'ngày 05 tháng 12 năm 2023' in Vietnamese,
    '5 December 2023' in English."""
    if translation.get_language() == "en":
        return date_format(day, "j F Y")
    return f"ngày {day:%d} tháng {day:%m} năm {day.year}"

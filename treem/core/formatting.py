"""Numbers as reports print them: rounded half-up first (Django's number_format truncates), then in the
active language's format (Vietnamese: decimal comma, thousands dot)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

from treem.indicators.numbers import round_half_up
from treem.indicators.validation import SYMBOL


def format_rate(value, places: int = 2) -> str:
    """7.3456 → '7,35'; None → '—'."""
    if value is None or value == "":
        return "—"
    places = int(places)
    return number_format(round_half_up(Decimal(value), places), decimal_pos=places, force_grouping=True)


def format_count(value) -> str:
    """12345 → '12.345'; a non-whole number keeps up to 2 decimals."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value, decimal_pos=0, force_grouping=True)
    rounded = round_half_up(value, 2)
    places = 1 if rounded == round_half_up(value, 1) else 2
    return number_format(rounded, decimal_pos=places, force_grouping=True)


def format_threshold(indicator) -> str:
    """'< 9,5 ‰ trẻ đẻ sống', '≥ 95%', '< 600/100.000 trẻ em': direction, threshold without trailing
    zeros, unit (a symbol unit is written against the number)."""
    threshold = Decimal(indicator.threshold)
    places = max(0, -threshold.normalize().as_tuple().exponent)
    number = number_format(threshold, decimal_pos=places, force_grouping=True)
    unit = indicator.get_unit_display()
    return f"{SYMBOL[indicator.direction]} {number}{' ' if unit[:1].isalpha() else ''}{unit}"

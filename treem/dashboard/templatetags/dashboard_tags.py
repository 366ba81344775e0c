"""Number and status formatting for the scorecard: values rounded half-up the way reports print them,
then formatted for the active language (Vietnamese: decimal comma, thousands dot)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.utils.http import urlencode

from treem.core.formatting import format_count, format_rate, format_threshold
from treem.core.numbers import round_half_up
from treem.plans.evaluation import Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()


@register.filter
def vn_number(value, places: int = 2) -> str:
    """A rate as shown: 7.3456 → '7,35' (2 decimals, half-up); None → '—'."""
    return format_rate(value, places)


@register.filter
def vn_count(value) -> str:
    """A count (numerator, denominator): 12345 → '12.345'."""
    return format_count(value)


@register.filter
def threshold_rule(indicator) -> str:
    return format_threshold(indicator)


@register.filter
def raw_value(value) -> str:
    """The shown value in machine form ('7.35', for data-value attributes); '' when there is none."""
    if value is None or value == "":
        return ""
    return f"{round_half_up(Decimal(value)):f}"


@register.filter
def indent_below(unit, root) -> str:
    """Dashes for the unit's place below `root` in the unit picker: by its depth in the tree, not its
    level (a 2025 commune sits right below its city, a 2023 one below its district)."""
    if root is None:
        return ""
    return "— " * max(0, unit.depth - root.depth)


@register.filter
def status_label(status: str) -> StrOrPromise:
    return Status.LABELS.get(status, status)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current page's query string with some parameters changed ('?period=2023S1&unit=474')."""
    params = {k: v for k, v in context["query_params"].items() if v not in (None, "")}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else ""

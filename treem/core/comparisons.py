"""The comparison operators treem knows, in one table: how to compare, the symbol, the words, and which
way is better. Validation rules (`left op right`), target directions (a threshold the value must be under
or over), trends and every message use this table, so an operator means the same everywhere."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Operator:
    code: str
    compare: Callable[[Any, Any], bool]
    symbol: str
    words: str | Promise  # how a plan writes it before a threshold: "dưới 9,5‰"
    lower_is_better: bool | None  # for a target of this direction; None: no direction (equality)


OPERATORS: dict[str, Operator] = {
    op.code: op
    for op in (
        Operator("lt", operator.lt, "<", _("dưới"), True),
        Operator("le", operator.le, "≤", _("không quá"), True),
        Operator("eq", operator.eq, "=", _("bằng"), None),
        Operator("ge", operator.ge, "≥", _("đạt ít nhất"), False),
        Operator("gt", operator.gt, ">", _("trên"), False),
    )
}

CHOICES = [(op.code, op.symbol) for op in OPERATORS.values()]
DIRECTIONS = ("lt", "le", "ge", "gt")  # the operators a target may use


def compare(left: Decimal, code: str, right: Decimal) -> bool:
    return OPERATORS[code].compare(left, right)


def symbol(code: str) -> str:
    return OPERATORS[code].symbol


def words(code: str) -> str:
    return str(OPERATORS[code].words)


def lower_is_better(code: str) -> bool:
    better = OPERATORS[code].lower_is_better
    if better is None:
        raise ValueError(f"operator {code!r} has no better direction")
    return better

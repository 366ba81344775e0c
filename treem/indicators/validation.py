"""Validation of data values: value types, rules between elements (as data), outliers (warnings).

Rules are checked for one unit and period at a time, over the values already stored overlaid with the
values being written, so a batch is judged as it would be after it is saved.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count

from .expressions import parse
from .models import DataElement, DataValue, ValidationRule, ValueType
from .numbers import parse_typed_number

COMPARE = {"lt": operator.lt, "le": operator.le, "eq": operator.eq, "ge": operator.ge, "gt": operator.gt}
SYMBOL = {"lt": "<", "le": "≤", "eq": "=", "ge": "≥", "gt": ">"}
OUTLIER_FACTOR = Decimal(3)
OUTLIER_MIN_DIFFERENCE = Decimal(10)


def check_value(element: DataElement, raw) -> Decimal:
    """The value as a Decimal, or ValueError (Vietnamese) naming what is wrong with it."""
    value = parse_typed_number(raw, integer_expected=element.value_type == ValueType.INTEGER)
    if element.value_type == ValueType.INTEGER and value != value.to_integral_value():
        raise ValueError(f"'{raw}' phải là số nguyên (số đếm)")
    if value < 0:
        raise ValueError(f"'{raw}' không được âm")
    if element.value_type == ValueType.PERCENT and value > 100:
        raise ValueError(f"'{raw}' là tỷ lệ %, không được lớn hơn 100")
    if abs(value) >= Decimal(10) ** 14:
        raise ValueError(f"'{raw}' quá lớn")
    return value


@dataclass(frozen=True)
class Rule:
    code: str
    left: str
    operator: str
    right: str
    message: str


def all_rules(plan_indicators=None) -> list[Rule]:
    """Rules from the plan files, and numerator ≤ denominator for every percent indicator."""
    from treem.plans.models import Indicator, MeasureUnit

    rules = [Rule(r.code, r.left, r.operator, r.right, r.message) for r in ValidationRule.objects.all()]
    indicators = plan_indicators if plan_indicators is not None else Indicator.objects.filter(is_active=True)
    seen = set()
    for ind in indicators:
        if ind.unit == MeasureUnit.PERCENT and (ind.numerator, ind.denominator) not in seen:
            seen.add((ind.numerator, ind.denominator))
            rules.append(
                Rule(
                    f"{ind.code}-TU-MAU",
                    ind.numerator,
                    "le",
                    ind.denominator,
                    f"Tử số của chỉ tiêu {ind.code} không được lớn hơn mẫu số",
                )
            )
    return rules


Key = tuple[str, str]  # (element code, combo code)


def _side(expression: str, values: dict[Key, Decimal]) -> Decimal | None:
    """The sum of an expression's terms, or None when any term has no value (the rule is then skipped)."""
    total = Decimal(0)
    for term in parse(expression):
        if term.combo:
            found = [values[(term.element, term.combo)]] if (term.element, term.combo) in values else []
        else:
            found = [v for (e, _), v in values.items() if e == term.element]
        if not found:
            return None
        total += sum(found)
    return total


def rule_violations(values_by_cell: dict[tuple[str, str], dict[Key, Decimal]], rules: list[Rule]) -> dict:
    """For each (unit code, period code) → list of (rule, left, right) the values break."""
    broken: dict[tuple[str, str], list] = defaultdict(list)
    for cell, values in values_by_cell.items():
        for rule in rules:
            left, right = _side(rule.left, values), _side(rule.right, values)
            if left is not None and right is not None and not COMPARE[rule.operator](left, right):
                broken[cell].append((rule, left, right))
    return broken


def stored_values(cells: set[tuple[str, str]]) -> dict[tuple[str, str], dict[Key, Decimal]]:
    """Stored values of the given (unit code, period code) cells, by cell and (element, combo)."""
    out: dict[tuple[str, str], dict[Key, Decimal]] = defaultdict(dict)
    units = {u for u, _ in cells}
    periods = {p for _, p in cells}
    rows = DataValue.objects.filter(unit__code__in=units, period__code__in=periods).values_list(
        "unit__code", "period__code", "element__code", "combo__code", "value"
    )
    for unit, period, element, combo, value in rows.iterator(chunk_size=5000):
        if (unit, period) in cells:
            out[(unit, period)][(element, combo)] = value
    return out


def outlier_warning(
    element_id: int, combo_id: int, unit_id: int, period_type: str, before, value: Decimal
) -> str | None:
    """A warning when the value is far from the unit's average of earlier periods of the same type."""
    history = DataValue.objects.filter(
        element_id=element_id,
        combo_id=combo_id,
        unit_id=unit_id,
        period__period_type=period_type,
        period__start_date__lt=before,
    ).aggregate(mean=Avg("value"), n=Count("id"))
    if not history["n"] or history["n"] < 2 or not history["mean"]:
        return None
    mean = Decimal(history["mean"])
    if abs(value - mean) < OUTLIER_MIN_DIFFERENCE:
        return None
    if value > mean * OUTLIER_FACTOR or value * OUTLIER_FACTOR < mean:
        return f"giá trị {value.normalize():f} khác xa trung bình các kỳ trước ({mean:.1f}); vui lòng kiểm tra lại"
    return None

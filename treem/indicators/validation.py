"""Validation of data values: value types, rules between elements (as data), outliers (warnings).

Rules are checked for one unit and period at a time, over the values already stored overlaid with the
values being written, so a batch is judged as it would be after it is saved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.formatting import format_number
from treem.core.numbers import parse_typed_number, round_half_up
from treem.core.uploads import NUMBER_CHARS, Oversized, excerpt

from .expressions import Term, parse
from .models import DataElement, DataValue, ValidationRule, ValueType
from .value_inputs import Resolved

OUTLIER_FACTOR = Decimal(3)
OUTLIER_MIN_DIFFERENCE = Decimal(10)


def check_value(element: DataElement, raw: object, *, strict: bool = False) -> Decimal:
    """The value as a Decimal, or ValueError (Vietnamese) naming what is wrong with it.

    `strict`: a machine format (a DHIS2 file, the Web API), read as DHIS2 reads value types (`strict_number`);
    otherwise as people type (the grid, Excel: "1.234" is a count of 1234, "9,5" is 9.5)."""
    if (
        type(raw) is str
        and raw.isascii()
        and raw.isdigit()
        and len(raw) < 15
        and element.value_type != ValueType.PERCENT
        and (not strict or raw == "0" or raw[0] != "0")
    ):
        return Decimal(raw)  # the common case of a plain count: nothing else to check
    if strict:
        value = strict_number(raw, integer=element.value_type == ValueType.INTEGER)
    else:
        value = parse_typed_number(raw, integer_expected=element.value_type == ValueType.INTEGER)  # type: ignore[arg-type]
    if element.value_type == ValueType.INTEGER and value != value.to_integral_value():
        raise ValueError(f"'{raw}' phải là số nguyên (số đếm)")
    if value < 0:
        raise ValueError(f"'{raw}' không được âm")
    if element.value_type == ValueType.PERCENT and value > 100:
        raise ValueError(f"'{raw}' là tỷ lệ %, không được lớn hơn 100")
    if abs(value) >= Decimal(10) ** 14:
        raise ValueError(f"'{raw}' quá lớn")
    return value


# DHIS2's value types (MathUtils): an integer has no sign but "-", no leading zero, no decimal point and no
# exponent; a number has at most a decimal point and digits after it. Surrounding spaces are trimmed (a
# padded CSV cell means the same number); spaces inside, "+", "," and exponents are refused.
STRICT_INTEGER = re.compile(r"(0|-?[1-9]\d*)", re.ASCII)
STRICT_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?", re.ASCII)  # both matched whole (fullmatch)


def strict_number(raw: object, *, integer: bool) -> Decimal:
    """A number written as DHIS2 writes it; a JSON number is judged by its text (12.0 is not an integer).
    ValueError (Vietnamese) otherwise."""
    if isinstance(raw, Oversized):
        raise ValueError(f"'{raw}' không phải là số (dài {raw.length} ký tự)")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise ValueError("giá trị không phải là số")
    if isinstance(raw, int):  # written as an integer whatever its size (a huge one is refused as such)
        return parse_typed_number(raw, integer_expected=True)
    text = (repr(raw) if isinstance(raw, float) else str(raw)).strip()
    if len(text) > NUMBER_CHARS:
        raise ValueError(f"'{excerpt(text)}' không phải là số (dài {len(text)} ký tự)")
    if integer and not STRICT_INTEGER.fullmatch(text):
        raise ValueError(
            f"'{text}' phải là số nguyên viết liền chữ số, không dấu chấm, dấu phẩy, dấu + hay số mũ (ví dụ 1234)"
        )
    if not integer and not STRICT_NUMBER.fullmatch(text):
        raise ValueError(
            f"'{text}' không phải là số: viết liền chữ số, dấu chấm thập phân, không phân cách hàng nghìn, "
            "không dấu + hay số mũ (ví dụ 12.5)"
        )
    return parse_typed_number(text, integer_expected=False)  # the size limits of every figure


@dataclass(frozen=True)
class Rule:
    code: str
    left: str
    operator: str
    right: str
    message: str

    @cached_property
    def terms(self) -> tuple[list[Term], list[Term]]:
        return parse(self.left), parse(self.right)

    @cached_property
    def elements(self) -> frozenset[str]:
        return frozenset(t.element for t in self.terms[0] + self.terms[1])


RuleSource = Callable[[], Iterable[Rule]]
_rule_sources: list[RuleSource] = []


def register_rule_source(source: RuleSource) -> None:
    """Let an app above the engine add rules every write must satisfy (plans add numerator ≤ denominator
    for each percent indicator). The engine knows no plan; it asks its sources at each write."""
    if source not in _rule_sources:
        _rule_sources.append(source)


def all_rules() -> list[Rule]:
    """Rules stored from the plan files, and those the registered sources add."""
    rules = [Rule(r.code, r.left, r.operator, r.right, r.message) for r in ValidationRule.objects.all()]
    for source in _rule_sources:
        rules.extend(source())
    return rules


CellValues = dict[str, dict[str, Decimal]]  # element code → combo code → value, for one unit and period
Cell = tuple[int, str]  # (unit id, period code)


def _side(terms: list[Term], values: CellValues) -> Decimal | None:
    """The sum of an expression's terms, or None when any term has no value (the rule is then skipped)."""
    total = Decimal(0)
    for term in terms:
        by_combo = values.get(term.element)
        if not by_combo:
            return None
        if term.combo:
            if term.combo not in by_combo:
                return None
            total += by_combo[term.combo]
        else:
            total += sum(by_combo.values())
    return total


def rule_violations(
    values_by_cell: Mapping[Cell, CellValues], rules: list[Rule]
) -> dict[Cell, list[tuple[Rule, Decimal, Decimal]]]:
    """For each (unit id, period code) → list of (rule, left, right) the values break."""
    broken: dict[Cell, list] = defaultdict(list)
    for cell, values in values_by_cell.items():
        for rule in rules:
            if not rule.elements <= values.keys():
                continue
            left, right = _side(rule.terms[0], values), _side(rule.terms[1], values)
            if left is not None and right is not None and not comparisons.compare(left, rule.operator, right):
                broken[cell].append((rule, left, right))
    return broken


# Above this many units a query reads the whole period instead of naming the units (SQLite takes at most
# 999 parameters a query; PostgreSQL plans a long IN list no better than a scan of the period).
MAX_FILTERED_UNITS = 900


def stored_values(cells: set[Cell]) -> dict[Cell, CellValues]:
    """Stored values of the given (unit id, period code) cells. By unit id, not code: after the 2025
    reform one code is two units (2023 and 2025 commune 19900), and a 2025 annual period holds both."""
    out: dict[Cell, CellValues] = defaultdict(lambda: defaultdict(dict))
    units = {u for u, _ in cells}
    rows = DataValue.objects.filter(period__code__in={p for _, p in cells})
    if len(units) <= MAX_FILTERED_UNITS:
        rows = rows.filter(unit_id__in=units)
    for unit, period, element, combo, value in rows.values_list(
        "unit_id", "period__code", "element__code", "combo__code", "value"
    ):
        if (unit, period) in cells:
            out[(unit, period)][element][combo] = value
    return out


def outlier_warnings(resolved: Iterable[Resolved]) -> dict[tuple[int, int, int, int], str]:
    """Warnings for values far from their unit's average over earlier periods of the same type.

    One GROUP BY per period in the batch.
    The result maps (element id, combo id, unit id, period id) to a Vietnamese warning."""
    warnings: dict[tuple[int, int, int, int], str] = {}
    by_period = defaultdict(list)
    for row in resolved:
        if row.value is not None:
            by_period[row.period].append((row.element_id, row.combo_id, row.unit_id, row.value))
    for period, rows in by_period.items():
        unit_ids = list({r[2] for r in rows})
        stats = DataValue.objects.filter(
            element_id__in={r[0] for r in rows},
            period__period_type=period.period_type,
            period__start_date__lt=period.start_date,
        )
        if len(unit_ids) <= MAX_FILTERED_UNITS:
            stats = stats.filter(unit_id__in=unit_ids)
        history = {
            (s["element_id"], s["combo_id"], s["unit_id"]): (s["mean"], s["n"])
            for s in stats.values("element_id", "combo_id", "unit_id")
            .annotate(mean=Avg("value"), n=Count("id"))
            .order_by()
        }
        for element_id, combo_id, unit_id, value in rows:
            mean, n = history.get((element_id, combo_id, unit_id), (None, 0))
            text = _outlier_text(value, mean, n)
            if text:
                warnings[(element_id, combo_id, unit_id, period.pk)] = text
    return warnings


def _outlier_text(value: Decimal, mean: Decimal | float | None, n: int) -> str | None:
    if n < 2 or not mean:
        return None
    mean = Decimal(mean)
    if abs(value - mean) < OUTLIER_MIN_DIFFERENCE:
        return None
    if value > mean * OUTLIER_FACTOR or value * OUTLIER_FACTOR < mean:
        return _("giá trị %(value)s khác xa trung bình các kỳ trước (%(mean)s); vui lòng kiểm tra lại") % {
            "value": format_number(value),
            "mean": format_number(round_half_up(mean, 1)),
        }
    return None

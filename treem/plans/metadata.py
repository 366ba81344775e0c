"""What a plan asks of the indicator engine: the data elements its indicators are computed from, the
rules over them, the numerator ≤ denominator rule of each percent indicator, and the metadata
export_metadata prints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from treem.indicators.expressions import parse
from treem.indicators.models import CategoryOptionCombo, DataElement, ValidationRule
from treem.indicators.validation import Rule

from .models import Indicator, MeasureUnit, Plan


def element_codes(items: Iterable[Any], *fields: str) -> set[str]:
    """The codes of the data elements that the expressions of `items` name (by default an indicator's
    numerator and denominator; a validation rule's are `left` and `right`)."""
    fields = fields or ("numerator", "denominator")
    return {t.element for item in items for name in fields for t in parse(getattr(item, name))}


def plan_rules(codes: set[str]) -> list[ValidationRule]:
    """The validation rules that only involve these data elements."""
    return [r for r in ValidationRule.objects.all() if element_codes([r], "left", "right") <= codes]


def percent_rules() -> list[Rule]:
    """Numerator ≤ denominator for every active percent indicator (once per pair of expressions)."""
    rules, seen = [], set()
    for ind in Indicator.objects.filter(is_active=True, unit=MeasureUnit.PERCENT).order_by("code"):
        if (ind.numerator, ind.denominator) not in seen:
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


def plan_elements(plan: Plan) -> QuerySet[DataElement]:
    """The data elements the plan's active indicators are computed from."""
    return (
        DataElement.objects.filter(code__in=element_codes(plan.indicators.filter(is_active=True)))
        .select_related("supplier")
        .prefetch_related("categories", "combos")
    )


def declared_elements(plan: Plan) -> QuerySet[DataElement]:
    """The data elements the plan file declared, with those its active indicators use (an export keeps both)."""
    codes = set(plan.element_codes) | element_codes(plan.indicators.filter(is_active=True))
    return (
        DataElement.objects.filter(code__in=codes)
        .select_related("supplier")
        .prefetch_related("categories", "combos")
    )


def plan_metadata(plan: Plan) -> dict[str, Any]:
    elements = list(plan_elements(plan))
    combo_codes = {c.code for e in elements for c in e.combos.all()}
    return {
        "plan": plan.code,
        "dataElements": [
            {
                "code": e.code,
                "name": e.name,
                "valueType": e.value_type,
                "aggregation": e.aggregation,
                "collectionLevel": e.collection_level,
                "supplier": e.supplier.code,
                "categories": [c.code for c in e.categories.all()],
                "categoryOptionCombos": [c.code for c in e.combos.all()],
            }
            for e in elements
        ],
        "categoryOptionCombos": [
            {"code": c.code, "name": c.name} for c in CategoryOptionCombo.objects.filter(code__in=combo_codes)
        ],
        "indicators": [
            {
                "code": i.code,
                "target": i.target.code,
                "text": i.text,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "factor": i.factor,
                "direction": i.direction,
                "threshold": float(i.threshold),
                "unit": i.unit,
                "disaggregation": i.disaggregation,
            }
            for i in plan.indicators.filter(is_active=True)
            .select_related("target")
            .order_by("target__order", "order")
        ],
        "validationRules": [
            {"code": r.code, "left": r.left, "operator": r.operator, "right": r.right, "message": r.message}
            for r in plan_rules({e.code for e in elements})
        ],
    }

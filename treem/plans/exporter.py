"""The plan as a JSON-ready dict, in the plan file's own shape, so an export loads back unchanged."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import yaml

from treem.indicators.models import DataElement
from treem.plans.metadata import declared_elements, plan_rules
from treem.units.models import Agency
from treem.units.successions import holder_on

from .models import Plan


def _agency(agency: Agency | None) -> dict | None:
    return {"code": agency.code, "name": agency.name} if agency else None


def _agencies(agencies: Iterable[Agency]) -> list[dict | None]:
    """Sorted in Python so the prefetched rows serve (an order_by would query again)."""
    return [_agency(a) for a in sorted(agencies, key=lambda a: a.code)]


# The header's keys in the plan file's order (docs/plan-file.md). JSON kept by PostgreSQL (jsonb) comes back
# with its keys reordered, so the export puts them in one order whatever the database: the same plan
# gives the same file.
DOCUMENT_KEYS = ("type", "number", "date", "issuer", "place", "signer", "recipients", "draft_note")
SIGNER_KEYS = ("name", "title", "capacity")


def _in_order(mapping: dict, keys: tuple[str, ...]) -> dict:
    return {
        **{k: mapping[k] for k in keys if k in mapping},
        **_sorted_keys({k: v for k, v in mapping.items() if k not in keys}),
    }


def _document(document: dict) -> dict:
    ordered = _in_order(document, DOCUMENT_KEYS)
    if isinstance(ordered.get("signer"), dict):
        ordered["signer"] = _in_order(ordered["signer"], SIGNER_KEYS)
    return ordered


def _sorted_keys(value: Any) -> Any:
    """JSON with every mapping's keys sorted, lists kept in their order."""
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_plan(plan: Plan) -> dict:
    indicators = plan.indicators.filter(is_active=True).select_related("supplier", "target")
    elements = list(declared_elements(plan))
    year_start = datetime.date(plan.year, 1, 1)
    return {
        "code": plan.code,
        "status": plan.status,
        "source": plan.source.code if plan.source else None,
        "year": plan.year,
        "province": plan.province.code,
        "owner": _agency(plan.owner),
        "title": plan.title,
        "document": _document(plan.document),
        "preamble": plan.preamble,
        "legal_bases": [
            {
                "number": b.number,
                "date": b.date.isoformat() if b.date else None,
                "issuer": b.issuer,
                "title": b.title,
            }
            for b in plan.legalbasiss.filter(is_active=True)
        ],
        "general_objective": plan.general_objective,
        "data_elements": [
            {
                "code": e.code,
                "name": e.name,
                "value_type": e.value_type,
                "aggregation": e.aggregation,
                "collection_level": e.collection_level,
                # Who supplied it in the plan's year (the element's supplier is today's holder of the duty).
                "supplier": _agency(holder_on(e.supplier, year_start)),
                "categories": [c.code for c in e.categories.all()],
                **_derived(e),
            }
            for e in elements
        ],
        "validation_rules": [
            {"code": r.code, "left": r.left, "operator": r.operator, "right": r.right, "message": r.message}
            for r in plan_rules({e.code for e in elements})
        ],
        "targets": [
            {
                "code": target.code,
                "number": target.number,
                "text": target.text,
                "indicators": [
                    {
                        "code": i.code,
                        "text": i.text,
                        "direction": i.direction,
                        "threshold": _number(i.threshold),
                        "unit": i.unit,
                        "disaggregation": _sorted_keys(i.disaggregation),
                        "supplier": _agency(i.supplier),
                        "numerator": i.numerator,
                        "denominator": i.denominator,
                        "factor": i.factor,
                        "annualized": i.annualized,
                    }
                    for i in indicators
                    if i.target_id == target.pk
                ],
            }
            for target in plan.targets.filter(is_active=True)
        ],
        "solutions": [{"number": s.number, "text": s.text} for s in plan.solutions.filter(is_active=True)],
        "funding_sources": [
            {"number": f.number, "text": f.text} for f in plan.fundingsources.filter(is_active=True)
        ],
        "tasks": [
            {
                "code": t.code,
                "section": t.section,
                "heading": t.heading,
                "letter": t.letter or None,
                "agency": _agency(t.agency),
                "cooperating": _agencies(t.cooperating.all()),
                "text": t.text,
            }
            for t in plan.tasks.filter(is_active=True)
            .select_related("agency")
            .prefetch_related("cooperating")
        ],
        "milestones": [
            {
                "code": m.code,
                "date": m.date.isoformat(),
                "kind": m.kind,
                "period": m.period or None,
                "data_window": m.data_window,
                "description": m.description,
                "reporters": _agencies(m.reporters.all()),
                "via": _agency(m.via),
                "recipients": _agencies(m.recipients.all()),
                "source": m.source,
            }
            for m in plan.milestones.filter(is_active=True)
            .select_related("via")
            .prefetch_related("reporters", "recipients")
        ],
    }


def _derived(element: DataElement) -> dict[str, Any]:
    """The element's `derived` block, when it has one (its params only when it has any)."""
    if not element.derived_rule or element.derived_since is None:
        return {}
    derived: dict[str, Any] = {"rule": element.derived_rule, "since": element.derived_since.isoformat()}
    if element.derived_params:
        derived["params"] = _sorted_keys(element.derived_params)
    return {"derived": derived}


class _PlanDumper(yaml.SafeDumper):
    """Block style with lists indented under their key, as the hand-written plan files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def plan_yaml(data: dict) -> str:
    """A plan's data as a plan file: the same text for the same data, so a file written by copy_plan and
    the plan's export after loading it compare equal."""
    return yaml.dump(data, Dumper=_PlanDumper, allow_unicode=True, sort_keys=False, width=110)

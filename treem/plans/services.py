"""Loading a plan file into the database (see docs/plan-file.md)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from django.db import models, transaction

from treem.accounts.models import User
from treem.core import audit
from treem.core.errors import InputErrors
from treem.core.models import AuditAction
from treem.core.schema_messages import schema_errors
from treem.core.yamlfile import format_path, line_of, read_mapping_file
from treem.indicators import services as indicator_services
from treem.indicators.derived import known_rules
from treem.indicators.expressions import ExpressionError, parse
from treem.units.models import AdministrativeUnit, Agency

from .models import FundingSource, Indicator, LegalBasis, Milestone, Plan, Solution, Target, Task
from .plan_schema import PLAN_SCHEMA
from .signals import plan_loaded

_Item = TypeVar("_Item", bound=models.Model)


@dataclass
class PlanLoadResult:
    plan: Plan
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)


def ref_code(ref: Any) -> str | None:
    """An agency reference is a code or {code, name} (the shape export_plan writes)."""
    if ref is None:
        return None
    return ref["code"] if isinstance(ref, dict) else str(ref)


def read_plan_file(path: Path) -> dict:
    """Parse and check a plan file; raise InputErrors with every problem (path, line, what is wrong)."""
    name = path.name
    data, lines = read_mapping_file(path, "kế hoạch")
    errors = schema_errors(data, PLAN_SCHEMA, lines, name)
    if not errors:
        errors = _content_errors(data, lines, name)
    if errors:
        raise InputErrors(errors)
    return data


def _content_errors(data: dict, lines: dict, name: str) -> list[str]:
    """Checks the schema cannot express: references, unique codes, expressions."""
    errors: list[str] = []

    def err(path: tuple, message: str) -> None:
        errors.append(f"{name}, dòng {line_of(lines, path)}, {format_path(path)}: {message}.")

    if not AdministrativeUnit.objects.filter(code=data["province"], parent__isnull=True).exists():
        err(("province",), f"chưa có tỉnh mã '{data['province']}' (chạy load_units trước)")
    agencies = set(Agency.objects.values_list("code", flat=True))

    def check_agency(path: tuple, ref: Any) -> None:
        if ref is not None and ref_code(ref) not in agencies:
            err(path, f"không có cơ quan mã '{ref_code(ref)}' (xem data/agencies/)")

    check_agency(("owner",), data["owner"])
    elements = {e["code"]: e for e in data["data_elements"]}
    known_elements = set(elements) | indicator_services.existing_element_codes()
    for i, element in enumerate(data["data_elements"]):
        check_agency(("data_elements", i, "supplier"), element["supplier"])
        for j, category in enumerate(element.get("categories") or []):
            if category not in indicator_services.category_codes():
                err(("data_elements", i, "categories", j), f"không có phân tổ '{category}'")
        rule = (element.get("derived") or {}).get("rule")
        if rule is not None and rule not in known_rules():
            known = ", ".join(sorted(known_rules())) or "—"
            err(
                ("data_elements", i, "derived", "rule"),
                f"không có quy tắc tính tự động '{rule}' (có: {known})",
            )
    combos = indicator_services.combo_codes()
    for kind, items in (
        ("data_elements", data["data_elements"]),
        ("targets", data["targets"]),
        ("tasks", data["tasks"]),
        ("milestones", data["milestones"]),
    ):
        for code, count in Counter(item["code"] for item in items).items():
            if count > 1:
                err((kind,), f"mã '{code}' bị lặp {count} lần")
    indicator_codes: Counter[str] = Counter()
    for t, target in enumerate(data["targets"]):
        for i, indicator in enumerate(target["indicators"]):
            path = ("targets", t, "indicators", i)
            indicator_codes[indicator["code"]] += 1
            check_agency(path + ("supplier",), indicator["supplier"])
            for part in ("numerator", "denominator"):
                try:
                    terms = parse(indicator[part])
                except ExpressionError as exc:
                    err(path + (part,), str(exc))
                    continue
                for term in terms:
                    if term.element not in known_elements:
                        err(path + (part,), f"không có chỉ số dữ liệu '{term.element}' trong data_elements")
                    elif term.combo and term.combo not in combos:
                        err(path + (part,), f"không có nhóm phân tổ '{term.combo}'")
    for i, rule in enumerate(data.get("validation_rules") or []):
        for part in ("left", "right"):
            try:
                terms = parse(rule[part])
            except ExpressionError as exc:
                err(("validation_rules", i, part), str(exc))
                continue
            for term in terms:
                if term.element not in known_elements:
                    err(
                        ("validation_rules", i, part),
                        f"không có chỉ số dữ liệu '{term.element}' trong data_elements",
                    )
    for code, count in indicator_codes.items():
        if count > 1:
            err(("targets",), f"mã chỉ tiêu '{code}' bị lặp {count} lần")
    for i, task in enumerate(data["tasks"]):
        check_agency(("tasks", i, "agency"), task["agency"])
        for j, ref in enumerate(task.get("cooperating") or []):
            check_agency(("tasks", i, "cooperating", j), ref)
    for i, milestone in enumerate(data["milestones"]):
        for key in ("reporters", "recipients"):
            for j, ref in enumerate(milestone[key]):
                check_agency(("milestones", i, key, j), ref)
        check_agency(("milestones", i, "via"), milestone.get("via"))
    return errors


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _sync(
    model: type[_Item], plan: Plan, key: str, rows: list[dict], result: PlanLoadResult
) -> dict[Any, _Item]:
    """Create or update `rows` of one kind of plan item by their key; retire the ones no longer listed.

    Unchanged rows are not saved, so re-loading the same file writes no history."""
    label = model._meta.model_name
    existing = {getattr(obj, key): obj for obj in model._default_manager.filter(plan=plan)}
    kept = {}
    for order, row in enumerate(rows):
        values = {**row, "order": order, "is_active": True}
        obj = existing.get(row[key])
        if obj is None:
            obj = model._default_manager.create(plan=plan, **values)
            result.created[label] += 1
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            result.updated[label] += 1
        kept[row[key]] = obj
    stale = model._default_manager.filter(plan=plan, is_active=True).exclude(**{f"{key}__in": list(kept)})
    result.retired[label] += stale.update(is_active=False)
    return kept


@transaction.atomic
def load_plan(path: Path, *, actor: User | None = None) -> PlanLoadResult:
    """Load or update a plan from its file. Nothing is written unless the whole file is valid.

    A load that succeeds is recorded in the audit log (`actor`: who loaded it; None from the command)."""
    data = read_plan_file(path)
    agencies = {a.code: a for a in Agency.objects.all()}

    def agency(ref: Any) -> Agency | None:
        code = ref_code(ref)
        return agencies[code] if code is not None else None

    def agency_list(refs: list[Any]) -> list[Agency]:
        # The schema allows no null in a list of references: each is an agency.
        return cast(list[Agency], [agency(ref) for ref in refs])

    plan = Plan.objects.filter(code=data["code"]).first() or Plan(code=data["code"])
    header = {
        "year": data["year"],
        "title": data["title"],
        "province": AdministrativeUnit.objects.get(code=data["province"]),
        "owner": agency(data["owner"]),
        "document": data["document"],
        "preamble": data.get("preamble") or "",
        "general_objective": data["general_objective"],
        "element_codes": [e["code"] for e in data["data_elements"]],
    }
    result = PlanLoadResult(plan)
    if plan.pk is None or any(getattr(plan, name) != value for name, value in header.items()):
        (result.updated if plan.pk else result.created)["plan"] += 1
        for name, value in header.items():
            setattr(plan, name, value)
        plan.save()
    indicator_services.load_data_elements(data["data_elements"], agencies)
    indicator_services.load_validation_rules(data.get("validation_rules") or [])

    _sync(
        LegalBasis,
        plan,
        "number",
        [
            {
                "number": b["number"],
                "date": _date(b.get("date")),
                "issuer": b.get("issuer") or "",
                "title": b.get("title") or "",
            }
            for b in data["legal_bases"]
        ],
        result,
    )
    targets = _sync(
        Target,
        plan,
        "code",
        [{"code": t["code"], "number": t["number"], "text": t["text"]} for t in data["targets"]],
        result,
    )
    indicator_rows = []
    for t in data["targets"]:
        for ind in t["indicators"]:
            indicator_rows.append(
                {
                    "code": ind["code"],
                    "target": targets[t["code"]],
                    "text": ind["text"],
                    "direction": ind["direction"],
                    "threshold": Decimal(str(ind["threshold"])),
                    "unit": ind["unit"],
                    "disaggregation": ind.get("disaggregation") or None,
                    "supplier": agency(ind["supplier"]),
                    "numerator": ind["numerator"].strip(),
                    "denominator": ind["denominator"].strip(),
                    "factor": ind["factor"],
                    "annualized": bool(ind.get("annualized", False)),
                }
            )
    _sync(Indicator, plan, "code", indicator_rows, result)
    _sync(Solution, plan, "number", data["solutions"], result)
    _sync(FundingSource, plan, "number", data["funding_sources"], result)

    tasks = _sync(
        Task,
        plan,
        "code",
        [
            {
                "code": t["code"],
                "section": t["section"],
                "heading": t.get("heading") or "",
                "letter": t.get("letter") or "",
                "agency": agency(t["agency"]),
                "text": t["text"],
            }
            for t in data["tasks"]
        ],
        result,
    )
    for t in data["tasks"]:
        tasks[t["code"]].cooperating.set(agency_list(t.get("cooperating") or []))

    milestones = _sync(
        Milestone,
        plan,
        "code",
        [
            {
                "code": m["code"],
                "date": _date(m["date"]),
                "kind": m["kind"],
                "period": m.get("period") or "",
                "data_window": m.get("data_window") or "calendar",
                "description": m["description"],
                "via": agency(m.get("via")),
                "source": m.get("source") or "",
            }
            for m in data["milestones"]
        ],
        result,
    )
    for m in data["milestones"]:
        milestones[m["code"]].reporters.set(agency_list(m["reporters"]))
        milestones[m["code"]].recipients.set(agency_list(m["recipients"]))
    plan_loaded.send(sender=Plan, plan=plan)
    _record_load(result, actor)
    return result


def _record_load(result: PlanLoadResult, actor: User | None) -> None:
    """The audit event of a successful load, in the load's transaction."""
    counts = {
        kind: {label: n for label, n in sorted(getattr(result, kind).items()) if n}
        for kind in ("created", "updated", "retired")
    }
    totals = {kind: sum(c.values()) for kind, c in counts.items()}
    audit.record_event(
        AuditAction.PLAN_LOAD,
        actor=actor,
        object_kind="plan",
        object_id=result.plan.code,
        province_code=result.plan.province.code,
        new=counts,
        summary=(
            f"Nạp kế hoạch {result.plan.code}: {totals['created']} tạo mới, "
            f"{totals['updated']} cập nhật, {totals['retired']} ngừng dùng"
        ),
    )

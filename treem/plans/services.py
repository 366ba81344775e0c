"""Loading a plan file into the database (see docs/plan-file.md)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from django.db import models, transaction
from django.utils import timezone

from treem.accounts.models import User
from treem.core import audit
from treem.core.errors import InputErrors
from treem.core.models import AuditAction
from treem.core.schema_messages import schema_errors
from treem.core.yamlfile import format_path, line_of, read_mapping_file
from treem.indicators import services as indicator_services
from treem.units.models import Agency

from .models import (
    FundingSource,
    Indicator,
    LegalBasis,
    Milestone,
    Plan,
    PlanStatus,
    Solution,
    Target,
    Task,
)
from .plan_checks import content_errors, plan_province, ref_code
from .plan_schema import PLAN_SCHEMA
from .signals import plan_loaded

_Item = TypeVar("_Item", bound=models.Model)


@dataclass
class PlanLoadResult:
    plan: Plan
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)


def read_plan_file(path: Path) -> dict:
    """Parse and check a plan file; raise InputErrors with every problem (path, line, what is wrong)."""
    data, lines = read_mapping_file(path, "kế hoạch")
    return check_plan_data(data, name=path.name, lines=lines)


def check_plan_data(data: dict, *, name: str, lines: dict | None = None, only_drafts: bool = False) -> dict:
    """Check a plan's data (a file's, or the exported dict the browser editor changed) against the schema
    and the database; raise InputErrors with every problem, each naming the path (and the line, given
    the file's `lines`). `only_drafts`: an issued plan of the same code may not be changed at all."""
    errors = schema_errors(data, PLAN_SCHEMA, lines or {}, name)
    if lines is None:
        # Data edited in memory has no lines: the schema's messages say "dòng 0", which means nothing.
        errors = [message.replace(", dòng 0,", ",", 1) for message in errors]
    if not errors:

        def err(path: tuple, message: str) -> None:
            line = line_of(lines, path) if lines else None
            where = f", dòng {line}" if line else ""
            errors.append(f"{name}{where}, {format_path(path)}: {message}.")

        content_errors(data, err, only_drafts=only_drafts)
    if errors:
        raise InputErrors(errors)
    return data


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
    return _store(read_plan_file(path), actor)


@transaction.atomic
def load_plan_data(data: dict, *, actor: User | None = None, only_drafts: bool = False) -> PlanLoadResult:
    """Load or update a plan from its data in memory (the exported dict, edited), with load_plan's checks
    and messages; nothing is written unless the whole of it is valid. `only_drafts`: see check_plan_data."""
    check_plan_data(data, name=f"kế hoạch {data.get('code') or '?'}", only_drafts=only_drafts)
    return _store(data, actor)


def _store(data: dict, actor: User | None) -> PlanLoadResult:
    """Write checked plan data."""
    agencies = {a.code: a for a in Agency.objects.all()}

    def agency(ref: Any) -> Agency | None:
        code = ref_code(ref)
        return agencies[code] if code is not None else None

    def agency_list(refs: list[Any]) -> list[Agency]:
        # The schema allows no null in a list of references: each is an agency.
        return cast(list[Agency], [agency(ref) for ref in refs])

    plan = Plan.objects.filter(code=data["code"]).first() or Plan(code=data["code"])
    status = data.get("status") or PlanStatus.ISSUED
    source_code = data.get("source")
    header = {
        "year": data["year"],
        "title": data["title"],
        "province": plan_province(data["province"], data["year"]),
        "status": status,
        "source": Plan.objects.get(code=source_code) if source_code else None,
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
        if status == PlanStatus.ISSUED and plan.issued_at is None:
            plan.issued_at = timezone.now()
        plan.save()
    indicator_services.load_data_elements(
        data["data_elements"], agencies, on=datetime.date(data["year"], 1, 1)
    )
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


class PlanIssueError(Exception):
    """Why a plan cannot be issued (Vietnamese, for the user)."""


@transaction.atomic
def do_issue_plan(plan: Plan, actor: User | None = None, *, expected_version: str | None = None) -> Plan:
    """Issue a draft: from now on it is the plan in force, frozen for the browser editor. The draft note
    ("not an official document") goes; the audit log records who issued it. `expected_version`: the
    content fingerprint (drafts.plan_version) the issuer confirmed; compared under the row lock, so an
    edit saved after the confirmation page was opened raises drafts.DraftConflict and nothing is issued."""
    # Imported here: drafts loads plans through this module.
    from .drafts import DraftConflict, current_version

    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_draft:
        raise PlanIssueError(f"Kế hoạch {locked.code} đã được ban hành trước đó.")
    if expected_version is not None and current_version(locked) != expected_version:
        raise DraftConflict
    document = {key: value for key, value in locked.document.items() if key != "draft_note"}
    locked.status = PlanStatus.ISSUED
    locked.issued_at = timezone.now()
    locked.document = document
    locked.save(update_fields=["status", "issued_at", "document", "loaded_at"])
    audit.record_event(
        AuditAction.PLAN_ISSUE,
        actor=actor,
        object_kind="plan",
        object_id=locked.code,
        province_code=locked.province.code,
        old={"status": PlanStatus.DRAFT},
        new={"status": PlanStatus.ISSUED},
        summary=f"Ban hành kế hoạch {locked.code}",
    )
    plan.refresh_from_db()
    return locked

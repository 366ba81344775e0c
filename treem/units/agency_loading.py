"""Loading the agency registry (data/agencies/*.yaml): bodies, groups, their dates and successions."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from treem.core.errors import InputErrors

from .models import AdministrativeUnit, Agency, AgencyKind
from .services import LoadSummary


def _upsert_agency(
    agency: Agency | None, code: str, values: dict, members: set[str] | None, summary: LoadSummary
) -> None:
    """Create or update one agency, counting it as created, updated or unchanged."""
    if agency is None:
        agency = Agency.objects.create(code=code, **values)
        summary.created += 1
        outcome = "created"
    else:
        outcome = "unchanged"
        if any(getattr(agency, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(agency, name, value)
            agency.save()
            outcome = "updated"
    current = set() if outcome == "created" else {m.code for m in agency.members.all()}
    if members is not None and members != current:
        agency.members.set(Agency.objects.filter(code__in=members))
        outcome = "created" if outcome == "created" else "updated"
    if outcome == "updated":
        summary.updated += 1
    elif outcome == "unchanged":
        summary.unchanged += 1


@transaction.atomic
def load_agencies(path: Path) -> LoadSummary:
    """Create or update the agencies and groups of a registry file (see data/agencies/)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputErrors([f"Tệp {path.name} không phải YAML hợp lệ: {exc}"]) from exc
    if not isinstance(data, dict):
        raise InputErrors([f"Tệp {path.name}: phải là một bảng khóa–giá trị có 'agencies' và 'groups'."])
    errors: list[str] = []
    kinds = set(AgencyKind.values)
    entries = data.get("agencies") or []
    groups = data.get("groups") or []
    for key, items in (("agencies", entries), ("groups", groups)):
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise InputErrors([f"Tệp {path.name}, {key}: phải là một danh sách các mục khóa–giá trị."])
    for i, group in enumerate(groups):
        for field in ("code", "name", "members"):
            if not group.get(field):
                errors.append(f"groups[{i}].{field}: thiếu giá trị.")
    codes = {e.get("code") for e in entries} | {g.get("code") for g in groups}
    province_code = str(data.get("province") or "")
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            code__in={e.get("unit") for e in entries if e.get("unit")} | {province_code}
        )
    }
    if province_code and province_code not in units:
        errors.append(f"province: chưa có tỉnh mã '{province_code}' (chạy load_units trước).")
    for i, entry in enumerate(entries):
        where = f"agencies[{i}]"
        for field in ("code", "name", "kind"):
            if not entry.get(field):
                errors.append(f"{where}.{field}: thiếu giá trị.")
        if entry.get("kind") and entry["kind"] not in kinds:
            errors.append(f"{where}.kind: loại '{entry['kind']}' không hợp lệ.")
        if entry.get("unit") and entry["unit"] not in units:
            errors.append(
                f"{where}.unit: chưa có đơn vị hành chính mã '{entry['unit']}' (chạy load_units trước)."
            )
    for i, group in enumerate(groups):
        for member in group.get("members") or []:
            if member not in codes:
                errors.append(f"groups[{i}].members: không có cơ quan mã '{member}'.")
    if errors:
        raise InputErrors(errors)
    summary = LoadSummary()
    existing = {a.code: a for a in Agency.objects.prefetch_related("members")}
    for entry in entries:
        values = {
            "name": entry["name"],
            "short_name": entry.get("short_name", ""),
            "kind": entry["kind"],
            "unit": units.get(entry.get("unit") or ""),
            "is_active": True,
        }
        _upsert_agency(existing.get(entry["code"]), entry["code"], values, None, summary)
    for group in groups:
        values = {
            "name": group["name"],
            "short_name": group.get("short_name", ""),
            "kind": AgencyKind.GROUP,
            # A group belongs to the province of the file, as its members do.
            "unit": units.get(province_code),
            "is_active": True,
        }
        _upsert_agency(existing.get(group["code"]), group["code"], values, set(group["members"]), summary)
    return summary

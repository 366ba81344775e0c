"""Writes for units and agencies: loading the unit tree and the agency registry."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from treem.core.errors import InputErrors

from .geometry import CODE_WIDTH
from .models import AdministrativeUnit, UnitLevel

SHIPPED_UNITS_CSV = settings.DATA_DIR / "units" / "vietnam-2023.csv"
DEFAULT_PROVINCE = "46"
UNIT_TYPES = {
    "tỉnh",
    "thành phố trung ương",
    "thành phố",
    "thị xã",
    "huyện",
    "quận",
    "phường",
    "xã",
    "thị trấn",
}
CSV_COLUMNS = ["code", "name", "type", "parent_code"]
LEVEL_BY_DEPTH = {0: UnitLevel.PROVINCE, 1: UnitLevel.DISTRICT, 2: UnitLevel.COMMUNE}


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    unit_type: str
    parent_code: str


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0


def _csv_records(reader: csv.DictReader) -> list[dict[str, str]]:
    """Every record; InputErrors naming the line when the CSV itself is broken (a quote left open…)."""
    try:
        return list(reader)
    except csv.Error as exc:
        raise InputErrors([f"Dòng {reader.line_num}: tệp CSV sai cú pháp ({exc})."]) from exc


def read_units_csv(text: str) -> list[UnitRow]:
    """Parse and check a units CSV; raise InputErrors naming every bad row and column."""
    if "\x00" in text:  # PostgreSQL cannot store or compare text holding NUL
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputErrors([f"Tệp CSV, dòng {line}: có ký tự không hợp lệ (NUL)."])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    records = _csv_records(reader)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputErrors(
            [f"Tệp CSV thiếu cột: {', '.join(missing)} (cần các cột {', '.join(CSV_COLUMNS)})."]
        )
    rows: list[UnitRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, raw in enumerate(records, start=2):
        code = (raw["code"] or "").strip()
        row = UnitRow(
            line,
            code,
            (raw["name"] or "").strip(),
            (raw["type"] or "").strip().lower(),
            (raw["parent_code"] or "").strip(),
        )
        if not re.fullmatch(r"\d{2,5}", code):
            errors.append(f"Dòng {line}, cột code: mã '{code}' không hợp lệ (phải là mã số GSO 2–5 chữ số).")
        elif code in seen:
            errors.append(f"Dòng {line}, cột code: mã '{code}' bị lặp.")
        seen.add(code)
        if not row.name:
            errors.append(f"Dòng {line}, cột name: thiếu tên đơn vị.")
        if row.unit_type not in UNIT_TYPES:
            errors.append(
                f"Dòng {line}, cột type: loại '{row.unit_type}' không hợp lệ ({', '.join(sorted(UNIT_TYPES))})."
            )
        rows.append(row)
    stored = {
        u.code: u.depth for u in AdministrativeUnit.objects.filter(code__in={r.parent_code for r in rows})
    }
    by_code = {r.code: r for r in rows}
    for row in rows:
        if row.parent_code and row.parent_code not in by_code and row.parent_code not in stored:
            errors.append(f"Dòng {row.line}, cột parent_code: không tìm thấy đơn vị cha '{row.parent_code}'.")
            continue
        depth = _depth(row, by_code, stored)
        if depth is None or depth > 2:
            errors.append(
                f"Dòng {row.line}, cột parent_code: đơn vị phải là tỉnh, huyện hoặc xã (quá 3 cấp)."
            )
        elif re.fullmatch(r"\d{2,5}", row.code) and len(row.code) != CODE_WIDTH[LEVEL_BY_DEPTH[depth]]:
            errors.append(
                f"Dòng {row.line}, cột code: mã GSO cấp {LEVEL_BY_DEPTH[depth].label.lower()} phải có "
                f"{CODE_WIDTH[LEVEL_BY_DEPTH[depth]]} chữ số, '{row.code}' có {len(row.code)}."
            )
    if errors:
        raise InputErrors(errors)
    return rows


def _depth(row: UnitRow, by_code: dict[str, UnitRow], stored: dict[str, int]) -> int | None:
    """0 for a province, 1 for a district, 2 for a commune; None on a cycle."""
    depth, seen = 0, set()
    while row.parent_code:
        if row.parent_code in stored:
            return depth + 1 + stored[row.parent_code]
        if row.code in seen or row.parent_code not in by_code:
            return None
        seen.add(row.code)
        row = by_code[row.parent_code]
        depth += 1
    return depth


def province_rows(rows: list[UnitRow], province_code: str) -> list[UnitRow]:
    """The rows of one province's subtree out of a whole-country file."""
    keep = {province_code}
    picked = []
    for row in rows:  # the file lists parents before children
        if row.code == province_code or row.parent_code in keep:
            keep.add(row.code)
            picked.append(row)
    if not picked:
        raise InputErrors([f"Không có tỉnh mã '{province_code}' trong dữ liệu đơn vị hành chính."])
    return picked


@transaction.atomic
def load_units(
    rows: list[UnitRow],
    *,
    valid_from: datetime.date | None = None,
    retire_missing_on: datetime.date | None = None,
) -> LoadSummary:
    """Create or update units; with `retire_missing_on`, units of the same provinces that the rows no
    longer list get valid_to (never deleted, so their data stays)."""
    summary = LoadSummary()
    existing = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            code__in=[r.code for r in rows] + [r.parent_code for r in rows]
        )
    }
    for row in _parents_first(rows):
        parent = existing.get(row.parent_code) if row.parent_code else None
        level = LEVEL_BY_DEPTH[0 if parent is None else parent.depth + 1]
        unit = existing.get(row.code)
        if unit is None:
            unit = AdministrativeUnit(
                code=row.code,
                name=row.name,
                unit_type=row.unit_type,
                level=level,
                parent=parent,
                valid_from=valid_from,
            )
            unit.save()
            existing[row.code] = unit
            summary.created += 1
            continue
        changed = (unit.name, unit.unit_type, unit.level, unit.parent_id, unit.valid_to) != (
            row.name,
            row.unit_type,
            level,
            parent.pk if parent else None,
            None,
        )
        if changed:
            unit.name, unit.unit_type, unit.level, unit.parent, unit.valid_to = (
                row.name,
                row.unit_type,
                level,
                parent,
                None,
            )
            old_path = unit.path
            unit.save()
            if unit.path != old_path:  # moved: its whole subtree moves with it
                AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                    path=Concat(Value(unit.path), Substr("path", len(old_path) + 1))
                )
            summary.updated += 1
        else:
            summary.unchanged += 1
    if retire_missing_on is not None:
        listed = {r.code for r in rows}
        provinces = [u for u in existing.values() if u.parent_id is None and u.code in listed]
        for province in provinces:
            gone = AdministrativeUnit.objects.filter(
                path__startswith=province.path, valid_to__isnull=True
            ).exclude(code__in=listed)
            summary.retired += gone.update(valid_to=retire_missing_on)
    return summary


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    by_code = {r.code: r for r in rows}

    def depth(row: UnitRow) -> int:
        d = 0
        while row.parent_code in by_code:
            row = by_code[row.parent_code]
            d += 1
        return d

    return sorted(rows, key=depth)


def load_shipped_province(
    province_code: str = DEFAULT_PROVINCE, **kwargs: datetime.date | None
) -> LoadSummary:
    rows = read_units_csv(SHIPPED_UNITS_CSV.read_text(encoding="utf-8"))
    return load_units(province_rows(rows, province_code), **kwargs)

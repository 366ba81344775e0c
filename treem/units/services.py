"""Writes for units: loading the unit tree (2023 and the 2025 reform) and the reform's mapping."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr

from treem.core.errors import InputErrors

from .geometry import CODE_WIDTH, LEVEL_RANK, child_path, province_path
from .models import AdministrativeUnit, UnitLevel
from .reform import REFORM_DAY, REFORM_MAPPING_CSV, load_reform_mapping

# Data about Vietnam's administrative units (not about any plan): the shipped structures and the reform.
UNITS_DIR = settings.DATA_DIR / "units"
SHIPPED_UNITS_CSV = UNITS_DIR / "vietnam-2023.csv"
STRUCTURE_2025_CSV = UNITS_DIR / "vietnam-2025.csv"
PROVINCES_2025_CSV = UNITS_DIR / "vietnam-2025-provinces.csv"  # code,name,predecessors,continues
STRUCTURES = ("2023", "2025")
DEFAULT_PROVINCE = "46"
# Unit type → level. A "thành phố" is a district-level city inside a province; a centrally run city is
# "thành phố trung ương". A special zone (đặc khu, 2025) is a commune-level unit.
LEVEL_OF_TYPE = {
    **dict.fromkeys(("tỉnh", "thành phố trung ương"), UnitLevel.PROVINCE),
    **dict.fromkeys(("thành phố", "thị xã", "huyện", "quận"), UnitLevel.DISTRICT),
    **dict.fromkeys(("phường", "xã", "thị trấn", "đặc khu"), UnitLevel.COMMUNE),
}
UNIT_TYPES = set(LEVEL_OF_TYPE)
NAME_LIMIT = AdministrativeUnit._meta.get_field("name").max_length or 200
CSV_COLUMNS = ["code", "name", "type", "parent_code"]


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
    successions: int = 0


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
        elif len(row.name) > NAME_LIMIT:
            errors.append(f"Dòng {line}, cột name: tên dài quá {NAME_LIMIT} ký tự.")
        if row.unit_type not in UNIT_TYPES:
            errors.append(
                f"Dòng {line}, cột type: loại '{row.unit_type}' không hợp lệ ({', '.join(sorted(UNIT_TYPES))})."
            )
        rows.append(row)
    _check_levels(rows, errors)
    if errors:
        raise InputErrors(errors)
    return rows


def _check_levels(rows: list[UnitRow], errors: list[str]) -> None:
    """Each row's level comes from its type, not its depth: a code has the width of its level and sits
    under a unit of a higher level (a 2025 commune right under its province)."""
    by_code = {r.code: LEVEL_OF_TYPE.get(r.unit_type) for r in rows}
    stored = dict(
        AdministrativeUnit.objects.filter(code__in={r.parent_code for r in rows} - set(by_code))
        .values_list("code", "level")
        .distinct()
    )
    for row in rows:
        level = LEVEL_OF_TYPE.get(row.unit_type)
        if level is None:
            continue
        label = UnitLevel(level).label.lower()
        if re.fullmatch(r"\d{2,5}", row.code) and len(row.code) != CODE_WIDTH[level]:
            errors.append(
                f"Dòng {row.line}, cột code: mã GSO cấp {label} phải có "
                f"{CODE_WIDTH[level]} chữ số, '{row.code}' có {len(row.code)}."
            )
        if not row.parent_code:
            if level != UnitLevel.PROVINCE:
                errors.append(f"Dòng {row.line}, cột parent_code: đơn vị cấp {label} phải có đơn vị cha.")
            continue
        parent_level = by_code[row.parent_code] if row.parent_code in by_code else stored.get(row.parent_code)
        if row.parent_code not in by_code and row.parent_code not in stored:
            errors.append(f"Dòng {row.line}, cột parent_code: không tìm thấy đơn vị cha '{row.parent_code}'.")
        elif parent_level is not None and LEVEL_RANK[parent_level] >= LEVEL_RANK[level]:
            errors.append(
                f"Dòng {row.line}, cột parent_code: đơn vị cấp {label} không thể trực thuộc "
                f"'{row.parent_code}' (cấp {UnitLevel(parent_level).label.lower()})."
            )


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


def _versions_on(codes: set[str], day: datetime.date) -> dict[str, AdministrativeUnit]:
    """code → the version valid on `day` (the later one when two are)."""
    found = AdministrativeUnit.objects.filter(code__in=codes).valid_on(day)
    return {u.code: u for u in found.order_by(F("valid_from").asc(nulls_first=True))}


@transaction.atomic
def load_units(
    rows: list[UnitRow],
    *,
    valid_from: datetime.date | None = None,
    retire_missing_on: datetime.date | None = None,
    on: datetime.date | None = None,
) -> LoadSummary:
    """Create or update the units the rows describe as they stood on `on` (default: `valid_from`, else
    today): each row matches the version of its code valid that day, never another version, so loading
    the 2023 structure after the 2025 one neither revives nor duplicates anything. A unit that lives on
    into a structure loaded later (a province the reform kept) keeps its later name. New units get
    `valid_from`. With `retire_missing_on`, units of the same provinces that the rows no longer list get
    valid_to (never deleted, so their data stays)."""
    day = on or valid_from or datetime.date.today()
    summary = LoadSummary()
    current = _versions_on({r.code for r in rows} | {r.parent_code for r in rows}, day)
    superseded: dict[str, bool] = {}
    errors: list[str] = []
    for row in sorted(rows, key=lambda r: LEVEL_RANK[LEVEL_OF_TYPE[r.unit_type]]):
        level = LEVEL_OF_TYPE[row.unit_type]
        parent = current.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            errors.append(
                f"Dòng {row.line}, cột parent_code: đơn vị cha '{row.parent_code}' không có hiệu lực "
                f"ngày {day:%d/%m/%Y}."
            )
            continue
        unit = current.get(row.code)
        if unit is None:
            if valid_from is None and AdministrativeUnit.objects.filter(code=row.code).exists():
                errors.append(
                    f"Dòng {row.line}, cột code: mã '{row.code}' đã thuộc một đơn vị không có hiệu lực ngày "
                    f"{day:%d/%m/%Y}; cần ngày hiệu lực (--valid-from) để tạo đơn vị mới."
                )
                continue
            unit = AdministrativeUnit(
                code=row.code,
                name=row.name,
                unit_type=row.unit_type,
                level=level,
                parent=parent,
                valid_from=valid_from,
            )
            if not _path_free(unit, row, errors):
                continue
            unit.save()
            current[row.code] = unit
            summary.created += 1
            continue
        wanted = (row.name, row.unit_type, level, parent.pk if parent else None)
        if wanted == (unit.name, unit.unit_type, unit.level, unit.parent_id) or _superseded(
            unit, day, superseded
        ):
            summary.unchanged += 1
            continue
        if valid_from is not None and unit.name != row.name:
            # A dated structure renames a unit that kept its territory: the old name stays for earlier days.
            unit.former_names = [
                *unit.former_names,
                {"name": unit.name, "unit_type": unit.unit_type, "until": valid_from.isoformat()},
            ]
        unit.name, unit.unit_type, unit.level, unit.parent = row.name, row.unit_type, level, parent
        old_path = unit.path
        if not _path_free(unit, row, errors):
            continue
        unit.save()
        if unit.path != old_path:  # moved: its whole subtree moves with it
            AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                path=Concat(Value(unit.path), Substr("path", len(old_path) + 1))
            )
        summary.updated += 1
    if errors:
        raise InputErrors(errors)
    if retire_missing_on is not None:
        listed = {r.code for r in rows}
        provinces = [u for u in current.values() if u.parent_id is None and u.code in listed]
        gone = AdministrativeUnit.objects.none()
        for province in provinces:
            gone |= AdministrativeUnit.objects.filter(path__startswith=province.path, valid_to__isnull=True)
        gone = gone.exclude(code__in=listed)
        # A unit cannot end before it starts: the next load would make it again, on the same path.
        early = gone.filter(valid_from__gte=retire_missing_on).order_by("valid_from", "path").first()
        if early is not None:
            end, start = f"{retire_missing_on:%d/%m/%Y}", f"{early.valid_from:%d/%m/%Y}"
            raise InputErrors(
                [f"--retire-missing-on {end}: {early.name} ({early.code}) có từ {start}; phải sau ngày đó."]
            )
        summary.retired += gone.update(valid_to=retire_missing_on)
    return summary


def _path_free(unit: AdministrativeUnit, row: UnitRow, errors: list[str]) -> bool:
    """Whether the unit's path is free; else an error naming the version on it (one ended before it began)."""
    path = child_path(unit.parent.path if unit.parent else "", unit._segment())
    holder = AdministrativeUnit.objects.filter(path=path).exclude(pk=unit.pk).first()
    if holder is not None:
        errors.append(
            f"Dòng {row.line}, cột code: mã '{row.code}' đã có phiên bản {holder.name} ở cùng vị trí "
            f"({holder.path}); sửa ngày hiệu lực của phiên bản đó trước khi nạp."
        )
    return holder is None


def _superseded(unit: AdministrativeUnit, day: datetime.date, cache: dict[str, bool]) -> bool:
    """Whether a unit still in force has been described by a later structure (its province holds units
    that start after `day`): an older file must not rename it back."""
    if unit.valid_to is not None:
        return False
    province = province_path(unit.path)
    if province not in cache:
        cache[province] = AdministrativeUnit.objects.filter(
            path__startswith=province, valid_from__gt=day
        ).exists()
    return cache[province]


def load_shipped_province(
    province_code: str = DEFAULT_PROVINCE, **kwargs: datetime.date | None
) -> LoadSummary:
    """The 2023 structure of one province (as it stood the day before the reform)."""
    return load_structure("2023", province_code, **kwargs)


def load_structure(
    structure: str = "2023", province_code: str | None = DEFAULT_PROVINCE, **kwargs: datetime.date | None
) -> LoadSummary:
    """Load a shipped structure ("2023" or "2025") for one province, or the whole country (None).
    `kwargs` (valid_from, retire_missing_on) go to `load_units` for the 2023 structure."""
    if structure not in STRUCTURES:
        raise InputErrors([f"Không có cấu trúc đơn vị hành chính '{structure}' ({', '.join(STRUCTURES)})."])
    if structure == "2025":
        if any(kwargs.values()):
            raise InputErrors(["Cấu trúc 2025 đã có ngày hiệu lực riêng (01/07/2025); không dùng thêm ngày."])
        return load_structure_2025(province_code)
    rows = read_units_csv(SHIPPED_UNITS_CSV.read_text(encoding="utf-8"))
    if province_code is not None:
        rows = province_rows(rows, province_code)
    return load_units(rows, on=REFORM_DAY - datetime.timedelta(days=1), **kwargs)


@transaction.atomic
def load_structure_2025(province_code: str | None = DEFAULT_PROVINCE) -> LoadSummary:
    """The structure from 01/07/2025 beside the 2023 one. The 2023 provinces a 2025 province was made of
    end on the reform day with their districts and communes (a province the reform kept keeps its row,
    renamed); every 2025 commune is a new unit, versioned when it reuses a 2023 code. Then the 2023→2025
    mapping of each loaded province that ships one. Loading twice changes nothing."""
    rows = read_units_csv(STRUCTURE_2025_CSV.read_text(encoding="utf-8"))
    if province_code is not None:
        rows = province_rows(rows, province_code)
    lineage = _province_lineage()
    retired = 0
    for row in rows:
        if not row.parent_code:
            predecessors, continues = lineage.get(row.code, ([], False))
            retired += _retire_before_reform(predecessors, keep=row.code if continues else None)
    summary = load_units(rows, valid_from=REFORM_DAY, on=REFORM_DAY)
    summary.retired += retired
    for row in rows:
        mapping = UNITS_DIR / REFORM_MAPPING_CSV.format(province=row.code)
        if not row.parent_code and mapping.exists():
            summary.successions += load_reform_mapping(mapping.read_text(encoding="utf-8"), mapping.name)
    return summary


def _province_lineage() -> dict[str, tuple[list[str], bool]]:
    """2025 province code → (codes of the 2023 provinces it was made of, whether it continues one)."""
    with PROVINCES_2025_CSV.open(encoding="utf-8", newline="") as handle:
        return {r["code"]: (r["predecessors"].split(), r["continues"] == "1") for r in csv.DictReader(handle)}


def _retire_before_reform(province_codes: list[str], keep: str | None) -> int:
    """End on the reform day the 2023 provinces (all but `keep`, which continues) and everything under
    them that started before the reform; never deleted, so their data stays."""
    retired = 0
    for code in province_codes:
        province = AdministrativeUnit.objects.version_of(code, on=REFORM_DAY - datetime.timedelta(days=1))
        if province is None:
            continue  # that province's 2023 structure was never loaded
        older = AdministrativeUnit.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lt=REFORM_DAY),
            path__startswith=province.path,
            valid_to__isnull=True,
        )
        if code == keep:
            older = older.exclude(pk=province.pk)
        retired += older.update(valid_to=REFORM_DAY)
    return retired

"""What one plan changes against another, read from their exported data (the plan file's shape).

Items are matched by their codes (numbers for legal bases, solutions, funding), never by position, so a
task moved in the list is not a change. Against an earlier plan, the years between them are discounted
first: a deadline on the same day of its year, a report for the same half-year, "năm 2023" become
"năm 2026" in the texts that say which year they are about, so a draft copied and not edited shows only
the bodies and the units that changed, and an edited threshold shows as "threshold: 90 → 95".
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from treem.core.formatting import format_number

from .exporter import export_plan
from .models import Plan
from .plan_checks import ref_code


@dataclass(frozen=True)
class PlanChange:
    """One difference: `path` in the plan file (targets[2].indicators[0].threshold), `label` in Vietnamese
    (Chỉ tiêu <code>: ngưỡng), the values before and after as shown to a person (None: absent), and a
    `note` saying why or what to check."""

    path: str
    label: str
    old: str | None
    new: str | None
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.path}: {self.old or '—'} → {self.new or '—'}"
        return f"{text} ({self.note})" if self.note else text


# Sections made of items, each with the key that identifies an item and the item's name.
SECTIONS = (
    ("legal_bases", "number", "Căn cứ"),
    ("data_elements", "code", "Chỉ số dữ liệu"),
    ("validation_rules", "code", "Quy tắc kiểm tra"),
    ("targets", "code", "Mục tiêu"),
    ("solutions", "number", "Giải pháp"),
    ("funding_sources", "number", "Nguồn kinh phí"),
    ("tasks", "code", "Nhiệm vụ"),
    ("milestones", "code", "Mốc thời hạn"),
)
HEADER_FIELDS = ("year", "province", "owner", "title", "preamble", "general_objective")
FIELD_LABELS = {
    "year": "năm",
    "province": "tỉnh",
    "owner": "cơ quan chủ trì",
    "title": "tên kế hoạch",
    "preamble": "căn cứ ban hành",
    "general_objective": "mục tiêu chung",
    "type": "loại văn bản",
    "number": "số hiệu",
    "date": "ngày",
    "issuer": "cơ quan ban hành",
    "place": "địa danh",
    "signer": "người ký",
    "recipients": "nơi nhận",
    "draft_note": "ghi chú dự thảo",
    "title_text": "trích yếu",
    "name": "tên",
    "value_type": "kiểu giá trị",
    "aggregation": "cách cộng dồn",
    "collection_level": "cấp thu thập",
    "supplier": "cơ quan cung cấp số liệu",
    "categories": "phân tổ",
    "derived": "tính tự động",
    "left": "vế trái",
    "operator": "phép so sánh",
    "right": "vế phải",
    "message": "thông báo",
    "text": "nội dung",
    "direction": "chiều",
    "threshold": "ngưỡng",
    "unit": "đơn vị tính",
    "disaggregation": "phân tổ",
    "numerator": "tử số",
    "denominator": "mẫu số",
    "factor": "hệ số",
    "annualized": "quy ra cả năm",
    "section": "mục",
    "heading": "tiêu đề mục",
    "letter": "điểm",
    "agency": "cơ quan thực hiện",
    "cooperating": "cơ quan phối hợp",
    "kind": "loại",
    "period": "kỳ báo cáo",
    "data_window": "thời gian lấy số liệu",
    "description": "nội dung",
    "reporters": "đơn vị báo cáo",
    "via": "qua",
    "source": "căn cứ",
}
# The parts of a dict field, where the key alone would be read wrongly ("title" of a signer).
PART_LABELS = {"signer": {"name": "họ tên", "title": "chức vụ", "capacity": "thẩm quyền ký"}}
# Numbers that are quantities (not a year, a code or a document number): written with the decimal comma.
QUANTITY_FIELDS = {"threshold", "factor"}
EMPTY = "(trống)"
AGENCY_FIELDS = {"owner", "supplier", "agency", "cooperating", "reporters", "via", "recipients"}
_PERIOD_YEAR = re.compile(r"^(\d{4})(.*)$")

ChangeSink = Callable[[str, str, str, str], None]


def plan_changes(plan: Plan, against: Plan) -> list[PlanChange]:
    """The differences of `plan` against `against` (typically a draft against the plan it was copied
    from), the years between them discounted."""
    years = plan.year - against.year
    changes = []
    if years:
        changes.append(
            PlanChange(
                "year",
                "Năm kế hoạch",
                str(against.year),
                str(plan.year),
                f"các hạn, kỳ báo cáo và cụm “năm {against.year}” được so sau khi dời {years:+d} năm",
            )
        )
    return changes + data_changes(shift_plan_year(export_plan(against), years), export_plan(plan))


def shift_date(value: str | None, years: int) -> str | None:
    """An ISO date moved by whole years; 29/02 becomes 28/02 in a year that has none."""
    if not value:
        return value
    day = datetime.date.fromisoformat(value)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:
        return day.replace(year=day.year + years, day=28).isoformat()


def shift_period(value: str | None, years: int) -> str | None:
    """A DHIS2 period id moved by whole years: 2023S1 → 2026S1, 2023 → 2026."""
    match = _PERIOD_YEAR.match(value or "")
    return f"{int(match[1]) + years}{match[2]}" if match else value


def shift_year_in_text(text: str, year: int, years: int) -> str:
    """ "năm 2023" → "năm 2026": the texts that name the plan's own year. A span ("giai đoạn 2023 –
    2025") names a programme, not the plan's year, and stays."""
    return re.sub(rf"\bnăm {year}\b", f"năm {year + years}", text)


def shift_plan_year(data: dict, years: int, on_change: ChangeSink | None = None) -> dict:
    """A copy of a plan's data moved by `years`: the year, the deadlines and their periods, the document's
    date, and the plan's year named in its title, tasks and deadlines. Legal bases keep their dates (the
    same documents still apply) and derived elements their start (the day records began).
    `on_change(path, label, old, new)` hears each value moved."""
    shifted = copy.deepcopy(data)
    if not years:
        return shifted

    def moved(path: str, label: str, old: Any, new: Any) -> Any:
        if on_change is not None and old != new:
            on_change(path, label, str(old), str(new))
        return new

    year = data["year"]
    shifted["year"] = year + years
    document = shifted.get("document") or {}
    if document.get("date"):
        document["date"] = moved(
            "document.date", "Văn bản: ngày", document["date"], shift_date(document["date"], years)
        )
    shifted["title"] = moved(
        "title", "Tên kế hoạch", data["title"], shift_year_in_text(data["title"], year, years)
    )
    for i, task in enumerate(shifted["tasks"]):
        text = shift_year_in_text(task["text"], year, years)
        if text != task["text"]:
            moved(
                f"tasks[{i}].text", f"Nhiệm vụ {task['code']}: nội dung", f"năm {year}", f"năm {year + years}"
            )
        task["text"] = text
    for i, milestone in enumerate(shifted["milestones"]):
        where, name = f"milestones[{i}]", f"Mốc thời hạn {milestone['code']}"
        milestone["date"] = moved(
            f"{where}.date", f"{name}: hạn", milestone["date"], shift_date(milestone["date"], years)
        )
        if milestone.get("period"):
            milestone["period"] = moved(
                f"{where}.period",
                f"{name}: kỳ báo cáo",
                milestone["period"],
                shift_period(milestone["period"], years),
            )
        text = shift_year_in_text(milestone["description"], year, years)
        if text != milestone["description"]:
            moved(f"{where}.description", f"{name}: nội dung", f"năm {year}", f"năm {year + years}")
        milestone["description"] = text
    return shifted


def show(field: str, value: Any) -> str | None:
    """A value as a person reads it in a change: bodies by code (the changes page names them), quantities
    with the UI's decimal comma, lists joined, yes/no, a dict as "label: value" per key (never JSON)."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if field in AGENCY_FIELDS:
        refs = value if isinstance(value, list) else [value]
        return ", ".join(str(ref_code(ref)) for ref in refs)
    if isinstance(value, bool):
        return "có" if value else "không"
    if field in QUANTITY_FIELDS and isinstance(value, int | float | Decimal):
        return format_number(value)
    if isinstance(value, dict):
        labels = PART_LABELS.get(field, {})
        return "; ".join(
            f"{labels.get(key, FIELD_LABELS.get(key, key))}: {show(key, part) or EMPTY}"
            for key, part in value.items()
        )
    if isinstance(value, list):
        return ", ".join(show(field, part) or EMPTY for part in value)
    return str(value)


def data_changes(old: dict, new: dict) -> list[PlanChange]:
    """The differences between two plans' data (no discounting: see plan_changes)."""
    changes: list[PlanChange] = []
    for field in HEADER_FIELDS:
        _compare(changes, field, field, "Kế hoạch", old.get(field), new.get(field))
    old_document, new_document = old.get("document") or {}, new.get("document") or {}
    for key in sorted(set(old_document) | set(new_document)):
        _compare(changes, f"document.{key}", key, "Văn bản", old_document.get(key), new_document.get(key))
    for section, key, name in SECTIONS:
        changes += _item_changes(section, key, name, old.get(section) or [], new.get(section) or [])
    return changes


def _compare(changes: list[PlanChange], path: str, field: str, owner: str, old: Any, new: Any) -> None:
    """`field` picks the label and how values show (title_text: a legal basis's title). A dict (the
    signer) is compared key by key, so a cleared name reads "người ký – họ tên: … → —"."""
    if field not in AGENCY_FIELDS and _dict_or_none(old) and _dict_or_none(new) and (old or new):
        labels, heading = PART_LABELS.get(field, {}), FIELD_LABELS.get(field, field)
        old_parts, new_parts = old or {}, new or {}
        for key in [*old_parts, *(k for k in new_parts if k not in old_parts)]:
            before, after = show(key, old_parts.get(key)), show(key, new_parts.get(key))
            if before != after:
                label = labels.get(key, FIELD_LABELS.get(key, key))
                changes.append(PlanChange(f"{path}.{key}", f"{owner}: {heading} – {label}", before, after))
        return
    before, after = show(field, old), show(field, new)
    if before != after:
        changes.append(PlanChange(path, f"{owner}: {FIELD_LABELS.get(field, field)}", before, after))


def _dict_or_none(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _item_changes(path: str, key: str, name: str, old: list[dict], new: list[dict]) -> list[PlanChange]:
    changes: list[PlanChange] = []
    before = {item[key]: item for item in old}
    after_keys = {item[key] for item in new}
    for i, item in enumerate(new):
        where, owner = f"{path}[{i}]", f"{name} {item[key]}"
        previous = before.get(item[key])
        if previous is None:
            changes.append(PlanChange(where, f"{owner} (thêm mới)", None, _summary(item)))
            continue
        for field in [*item, *(f for f in previous if f not in item)]:
            if field in (key, "indicators"):
                continue
            shown = "title_text" if path == "legal_bases" and field == "title" else field
            _compare(changes, f"{where}.{field}", shown, owner, previous.get(field), item.get(field))
        if "indicators" in item:
            changes += _item_changes(
                f"{where}.indicators",
                "code",
                "Chỉ tiêu",
                previous.get("indicators") or [],
                item["indicators"],
            )
    for i, item in enumerate(old):
        if item[key] not in after_keys:
            changes.append(PlanChange(f"{path}[{i}]", f"{name} {item[key]} (đã bỏ)", _summary(item), None))
    return changes


def _summary(item: dict) -> str:
    """An added or removed item in a few words: its key and the start of its text."""
    identity = item.get("code") or item.get("number")
    text = item.get("text") or item.get("name") or item.get("description") or item.get("title") or ""
    short = text if len(text) <= 80 else text[:79] + "…"
    return f"{identity}: {short}" if short else str(identity)

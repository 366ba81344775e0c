"""Drafting next year's plan from an earlier one (`manage.py copy_plan`, docs/plan-file.md).

The draft is the source plan's exported data, changed: moved to the new year (deadlines, report
periods, the year its title and texts name), every body it names replaced by the body that took over its
duties when it no longer exists on the new year's first day, the province by its version of that year,
figures collected at a level the new year's tree no longer has (districts after 07/2025) moved to the
next level that exists, the document number, date and signer cleared and marked as a draft made by
treem. Targets, indicators, thresholds, texts, legal bases and data elements are kept. Every change is
listed, so the coordinator checks each one before issuing.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction

from treem.accounts.models import User
from treem.core.errors import InputErrors
from treem.units.geometry import LEVEL_RANK
from treem.units.models import AdministrativeUnit, Agency, AgencySuccession, UnitLevel, UnitSuccession

from .changes import AGENCY_FIELDS, PlanChange, data_changes, shift_plan_year
from .exporter import export_plan
from .models import Plan, PlanStatus
from .plan_checks import levels_during, plan_province, ref_code
from .plan_schema import PLAN_SCHEMA
from .services import PlanLoadResult, check_plan_data, load_plan_data

# A body split between several successors (the Department of Labour in 2025: child protection to Health,
# labour to Home Affairs): treem's plans are child protection plans, so the succession whose duty is
# about children is the one their references follow.
CHILD_DUTY_WORDS = ("trẻ em",)
# The years a plan file may have: checked before the dates are moved, which would fail past year 9999.
_YEAR_SCHEMA = cast(dict[str, dict[str, int]], PLAN_SCHEMA["properties"])["year"]
YEAR_RANGE = (_YEAR_SCHEMA["minimum"], _YEAR_SCHEMA["maximum"])
# Levels figures can be collected at (DataElement.collection_level), from the top.
AGENCY_LISTS = {"cooperating", "reporters", "recipients"}
COLLECTION_LEVELS = sorted((UnitLevel.DISTRICT, UnitLevel.COMMUNE), key=lambda level: LEVEL_RANK[level])


@dataclass
class CopyResult:
    """The draft's data (the plan file's shape), the changes made to the source, and once loaded the plan."""

    data: dict
    changes: list[PlanChange]
    plan: Plan | None = None
    load: PlanLoadResult | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Replacement:
    body: Agency
    note: str


def draft_note(source: Plan) -> str:
    return f"Dự thảo do treem tạo từ kế hoạch {source.code}; không phải văn bản chính thức."


def copy_plan(source: Plan, *, code: str, year: int, actor: User | None = None) -> CopyResult:
    """The data of a draft of `source` for `year` under `code`, and its changes; nothing is written.
    Raises InputErrors (Vietnamese) when the copy cannot be made. `actor` is who asks (kept for the
    editor's calls; the copy itself records nothing)."""
    errors: list[str] = []
    if Plan.objects.filter(code=code).exists():
        errors.append(f"Đã có kế hoạch mã '{code}'; chọn mã khác cho bản dự thảo.")
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        errors.append(f"Năm của bản dự thảo ({year}) phải từ {YEAR_RANGE[0]} đến {YEAR_RANGE[1]}.")
    elif year <= source.year:
        # Successions only run forward: a copy to an earlier year (or the same) would keep bodies that did
        # not exist then. A revision of the same year is an edit of the plan, not a copy.
        errors.append(
            f"Năm của bản dự thảo ({year}) phải sau năm của kế hoạch {source.code} ({source.year})."
        )
    if errors:
        raise InputErrors(errors)
    years = year - source.year
    moved: list[PlanChange] = []
    shifted = shift_plan_year(
        export_plan(source),
        years,
        lambda path, label, old, new: moved.append(PlanChange(path, label, old, new)),
    )
    # A deep copy: `shifted` stays as it was, to list what the rest of the copy changed.
    data = {**copy.deepcopy(shifted), "code": code, "status": PlanStatus.DRAFT.value, "source": source.code}
    province = _province_in(source.province, year, errors)
    replacements = _replace_agencies(data, year, errors)
    if errors:
        raise InputErrors(errors)
    assert province is not None  # an error was raised otherwise
    data["province"] = province.code
    level_notes = _move_collection_levels(data, province, year, errors)
    if errors:
        raise InputErrors(errors)
    _mark_draft(data, source, replacements)
    year_change = PlanChange(
        "year", "Năm kế hoạch", str(source.year), str(year), f"mọi hạn và kỳ báo cáo dời {years:+d} năm"
    )
    changes = [year_change, *moved]
    for change in data_changes(shifted, data):
        changes.append(_explained(change, replacements, level_notes))
    return CopyResult(data=data, changes=changes)


@transaction.atomic
def do_copy_plan(source: Plan, *, code: str, year: int, actor: User | None = None) -> CopyResult:
    """Copy `source` (copy_plan) and load the copy as a draft drafted from it, with load_plan's checks."""
    result = copy_plan(source, code=code, year=year, actor=actor)
    result.load = load_plan_data(result.data, actor=actor)
    result.plan = result.load.plan
    return result


def check_copy(result: CopyResult) -> None:
    """The checks load_plan would make of the copy, for a copy written to a file instead of loaded."""
    check_plan_data(result.data, name=f"kế hoạch {result.data['code']}")


def _day(year: int) -> datetime.date:
    return datetime.date(year, 1, 1)


def _province_in(unit: AdministrativeUnit, year: int, errors: list[str]) -> AdministrativeUnit | None:
    """The source's province as it is on the new year's first day: the version of its code, else the
    province its succession leads to (provinces merged in 2025)."""
    found = plan_province(unit.code, year)
    frontier, seen = [unit], set()
    while found is None and frontier:
        successions = UnitSuccession.objects.filter(predecessor__in=frontier).select_related("successor")
        seen |= {u.pk for u in frontier}
        frontier = []
        for succession in successions.order_by("since", "successor__code"):
            successor = succession.successor
            if successor.level == UnitLevel.PROVINCE and successor.is_valid_on(_day(year)):
                found = found or successor
            elif successor.pk not in seen:
                frontier.append(successor)
    if found is None:
        errors.append(
            f"Tỉnh {unit.code} ({unit.name}) không có đơn vị hiệu lực ngày 01/01/{year} "
            "(nạp cơ cấu hành chính của năm đó bằng load_units)."
        )
    return found


def successor_in(agency: Agency, year: int) -> Replacement | None:
    """The body standing for `agency` on the year's first day: itself if it exists then, else the
    successor that does, following chains of successions. Several: the child protection duty first,
    then the earliest, then by code, with a note to check."""
    day = _day(year)
    if agency.exists_during(day, day):
        return Replacement(agency, "")
    frontier, seen = [agency], {agency.pk}
    while frontier:
        successions = list(
            AgencySuccession.objects.filter(predecessor__in=frontier)
            .select_related("successor")
            .order_by("since", "successor__code")
        )
        found = [s for s in successions if s.successor.exists_during(day, day)]
        if found:
            found.sort(key=lambda s: not any(word in s.duty.lower() for word in CHILD_DUTY_WORDS))
            chosen = found[0]
            note = f"tiếp nhận từ {chosen.since:%d/%m/%Y}" + (f", {chosen.duty}" if chosen.duty else "")
            others = sorted({s.successor.code for s in found} - {chosen.successor.code})
            if others:
                note += f"; cũng tiếp nhận: {', '.join(others)} — cần kiểm tra"
            return Replacement(chosen.successor, note)
        frontier = [s.successor for s in successions if s.successor.pk not in seen]
        seen |= {a.pk for a in frontier}
    return None


def _agency_slots(data: dict) -> list[tuple[Any, str, bool]]:
    """Every place the data names a body: (the dict holding it, its key, whether it is a list)."""
    slots: list[tuple[Any, str, bool]] = [(data, "owner", False)]
    slots += [(element, "supplier", False) for element in data["data_elements"]]
    slots += [(i, "supplier", False) for t in data["targets"] for i in t["indicators"]]
    for task in data["tasks"]:
        slots += [(task, "agency", False), (task, "cooperating", True)]
    for milestone in data["milestones"]:
        slots += [(milestone, "reporters", True), (milestone, "via", False), (milestone, "recipients", True)]
    return slots


def _replace_agencies(data: dict, year: int, errors: list[str]) -> dict[str, Replacement]:
    """Replace in place every body that does not exist on the year's first day; {old code: replacement}."""
    slots = _agency_slots(data)
    codes: set[str] = set()
    for holder, key, many in slots:
        refs = (holder.get(key) or []) if many else [holder.get(key)]
        codes |= {ref_code(ref) or "" for ref in refs if ref is not None}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    replacements: dict[str, Replacement] = {}
    for code in sorted(codes):
        agency = agencies.get(code)
        replacement = successor_in(agency, year) if agency is not None else None
        if replacement is None:
            name = f" ({agency.name})" if agency else ""
            errors.append(
                f"Cơ quan '{code}'{name} không hoạt động ngày 01/01/{year} và không có cơ quan tiếp nhận "
                "nào hoạt động khi đó (khai báo chuyển giao nhiệm vụ trong data/agencies/)."
            )
        elif replacement.body.code != code:
            replacements[code] = replacement

    for task in data["tasks"]:
        # A task's heading is often its body's name ("Sở Y tế"): it follows the body.
        old = agencies.get(ref_code(task["agency"]) or "")
        if old is not None and old.code in replacements and task.get("heading") == old.name:
            task["heading"] = replacements[old.code].body.name

    def ref(value: Any) -> Any:
        code = ref_code(value) or ""
        if code not in replacements:
            return value
        body = replacements[code].body
        return {"code": body.code, "name": body.name}

    for holder, key, many in slots:
        if many:
            # Two predecessors may share a successor; the list stays sorted by code, as exported.
            unique = {ref_code(ref(r)) or "": ref(r) for r in holder.get(key) or []}
            holder[key] = [unique[c] for c in sorted(unique)]
        elif holder.get(key) is not None:
            holder[key] = ref(holder[key])
    return replacements


def _move_collection_levels(
    data: dict, province: AdministrativeUnit, year: int, errors: list[str]
) -> dict[str, str]:
    """An element collected at a level the new year's tree lacks moves to the nearest level below it that
    exists (the communes supply what the districts did), else above; {path of the level: note}."""
    present = levels_during(province, year)
    notes = {}
    for i, element in enumerate(data["data_elements"]):
        level = element.get("collection_level") or UnitLevel.COMMUNE
        if level in present or level not in LEVEL_RANK:
            continue
        below = [lv for lv in COLLECTION_LEVELS if LEVEL_RANK[lv] > LEVEL_RANK[level]]
        above = [lv for lv in reversed(COLLECTION_LEVELS) if LEVEL_RANK[lv] < LEVEL_RANK[level]]
        target = next((lv for lv in below + above if lv in present), None)
        if target is None:
            errors.append(
                f"Chỉ số dữ liệu {element['code']} thu thập ở cấp '{level}', năm {year} tỉnh không có "
                "cấp đơn vị nào để thu thập thay."
            )
            continue
        element["collection_level"] = str(target)
        notes[f"data_elements[{i}].collection_level"] = (
            f"năm {year} không có đơn vị cấp '{level}'; số liệu do cấp '{target}' cung cấp"
        )
    return notes


def _mark_draft(data: dict, source: Plan, replacements: dict[str, Replacement]) -> None:
    """Not issued yet: no number, date or signer; the issuer's successor when the issuer is a body that
    was replaced; the note saying treem made it."""
    document = dict(data["document"])
    document["number"] = None
    document["date"] = None
    if isinstance(document.get("signer"), dict) and document["signer"].get("name"):
        document["signer"] = {**document["signer"], "name": None}
    issuer = Agency.objects.filter(name=document.get("issuer")).values_list("code", flat=True).first()
    if issuer in replacements:
        document["issuer"] = replacements[issuer].body.name
    document["draft_note"] = draft_note(source)
    data["document"] = document


def _explained(
    change: PlanChange, replacements: dict[str, Replacement], level_notes: dict[str, str]
) -> PlanChange:
    """The change with why it was made: the succession behind a new body, the missing level."""
    field_name = change.path.rsplit(".", 1)[-1]
    notes = []
    if field_name in AGENCY_LISTS:
        for code in (change.old or "").split(", "):
            if code in replacements:
                notes.append(f"{code} → {replacements[code].body.code}: {replacements[code].note}")
    elif field_name in AGENCY_FIELDS and change.old in replacements:
        notes.append(replacements[change.old].note)
    else:
        notes.append(level_notes.get(change.path, ""))
    note = "; ".join(n for n in notes if n)
    return PlanChange(change.path, change.label, change.old, change.new, note) if note else change

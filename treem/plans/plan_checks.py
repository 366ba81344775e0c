"""The checks of a plan's data that its schema cannot express: references to units, bodies, elements and
other plans, each valid in the plan's year; unique codes; expressions; what a plan's status allows.

A plan file (read_plan_file) and a plan edited in the browser (load_plan_data) go through the same checks
and get the same messages; a file's messages also name the line.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any

from treem.indicators import services as indicator_services
from treem.indicators.derived import known_rules
from treem.indicators.expressions import ExpressionError, parse
from treem.units.geometry import LEVEL_RANK
from treem.units.models import AdministrativeUnit, Agency, UnitLevel

from .models import Plan, PlanStatus

ErrorSink = Callable[[tuple, str], None]


def ref_code(ref: Any) -> str | None:
    """An agency reference is a code or {code, name} (the shape export_plan writes)."""
    if ref is None:
        return None
    return ref["code"] if isinstance(ref, dict) else str(ref)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def plan_province(code: str, year: int) -> AdministrativeUnit | None:
    """The province a plan of `year` names by `code`: codes repeat across the 2025 reform, so the
    version valid on the year's first day."""
    unit = AdministrativeUnit.objects.version_of(code, on=datetime.date(year, 1, 1))
    return unit if unit is not None and unit.level == UnitLevel.PROVINCE else None


def levels_during(province: AdministrativeUnit, year: int) -> set[str]:
    """The levels the province's tree has at some time in the year (no district level from 07/2025)."""
    below = AdministrativeUnit.objects.filter(path__startswith=province.path).existing_during(
        *year_bounds(year)
    )
    return set(below.values_list("level", flat=True).distinct())


def _dmy(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "…"


def content_errors(data: dict, err: ErrorSink, *, only_drafts: bool = False) -> None:
    """Report through `err(path, message)` every problem of a schema-valid plan's data."""
    year = data["year"]
    _status_errors(data, err, only_drafts=only_drafts)
    province = plan_province(data["province"], year)
    if province is None:
        err(
            ("province",),
            f"chưa có tỉnh mã '{data['province']}' hiệu lực ngày 01/01/{year} (chạy load_units trước)",
        )
    agencies = {a.code: a for a in Agency.objects.all()}
    start, end = year_bounds(year)

    def check_agency(path: tuple, ref: Any) -> None:
        code = ref_code(ref)
        if code is None:
            return
        agency = agencies.get(code)
        if agency is None:
            err(path, f"không có cơ quan mã '{code}' (xem data/agencies/)")
        elif not agency.exists_during(start, end):
            err(
                path,
                f"cơ quan '{code}' ({agency.name}) không hoạt động trong năm {year} "
                f"(hiệu lực {_dmy(agency.valid_from)} – {_dmy(agency.valid_to)}); "
                "dùng cơ quan tiếp nhận nhiệm vụ",
            )

    check_agency(("owner",), data["owner"])
    levels = levels_during(province, year) if province is not None else None
    _element_errors(data, err, check_agency, levels)
    _expression_errors(data, err)
    for t, target in enumerate(data["targets"]):
        for i, indicator in enumerate(target["indicators"]):
            check_agency(("targets", t, "indicators", i, "supplier"), indicator["supplier"])
    for i, task in enumerate(data["tasks"]):
        check_agency(("tasks", i, "agency"), task["agency"])
        for j, ref in enumerate(task.get("cooperating") or []):
            check_agency(("tasks", i, "cooperating", j), ref)
    for i, milestone in enumerate(data["milestones"]):
        for key in ("reporters", "recipients"):
            for j, ref in enumerate(milestone[key]):
                check_agency(("milestones", i, key, j), ref)
        check_agency(("milestones", i, "via"), milestone.get("via"))


def _status_errors(data: dict, err: ErrorSink, *, only_drafts: bool) -> None:
    """An issued plan is never turned back into a draft; `only_drafts` (the browser editor) changes no
    issued plan at all; a source must be another loaded plan; only a draft says it is one."""
    status = data.get("status") or PlanStatus.ISSUED
    existing = Plan.objects.filter(code=data["code"]).only("status").first()
    if existing is not None and not existing.is_draft:
        if status == PlanStatus.DRAFT:
            err(
                ("status",),
                f"kế hoạch '{data['code']}' đã ban hành, không nạp bản dự thảo đè lên được "
                "(soạn kế hoạch mới bằng copy_plan)",
            )
        elif only_drafts:
            err(("code",), f"kế hoạch '{data['code']}' đã ban hành, không sửa được")
    source = data.get("source")
    if source is not None:
        if source == data["code"]:
            err(("source",), "kế hoạch không thể được soạn từ chính nó")
        elif not Plan.objects.filter(code=source).exists():
            err(("source",), f"không có kế hoạch nguồn mã '{source}' (nạp kế hoạch đó trước)")
    if status == PlanStatus.ISSUED and (data["document"].get("draft_note") or "").strip():
        err(("document", "draft_note"), "kế hoạch đã ban hành không mang ghi chú dự thảo")


def _element_errors(
    data: dict, err: ErrorSink, check_agency: Callable[[tuple, Any], None], levels: set[str] | None
) -> None:
    for i, element in enumerate(data["data_elements"]):
        check_agency(("data_elements", i, "supplier"), element["supplier"])
        level = element.get("collection_level") or UnitLevel.COMMUNE
        if levels is not None and level not in levels and level in LEVEL_RANK:
            err(
                ("data_elements", i, "collection_level"),
                f"tỉnh không có đơn vị cấp '{level}' trong năm {data['year']}",
            )
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
    for kind in ("data_elements", "targets", "tasks", "milestones"):
        for code, count in Counter(item["code"] for item in data[kind]).items():
            if count > 1:
                err((kind,), f"mã '{code}' bị lặp {count} lần")
    indicator_codes = Counter(i["code"] for t in data["targets"] for i in t["indicators"])
    for code, count in indicator_codes.items():
        if count > 1:
            err(("targets",), f"mã chỉ tiêu '{code}' bị lặp {count} lần")


def _expression_errors(data: dict, err: ErrorSink) -> None:
    known_elements = {e["code"] for e in data["data_elements"]} | indicator_services.existing_element_codes()
    combos = indicator_services.combo_codes()

    def check(path: tuple, expression: str, *, with_combos: bool) -> None:
        try:
            terms = parse(expression)
        except ExpressionError as exc:
            err(path, str(exc))
            return
        for term in terms:
            if term.element not in known_elements:
                err(path, f"không có chỉ số dữ liệu '{term.element}' trong data_elements")
            elif with_combos and term.combo and term.combo not in combos:
                err(path, f"không có nhóm phân tổ '{term.combo}'")

    for t, target in enumerate(data["targets"]):
        for i, indicator in enumerate(target["indicators"]):
            for part in ("numerator", "denominator"):
                check(("targets", t, "indicators", i, part), indicator[part], with_combos=True)
    for i, rule in enumerate(data.get("validation_rules") or []):
        for part in ("left", "right"):
            check(("validation_rules", i, part), rule[part], with_combos=False)

"""Turning raw inputs (codes and typed text) into database ids, with every problem named in Vietnamese:
the element, combo, unit (valid in the period) and period exist, the user may enter that element for that
unit, the value has the element's type. Part of the one write path (`datavalues.import_values`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import NamedTuple, cast

from treem.accounts import policy
from treem.core.periods import PeriodError, parse_period, period_label
from treem.units.models import AdministrativeUnit

from . import conflict_codes as codes
from . import validation
from .models import DEFAULT_COMBO, CategoryOptionCombo, DataElement, DataValue, Period
from .periods import get_period
from .value_inputs import Message, Resolved, ValueInput, conflict

COMMENT_MAX_LENGTH = cast(int, DataValue._meta.get_field("comment").max_length)  # set on the field
LEVEL_NAMES = {"province": "tỉnh", "district": "huyện", "commune": "xã"}


def derived_refusal(element: DataElement) -> str:
    """Why a typed value of a derived element is refused (for periods from its `derived_since`)."""
    since = element.derived_since.strftime("%d/%m/%Y") if element.derived_since else ""
    return (
        f"{element.code} ({element.name}) được tính tự động từ sổ theo dõi trẻ em và hồ sơ trường hợp cho các kỳ "
        f"từ ngày {since}; không nhập tay được, hãy cập nhật hồ sơ"
    )


class ElementInfo(NamedTuple):
    element: DataElement
    combo_ids: dict[str, int]  # the combos the element is collected by, by code


class Catalogue:
    """Metadata looked up once per import, by code."""

    def __init__(self) -> None:
        by_element: dict[int, dict[str, int]] = defaultdict(dict)
        for element_id, combo_id, combo_code in DataElement.combos.through.objects.values_list(
            "dataelement_id", "categoryoptioncombo_id", "categoryoptioncombo__code"
        ):
            by_element[element_id][combo_code] = combo_id
        self.elements = {
            e.code: ElementInfo(e, by_element[e.pk]) for e in DataElement.objects.select_related("supplier")
        }
        self.combos = set(CategoryOptionCombo.objects.values_list("code", flat=True))
        self.periods: dict[str, Period] = {}  # found or made in the current transaction only

    def unit_map(self, codes: set[str]) -> dict[str, list[AdministrativeUnit]]:
        """Every version of each unit code, latest first: a code names a unit only with a period (after
        the 2025 reform commune 19900 is two units), so the resolver picks the version per period."""
        found: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        codes_list = [c for c in codes if "\x00" not in c]  # PostgreSQL cannot compare text holding NUL
        for i in range(0, len(codes_list), 900):  # SQLite limits bound parameters
            for unit in AdministrativeUnit.objects.filter(code__in=codes_list[i : i + 900]):
                found[unit.code].append(unit)
        for versions in found.values():
            versions.sort(key=_start_key, reverse=True)
        return dict(found)


def _start_key(unit: AdministrativeUnit) -> datetime.date:
    return unit.valid_from or datetime.date.min


def version_during(versions: list[AdministrativeUnit], period: Period) -> AdministrativeUnit | None:
    """The version (of `unit_map`'s latest-first list) that existed during the period; the later one when
    two did (a 2025 annual period spans both trees): the rule of `AdministrativeUnit.objects.version_of`."""
    for unit in versions:
        if unit.exists_during(period.start_date, period.end_date):
            return unit
    return None


class Resolver:
    """Turns raw inputs into database ids, with every problem named. A national file repeats the same
    elements, units and periods millions of times, so each is looked up and checked once."""

    def __init__(
        self,
        catalogue: Catalogue,
        scope: policy.EntryScope,
        units: dict[str, list[AdministrativeUnit]],
        *,
        derivation: bool = False,
        strict: bool = False,
        delete_only: bool = False,
    ) -> None:
        self.catalogue = catalogue
        self.derivation = derivation  # the writer computes derived values (may write derived elements)
        self.strict = strict  # numbers as DHIS2 writes them (machine formats), not as people type them
        self.delete_only = delete_only  # importStrategy DELETE: every input names a value to delete
        self.scope = scope
        self.units = units  # catalogue.unit_map() of the inputs' codes
        # (element code, unit id) pairs that passed scope and level: by id, as one code has several versions.
        self.allowed: dict[tuple[str, int], bool] = {}
        # Inputs whose element, combo, unit, period and permission were already found good, by their codes.
        self.good_elements: dict[tuple[str, str], tuple[DataElement, int]] = {}
        self.good_places: dict[tuple[str, str], tuple[int, Period]] = {}

    def resolve(self, item: ValueInput) -> Resolved | list[Message]:
        """The fast path for an input made of codes seen good before; otherwise the full check."""
        element = self.good_elements.get((item.element, item.combo))
        place = self.good_places.get((item.unit, item.period))
        if element is None or place is None or not self.allowed.get((item.element, place[0])):
            return self.check(item)
        if not self.derivation and element[0].is_derived_for(place[1].start_date):
            return self.check(item)
        if self.delete_only:
            return Resolved(item, element[0].id, element[1], place[0], place[1], None)
        if item.comment and (len(item.comment) > COMMENT_MAX_LENGTH or "\x00" in item.comment):
            return self.check(item)
        raw = item.value
        if raw is None or raw == "":
            return Resolved(item, element[0].id, element[1], place[0], place[1], None)
        try:
            value = validation.check_value(element[0], raw, strict=self.strict)
        except ValueError as exc:
            return [conflict(item, "value", str(exc), object=item.element, code=codes.VALUE_INVALID)]
        return Resolved(item, element[0].id, element[1], place[0], place[1], value)

    def period(self, code: str) -> Period | str:
        """The period, or the Vietnamese reason it is not one."""
        period = self.catalogue.periods.get(code)
        if period is None:
            try:
                parse_period(code)
            except PeriodError as exc:
                return str(exc)
            period = self.catalogue.periods[code] = get_period(code)
        return period

    def check(self, item: ValueInput) -> Resolved | list[Message]:
        """Every check of one input, each problem named; remembers what was found good."""
        problems: list[Message] = []
        raw = None if self.delete_only else item.value
        comment = "" if self.delete_only else item.comment or ""
        texts = (item.element, item.combo, item.unit, item.period, comment, str(raw or ""))
        if any("\x00" in text for text in texts):
            bad = item.element.replace("\x00", "")
            return [
                conflict(item, "value", "có ký tự không hợp lệ (NUL)", object=bad, code=codes.VALUE_INVALID)
            ]
        combo_code = item.combo or DEFAULT_COMBO
        info = self.catalogue.elements.get(item.element)
        combo_id = None
        if info is None:
            problems.append(
                conflict(
                    item,
                    "dataElement",
                    f"không có chỉ số dữ liệu mã '{item.element}'",
                    object=item.element,
                    code=codes.ELEMENT_NOT_FOUND,
                )
            )
        else:
            combo_id = info.combo_ids.get(combo_code)
            if combo_id is None:
                allowed = ", ".join(sorted(info.combo_ids))
                known = combo_code in self.catalogue.combos
                problems.append(
                    conflict(
                        item,
                        "categoryOptionCombo",
                        f"'{combo_code}' không thuộc phân tổ của {item.element} ({allowed})",
                        object=combo_code,
                        code=codes.COMBO_NOT_OF_ELEMENT if known else codes.COMBO_NOT_FOUND,
                    )
                )
        period: Period | str | None = self.catalogue.periods.get(item.period) or self.period(item.period)
        if isinstance(period, str):
            problems.append(conflict(item, "period", period, object=item.period, code=codes.PERIOD_INVALID))
            period = None
        versions = self.units.get(item.unit) or []
        unit = versions[0] if versions else None
        if unit is not None and period is not None:
            unit = version_during(versions, period)
            seen = [v for v in versions if self.scope.allows_unit(v)]
            if unit is None and seen:  # named only to whom may see it; otherwise "not in your scope" below
                problems.append(
                    conflict(
                        item,
                        "orgUnit",
                        _absent_during(seen[0], period),
                        object=item.unit,
                        code=codes.UNIT_NOT_FOUND,
                    )
                )
            elif unit is None:
                unit = versions[0]
        if (unit is not None and not self.scope.allows_unit(unit)) or not versions:
            unit = None  # outside the area the user enters for: answered as if it did not exist
            problems.append(
                conflict(
                    item,
                    "orgUnit",
                    f"không có đơn vị hành chính mã '{item.unit}' trong phạm vi của bạn",
                    object=item.unit,
                    code=codes.UNIT_NOT_FOUND,
                )
            )
        if info is not None and unit is not None:
            if not self.scope.allows(info.element, unit):
                problems.append(
                    conflict(
                        item,
                        "orgUnit",
                        f"bạn không được nhập {item.element} cho đơn vị '{unit.code}' ({unit.name})",
                        object=item.unit,
                        code=codes.NOT_PERMITTED,
                    )
                )
        if info is not None and unit is not None and info.element.collection_level != unit.level:
            problems.append(
                conflict(
                    item,
                    "orgUnit",
                    f"{item.element} được nhập cho đơn vị cấp {LEVEL_NAMES[info.element.collection_level]}, "
                    f"không nhập cho '{unit.code}' ({unit.name})",
                    object=item.unit,
                    code=codes.WRONG_LEVEL,
                )
            )
        if info is not None and period is not None and not self.derivation:
            if info.element.is_derived_for(period.start_date):
                problems.append(
                    conflict(
                        item,
                        "dataElement",
                        derived_refusal(info.element),
                        object=item.element,
                        code=codes.DERIVED_ELEMENT,
                    )
                )
        if len(comment) > COMMENT_MAX_LENGTH:
            problems.append(
                conflict(
                    item,
                    "comment",
                    f"ghi chú dài {len(comment)} ký tự, tối đa {COMMENT_MAX_LENGTH}",
                    object=item.element,
                    code=codes.COMMENT_INVALID,
                )
            )
        value = None
        if info is not None and raw is not None and raw != "":
            try:
                value = validation.check_value(info.element, raw, strict=self.strict)
            except ValueError as exc:
                problems.append(
                    conflict(item, "value", str(exc), object=item.element, code=codes.VALUE_INVALID)
                )
        if problems or info is None or combo_id is None or unit is None or period is None:
            return problems  # any of these that is None came with a problem above
        self.good_elements[(item.element, item.combo)] = (info.element, combo_id)
        self.good_places[(item.unit, item.period)] = (unit.id, period)
        self.allowed[(item.element, unit.id)] = True  # the checks that depend on both passed
        return Resolved(item, info.element.id, combo_id, unit.id, period, value)


def _absent_during(unit: AdministrativeUnit, period: Period) -> str:
    """Why a figure cannot go on a unit code in a period when no version of the unit existed then."""
    return (
        f"đơn vị '{unit.code}' ({unit.name}) không tồn tại trong kỳ {period_label(period.code)} "
        f"(từ {period.start_date:%d/%m/%Y} đến {period.end_date:%d/%m/%Y}): {_validity(unit)}"
    )


def _validity(unit: AdministrativeUnit) -> str:
    if unit.valid_from and unit.valid_to:
        return f"đơn vị có hiệu lực từ {unit.valid_from:%d/%m/%Y} đến trước {unit.valid_to:%d/%m/%Y}"
    if unit.valid_to:
        return f"đơn vị hết hiệu lực từ {unit.valid_to:%d/%m/%Y}"
    return (
        f"đơn vị có hiệu lực từ {unit.valid_from:%d/%m/%Y}" if unit.valid_from else "đơn vị không có hiệu lực"
    )

"""Reading a filled data entry template back, within limits (`treem.core.xlsx`).

The reader finds the code rows by their markers in column A rather than by fixed row numbers, so a user
who inserts a note above the header does not break the file. It reads only the template's area: the rows
of its units and the columns of its agency's elements, as the database says they are for the template's
agency, period and unit; a value outside that area is an error naming its cell, never silently dropped.
A blank cell means "no value": uploading never deletes a stored value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import IO

from django.utils.translation import gettext as _

from treem.core import xlsx
from treem.core.errors import InputErrors
from treem.core.periods import PeriodError
from treem.core.uploads import NUMBER_CHARS, NotAnArchive, Oversized, excerpt
from treem.indicators.datavalues import ValueInput
from treem.indicators.models import DEFAULT_COMBO, DataElement
from treem.indicators.periods import find_period
from treem.units.models import AdministrativeUnit, Agency

from . import selectors
from .excel_layout import (
    COMBO_MARK,
    ELEMENT_MARK,
    FIRST_VALUE_COLUMN,
    MARK_SEARCH_ROWS,
    META_ROWS,
    META_SHEET,
    SHEET,
    TEMPLATE_VERSION,
    UNIT_CODE_HEADER,
    TemplateMeta,
    place_key,
    where,
)

Progress = Callable[[int], None]
NOT_XLSX = "Tệp tải lên không phải là tệp Excel .xlsx hợp lệ; hãy dùng mẫu tải từ trang nhập số liệu."


def read_workbook(
    file: IO[bytes] | bytes,
    *,
    expect: TemplateMeta | None = None,
    progress: Progress | None = None,
) -> list[ValueInput]:
    """The values of a filled template, one ValueInput per non-blank input cell, each naming its sheet,
    row and column. Problems with the file raise InputErrors (Vietnamese, sorted by place), nothing read."""
    note = progress or (lambda percent: None)
    try:
        book = xlsx.Workbook(file)
    except NotAnArchive as exc:
        raise InputErrors([NOT_XLSX]) from exc
    note(20)
    meta = _read_meta(book)
    if expect is not None and meta != expect:
        raise InputErrors(
            [
                f"Tệp này là mẫu của {meta.describe()}, không phải của trang đang mở "
                f"({expect.describe()}); hãy tải lên đúng trang hoặc tải mẫu mới."
            ]
        )
    if SHEET not in book.sheets:
        raise InputErrors([f"Tệp không có trang tính '{SHEET}'; hãy dùng mẫu tải từ trang nhập số liệu."])
    units, columns = template_shape(meta)
    cells = book.read_sheet(SHEET, max_row=MARK_SEARCH_ROWS + units, max_col=FIRST_VALUE_COLUMN - 1 + columns)
    note(50)
    return _read_values(cells, meta, units)


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _read_meta(book: xlsx.Workbook) -> TemplateMeta:
    if META_SHEET not in book.sheets:
        raise InputErrors(
            [
                f"Tệp không phải mẫu nhập số liệu của hệ thống (thiếu trang tính ẩn '{META_SHEET}'); "
                "hãy tải mẫu từ trang nhập số liệu."
            ]
        )
    cells = book.read_sheet(META_SHEET, max_row=META_ROWS, max_col=2)
    values = {_text(cells.value(row, 1)): _text(cells.value(row, 2)) for row in range(1, META_ROWS + 1)}
    if values.get("template") != TEMPLATE_VERSION:
        raise InputErrors(
            [
                f"Trang tính '{META_SHEET}': mẫu '{excerpt(values.get('template', ''))}' không phải mẫu hiện "
                f"hành ({TEMPLATE_VERSION}); hãy tải mẫu mới từ trang nhập số liệu."
            ]
        )
    missing = [key for key in ("agency", "period", "unit") if not values.get(key)]
    if missing:
        raise InputErrors([f"Trang tính '{META_SHEET}': thiếu {', '.join(missing)}; hãy tải mẫu mới."])
    return TemplateMeta(*(excerpt(values[key], 64) for key in ("agency", "period", "unit")))


def template_shape(meta: TemplateMeta) -> tuple[int, int]:
    """(rows, input columns) of the template for the meta's agency, period and unit, as it is written
    (`selectors.entry_grid`): a row per unit at the agency's collection levels, a column per element × combo."""
    agency = Agency.objects.filter(code=meta.agency).first()
    problems = []
    if agency is None:
        problems.append(f"Trang tính '{META_SHEET}': không có cơ quan mã '{meta.agency}'")
    unit = period = None
    try:
        period = find_period(meta.period)
    except PeriodError as exc:
        problems.append(f"Trang tính '{META_SHEET}': {exc}")
    else:
        unit = selectors.unit_for_period(meta.unit, period)
        if unit is None:
            problems.append(
                f"Trang tính '{META_SHEET}': không có đơn vị hành chính mã '{meta.unit}' trong kỳ {meta.period}"
            )
    if problems or agency is None or unit is None or period is None:
        raise InputErrors(problems)
    elements = selectors.agency_elements(agency)
    columns = sum(len(element.combos.all()) for element in elements)
    rows = len(selectors.row_units(unit, {e.collection_level for e in elements}, period))
    return max(rows, 1), max(columns, 1)


def _find_mark(cells: xlsx.SheetCells, mark: str) -> int | None:
    """The row whose column A holds `mark`."""
    return next((r for r in range(1, MARK_SEARCH_ROWS + 1) if _text(cells.value(r, 1)) == mark), None)


def _read_values(cells: xlsx.SheetCells, meta: TemplateMeta, unit_rows: int) -> list[ValueInput]:
    errors: list[str] = []
    marks = {mark: _find_mark(cells, mark) for mark in (ELEMENT_MARK, COMBO_MARK, UNIT_CODE_HEADER)}
    for name, mark in (
        ("mã chỉ số", ELEMENT_MARK),
        ("mã phân tổ", COMBO_MARK),
        ("tiêu đề cột", UNIT_CODE_HEADER),
    ):
        if marks[mark] is None:
            errors.append(
                f"Trang tính '{SHEET}': không tìm thấy dòng {name} (cột A ghi '{mark}'); "
                "tệp không đúng mẫu, hãy tải mẫu từ trang nhập số liệu."
            )
    element_row, combo_row, header_row = marks[ELEMENT_MARK], marks[COMBO_MARK], marks[UNIT_CODE_HEADER]
    if errors or element_row is None or combo_row is None or header_row is None:
        raise InputErrors(errors)

    last_row = header_row + unit_rows
    _outside(cells, last_row, errors)
    columns = _read_columns(cells, element_row, combo_row, errors)
    units = _template_units(meta.unit, meta.period)
    by_row: dict[int, dict[int, object]] = defaultdict(dict)
    for (row, col), value in cells.cells.items():
        if col >= FIRST_VALUE_COLUMN:
            by_row[row][col] = value
    inputs: list[ValueInput] = []
    for excel_row in range(header_row + 1, last_row + 1):
        values = by_row.get(excel_row, {})
        code = _text(cells.value(excel_row, 1))
        if not code:
            if values:
                errors.append(f"{where(excel_row, 1)}: thiếu mã đơn vị (dòng có số liệu nhưng cột A trống)")
            continue
        unit = units.get(code) or units.get(code.lstrip("0"))
        if unit is None:
            errors.append(
                f"{where(excel_row, 1)}: mã đơn vị '{excerpt(code)}' không thuộc {meta.unit} "
                "hoặc không có trong danh mục đơn vị hành chính"
            )
            continue
        for col, raw in sorted(values.items()):
            if col not in columns:
                errors.append(f"{where(excel_row, col)}: ô có số liệu nhưng cột không có mã chỉ số (dòng ẩn)")
                continue
            element, combo = columns[col]
            value = raw.strip() if isinstance(raw, str) else raw
            if isinstance(value, str) and len(value) > NUMBER_CHARS:
                value = Oversized(value)  # refused by the value check like any text, at no cost per cell
            inputs.append(
                ValueInput(element, combo, unit.code, meta.period, value, where=where(excel_row, col))
            )
    if errors:
        raise InputErrors(sorted(errors, key=place_key))
    return inputs


def _outside(cells: xlsx.SheetCells, last_row: int, errors: list[str]) -> None:
    """An error for each value outside the template's area (the first few named, the rest counted)."""
    outside = sorted({place for place in cells.cells if place[0] > last_row} | set(cells.beyond))
    count = cells.beyond_count + sum(1 for place in cells.cells if place[0] > last_row)
    for row, col in outside[: xlsx.BEYOND_KEPT]:
        if row > last_row:
            errors.append(
                f"{where(row, col)}: ô có nội dung nằm sau dòng cuối của mẫu (dòng {last_row}); "
                "hãy xóa nó hoặc tải mẫu mới"
            )
        else:
            errors.append(
                f"{where(row, col)}: ô có nội dung nằm ngoài các cột của mẫu; hãy xóa nó hoặc tải mẫu mới"
            )
    if count > xlsx.BEYOND_KEPT:
        errors.append(
            _("Trang tính '%(sheet)s': còn %(n)d ô khác có nội dung nằm ngoài vùng của mẫu.")
            % {"sheet": SHEET, "n": count - xlsx.BEYOND_KEPT}
        )


def _read_columns(
    cells: xlsx.SheetCells, element_row: int, combo_row: int, errors: list[str]
) -> dict[int, tuple[str, str]]:
    """Column → (element code, combo code) from the hidden code rows."""
    columns: dict[int, tuple[str, str]] = {}
    known = set(DataElement.objects.values_list("code", flat=True))
    used = sorted(col for row, col in cells.cells if row == element_row and col >= FIRST_VALUE_COLUMN)
    for col in used:
        code = _text(cells.value(element_row, col))
        if code not in known:
            errors.append(f"{where(element_row, col)}: mã chỉ số '{excerpt(code)}' không có trong hệ thống")
            continue
        combo = _text(cells.value(combo_row, col))
        columns[col] = (code, combo or DEFAULT_COMBO)
    if not columns and not errors:
        errors.append(
            f"Trang tính '{SHEET}', dòng {element_row}: không có cột số liệu nào (dòng mã chỉ số trống)"
        )
    return columns


def _template_units(unit_code: str, period_code: str) -> dict[str, AdministrativeUnit]:
    """Units of the template's subtree that exist in its period, by GSO code, and by the code without
    leading zeros (a user may have let Excel turn "00004" into the number 4). The period picks the tree:
    after the 2025 reform a code names a 2023 and a 2025 unit."""
    try:
        period = find_period(period_code)
    except PeriodError as exc:
        raise InputErrors([f"Trang tính '{META_SHEET}': {exc}"]) from None
    root = selectors.unit_for_period(unit_code, period)
    if root is None:
        raise InputErrors(
            [f"Trang tính '{META_SHEET}': không có đơn vị hành chính mã '{unit_code}' trong kỳ {period_code}"]
        )
    units = AdministrativeUnit.objects.filter(path__startswith=root.path).existing_during(
        period.start_date, period.end_date
    )
    found = {u.code: u for u in units}
    found.update({u.code.lstrip("0"): u for u in units if u.code.lstrip("0") not in found})
    return found

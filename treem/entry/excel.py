"""The Excel round trip of the entry grid: a protected template to fill offline (written here), read
back by `excel_read` within limits, then staged for confirmation. The layout is in `excel_layout`.

Text that comes from the database or a plan file (unit, agency and element names) is written as text,
never as a formula, whatever character it starts with (`=`, `+`, `-`, `@`).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from treem.core.periods import period_label
from treem.indicators.datavalues import ImportSummary, Seen, ValueInput, import_values
from treem.indicators.models import DEFAULT_COMBO, ValueType

from . import staging
from .excel_layout import (  # noqa: F401 (re-exported: the views and tests use excel.X)
    COMBO_MARK,
    CONTENT_TYPE,
    ELEMENT_MARK,
    FIRST_VALUE_COLUMN,
    MARK_SEARCH_ROWS,
    META_SHEET,
    SHEET,
    TEMPLATE_VERSION,
    UNIT_CODE_HEADER,
    TemplateMeta,
    place_key,
    template_filename,
    where,
)
from .excel_read import read_workbook  # noqa: F401 (re-exported)
from .models import StagedImport
from .selectors import Cell as GridCell
from .selectors import Grid

LOCKED_FILL = PatternFill("solid", fgColor="E5E7EB")
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
DERIVED_NOTE = (
    "Tự động từ hồ sơ: chỉ số này được tính từ sổ theo dõi trẻ em và hồ sơ trường hợp cho kỳ này, "
    "không nhập tay. Các ô của cột để trống, giá trị hiện có ghi trong ghi chú của từng ô; giá trị điền "
    "vào cột này sẽ bị từ chối."
)
HIDDEN_NOTE = "số đếm nhỏ tính từ hồ sơ trẻ em, không hiển thị ngoài phạm vi quản lý trường hợp"


def put(ws: Worksheet, row: int, column: int, value: object = None) -> Cell:
    """Write a cell; text is always stored as text (openpyxl would store "=…" as a formula)."""
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


# --- writing the template ----------------------------------------------------------------------------


def build_template(grid: Grid) -> bytes:
    """The grid as a protected workbook: only the cells the user may enter are unlocked."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    put(ws, 1, 1, f"Số liệu của: {grid.agency.name}").font = Font(bold=True, size=13)
    put(ws, 2, 1, f"Kỳ báo cáo: {period_label(grid.period.code)}")
    put(ws, 3, 1, f"Đơn vị: {grid.unit.name} ({grid.unit.code})")
    put(
        ws,
        4,
        1,
        "Nhập số vào các ô trắng (số nguyên cho số đếm, dấu phẩy cho phần thập phân). Ô để trống không "
        "làm thay đổi số liệu đã có. Không sửa cột A, B và các dòng tiêu đề.",
    ).font = Font(italic=True)

    element_row, combo_row, header_row = 5, 6, 7
    put(ws, element_row, 1, ELEMENT_MARK)
    put(ws, combo_row, 1, COMBO_MARK)
    ws.row_dimensions[element_row].hidden = True
    ws.row_dimensions[combo_row].hidden = True
    for col, title in ((1, UNIT_CODE_HEADER), (2, "Tên đơn vị")):
        put(ws, header_row, col, title)
    derived = {c.index for c in grid.columns if c.element.is_derived_for(grid.period.start_date)}
    for column in grid.columns:
        col = FIRST_VALUE_COLUMN + column.index
        put(ws, element_row, col, column.element.code)
        put(ws, combo_row, col, column.combo.code)
        header = put(ws, header_row, col, column.label)
        if column.index in derived:
            header.comment = Comment(DERIVED_NOTE, "treem", width=260, height=110)
        ws.column_dimensions[get_column_letter(col)].width = 18
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = 32

    first_data_row = header_row + 1
    for offset, row in enumerate(grid.rows):
        r = first_data_row + offset
        put(ws, r, 1, row.unit.code).number_format = "@"
        put(ws, r, 2, row.unit.name)
        for cell in row.cells:
            # A derived cell is left blank: a number there would come back on upload and be refused
            # (indicators.resolver.derived_refusal); its figure, as this reader may see it, is in a note.
            computed = cell.column.index in derived
            target = ws.cell(r, FIRST_VALUE_COLUMN + cell.column.index, None if computed else cell.value)
            if computed and cell.value is not None:
                target.comment = Comment(derived_value_note(cell), "treem", width=220, height=70)
            if cell.column.element.value_type == ValueType.INTEGER:
                target.number_format = "#,##0"
            if cell.editable and cell.column.index not in derived:
                target.protection = Protection(locked=False)
            else:
                target.fill = LOCKED_FILL
    last_data_row = first_data_row + max(len(grid.rows), 1) - 1
    _add_validations(ws, grid, first_data_row, last_data_row)

    ws.freeze_panes = ws.cell(first_data_row, FIRST_VALUE_COLUMN)
    ws.protection.sheet = True  # no password: the lock guides, it does not guard
    ws.protection.formatColumns = False  # users may widen columns

    meta = wb.create_sheet(META_SHEET)
    for i, (key, value) in enumerate(
        (
            ("template", TEMPLATE_VERSION),
            ("agency", grid.agency.code),
            ("period", grid.period.code),
            ("unit", grid.unit.code),
        ),
        start=1,
    ):
        put(meta, i, 1, key)
        put(meta, i, 2, value).number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def derived_value_note(cell: GridCell) -> str:
    """The note of a derived cell: its figure, or "< 5" when it is hidden from this reader."""
    if cell.hidden:
        return f"Tự động từ hồ sơ: {cell.display} ({HIDDEN_NOTE})."
    return f"Tự động từ hồ sơ: {cell.display}."


def _add_validations(ws: Worksheet, grid: Grid, first_row: int, last_row: int) -> None:
    validations: dict[str, DataValidation] = {
        ValueType.INTEGER: DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error="Chỉ nhập số nguyên không âm (số đếm).",
        ),
        ValueType.NUMBER: DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="Chỉ nhập số không âm.",
        ),
        ValueType.PERCENT: DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            error="Tỷ lệ % phải từ 0 đến 100.",
        ),
    }
    for dv in validations.values():
        dv.allow_blank = True
        dv.showErrorMessage = True
        dv.errorTitle = "Giá trị không hợp lệ"
    for column in grid.columns:
        letter = get_column_letter(FIRST_VALUE_COLUMN + column.index)
        validations[column.element.value_type].add(f"{letter}{first_row}:{letter}{last_row}")
    for dv in validations.values():
        if dv.sqref:
            ws.add_data_validation(dv)


# --- the pending import: checked, then confirmed ----------------------------------------------------------


STAGED_KIND = "datavalues"


def staged_rows(summary: ImportSummary) -> list[list[Any]]:
    """The values a dry run found to change, normalised: what a confirmation applies."""
    return [
        [
            c.input.element,
            c.input.combo or DEFAULT_COMBO,
            c.input.unit,
            c.input.period,
            None if c.new is None else f"{c.new.normalize():f}",
            c.input.comment,
            c.input.where,
            None if c.old is None else f"{c.old.normalize():f}",  # seen: confirm refuses if it changed
        ]
        for c in summary.changes
        if c.kind != "unchanged"
    ]


def stage_import(summary: ImportSummary, *, user: Any, filename: str) -> StagedImport:
    """Keep the values a dry run found to change until the user confirms them."""
    return staging.stage(STAGED_KIND, user=user, filename=filename, payload=staged_rows(summary))


def staged_inputs(rows: list[list[Any]]) -> list[ValueInput]:
    """Rows: element, combo, unit, period, new value, comment (none: keep the stored one), place, and the
    value stored at the preview (rows staged before it was kept have seven fields: not checked)."""
    return [
        ValueInput(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            (r[5] if len(r) > 5 else None) or None,  # the template carries no comments
            r[6] if len(r) > 6 else "",
            Seen(None if r[7] is None else Decimal(r[7])) if len(r) > 7 else None,
        )
        for r in rows
    ]


def apply_staged_values(rows: list[list[Any]], user: Any) -> tuple[ImportSummary, bool]:
    """Write confirmed values through the engine's one write path; refused if they now conflict."""
    summary = import_values(staged_inputs(rows), user=user)
    return summary, not summary.conflicts

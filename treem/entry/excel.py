"""The Excel round trip of the entry grid: a protected template to fill offline, and reading it back.

Sheet "Số liệu":
  rows 1–4   title (agency, period, unit) and how to fill the sheet
  row 5      hidden: column A "dataElement", then one element code per input column
  row 6      hidden: column A "categoryOptionCombo", then the combo code of each input column
  row 7      header: "Mã đơn vị", "Tên đơn vị", the Vietnamese names of the columns
  row 8…     one row per unit: GSO code (locked), name (locked), the values (unlocked input cells)
Hidden sheet "_meta": the template version and the agency, period and unit codes the file belongs to.

The reader finds the code rows by their markers in column A rather than by fixed row numbers, so a user
who inserts a note above the header does not break the file. A blank cell means "no value": uploading
never deletes a stored value.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from treem.core.errors import InputErrors
from treem.core.periods import period_label
from treem.indicators.datavalues import ImportSummary, ValueInput, import_values
from treem.indicators.models import DEFAULT_COMBO, DataElement, ValueType
from treem.units.models import AdministrativeUnit

from . import staging
from .models import StagedImport
from .selectors import Grid

SHEET = "Số liệu"
META_SHEET = "_meta"
TEMPLATE_VERSION = "treem-so-lieu/1"
ELEMENT_MARK = "dataElement"
COMBO_MARK = "categoryOptionCombo"
UNIT_CODE_HEADER = "Mã đơn vị"
FIRST_VALUE_COLUMN = 3  # C
MARK_SEARCH_ROWS = 30
MAX_DATA_ROWS = 20_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LOCKED_FILL = PatternFill("solid", fgColor="E5E7EB")
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")


@dataclass(frozen=True)
class TemplateMeta:
    agency: str
    period: str
    unit: str

    def describe(self) -> str:
        return f"cơ quan {self.agency}, kỳ {self.period}, đơn vị {self.unit}"


def where(row: int, column: int) -> str:
    return f"Trang tính '{SHEET}', dòng {row}, cột {get_column_letter(column)}"


def template_filename(meta: TemplateMeta) -> str:
    return f"so-lieu-{meta.agency}-{meta.period}-{meta.unit}.xlsx"


# --- writing the template ----------------------------------------------------------------------------


def build_template(grid: Grid) -> bytes:
    """The grid as a protected workbook: only the cells the user may enter are unlocked."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = f"Số liệu của: {grid.agency.name}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"Kỳ báo cáo: {period_label(grid.period.code)} ({grid.period.code})"
    ws["A3"] = f"Đơn vị: {grid.unit.name} ({grid.unit.code})"
    ws["A4"] = (
        "Nhập số vào các ô trắng (số nguyên cho số đếm, dấu phẩy cho phần thập phân). Ô để trống không "
        "làm thay đổi số liệu đã có. Không sửa cột A, B và các dòng tiêu đề."
    )
    ws["A4"].font = Font(italic=True)

    element_row, combo_row, header_row = 5, 6, 7
    ws.cell(element_row, 1, ELEMENT_MARK)
    ws.cell(combo_row, 1, COMBO_MARK)
    ws.row_dimensions[element_row].hidden = True
    ws.row_dimensions[combo_row].hidden = True
    for col, title in ((1, UNIT_CODE_HEADER), (2, "Tên đơn vị")):
        ws.cell(header_row, col, title)
    for column in grid.columns:
        col = FIRST_VALUE_COLUMN + column.index
        ws.cell(element_row, col, column.element.code)
        ws.cell(combo_row, col, column.combo.code)
        ws.cell(header_row, col, column.label)
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
        ws.cell(r, 1, row.unit.code).number_format = "@"
        ws.cell(r, 2, row.unit.name)
        for cell in row.cells:
            target = ws.cell(r, FIRST_VALUE_COLUMN + cell.column.index, cell.value)
            if cell.column.element.value_type == ValueType.INTEGER:
                target.number_format = "#,##0"
            if cell.editable:
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
        meta.cell(i, 1, key)
        meta.cell(i, 2, value).number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _add_validations(ws, grid: Grid, first_row: int, last_row: int) -> None:
    validations = {
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


# --- reading an upload ---------------------------------------------------------------------------------


def read_workbook(file, *, expect: TemplateMeta | None = None) -> list[ValueInput]:
    """The values of a filled template, one ValueInput per non-blank input cell, each naming its sheet,
    row and column. File-level problems raise InputErrors (Vietnamese), with nothing read."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # not a zip, not OOXML, damaged: openpyxl raises many different errors
        raise InputErrors(
            ["Tệp tải lên không phải là tệp Excel .xlsx hợp lệ; hãy dùng mẫu tải từ trang nhập số liệu."]
        ) from exc
    try:
        meta = _read_meta(wb)
        if expect is not None and meta != expect:
            raise InputErrors(
                [
                    f"Tệp này là mẫu của {meta.describe()}, không phải của trang đang mở "
                    f"({expect.describe()}); hãy tải lên đúng trang hoặc tải mẫu mới."
                ]
            )
        if SHEET not in wb.sheetnames:
            raise InputErrors([f"Tệp không có trang tính '{SHEET}'; hãy dùng mẫu tải từ trang nhập số liệu."])
        rows = list(wb[SHEET].iter_rows(max_row=MAX_DATA_ROWS, values_only=True))
    except InputErrors:
        raise
    except Exception as exc:  # in read-only mode a damaged sheet only shows itself while it is read
        raise InputErrors(["Không đọc được nội dung tệp Excel: tệp bị hỏng."]) from exc
    finally:
        wb.close()
    return _read_values(rows, meta)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_meta(wb) -> TemplateMeta:
    if META_SHEET not in wb.sheetnames:
        raise InputErrors(
            [
                f"Tệp không phải mẫu nhập số liệu của hệ thống (thiếu trang tính ẩn '{META_SHEET}'); "
                "hãy tải mẫu từ trang nhập số liệu."
            ]
        )
    values = {
        _text(row[0]): _text(row[1])
        for row in wb[META_SHEET].iter_rows(max_row=20, max_col=2, values_only=True)
        if row and len(row) >= 2 and row[0]
    }
    if values.get("template") != TEMPLATE_VERSION:
        raise InputErrors(
            [
                f"Trang tính '{META_SHEET}': mẫu '{values.get('template', '')}' không phải mẫu hiện hành "
                f"({TEMPLATE_VERSION}); hãy tải mẫu mới từ trang nhập số liệu."
            ]
        )
    missing = [key for key in ("agency", "period", "unit") if not values.get(key)]
    if missing:
        raise InputErrors([f"Trang tính '{META_SHEET}': thiếu {', '.join(missing)}; hãy tải mẫu mới."])
    return TemplateMeta(values["agency"], values["period"], values["unit"])


def _find_mark(rows: list[tuple], mark: str) -> int | None:
    """0-based index of the row whose column A holds `mark`."""
    for i, row in enumerate(rows[:MARK_SEARCH_ROWS]):
        if row and _text(row[0]) == mark:
            return i
    return None


def _read_values(rows: list[tuple], meta: TemplateMeta) -> list[ValueInput]:
    errors: list[str] = []
    element_i, combo_i = _find_mark(rows, ELEMENT_MARK), _find_mark(rows, COMBO_MARK)
    header_i = next(
        (i for i, row in enumerate(rows[:MARK_SEARCH_ROWS]) if row and _text(row[0]) == UNIT_CODE_HEADER),
        None,
    )
    for index, name, mark in (
        (element_i, "mã chỉ số", ELEMENT_MARK),
        (combo_i, "mã phân tổ", COMBO_MARK),
        (header_i, "tiêu đề cột", UNIT_CODE_HEADER),
    ):
        if index is None:
            errors.append(
                f"Trang tính '{SHEET}': không tìm thấy dòng {name} (cột A ghi '{mark}'); "
                "tệp không đúng mẫu, hãy tải mẫu từ trang nhập số liệu."
            )
    if errors:
        raise InputErrors(errors)

    columns = _read_columns(rows[element_i], rows[combo_i], element_i + 1, errors)
    units = _template_units(meta.unit)
    inputs: list[ValueInput] = []
    for i in range(header_i + 1, len(rows)):
        row, excel_row = rows[i], i + 1
        values = {col: row[col - 1] for col in columns if col - 1 < len(row) and _text(row[col - 1])}
        code = _text(row[0]) if row else ""
        if not code:
            if values:
                errors.append(f"{where(excel_row, 1)}: thiếu mã đơn vị (dòng có số liệu nhưng cột A trống)")
            continue
        unit = units.get(code) or units.get(code.lstrip("0"))
        if unit is None:
            errors.append(
                f"{where(excel_row, 1)}: mã đơn vị '{code}' không thuộc {meta.unit} "
                "hoặc không có trong danh mục đơn vị hành chính"
            )
            continue
        for col, raw in values.items():
            element, combo = columns[col]
            value = raw.strip() if isinstance(raw, str) else raw
            inputs.append(
                ValueInput(element, combo, unit.code, meta.period, value, where=where(excel_row, col))
            )
    if errors:
        raise InputErrors(errors)
    return inputs


def _read_columns(element_row: tuple, combo_row: tuple, excel_row: int, errors: list[str]) -> dict:
    """1-based column → (element code, combo code) from the hidden code rows."""
    columns: dict[int, tuple[str, str]] = {}
    known = set(DataElement.objects.values_list("code", flat=True))
    for col in range(FIRST_VALUE_COLUMN, len(element_row) + 1):
        code = _text(element_row[col - 1])
        if not code:
            continue
        if code not in known:
            errors.append(f"{where(excel_row, col)}: mã chỉ số '{code}' không có trong hệ thống")
            continue
        combo = _text(combo_row[col - 1]) if col - 1 < len(combo_row) else ""
        columns[col] = (code, combo or DEFAULT_COMBO)
    if not columns and not errors:
        errors.append(
            f"Trang tính '{SHEET}', dòng {excel_row}: không có cột số liệu nào (dòng mã chỉ số trống)"
        )
    return columns


def _template_units(unit_code: str) -> dict[str, AdministrativeUnit]:
    """Units of the template's subtree by GSO code, and by the code without leading zeros (a user may have
    let Excel turn "00004" into the number 4)."""
    root = AdministrativeUnit.objects.filter(code=unit_code).first()
    if root is None:
        raise InputErrors([f"Trang tính '{META_SHEET}': không có đơn vị hành chính mã '{unit_code}'"])
    units = AdministrativeUnit.objects.filter(path__startswith=root.path)
    found = {u.code: u for u in units}
    found.update({u.code.lstrip("0"): u for u in units if u.code.lstrip("0") not in found})
    return found


# --- the pending import: checked, then confirmed ----------------------------------------------------------


STAGED_KIND = "datavalues"


def stage_import(summary: ImportSummary, *, user: Any, filename: str) -> StagedImport:
    """Keep the values a dry run found to change, normalised, until the user confirms them."""
    rows = [
        [
            c.input.element,
            c.input.combo or DEFAULT_COMBO,
            c.input.unit,
            c.input.period,
            None if c.new is None else f"{c.new.normalize():f}",
            c.input.comment,
            c.input.where,
        ]
        for c in summary.changes
        if c.kind != "unchanged"
    ]
    return staging.stage(STAGED_KIND, user=user, filename=filename, payload=rows)


def staged_inputs(rows: list[list[Any]]) -> list[ValueInput]:
    return [
        ValueInput(r[0], r[1], r[2], r[3], r[4], r[5] if len(r) > 5 else "", r[6] if len(r) > 6 else "")
        for r in rows
    ]


def apply_staged_values(rows: list[list[Any]], user: Any) -> tuple[ImportSummary, bool]:
    """Write confirmed values through the engine's one write path; refused if they now conflict."""
    summary = import_values(staged_inputs(rows), user=user)
    return summary, not summary.conflicts

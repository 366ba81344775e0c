"""The Excel annex of a report: one worksheet per `AnnexTable`, figures kept as numbers so that officials
can sum and chart them, text kept as text (never read as a formula)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .content import AnnexTable, ReportContent, TargetRow

FONT = "Times New Roman"
SHEET_TITLE_CHARS = 31  # Excel's limit
INVALID_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
CELL_CHARS = 32_767
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
HEADING_FILL = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MIN_WIDTH, MAX_WIDTH = 8, 60
TITLE_ROW, HEADING_ROW, FIRST_DATA_ROW = 1, 2, 3

TARGETS_TITLE = "Kết quả thực hiện các mục tiêu"
TARGET_HEADINGS = [
    "Mục tiêu",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Kế hoạch",
    "Kết quả",
    "Đánh giá",
    "Cùng kỳ năm trước",
]

Value = str | float | int | None


def annex_xlsx(content: ReportContent) -> bytes:
    """The workbook's bytes: the annex tables, or, when the report has none, its target rows as one
    sheet so the annex is never empty."""
    tables = content.annex or [targets_table(content.target_rows)]
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    used: set[str] = set()
    for annex in tables:
        title = sheet_title(annex.title, used)
        used.add(title.casefold())
        _fill(workbook.create_sheet(title), annex)
    workbook.properties.title = content.header.summary or None
    workbook.properties.creator = content.header.issuing_body or None
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def targets_table(rows: Sequence[TargetRow]) -> AnnexTable:
    return AnnexTable(
        title=TARGETS_TITLE,
        headings=list(TARGET_HEADINGS),
        rows=[
            [
                row.target_code,
                row.indicator_code,
                row.text,
                row.threshold,
                row.result,
                row.status,
                row.previous,
            ]
            for row in rows
        ],
    )


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique worksheet name: Excel refuses []:*?/\\, more than 31 characters and two sheets whose
    names differ only in case; a clash gets " (2)", " (3)"… within the 31 characters."""
    base = INVALID_TITLE_CHARS.sub("", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'")
    base = base[:SHEET_TITLE_CHARS].strip() or "Bảng"
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_CHARS - len(suffix)].rstrip() + suffix
    return candidate


def _fill(sheet: Worksheet, annex: AnnexTable) -> None:
    columns = max(len(annex.headings), max((len(row) for row in annex.rows), default=0), 1)
    title = sheet.cell(row=TITLE_ROW, column=1, value=_text(annex.title))
    title.font = Font(name=FONT, bold=True, size=13)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if columns > 1:
        sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=columns)
    sheet.row_dimensions[TITLE_ROW].height = 36

    widths = [MIN_WIDTH] * columns
    for index in range(columns):
        heading = annex.headings[index] if index < len(annex.headings) else ""
        cell = sheet.cell(row=HEADING_ROW, column=index + 1, value=_text(heading))
        cell.font = Font(name=FONT, bold=True, size=12)
        cell.fill = HEADING_FILL
        cell.border = GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths[index] = max(widths[index], _longest_word(heading) + 2, min(len(heading), 30))

    body_font = Font(name=FONT, size=12)
    # Setting a style looks it up in the workbook's tables by hash, slow cell by cell: the first cell of
    # each kind is styled so, the others take a copy of its style array (the same styles in the file).
    styled: dict[tuple[bool, str], StyleArray] = {}
    for offset, values in enumerate(annex.rows):
        for index in range(columns):
            value = values[index] if index < len(values) else None
            cell = sheet.cell(row=FIRST_DATA_ROW + offset, column=index + 1)
            _write(cell, value)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            kind = (numeric, cell.number_format)
            if kind in styled:
                cell._style = copy(styled[kind])
            else:
                cell.font = body_font
                cell.border = GRID
                cell.alignment = Alignment(
                    horizontal="right" if numeric else "left", vertical="top", wrap_text=True
                )
                styled[kind] = copy(cell._style)
            widths[index] = max(widths[index], _display_length(value))

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH)
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write(cell: Cell, value: Value) -> None:
    """Numbers as numbers with a thousands format; text as text, even when it starts with "=" (a value
    typed by a body must not become a formula in the province's workbook)."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = "Có" if value else "Không"
        return
    if isinstance(value, int):
        cell.value = value
        cell.number_format = INTEGER_FORMAT
        return
    if isinstance(value, float):
        cell.value = value
        cell.number_format = INTEGER_FORMAT if value.is_integer() else DECIMAL_FORMAT
        return
    cell.value = _text(value)
    cell.data_type = "s"


def _text(value: object) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_CHARS]


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _display_length(value: Value) -> int:
    """About how many characters wide the value shows: long text wraps, so it only widens the column up
    to MAX_WIDTH, and never beyond its longest line."""
    if value is None:
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return len(f"{value:,.2f}") + 2
    return max((len(line) for line in str(value).splitlines()), default=0) + 2

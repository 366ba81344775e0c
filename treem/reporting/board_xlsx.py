"""The board as an Excel workbook: the same rows, columns and filters as the page, Vietnamese headings,
dates dd/mm/yyyy, each cell coloured by its status, and a legend under the table."""

from __future__ import annotations

from io import BytesIO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from treem.core import deadlines
from treem.core.formatting import format_date

from .selectors import BoardView, Cell
from .timeliness import Kind

FONT = "Times New Roman"
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
COLOURS = {
    Kind.ON_TIME: "E3F4E8",
    Kind.LATE: "FFF4E5",
    Kind.MISSING: "FDECEA",
    Kind.RETURNED: "F9D6D2",
    Kind.DUE: "F2F4F7",
}
LEGEND = [
    (Kind.ON_TIME, "Đúng hạn: gửi lần đầu trước khi hết ngày hạn"),
    (Kind.LATE, "Trễ N ngày: gửi lần đầu sau hạn N ngày"),
    (Kind.MISSING, "Chưa nộp: đã quá hạn mà chưa gửi"),
    (Kind.RETURNED, "Bị trả lại: cơ quan điều phối trả lại, đơn vị chưa gửi lại"),
    (Kind.DUE, "Còn N ngày: chưa đến hạn"),
]
ACCEPTED = "đã tiếp nhận"
NOT_OWED = "—"
FIRST_COLUMNS = ["STT", "Đơn vị", "Loại đơn vị"]


def cell_text(cell: Cell) -> str:
    """'Trễ 3 ngày · gửi 28/05/2023 · đã tiếp nhận'."""
    parts = [cell.status.label]
    submission = cell.submission
    if submission is not None and submission.first_submitted_at and cell.status.kind != Kind.RETURNED:
        parts.append(f"gửi {format_date(deadlines.local_date(submission.first_submitted_at))}")
    if cell.status.accepted:
        parts.append(ACCEPTED)
    return " · ".join(parts)


def board_workbook(view: BoardView) -> bytes:
    with translation.override("vi"):
        return _workbook(view)


def _workbook(view: BoardView) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "Theo dõi báo cáo"
    plan = view.board.plan
    sheet.cell(1, 1, f"Theo dõi việc gửi báo cáo: {plan.title}").font = Font(name=FONT, bold=True, size=13)
    headings = FIRST_COLUMNS + [
        f"{rnd.code}\nHạn {format_date(rnd.deadline)}\n{rnd.milestone.description[:80]}"
        for rnd in view.rounds
    ]
    for column, text in enumerate(headings, start=1):
        cell = sheet.cell(3, column, text)
        cell.font = Font(name=FONT, bold=True)
        cell.fill, cell.border = HEADING_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row_number = 4
    for number, row in enumerate(view.rows, start=1):
        values = [number, row.agency.name, row.agency.get_kind_display()]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row_number, column, value)
            cell.font, cell.border = Font(name=FONT), GRID
        for column, board_cell in enumerate(row.cells, start=len(FIRST_COLUMNS) + 1):
            text = cell_text(board_cell) if board_cell is not None else NOT_OWED
            cell = sheet.cell(row_number, column, text)
            cell.font, cell.border = Font(name=FONT), GRID
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if board_cell is not None:
                colour = COLOURS[board_cell.status.kind]
                cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        row_number += 1
    _legend(sheet, row_number + 1)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 22
    for column in range(len(FIRST_COLUMNS) + 1, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 24
    sheet.freeze_panes = "D4"
    workbook.properties.title = f"Theo dõi báo cáo {plan.code}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _legend(sheet: Worksheet, first_row: int) -> None:
    sheet.cell(first_row, 2, "Chú giải").font = Font(name=FONT, bold=True)
    for offset, (kind, text) in enumerate(LEGEND, start=1):
        colour = COLOURS[kind]
        swatch = sheet.cell(first_row + offset, 1, "")
        swatch.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        swatch.border = GRID
        sheet.cell(first_row + offset, 2, text).font = Font(name=FONT)
    note = f"“{NOT_OWED}”: đơn vị không phải báo cáo ở đợt này; “{ACCEPTED}”: cơ quan điều phối đã tiếp nhận."
    sheet.cell(first_row + len(LEGEND) + 1, 2, note).font = Font(name=FONT)

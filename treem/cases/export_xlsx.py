"""The case list as an Excel workbook (the export of personal data, treem/cases/views_export.py): one row per
case, Vietnamese headings, choices by their labels, dates dd/mm/yyyy and instants dd/mm/yyyy HH:MM in
Asia/Ho_Chi_Minh (real Excel dates, so the office can sort and filter them), text always stored as text
(a name that starts with "=" never becomes a formula)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from treem.core.deadlines import local_zone

from .models import Case, CaseState
from .procedure import default_procedure

FONT = "Times New Roman"
HEADING_FILL = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
DATE_FORMAT = "DD/MM/YYYY"
MOMENT_FORMAT = "DD/MM/YYYY HH:MM"
CELL_CHARS = 32_767
COLUMNS = [  # heading, width
    ("STT", 6),
    ("Mã trường hợp", 18),
    ("Xã", 24),
    ("Họ và tên trẻ em", 26),
    ("Giới tính", 9),
    ("Ngày sinh", 12),
    ("Năm sinh (ước tính)", 10),
    ("Thời điểm tiếp nhận", 18),
    ("Mức độ nguy cơ", 14),
    ("Hành vi xâm hại, nguy cơ", 36),
    ("Bước gần nhất", 36),
    ("Hạn gần nhất", 18),
    ("Quá hạn", 9),
    ("Trạng thái", 14),
]
NOT_ASSESSED = "Chưa đánh giá"
Value = str | int | datetime.date | datetime.datetime | None


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """An instant as local wall time without a zone (Excel has none)."""
    return timezone.localtime(moment, local_zone()).replace(tzinfo=None) if moment is not None else None


@dataclass(frozen=True)
class Labels:
    """The procedure's labels of the codes a case row shows."""

    harms: dict[str, str]
    risks: dict[str, str]
    sexes: dict[str, str]
    steps: dict[str, str]

    @classmethod
    def of_procedure(cls) -> Labels:
        procedure = default_procedure()
        return cls(
            harms={c.code: c.label for c in procedure.choices("harms")},
            risks={c.code: c.label for c in procedure.choices("risk_levels")},
            sexes={c.code: c.label for c in procedure.lists.get("sexes", ())},
            steps={step.code: step.label for step in procedure.steps},
        )


def case_row(number: int, case: Case, now: datetime.datetime, labels: Labels) -> list[Value]:
    child = case.child
    return [
        number,
        case.code,
        case.commune.name,
        child.name,
        labels.sexes.get(child.sex, child.sex),
        child.date_of_birth,
        child.birth_year_estimate,
        _local(case.received_at),
        labels.risks.get(case.risk, case.risk) if case.risk else NOT_ASSESSED,
        "; ".join(labels.harms.get(code, str(code)) for code in case.harms or []),
        labels.steps.get(case.last_step, case.last_step),
        _local(case.next_due_at),
        "Có" if case.is_overdue(now) else "Không",
        str(CaseState(case.state).label) if case.state in CaseState.values else case.state,
    ]


def _cell(sheet: Worksheet, value: Value, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_CHARS]
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, datetime.datetime):
            cell.number_format = MOMENT_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
    cell.font = Font(name=FONT, bold=bold)
    return cell


def cases_workbook(cases: Sequence[Case], *, title: str, note: str) -> bytes:
    """The workbook of these cases (communes and children loaded), in their order."""
    with translation.override("vi"):
        now, labels = timezone.now(), Labels.of_procedure()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Trường hợp")
        for index, (_heading, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C4"
        sheet.append([_cell(sheet, title, bold=True)])
        sheet.append([_cell(sheet, note)])
        headings = []
        for heading, _width in COLUMNS:
            cell = _cell(sheet, heading, bold=True)
            cell.fill = HEADING_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            headings.append(cell)
        sheet.append(headings)
        for number, case in enumerate(cases, start=1):
            sheet.append([_cell(sheet, value) for value in case_row(number, case, now, labels)])
        workbook.properties.title = title
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

"""The Excel template of a commune register upload: its layout (one row per child, columns below) and the
workbook officers download (/so-theo-doi/tai-len/mau/), with a reference sheet of the codes and drop-down
lists. The reader (treem.register.upload) checks the header row against this layout before anything else.

One row per child. A child with several supports (or circumstances with different dates) takes several
rows, each repeating the name, date of birth and commune: the upload links the repeated rows to the
first one's child.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from treem.cases.models import Disability, Household
from treem.entry.excel import put
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .reference import reference

SHEET = "Sổ theo dõi"
REFERENCE_SHEET = "Danh mục"
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
FORMATTED_ROWS = 1_000  # rows given the date format and drop-downs (more rows may be filled)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    index: int
    key: str
    header: str
    max_chars: int
    width: int = 16

    @property
    def letter(self) -> str:
        return str(get_column_letter(self.index))


_LAYOUT = [
    ("name", "Họ và tên", 200, 28),
    ("sex", "Giới tính", 20, 9),
    ("date_of_birth", "Ngày sinh (dd/mm/yyyy)", 20, 13),
    ("ethnicity", "Dân tộc", 60, 12),
    ("commune", "Mã xã", 10, 9),
    ("disability", "Khuyết tật (mức độ)", 60, 16),
    ("household", "Hộ gia đình", 60, 14),
    ("groups", "Nhóm hoàn cảnh", 2_000, 36),
    ("started_on", "Từ ngày", 20, 12),
    ("ended_on", "Đến ngày", 20, 12),
    ("support_kind", "Hình thức hỗ trợ", 200, 24),
    ("amount", "Số tiền (đồng)", 40, 14),
    ("provider", "Cơ quan hỗ trợ", 200, 24),
    ("support_from", "Từ ngày hỗ trợ", 20, 12),
    ("support_to", "Đến ngày hỗ trợ", 20, 12),
    ("decision", "Số quyết định", 100, 16),
]
COLUMNS: dict[str, Column] = {
    key: Column(index, key, header, chars, width)
    for index, (key, header, chars, width) in enumerate(_LAYOUT, start=1)
}
DATE_KEYS = ("date_of_birth", "started_on", "ended_on", "support_from", "support_to")


def _communes(scope: Scope) -> list[AdministrativeUnit]:
    if scope.case_path is None:
        return []
    # The communes of today: a child is registered where it lives now.
    units = AdministrativeUnit.objects.valid_on(timezone.localdate()).filter(
        level="commune", path__startswith=scope.case_path
    )
    return list(units.select_related("parent").order_by("path"))


def _reference_sheet(ws: Worksheet, scope: Scope) -> dict[str, str]:
    """Each list in two columns (code, label) from row 2; the ranges the drop-downs use, by column key."""
    ref = reference()
    groups = [(e.code, e.label) for e in ref.special_circumstances] + [(e.code, e.label) for e in ref.at_risk]
    lists = [
        ("ethnicity", _("Dân tộc"), ref.choices("ethnicities")),
        ("groups", _("Nhóm hoàn cảnh"), groups),
        ("support_kind", _("Hình thức hỗ trợ"), ref.choices("support_kinds")),
        ("sex", _("Giới tính"), [("male", "Nam"), ("female", "Nữ")]),
        ("disability", _("Khuyết tật"), [(str(v), str(label)) for v, label in Disability.choices if v]),
        ("household", _("Hộ gia đình"), [(str(v), str(label)) for v, label in Household.choices if v]),
        (
            "commune",
            _("Xã"),
            [(u.code, f"{u.name} ({u.parent.name if u.parent else ''})") for u in _communes(scope)],
        ),
    ]
    ranges = {}
    for position, (key, title, items) in enumerate(lists):
        code_col, label_col = 1 + position * 3, 2 + position * 3
        put(ws, 1, code_col, _("Mã")).font = Font(bold=True)
        put(ws, 1, label_col, title).font = Font(bold=True)
        for row, (code, label) in enumerate(items, start=2):
            put(ws, row, code_col, code).number_format = "@"
            put(ws, row, label_col, label)
        ws.column_dimensions[get_column_letter(label_col)].width = 40
        shown = code_col if key == "commune" else label_col
        letter = get_column_letter(shown)
        ranges[key] = f"'{REFERENCE_SHEET}'!${letter}$2:${letter}${max(len(items), 1) + 1}"
    return ranges


def build_template(scope: Scope) -> bytes:
    """The register template for the uploader's communes: instructions, the header row, formatted empty
    rows with drop-downs (a hint, not a lock: a code typed instead of a label is accepted), the codes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    put(ws, 1, 1, _("Sổ theo dõi trẻ em có hoàn cảnh đặc biệt: tải lên sổ đã có")).font = Font(
        bold=True, size=13
    )
    put(
        ws,
        2,
        1,
        _(
            "Mỗi dòng một trẻ em. Ngày dạng dd/mm/yyyy. Dân tộc, nhóm hoàn cảnh, hình thức hỗ trợ: ghi tên hoặc "
            "mã ở trang “Danh mục”; nhiều nhóm hoàn cảnh cách nhau bằng dấu “;”. Trẻ em có nhiều hỗ trợ: ghi "
            "thêm dòng, lặp lại họ tên, ngày sinh và mã xã. Không sửa dòng tiêu đề."
        ),
    ).font = Font(italic=True)
    for column in COLUMNS.values():
        cell = put(ws, HEADER_ROW, column.index, column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[column.letter].width = column.width
    last = FIRST_ROW + FORMATTED_ROWS - 1
    for key in DATE_KEYS:
        letter = COLUMNS[key].letter
        for row in range(FIRST_ROW, last + 1):
            ws[f"{letter}{row}"].number_format = DATE_FORMAT
    for row in range(FIRST_ROW, last + 1):
        ws[f"{COLUMNS['commune'].letter}{row}"].number_format = "@"
    ranges = _reference_sheet(wb.create_sheet(REFERENCE_SHEET), scope)
    for key, formula in ranges.items():
        if key == "groups":
            continue  # several groups go in one cell: a list would refuse them
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        validation.add(f"{COLUMNS[key].letter}{FIRST_ROW}:{COLUMNS[key].letter}{last}")
        ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(FIRST_ROW, 2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""The layout of the data entry template, shared by the writer (`excel`) and the reader (`excel_read`).

Sheet "Số liệu":
  rows 1–4   title (agency, period, unit) and how to fill the sheet
  row 5      hidden: column A "dataElement", then one element code per input column
  row 6      hidden: column A "categoryOptionCombo", then the combo code of each input column
  row 7      header: "Mã đơn vị", "Tên đơn vị", the Vietnamese names of the columns
  row 8…     one row per unit: GSO code (locked), name (locked), the values (unlocked input cells)
Hidden sheet "_meta": the template version and the agency, period and unit codes the file belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from treem.core.xlsx import column_index

SHEET = "Số liệu"
META_SHEET = "_meta"
TEMPLATE_VERSION = "treem-so-lieu/1"
ELEMENT_MARK = "dataElement"
COMBO_MARK = "categoryOptionCombo"
UNIT_CODE_HEADER = "Mã đơn vị"
FIRST_VALUE_COLUMN = 3  # C
MARK_SEARCH_ROWS = 30  # the code rows and the header are found by their marks within these rows
META_ROWS = 20
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class TemplateMeta:
    agency: str
    period: str
    unit: str

    def describe(self) -> str:
        return f"cơ quan {self.agency}, kỳ {self.period}, đơn vị {self.unit}"


def where(row: int, column: int, sheet: str = SHEET) -> str:
    return f"Trang tính '{sheet}', dòng {row}, cột {get_column_letter(column)}"


def template_filename(meta: TemplateMeta) -> str:
    return f"so-lieu-{meta.agency}-{meta.period}-{meta.unit}.xlsx"


PLACE = re.compile(r"Trang tính '(?P<sheet>[^']*)'(?:, dòng (?P<row>\d+))?(?:, cột (?P<column>[A-Z]{1,3}))?")
LINE = re.compile(r"(?:Dòng|dòng) (?P<row>\d+)")
INDEX = re.compile(r"\w+\[(?P<row>\d+)\]")


def place_key(text: str) -> tuple[int, str, int, int, str]:
    """Sort key of a message or place by where it points: sheet, row, column; then CSV lines and JSON
    indexes by number; anything else (a unit and period, the file as a whole) last, by its text."""
    found = PLACE.match(text)
    if found:
        row, column = found["row"], found["column"]
        return (0, found["sheet"], int(row) if row else 0, column_index(column) if column else 0, text)
    for pattern in (LINE, INDEX):
        found = pattern.match(text)
        if found:
            return (1, "", int(found["row"]), 0, text)
    return (2, "", 0, 0, text)

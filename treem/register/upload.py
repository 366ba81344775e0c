"""Reading and checking an existing commune register uploaded from Excel (the template of upload_template).

The file is read within the limits of treem.core (bytes, zip, XML, time: treem.core.xlsx) and of this module
(rows: TREEM_MAX_REGISTER_UPLOAD_ROWS; columns: the template's; each cell's length: its column's). Every
row and every column is checked; each problem names "Dòng N, cột X (header)". A file with any problem is
refused whole: `check_upload` raises InputErrors with all of them, sorted by row and column, and nothing
is staged. A valid file gives one `dict` per row, normalised (codes, ISO dates), ready to be sealed and
staged (upload_apply, which also finds each row's possible duplicates).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from treem.cases.models import NAME_INDEX_PURPOSE, Disability, Household
from treem.core import xlsx
from treem.core.crypto import blind_index, normalise
from treem.core.errors import InputErrors
from treem.core.numbers import parse_typed_number
from treem.core.uploads import Deadline, NotAnArchive, Oversized, excerpt
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .communes import CommunesByCode
from .reference import reference
from .upload_template import COLUMNS, FIRST_ROW, HEADER_ROW, REFERENCE_SHEET, SHEET, Column

DEFAULT_MAX_ROWS = 5_000
DATE_TEXT = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
GROUP_SEPARATORS = re.compile(r"[;\n]")
EARLIEST = datetime.date(1900, 1, 1)
MOST_AMOUNT = Decimal(10) ** 14
Row = dict[str, Any]


def max_rows() -> int:
    return int(getattr(settings, "TREEM_MAX_REGISTER_UPLOAD_ROWS", DEFAULT_MAX_ROWS))


class CellError(ValueError):
    """A cell's value refused: the message says why (in Vietnamese), the caller says where."""


def where(row: int, column: Column) -> str:
    return _("Dòng %(row)d, cột %(col)s (%(header)s)") % {
        "row": row,
        "col": column.letter,
        "header": column.header,
    }


# --- lookups of labels and codes ---------------------------------------------------------------------------


def _lookup(pairs: list[tuple[str, str]], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Typed text (normalised: case, diacritics and spacing ignored) → code. A text that would name two
    codes once its diacritics are dropped is left out (it must then be typed as the code)."""
    found: dict[str, set[str]] = defaultdict(set)
    for code, label in pairs:
        found[normalise(code)].add(code)
        found[normalise(label)].add(code)
    for text, code in (extra or {}).items():
        found[normalise(text)].add(code)
    return {text: next(iter(codes)) for text, codes in found.items() if len(codes) == 1 and text}


class Lookups:
    """The reference lists as the reader matches them, and the communes the uploader works on."""

    def __init__(self, scope: Scope) -> None:
        ref = reference()
        self.ethnicity = _lookup(ref.choices("ethnicities"))
        self.group = _lookup(ref.choices("special_circumstances") + ref.choices("at_risk"))
        self.support = _lookup(ref.choices("support_kinds"))
        self.sex = _lookup([("male", "Nam"), ("female", "Nữ")])
        disability = [(str(value), str(label)) for value, label in Disability.choices if value]
        self.disability = _lookup(
            disability,
            {"nhẹ": "mild", "nặng": "severe", "đặc biệt nặng": "extremely_severe", "không": ""},
        )
        household = [(str(value), str(label)) for value, label in Household.choices if value]
        self.household = _lookup(household, {"nghèo": "poor", "cận nghèo": "near_poor", "không": ""})
        self.scope = scope
        self.communes = CommunesByCode()

    def commune(self, code: str) -> AdministrativeUnit | None:
        """Today's commune of this GSO code (leading zeros optional), whether or not in scope."""
        return self.communes.current(code)

    def in_scope(self, unit: AdministrativeUnit) -> bool:
        path = self.scope.case_path
        return path is not None and unit.path.startswith(path)


# --- one cell --------------------------------------------------------------------------------------------------


def _text(value: object, column: Column) -> str:
    if isinstance(value, Oversized) or (isinstance(value, str) and len(value) > column.max_chars):
        size = value.length if isinstance(value, Oversized) else len(str(value))
        raise CellError(_("ô dài %(n)d ký tự, tối đa %(most)d") % {"n": size, "most": column.max_chars})
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return " ".join(str(value).split()) if value is not None else ""


def _code(value: object, column: Column, table: dict[str, str], unknown: str) -> str:
    text = _text(value, column)
    if not text:
        return ""
    code = table.get(normalise(text))
    if code is None:
        raise CellError(unknown % {"value": excerpt(text)})
    return code


def _date(value: object, column: Column) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, str) and DATE_TEXT.fullmatch(value.strip()):
        parts = DATE_TEXT.fullmatch(value.strip())
        assert parts is not None
        try:
            day = datetime.date(int(parts[3]), int(parts[2]), int(parts[1]))
        except ValueError:
            raise CellError(_("ngày '%(value)s' không có thật") % {"value": value.strip()}) from None
    else:
        text = excerpt(str(value))
        raise CellError(_("'%(value)s' không phải là ngày; hãy nhập dạng dd/mm/yyyy") % {"value": text})
    if day < EARLIEST:
        raise CellError(_("ngày %(day)s quá xa trong quá khứ") % {"day": day.strftime("%d/%m/%Y")})
    return day


def _amount(value: object, column: Column) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, Decimal, Oversized)) or isinstance(value, bool):
        raise CellError(_("số tiền không phải là số"))
    try:
        amount = parse_typed_number(value, integer_expected=True)
    except ValueError as exc:
        raise CellError(_("số tiền không phải là số (%(why)s)") % {"why": exc}) from None
    if amount < 0 or amount >= MOST_AMOUNT or amount != amount.to_integral_value():
        raise CellError(_("số tiền phải là số đồng nguyên, không âm, dưới 100.000 tỷ"))
    return amount.quantize(Decimal(1))


# --- one row ---------------------------------------------------------------------------------------------------


class _RowReader:
    """Reads one row's cells into a normalised dict, collecting an error for each faulty cell."""

    def __init__(
        self, cells: xlsx.SheetCells, row: int, lookups: Lookups, errors: list[tuple[int, int, str]]
    ):
        self.cells, self.row, self.lookups, self.errors = cells, row, lookups, errors
        self.today = timezone.localdate()

    def _fail(self, column: Column, message: str) -> None:
        self.errors.append((self.row, column.index, f"{where(self.row, column)}: {message}"))

    def get(self, key: str, parse: Callable[[object, Column], Any]) -> Any:
        column = COLUMNS[key]
        try:
            return parse(self.cells.value(self.row, column.index), column)
        except CellError as exc:
            self._fail(column, str(exc))
            return None

    def code(self, key: str, table: dict[str, str], unknown: str) -> str:
        return self.get(key, lambda value, column: _code(value, column, table, unknown)) or ""

    def filled(self, *keys: str) -> bool:
        return any(self.cells.value(self.row, COLUMNS[key].index) is not None for key in keys)

    def require(self, key: str, value: object, message: str) -> None:
        if value in (None, "") and not self.filled(key):
            self._fail(COLUMNS[key], message)

    def past(self, key: str, day: datetime.date | None) -> None:
        if day is not None and day > self.today:
            self._fail(COLUMNS[key], _("ngày %(day)s ở tương lai") % {"day": day.strftime("%d/%m/%Y")})

    def ordered(self, start: datetime.date | None, end: datetime.date | None, end_key: str) -> None:
        if start is not None and end is not None and end < start:
            self._fail(COLUMNS[end_key], _("ngày kết thúc trước ngày bắt đầu"))

    def read(self) -> Row:
        lookups = self.lookups
        name = self.get("name", _text) or ""
        self.require("name", name, _("thiếu họ và tên"))
        born = self.get("date_of_birth", _date)
        self.past("date_of_birth", born)
        commune = self._commune()
        row: Row = {
            "row": self.row,
            "name": name,
            "name_index": blind_index(name, purpose=NAME_INDEX_PURPOSE) if name else "",
            "sex": self.code("sex", lookups.sex, _("giới tính '%(value)s' không rõ; nhập Nam hoặc Nữ")),
            "date_of_birth": born.isoformat() if born else None,
            "ethnicity": self.code(
                "ethnicity", lookups.ethnicity, _("dân tộc '%(value)s' không có trong danh mục 54 dân tộc")
            ),
            "commune": commune,
            "disability": self.code(
                "disability", lookups.disability, _("mức độ khuyết tật '%(value)s' không có trong danh mục")
            ),
            "household": self.code(
                "household", lookups.household, _("loại hộ '%(value)s' không có trong danh mục")
            ),
            "circumstances": self._circumstances(),
            "support": self._support(),
        }
        return row

    def _commune(self) -> str:
        code = self.get("commune", _text) or ""
        self.require("commune", code, _("thiếu mã xã"))
        if not code:
            return ""
        unit = self.lookups.commune(code)
        former = self.lookups.communes.former(code) if unit is None else None
        if former is not None and former.valid_to is not None and self.lookups.in_scope(former):
            self._fail(
                COLUMNS["commune"],
                _("xã %(name)s (%(code)s) không còn tồn tại từ ngày %(day)s; hãy ghi mã xã hiện nay")
                % {"name": former.name, "code": former.code, "day": f"{former.valid_to:%d/%m/%Y}"},
            )
            return ""
        if unit is None:
            self._fail(COLUMNS["commune"], _("không có xã mã '%(code)s'") % {"code": excerpt(code)})
            return ""
        if not self.lookups.in_scope(unit):
            self._fail(
                COLUMNS["commune"],
                _("xã %(name)s (%(code)s) nằm ngoài phạm vi của bạn")
                % {"name": unit.name, "code": unit.code},
            )
            return ""
        return unit.code

    def _circumstances(self) -> list[Row]:
        column = COLUMNS["groups"]
        text = self.get("groups", _text) or ""
        groups: list[str] = []
        for part in GROUP_SEPARATORS.split(text):
            if not part.strip():
                continue
            code = self.lookups.group.get(normalise(part))
            if code is None:
                self._fail(
                    column,
                    _("nhóm hoàn cảnh '%(value)s' không có trong danh mục")
                    % {"value": excerpt(part.strip())},
                )
            elif code not in groups:
                groups.append(code)
        start = self.get("started_on", _date)
        end = self.get("ended_on", _date)
        if not text and self.filled("started_on", "ended_on"):
            self._fail(column, _("có ngày nhưng thiếu nhóm hoàn cảnh"))
        if text:
            self.require("started_on", start, _("thiếu ngày bắt đầu của hoàn cảnh"))
        self.past("started_on", start)
        self.ordered(start, end, "ended_on")
        iso = (start.isoformat() if start else None, end.isoformat() if end else None)
        return [{"group": group, "started_on": iso[0], "ended_on": iso[1]} for group in groups]

    def _support(self) -> Row | None:
        keys = ("support_kind", "amount", "provider", "support_from", "support_to", "decision")
        if not self.filled(*keys):
            return None
        kind = self.code(
            "support_kind", self.lookups.support, _("hình thức hỗ trợ '%(value)s' không có trong danh mục")
        )
        amount = self.get("amount", _amount)
        provider = self.get("provider", _text) or ""
        start = self.get("support_from", _date)
        end = self.get("support_to", _date)
        decision = self.get("decision", _text) or ""
        self.require("support_kind", kind, _("thiếu hình thức hỗ trợ"))
        self.require("provider", provider, _("thiếu cơ quan hỗ trợ"))
        self.require("support_from", start, _("thiếu ngày bắt đầu hỗ trợ"))
        self.past("support_from", start)
        self.ordered(start, end, "support_to")
        return {
            "kind": kind,
            "amount": str(amount) if amount is not None else None,
            "provider": provider,
            "started_on": start.isoformat() if start else None,
            "ended_on": end.isoformat() if end else None,
            "decision": decision,
        }


# --- the file --------------------------------------------------------------------------------------------------


def _sheet_name(book: xlsx.Workbook) -> str:
    if SHEET in book.sheets:
        return SHEET
    others = [name for name in book.sheetnames if name != REFERENCE_SHEET]
    if not others:
        raise InputErrors(
            [_("Tệp không có trang tính '%(sheet)s'; hãy dùng mẫu tải từ hệ thống.") % {"sheet": SHEET}]
        )
    return others[0]


def _check_headers(cells: xlsx.SheetCells) -> None:
    errors = []
    for column in COLUMNS.values():
        found = cells.value(HEADER_ROW, column.index)
        text = str(found) if found is not None else ""
        if normalise(text) != normalise(column.header):
            errors.append(
                _(
                    "Dòng %(row)d, cột %(col)s: tiêu đề là '%(found)s', mẫu cần '%(header)s'; hãy dùng mẫu tải từ hệ thống."
                )
                % {"row": HEADER_ROW, "col": column.letter, "found": excerpt(text), "header": column.header}
            )
    if errors:
        raise InputErrors(errors)


def _outside(cells: xlsx.SheetCells, last_row: int, errors: list[tuple[int, int, str]]) -> None:
    """Cells beyond the template's columns are named; rows beyond the limit refuse the file."""
    if any(row > last_row for row, _col in cells.beyond):
        raise InputErrors(
            [_("Tệp có hơn %(n)d dòng dữ liệu (tối đa %(n)d); hãy chia thành nhiều tệp.") % {"n": max_rows()}]
        )
    for row, col in cells.beyond:
        errors.append(
            (
                row,
                col,
                _("Dòng %(row)d, cột %(col)s: ô có nội dung nằm ngoài các cột của mẫu; hãy xóa nó.")
                % {"row": row, "col": get_column_letter(col)},
            )
        )
    if cells.beyond_count > len(cells.beyond):
        errors.append(
            (
                last_row + 1,
                0,
                _("Còn %(n)d ô khác có nội dung nằm ngoài các cột của mẫu.")
                % {"n": cells.beyond_count - len(cells.beyond)},
            )
        )


def check_upload(file: IO[bytes] | bytes, scope: Scope) -> list[Row]:
    """The rows of a filled register template, each checked and normalised. Any problem (with the file or
    with any cell) raises InputErrors listing all of them, sorted by row and column: nothing is kept."""
    deadline = Deadline()
    try:
        book = xlsx.Workbook(file, deadline=deadline)
    except NotAnArchive as exc:
        raise InputErrors(
            [_("Tệp tải lên không phải là tệp Excel .xlsx hợp lệ; hãy dùng mẫu tải từ hệ thống.")]
        ) from exc
    last_row = HEADER_ROW + max_rows()
    cells = book.read_sheet(_sheet_name(book), max_row=last_row, max_col=len(COLUMNS))
    _check_headers(cells)
    errors: list[tuple[int, int, str]] = []
    _outside(cells, last_row, errors)
    lookups = Lookups(scope)
    rows: list[Row] = []
    for number in cells.rows():
        if number < FIRST_ROW:
            continue
        if not number % 200:
            deadline.check()
        rows.append(_RowReader(cells, number, lookups, errors).read())
    if not rows and not errors:
        errors.append(
            (0, 0, _("Tệp không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng %(row)d).") % {"row": FIRST_ROW})
        )
    if errors:
        raise InputErrors([text for _row, _col, text in sorted(errors, key=lambda e: (e[0], e[1]))])
    return rows

"""Reading an uploaded .xlsx within limits, for templates treem itself wrote.

openpyxl reads a worksheet in 16 KB chunks through expat (a huge comment or tag is rescanned on every
chunk: quadratic), pads every row to the `<dimension>` the file declares (`A1:XFD20000` from 60 KB became
2.6 GB) and keeps every row it reads. This reader instead:
- checks the archive's declared and actual sizes before unpacking (`uploads.SafeZip`);
- parses each part in one expat call, refusing DOCTYPE/entities, under a time budget (`uploads.parse_xml`);
- keeps only the cells of the area the caller asks for (its template's rows and columns); cells with a
  value outside it are counted and their first places kept, so the caller can refuse them by name;
- ignores `<dimension>`; never evaluates formulas (the cached value is read, as Excel last computed it).
Values: numbers as int or Decimal, text as str, booleans as bool, numbers in a date style as datetime;
text longer than a cell can hold, and a number written with more than NUMBER_CHARS characters, as
`Oversized` (an excerpt and the length), which no value check accepts.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from .errors import InputErrors
from .uploads import (
    NUMBER_CHARS,
    Deadline,
    EndHandler,
    Oversized,
    SafeZip,
    StartHandler,
    TextHandler,
    limit,
    parse_xml,
)

CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
MAX_COLUMN, MAX_ROW = 16_384, 1_048_576
STRING_CHARS = 32_767  # Excel's own limit for a cell's text
BEYOND_KEPT = 20
Value = object  # int | Decimal | str | bool | datetime | Oversized


def column_index(letters: str) -> int:
    """'A' → 1, 'AA' → 27."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


@dataclass
class SheetCells:
    """The non-blank cells of the area read, by (row, column), 1-based; and the places of those outside."""

    cells: dict[tuple[int, int], Value] = field(default_factory=dict)
    beyond: list[tuple[int, int]] = field(default_factory=list)
    beyond_count: int = 0

    def value(self, row: int, column: int) -> Value | None:
        return self.cells.get((row, column))

    def rows(self) -> list[int]:
        return sorted({row for row, _column in self.cells})


def _blank(value: Value | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Text:
    """Collects character data while switched on. Text longer than STRING_CHARS (more than a cell can
    hold) is kept as its excerpt and length only (`Oversized`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.on = False

    def add(self, text: str) -> None:
        if self.on:
            if self.size <= STRING_CHARS:
                self.parts.append(text)
            self.size += len(text)

    def take(self) -> str | Oversized:
        text = "".join(self.parts)
        size, self.parts, self.size = self.size, [], 0
        return Oversized(text, size) if size > STRING_CHARS else text


class Workbook:
    """An .xlsx upload: its sheet names, shared strings and date styles, read within limits."""

    def __init__(self, file: IO[bytes] | bytes, *, deadline: Deadline | None = None) -> None:
        self.deadline = deadline or Deadline()
        self.zip = SafeZip(file)
        workbook = self._office_document()
        if not self.zip.has(workbook):
            raise InputErrors(
                [_("Tệp không phải là tệp Excel .xlsx (thiếu phần %(part)s).") % {"part": workbook}]
            )
        base = posixpath.dirname(workbook)
        rels = self._relationships(
            posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels"), base
        )
        self.sheets: dict[str, str] = {}  # name → part
        self._read_sheet_names(workbook, rels)
        by_type = {kind: target for _rid, (kind, target) in rels.items()}
        self.shared: list[str | Oversized] = self._shared_strings(by_type.get("sharedStrings"))
        self.date_styles: set[int] = self._date_styles(by_type.get("styles"))

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def _parse(
        self,
        part: str,
        most: int,
        start: StartHandler,
        end: EndHandler | None = None,
        text: TextHandler | None = None,
        *,
        namespaces: bool = True,
    ) -> None:
        self.deadline.check()
        data = self.zip.read(part, most)
        parse_xml(
            data,
            start,
            end or (lambda name: None),
            text or (lambda t: None),
            deadline=self.deadline,
            part=part,
            namespaces=namespaces,
        )

    def _office_document(self) -> str:
        found: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                found.append(attrs.get("Target", "").lstrip("/"))

        if self.zip.has("_rels/.rels"):
            self._parse("_rels/.rels", limit("TREEM_MAX_XML_SMALL_PART_BYTES"), start)
        return found[0] if found else "xl/workbook.xml"

    def _relationships(self, part: str, base: str) -> dict[str, tuple[str, str]]:
        """rId → (last word of the type, e.g. "worksheet", the part it points to)."""
        rels: dict[str, tuple[str, str]] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            if name != "Relationship" or attrs.get("TargetMode") == "External":
                return
            target = attrs.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(base, target))
            )
            rels[attrs.get("Id", "")] = (attrs.get("Type", "").rpartition("/")[2], path)

        if self.zip.has(part):
            self._parse(part, limit("TREEM_MAX_XML_SMALL_PART_BYTES"), start)
        return rels

    def _read_sheet_names(self, workbook: str, rels: dict[str, tuple[str, str]]) -> None:
        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "sheet":
                kind, target = rels.get(attrs.get("id", ""), ("", ""))
                if kind == "worksheet" and self.zip.has(target):
                    self.sheets.setdefault(attrs.get("name", ""), target)

        self._parse(workbook, limit("TREEM_MAX_XML_SMALL_PART_BYTES"), start)

    def _shared_strings(self, part: str | None) -> list[str | Oversized]:
        strings: list[str | Oversized] = []
        if part is None or not self.zip.has(part):
            return strings
        buffer = _Text()
        phonetic = 0

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal phonetic
            if name == "rPh":
                phonetic += 1
            buffer.on = name == "t" and not phonetic

        def end(name: str) -> None:
            nonlocal phonetic
            if name == "rPh":
                phonetic -= 1
            elif name == "t":
                buffer.on = False
            elif name == "si":
                strings.append(buffer.take())

        self._parse(part, limit("TREEM_MAX_SHARED_STRINGS_BYTES"), start, end, buffer.add)
        return strings

    def _date_styles(self, part: str | None) -> set[int]:
        """Indexes of the cell styles whose number format is a date or time."""
        if part is None or not self.zip.has(part):
            return set()
        formats: dict[int, str] = {}
        styles: list[int] = []
        in_cell_xfs = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal in_cell_xfs
            number = attrs.get("numFmtId", "0")
            number_id = int(number) if number.isdigit() and len(number) < 9 else 0
            if name == "numFmt":
                formats[number_id] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                in_cell_xfs = True
            elif name == "xf" and in_cell_xfs:
                styles.append(number_id)

        def end(name: str) -> None:
            nonlocal in_cell_xfs
            if name == "cellXfs":
                in_cell_xfs = False

        self._parse(part, limit("TREEM_MAX_XML_SMALL_PART_BYTES"), start, end)
        dates = set()
        for index, number_id in enumerate(styles):
            code = formats.get(number_id, BUILTIN_FORMATS.get(number_id, "General"))
            if is_date_format(code):
                dates.add(index)
        return dates

    def read_sheet(self, name: str, *, max_row: int, max_col: int) -> SheetCells:
        """The non-blank cells of rows 1…max_row, columns 1…max_col of the sheet `name`."""
        return _SheetReader(self, max_row, max_col).read(self.sheets[name])


class _SheetReader:
    def __init__(self, book: Workbook, max_row: int, max_col: int) -> None:
        self.book, self.max_row, self.max_col = book, max_row, max_col
        self.result = SheetCells()
        self.text = _Text()
        self.row = 0
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.inline = False
        self.phonetic = 0
        self.in_data = False

    def read(self, part: str) -> SheetCells:
        # Cell attributes (r, t, s) have no namespace: the faster parse without namespace processing.
        self.book._parse(
            part, limit("TREEM_MAX_XML_PART_BYTES"), self.start, self.end, self.text.add, namespaces=False
        )
        return self.result

    def _bad_place(self, ref: str) -> InputErrors:
        return InputErrors([_("Tệp bị hỏng: ô có địa chỉ không hợp lệ ('%(ref)s').") % {"ref": ref[:20]}])

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif name == "row":
            number = attrs.get("r")
            if number is None:
                self.row += 1
            elif number.isdigit() and 0 < len(number) <= 7 and int(number) <= MAX_ROW:
                self.row = int(number)
            else:
                raise self._bad_place(number)
            self.column = 0
        elif name == "c":
            ref = attrs.get("r")
            if ref is None:
                self.column += 1
            else:
                match = CELL_REF.fullmatch(ref)
                if not match or column_index(match[1]) > MAX_COLUMN or not 0 < int(match[2]) <= MAX_ROW:
                    raise self._bad_place(ref)
                self.column, self.row = column_index(match[1]), int(match[2])
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() and len(style) < 9 else 0
        elif name == "v":
            self.text.on = True
        elif name == "is":
            self.inline = True
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and self.inline and not self.phonetic:
            self.text.on = True

    def end(self, name: str) -> None:
        if name == "sheetData":
            self.in_data = False
        elif not self.in_data:
            return
        elif name in ("v", "t"):
            self.text.on = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "is":
            self.inline = False
        elif name == "c":
            self._cell(self.text.take())

    def _cell(self, raw: str | Oversized) -> None:
        value = self._value(raw)
        if _blank(value):
            return
        place = (self.row, self.column)
        if self.row <= self.max_row and self.column <= self.max_col:
            self.result.cells[place] = value
            return
        self.result.beyond_count += 1
        if len(self.result.beyond) < BEYOND_KEPT:
            self.result.beyond.append(place)

    def _value(self, raw: str | Oversized) -> Value | None:
        kind = self.kind
        if isinstance(raw, Oversized):
            return raw
        if kind == "s":
            strings = self.book.shared
            if not raw.strip():
                return None
            if not (raw.strip().isdigit() and int(raw) < len(strings)):
                raise InputErrors([_("Tệp bị hỏng: ô trỏ tới chuỗi không có trong tệp.")])
            return strings[int(raw)]
        if kind in ("str", "inlineStr", "e", "d"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if not raw.strip():
            return None
        return self._number(raw.strip())

    def _number(self, text: str) -> Value:
        if len(text) > NUMBER_CHARS:
            return Oversized(text)  # the value check refuses it, quoting an excerpt
        try:
            number: int | Decimal = int(text) if text.lstrip("-").isdigit() else Decimal(text)
        except (ValueError, InvalidOperation):
            return text
        if self.style in self.book.date_styles:
            try:
                return from_excel(float(number))
            except (ValueError, OverflowError, TypeError):
                return text
        return number

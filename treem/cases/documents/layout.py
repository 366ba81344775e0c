"""A printed form as a Word file: the decree's form number at the top right, the commune People's
Committee and the national title and motto side by side, the form's title, the case code, a table of each
field's label and value, the signature block (place and date, the signer's role, room to sign, the name)
and a reminder that the paper holds a child's private details. The page, fonts and header pieces are the
Decree 30 frame of treem.core.wordfile, shared with the reports."""

from __future__ import annotations

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.table import _Cell

from treem.core.wordfile import (
    BODY_SIZE,
    CELL_MARGIN_MM,
    HEADER_INDENT_MM,
    HEADER_WIDTHS_MM,
    TABLE_SIZE,
    TEXT_WIDTH_MM,
    add_run,
    bare_table,
    header_line,
    national_title,
    rule,
    set_borders,
    set_fonts,
    set_indent,
    set_page,
    set_widths,
    tight,
    to_bytes,
)

from .content import FormContent

ROW_WIDTHS_MM = (60.0, TEXT_WIDTH_MM - 60.0)
SIGNATURE_WIDTHS_MM = (70.0, 95.0)
NOTE_SIZE = Pt(11)
CONFIDENTIAL_NOTE = (
    "Biểu mẫu có thông tin bí mật đời sống riêng tư của trẻ em và danh tính người thông báo: chỉ lưu trong "
    "hồ sơ trường hợp, không sao chụp hay chuyển cho người không có trách nhiệm."
)


def form_docx(content: FormContent) -> bytes:
    """The .docx file of a form."""
    document = docx.Document()
    set_page(document)
    set_fonts(document)
    properties = document.core_properties
    properties.title = f"Mẫu số {content.number}: {content.title}"
    properties.author = f"UBND {content.body}"
    properties.language = "vi-VN"

    number = tight(document.add_paragraph())
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_run(number, f"Mẫu số {content.number}", size=BODY_SIZE, bold=True)
    _header(document, content)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    add_run(title, content.title.upper(), size=BODY_SIZE, bold=True)
    code = tight(document.add_paragraph())
    code.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cycle = f" (chu kỳ kế hoạch {content.cycle})" if content.cycle > 1 else ""
    add_run(code, f"Mã trường hợp: {content.case_code}{cycle}", size=BODY_SIZE, italic=True)
    rule(document.add_paragraph(), width_mm=40, available_mm=TEXT_WIDTH_MM)

    _rows(document, content.rows)
    _signature(document, content)

    note = document.add_paragraph()
    note.paragraph_format.space_before = Pt(18)
    add_run(note, CONFIDENTIAL_NOTE, size=NOTE_SIZE, italic=True)
    return to_bytes(document)


def _header(document: DocxDocument, content: FormContent) -> None:
    frame = bare_table(document, 1, HEADER_WIDTHS_MM)
    set_indent(frame, HEADER_INDENT_MM)
    left, right = frame.cell(0, 0), frame.cell(0, 1)
    header_line(left.paragraphs[0], "ỦY BAN NHÂN DÂN", bold=True)
    header_line(left.add_paragraph(), content.body.upper(), bold=True)
    rule(left.add_paragraph(), width_mm=22, available_mm=HEADER_WIDTHS_MM[0] - 2 * CELL_MARGIN_MM)
    national_title(right, width_mm=HEADER_WIDTHS_MM[1])


def _rows(document: DocxDocument, rows: list[tuple[str, str]]) -> None:
    """The fields, one row each: the label in bold on the left, the value on the right (a value with
    line breaks keeps them as paragraphs)."""
    grid = document.add_table(rows=len(rows), cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    set_borders(grid, "single")
    set_widths(grid, ROW_WIDTHS_MM)
    for index, (label, value) in enumerate(rows):
        label_cell, value_cell = grid.cell(index, 0), grid.cell(index, 1)
        _cell_lines(label_cell, label, bold=True)
        _cell_lines(value_cell, value, bold=False)


def _cell_lines(cell: _Cell, text: str, *, bold: bool) -> None:
    for index, line in enumerate(text.splitlines() or [""]):
        target = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        target.paragraph_format.space_before = Pt(2)
        target.paragraph_format.space_after = Pt(2)
        add_run(target, line, size=TABLE_SIZE, bold=bold)


def _signature(document: DocxDocument, content: FormContent) -> None:
    tight(document.add_paragraph())
    block = bare_table(document, 1, SIGNATURE_WIDTHS_MM)
    right = block.cell(0, 1)
    header_line(right.paragraphs[0], f"{content.place}, {content.date_text}", bold=False, italic=True)
    for line in content.signer_title.splitlines():
        header_line(right.add_paragraph(), line.strip().upper(), bold=True, size=BODY_SIZE)
    header_line(right.add_paragraph(), "(Ký, ghi rõ họ tên)", bold=False, italic=True)
    for _ in range(4):  # room for the signature (and the seal on Form 05)
        tight(right.add_paragraph())
    header_line(right.add_paragraph(), content.signer_name, bold=True, size=BODY_SIZE)

"""The frame of a Vietnamese administrative document (Decree 30/2020/NĐ-CP, Appendix I), with python-docx.

Reports leave the province as Word files that officials edit, sign and file; a layout that departs from
Decree 30 (page, margins, header, signature block) is sent back, so the frame is built here once and every
report only adds its body through the small helpers below. Sizes follow the decree's ranges (13–14 pt for
the text, 12 pt for "Nơi nhận:", 11 pt for the recipients).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.table import CT_Row
from docx.oxml.text.paragraph import CT_P
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from treem.core.wordfile import (
    BODY_SIZE,
    CELL_MARGIN_MM,
    HEADER_INDENT_MM,
    HEADER_WIDTHS_MM,
    MOTTO,
    NATIONAL_TITLE,
    TABLE_SIZE,
    TEXT_WIDTH_MM,
    add_run,
    bare_table,
    clean,
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

from .blocks import append_block, copy_of, last_run, set_text
from .content import DocumentHeader

__all__ = ["MOTTO", "NATIONAL_TITLE", "finish_document", "heading", "new_document", "paragraph", "table"]

PLACES_SIZE = Pt(12)  # "Nơi nhận:"
RECIPIENT_SIZE = Pt(11)
FIRST_LINE_INDENT = Cm(1)

SIGNATURE_WIDTHS_MM = (80.0, 85.0)


def new_document(header: DocumentHeader) -> DocxDocument:
    """A document with the page, fonts, header table, document type and summary set: the caller adds the
    body, then calls `finish_document`."""
    document = docx.Document()
    set_page(document)
    set_fonts(document)
    properties = document.core_properties
    properties.title = header.summary
    properties.author = header.issuing_body
    properties.language = "vi-VN"
    _header_table(document, header)
    title = _centred(document, header.document_type.upper(), bold=True, space_before=Pt(18))
    title.paragraph_format.space_after = Pt(0)
    if header.summary:
        _centred(document, header.summary, bold=True)
    rule(document.add_paragraph(), width_mm=40, available_mm=TEXT_WIDTH_MM)
    return document


def finish_document(document: DocxDocument, header: DocumentHeader) -> bytes:
    """Adds the signature block and the recipients, then returns the .docx file's bytes."""
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    block = bare_table(document, 1, SIGNATURE_WIDTHS_MM)
    left, right = block.cell(0, 0), block.cell(0, 1)

    places = left.paragraphs[0]
    add_run(places, "Nơi nhận:", size=PLACES_SIZE, bold=True, italic=True)
    tight(places)
    for line in header.recipients:
        tight(_recipient(left, line))

    first = True
    for line in (header.signer_title or "").splitlines() or [""]:
        paragraph = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        tight(paragraph)
        add_run(paragraph, line.strip().upper(), size=BODY_SIZE, bold=True)
    for _ in range(4):  # room for the signature and the seal
        tight(right.add_paragraph())
    name = right.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(name, header.signer_name, size=BODY_SIZE, bold=True)

    return to_bytes(document)


def heading(document: DocxDocument, text: str) -> Paragraph:
    """A bold heading of the body ("I. KẾT QUẢ …"), indented like the paragraphs it introduces and kept
    on the page of its first paragraph."""
    result = paragraph(document, text, bold=True)
    result.paragraph_format.space_before = Pt(12)
    result.paragraph_format.keep_with_next = True
    return result


def paragraph(document: DocxDocument, text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    """A body paragraph: justified, first line indented 1 cm, 6 pt between paragraphs (Decree 30)."""
    p = copy_of(_body_paragraph(bold, italic))
    set_text(last_run(p), clean(text))
    append_block(document, p)
    return Paragraph(p, document._body)


@cache
def _body_paragraph(bold: bool, italic: bool) -> CT_P:
    """The prototype of `paragraph`: its format and an empty run (copied, never used itself)."""
    result = Paragraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]
    result.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = result.paragraph_format
    fmt.first_line_indent = FIRST_LINE_INDENT
    fmt.space_before = Pt(6)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.15
    add_run(result, "", bold=bold, italic=italic)
    return result._p


def table(
    document: DocxDocument,
    headings: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths_mm: Sequence[float] | None = None,
) -> Table:
    """A bordered table with a bold header row repeated on every page; values are written as text
    (`None` as empty). Widths default to equal columns over the text area."""
    count = len(headings)
    widths = list(widths_mm) if widths_mm else [TEXT_WIDTH_MM / max(count, 1)] * count
    result = document.add_table(rows=1, cols=count)
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    result.autofit = False
    set_borders(result, "single")
    set_widths(result, widths)
    head = result.rows[0]
    flag = OxmlElement("w:tblHeader")
    head._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(head.cells, headings, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if rows:
        tbl, blank = result._tbl, _blank_row(result, widths)
        for values in rows:
            tr = copy_of(blank)
            for index, tc in enumerate(tr.tc_lst):
                value = values[index] if index < len(values) else None
                for line in ("" if value is None else str(value)).split("\n"):
                    p = copy_of(_cell_paragraph(False, WD_ALIGN_PARAGRAPH.LEFT))
                    set_text(last_run(p), clean(line))
                    tc.append(p)
            tbl.append(tr)
    after = document.add_paragraph()
    tight(after)
    return result


# ---------------------------------------------------------------------------------------------- frame


def _header_table(document: DocxDocument, header: DocumentHeader) -> None:
    frame = bare_table(document, 1, HEADER_WIDTHS_MM)
    set_indent(frame, HEADER_INDENT_MM)
    left, right = frame.cell(0, 0), frame.cell(0, 1)
    left_width, right_width = HEADER_WIDTHS_MM

    lines: list[tuple[str, bool]] = []
    if header.parent_body:
        lines.append((header.parent_body.upper(), False))
    lines.append((header.issuing_body.upper(), True))
    for index, (text, bold) in enumerate(lines):
        target = left.paragraphs[0] if index == 0 else left.add_paragraph()
        header_line(target, text, bold=bold)
    rule(left.add_paragraph(), width_mm=22, available_mm=left_width - 2 * CELL_MARGIN_MM)
    number = left.add_paragraph()
    header_line(number, header.number, bold=False)
    number.paragraph_format.space_before = Pt(4)

    national_title(right, width_mm=right_width)
    place_date = right.add_paragraph()
    header_line(place_date, _place_date(header), bold=False, italic=True, size=BODY_SIZE)
    place_date.paragraph_format.space_before = Pt(4)


def _place_date(header: DocumentHeader) -> str:
    if header.place and header.date_text:
        return f"{header.place}, {header.date_text}"
    return header.place or header.date_text


def _recipient(cell: _Cell, line: str) -> Paragraph:
    result = cell.add_paragraph()
    add_run(result, line, size=RECIPIENT_SIZE)
    return result


def _centred(
    document: DocxDocument, text: str, *, bold: bool, space_before: Length | None = None
) -> Paragraph:
    result = document.add_paragraph()
    result.alignment = WD_ALIGN_PARAGRAPH.CENTER
    result.paragraph_format.space_before = space_before if space_before is not None else Pt(0)
    add_run(result, text, size=BODY_SIZE, bold=bold)
    return result


# -------------------------------------------------------------------------------------- low-level bits


def _blank_row(target: Table, widths: Sequence[float]) -> CT_Row:
    """A data row as `add_row` makes it, cell widths set, without the cells' paragraphs (detached)."""
    row = target.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Mm(width)
    tr = row._tr
    target._tbl.remove(tr)
    for tc in tr.tc_lst:
        tc.remove(tc.p_lst[0])  # the empty paragraph of CT_Tc.new
    return tr


@cache
def _cell_paragraph(bold: bool, align: WD_ALIGN_PARAGRAPH) -> CT_P:
    """The prototype of a line of `_cell_text` (copied, never used itself)."""
    target = Paragraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]
    target.alignment = align
    target.paragraph_format.space_before = Pt(2)
    target.paragraph_format.space_after = Pt(2)
    add_run(target, "", size=TABLE_SIZE, bold=bold)
    return target._p


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH) -> None:
    """Writes text in a table cell at table size; a line break in the text starts a new paragraph."""
    lines = text.split("\n") or [""]
    for index, line in enumerate(lines):
        target = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        target.alignment = align
        target.paragraph_format.space_before = Pt(2)
        target.paragraph_format.space_after = Pt(2)
        add_run(target, line, size=TABLE_SIZE, bold=bold)

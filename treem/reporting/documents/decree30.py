"""The frame of a Vietnamese administrative document (Decree 30/2020/NĐ-CP, Appendix I), with python-docx.

Reports leave the province as Word files that officials edit, sign and file; a layout that departs from
Decree 30 (page, margins, header, signature block) is sent back, so the frame is built here once and every
report only adds its body through the small helpers below. Sizes follow the decree's ranges (13–14 pt for
the text, 12 pt for "Nơi nhận:", 11 pt for the recipients).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .blocks import PPR_ORDER, TBLPR_ORDER, append_block, copy_of, last_run, set_child, set_text
from .content import DocumentHeader

FONT = "Times New Roman"
# Characters XML 1.0 cannot hold (python-docx refuses them): text pasted from other programs carries some.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEADER_SIZE = Pt(13)  # national title, bodies, "Số:" (decree: 12–13)
BODY_SIZE = Pt(14)  # motto, title, body, signature (decree: 13–14)
TABLE_SIZE = Pt(13)
PLACES_SIZE = Pt(12)  # "Nơi nhận:"
RECIPIENT_SIZE = Pt(11)
FIRST_LINE_INDENT = Cm(1)
TEXT_WIDTH_MM = 210 - 30 - 15
CELL_MARGIN_MM = 1.9  # Word's default left/right cell margin (0.19 cm)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# The header table is a little wider than the text area (shifted 7 mm into the left margin, as in the
# decree's samples) so that the national title and a province name fit on one line at 13 pt.
HEADER_WIDTHS_MM = (72.0, 100.0)
HEADER_INDENT_MM = -7.0
SIGNATURE_WIDTHS_MM = (80.0, 85.0)


def new_document(header: DocumentHeader) -> DocxDocument:
    """A document with the page, fonts, header table, document type and summary set: the caller adds the
    body, then calls `finish_document`."""
    document = docx.Document()
    _set_page(document)
    _set_fonts(document)
    properties = document.core_properties
    properties.title = header.summary
    properties.author = header.issuing_body
    properties.language = "vi-VN"
    _header_table(document, header)
    title = _centred(document, header.document_type.upper(), bold=True, space_before=Pt(18))
    title.paragraph_format.space_after = Pt(0)
    if header.summary:
        _centred(document, header.summary, bold=True)
    _rule(document.add_paragraph(), width_mm=40, available_mm=TEXT_WIDTH_MM)
    return document


def finish_document(document: DocxDocument, header: DocumentHeader) -> bytes:
    """Adds the signature block and the recipients, then returns the .docx file's bytes."""
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    block = _bare_table(document, 1, SIGNATURE_WIDTHS_MM)
    left, right = block.cell(0, 0), block.cell(0, 1)

    places = left.paragraphs[0]
    _run(places, "Nơi nhận:", size=PLACES_SIZE, bold=True, italic=True)
    _tight(places)
    for line in header.recipients:
        _tight(_recipient(left, line))

    first = True
    for line in (header.signer_title or "").splitlines() or [""]:
        paragraph = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _tight(paragraph)
        _run(paragraph, line.strip().upper(), size=BODY_SIZE, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _tight(right.add_paragraph())
    name = right.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(name, header.signer_name, size=BODY_SIZE, bold=True)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
    set_text(last_run(p), XML_INVALID.sub("", text))
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
    _run(result, "", bold=bold, italic=italic)
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
    _borders(result, "single")
    _widths(result, widths)
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
                    set_text(last_run(p), XML_INVALID.sub("", line))
                    tc.append(p)
            tbl.append(tr)
    after = document.add_paragraph()
    _tight(after)
    return result


# ---------------------------------------------------------------------------------------------- frame


def _set_page(document: DocxDocument) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)
        # Decree 30: page numbers centred in the top margin, from the second page.
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        field.append(run)
        number._p.append(field)


def _set_fonts(document: DocxDocument) -> None:
    """Times New Roman for every script: the default template names theme fonts (Calibri/Cambria) for the
    East Asian and complex scripts, where Word may pick up Vietnamese letters with combining marks."""
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    _all_scripts(rpr.get_or_add_rFonts())
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = OxmlElement("w:szCs")
        rpr.append(size_cs)
    size_cs.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = 1.0
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = (
        None if defaults is None else defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    )
    if fonts is not None:
        _all_scripts(fonts)


def _all_scripts(fonts: BaseOxmlElement) -> None:
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _header_table(document: DocxDocument, header: DocumentHeader) -> None:
    frame = _bare_table(document, 1, HEADER_WIDTHS_MM)
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(round(Mm(HEADER_INDENT_MM).twips)))
    indent.set(qn("w:type"), "dxa")
    set_child(frame._tbl.tblPr, indent, TBLPR_ORDER)
    left, right = frame.cell(0, 0), frame.cell(0, 1)
    left_width, right_width = HEADER_WIDTHS_MM

    lines: list[tuple[str, bool]] = []
    if header.parent_body:
        lines.append((header.parent_body.upper(), False))
    lines.append((header.issuing_body.upper(), True))
    for index, (text, bold) in enumerate(lines):
        target = left.paragraphs[0] if index == 0 else left.add_paragraph()
        _header_line(target, text, bold=bold)
    _rule(left.add_paragraph(), width_mm=22, available_mm=left_width - 2 * CELL_MARGIN_MM)
    number = left.add_paragraph()
    _header_line(number, header.number, bold=False)
    number.paragraph_format.space_before = Pt(4)

    _header_line(right.paragraphs[0], NATIONAL_TITLE, bold=True)
    motto = right.add_paragraph()
    _header_line(motto, MOTTO, bold=True, size=BODY_SIZE)
    _rule(right.add_paragraph(), width_mm=62, available_mm=right_width - 2 * CELL_MARGIN_MM)
    place_date = right.add_paragraph()
    _header_line(place_date, _place_date(header), bold=False, italic=True, size=BODY_SIZE)
    place_date.paragraph_format.space_before = Pt(4)


def _place_date(header: DocumentHeader) -> str:
    if header.place and header.date_text:
        return f"{header.place}, {header.date_text}"
    return header.place or header.date_text


def _header_line(
    target: Paragraph, text: str, *, bold: bool, italic: bool = False, size: Length = HEADER_SIZE
) -> None:
    target.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _tight(target)
    _run(target, text, size=size, bold=bold, italic=italic)


def _recipient(cell: _Cell, line: str) -> Paragraph:
    result = cell.add_paragraph()
    _run(result, line, size=RECIPIENT_SIZE)
    return result


def _centred(
    document: DocxDocument, text: str, *, bold: bool, space_before: Length | None = None
) -> Paragraph:
    result = document.add_paragraph()
    result.alignment = WD_ALIGN_PARAGRAPH.CENTER
    result.paragraph_format.space_before = space_before if space_before is not None else Pt(0)
    _run(result, text, size=BODY_SIZE, bold=bold)
    return result


# -------------------------------------------------------------------------------------- low-level bits


def _run(
    target: Paragraph, text: str, *, size: Length | None = None, bold: bool = False, italic: bool = False
) -> Run:
    run = target.add_run(XML_INVALID.sub("", text))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    return run


def _tight(target: Paragraph) -> Paragraph:
    target.paragraph_format.space_before = Pt(0)
    target.paragraph_format.space_after = Pt(0)
    return target


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
    _run(target, "", size=TABLE_SIZE, bold=bold)
    return target._p


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH) -> None:
    """Writes text in a table cell at table size; a line break in the text starts a new paragraph."""
    lines = text.split("\n") or [""]
    for index, line in enumerate(lines):
        target = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        target.alignment = align
        target.paragraph_format.space_before = Pt(2)
        target.paragraph_format.space_after = Pt(2)
        _run(target, line, size=TABLE_SIZE, bold=bold)


def _rule(target: Paragraph, *, width_mm: float, available_mm: float) -> None:
    """A short centred line drawn as the top border of an almost empty paragraph: the rule Decree 30
    puts under the issuing body, the motto and the summary."""
    side = max((available_mm - width_mm) / 2, 0)
    fmt = target.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = Pt(3)  # below the descenders of the line above
    fmt.space_after = Pt(0)
    ppr = target._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        top.set(qn(name), value)
    borders.append(top)
    set_child(ppr, borders, PPR_ORDER)
    mark = OxmlElement("w:rPr")  # a small paragraph mark, so the rule sits right under the line above
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "8")
    mark.append(size)
    set_child(ppr, mark, PPR_ORDER)


def _bare_table(document: DocxDocument, rows: int, widths_mm: Sequence[float]) -> Table:
    result = document.add_table(rows=rows, cols=len(widths_mm))
    result.autofit = False
    _borders(result, "nil")
    _widths(result, widths_mm)
    return result


def _widths(target: Table, widths_mm: Sequence[float]) -> None:
    for column, width in zip(target.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in target.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _borders(target: Table, value: str) -> None:
    """Sets every border of the table ("single" or "nil"), whatever the table style says."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), value)
        if value != "nil":
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "auto")
        borders.append(edge)
    set_child(target._tbl.tblPr, borders, TBLPR_ORDER)

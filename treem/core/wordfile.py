"""Word files in the frame of a Vietnamese administrative document (Decree 30/2020/NĐ-CP, Appendix I), with
python-docx: the page, the fonts, the national title and motto, and the small layout pieces (runs, rules,
borderless and bordered tables) that every document treem issues is built from.

One home for them: the consolidated reports (treem.reporting.documents.decree30) and the printed case forms
(treem.cases.documents) both lay out their content with these. Sizes follow the decree's ranges (13–14 pt
for the text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"
# Characters XML 1.0 cannot hold (python-docx refuses them): text pasted from other programs carries some.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEADER_SIZE = Pt(13)  # bodies, "Số:" (decree: 12–13)
# The national title at 12 pt (decree: 12–13): at 13 pt bold it needs a little more than the 100 mm column
# and wraps before "NAM".
NATIONAL_TITLE_SIZE = Pt(12)
BODY_SIZE = Pt(14)  # motto, title, body, signature (decree: 13–14)
TABLE_SIZE = Pt(13)
TEXT_WIDTH_MM = 210 - 30 - 15
CELL_MARGIN_MM = 1.9  # Word's default left/right cell margin (0.19 cm)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The header table is a little wider than the text area (shifted 7 mm into the left margin, as in the
# decree's samples) so that the national title and a province name fit on one line at 13 pt.
HEADER_WIDTHS_MM = (72.0, 100.0)
HEADER_INDENT_MM = -7.0

# The schema order of the children of w:tblPr and w:pPr (ECMA-376 §17.4.60, §17.3.1.26): Word refuses a
# file whose properties are out of order.
TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
    "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
    "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def clean(text: str) -> str:
    """The text without the characters a Word file cannot hold."""
    return XML_INVALID.sub("", text)


def to_bytes(document: DocxDocument) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------ frame


def set_page(document: DocxDocument) -> None:
    """A4, margins 20/20/30/15 mm, page numbers centred in the top margin from the second page."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)
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


def set_fonts(document: DocxDocument) -> None:
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


def national_title(cell: _Cell, *, width_mm: float) -> None:
    """The national title, the motto and the rule under it, centred at the top of a header cell."""
    header_line(cell.paragraphs[0], NATIONAL_TITLE, bold=True, size=NATIONAL_TITLE_SIZE)
    header_line(cell.add_paragraph(), MOTTO, bold=True, size=BODY_SIZE)
    rule(cell.add_paragraph(), width_mm=62, available_mm=width_mm - 2 * CELL_MARGIN_MM)


def header_line(
    target: Paragraph, text: str, *, bold: bool, italic: bool = False, size: Length = HEADER_SIZE
) -> None:
    """One centred line of a document's header (no space around it)."""
    target.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tight(target)
    add_run(target, text, size=size, bold=bold, italic=italic)


# -------------------------------------------------------------------------------------- low-level bits


def add_run(
    target: Paragraph, text: str, *, size: Length | None = None, bold: bool = False, italic: bool = False
) -> Run:
    run = target.add_run(clean(text))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    return run


def tight(target: Paragraph) -> Paragraph:
    target.paragraph_format.space_before = Pt(0)
    target.paragraph_format.space_after = Pt(0)
    return target


def rule(target: Paragraph, *, width_mm: float, available_mm: float) -> None:
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


def bare_table(document: DocxDocument, rows: int, widths_mm: Sequence[float]) -> Table:
    """A table without borders (a header or a signature block), its columns `widths_mm` wide."""
    result = document.add_table(rows=rows, cols=len(widths_mm))
    result.autofit = False
    set_borders(result, "nil")
    set_widths(result, widths_mm)
    return result


def set_indent(target: Table, mm: float) -> None:
    """Shifts the table from the left margin (negative: into it)."""
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(round(Mm(mm).twips)))
    indent.set(qn("w:type"), "dxa")
    set_child(target._tbl.tblPr, indent, TBLPR_ORDER)


def set_widths(target: Table, widths_mm: Sequence[float]) -> None:
    for column, width in zip(target.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in target.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def set_borders(target: Table, value: str) -> None:
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


def set_child(parent: BaseOxmlElement, child: BaseOxmlElement, sequence: Sequence[str]) -> None:
    """Replaces `parent`'s child of the same tag, keeping the schema order Word insists on."""
    tag = child.tag
    for existing in parent.findall(tag):
        parent.remove(existing)
    names = list(sequence)
    prefixed = next(name for name in names if qn(name) == tag)
    successors = names[names.index(prefixed) + 1 :]
    parent.insert_element_before(child, *successors)
